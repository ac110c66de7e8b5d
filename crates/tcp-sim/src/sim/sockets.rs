//! A host's open sockets, indexed so that finding one costs O(log n) in the open sockets.

use alloc::boxed::Box;
use alloc::collections::{BTreeMap, BTreeSet};
use core::net::SocketAddrV4;
use tcp_core::{Connection, Instant};

/// One open socket.
#[derive(Debug)]
pub(super) struct Socket {
    /// Its trace connection index.
    pub(super) id: usize,
    pub(super) conn: Connection,
    /// The deadline registered in the simulator's timer heap.
    pub(super) deadline: Option<Instant>,
}

/// A host's open sockets, each known by the order in which it was opened (connected or
/// accepted), which is also the order their timers fire in at the same instant.
#[derive(Debug, Default)]
pub(super) struct Sockets {
    by_order: BTreeMap<u64, Box<Socket>>,
    orders: BTreeMap<usize, u64>,
    /// (local, remote, order): a segment goes to the oldest open socket of its 4-tuple.
    by_tuple: BTreeSet<(SocketAddrV4, SocketAddrV4, u64)>,
    opened: u64,
}

impl Sockets {
    /// Adds a socket; returns its order.
    pub(super) fn insert(&mut self, socket: Socket) -> u64 {
        let order = self.opened;
        self.opened += 1;
        self.orders.insert(socket.id, order);
        self.by_tuple.insert((socket.conn.local(), socket.conn.remote(), order));
        self.by_order.insert(order, Box::new(socket));
        order
    }

    pub(super) fn remove(&mut self, order: u64) {
        if let Some(s) = self.by_order.remove(&order) {
            self.orders.remove(&s.id);
            self.by_tuple.remove(&(s.conn.local(), s.conn.remote(), order));
        }
    }

    pub(super) fn get(&self, order: u64) -> Option<&Socket> {
        self.by_order.get(&order).map(|s| &**s)
    }

    pub(super) fn get_mut(&mut self, order: u64) -> Option<&mut Socket> {
        self.by_order.get_mut(&order).map(|s| &mut **s)
    }

    /// The order of the socket of trace connection `id`, if it is open.
    pub(super) fn order_of(&self, id: usize) -> Option<u64> {
        self.orders.get(&id).copied()
    }

    pub(super) fn by_id(&self, id: usize) -> Option<&Socket> {
        self.order_of(id).and_then(|order| self.get(order))
    }

    /// The oldest open socket from `local` to `remote`.
    pub(super) fn find(&self, local: SocketAddrV4, remote: SocketAddrV4) -> Option<u64> {
        self.by_tuple.range((local, remote, 0)..=(local, remote, u64::MAX)).next().map(|&(_, _, order)| order)
    }

    #[cfg(test)]
    pub(super) fn is_empty(&self) -> bool {
        self.by_order.is_empty() && self.orders.is_empty() && self.by_tuple.is_empty()
    }
}
