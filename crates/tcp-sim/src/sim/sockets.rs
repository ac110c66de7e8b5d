//! A host's open sockets, indexed so that finding one costs O(log n) in the open sockets.

use alloc::boxed::Box;
use core::net::SocketAddrV4;
use tcp_core::index::{Index, Slab, addr_key};
use tcp_core::{Connection, Instant};

use crate::trace::ConnId;

/// One open socket.
#[derive(Debug)]
pub(super) struct Socket {
    /// Its trace connection.
    pub(super) id: ConnId,
    pub(super) conn: Connection,
    /// The deadline registered in the simulator's timer heap.
    pub(super) deadline: Option<Instant>,
}

/// A host's open sockets, each known by the order in which it was opened (connected or
/// accepted), which is also the order their timers fire in at the same instant.
#[derive(Debug, Default)]
pub(super) struct Sockets {
    /// Order → position in `sockets`.
    by_order: Index,
    sockets: Slab<Box<Socket>>,
    /// Trace connection index → order.
    orders: Index,
    /// (local, remote, order) packed by [`tuple_key`]: a segment goes to the oldest open socket
    /// of its 4-tuple.
    by_tuple: Index,
    opened: u64,
}

/// A socket's 4-tuple and order as one index key: 48 + 48 bits of addresses, then the order's
/// low 32 bits (a run opens far fewer sockets than 2^32: see `Limits::connections`).
fn tuple_key(local: SocketAddrV4, remote: SocketAddrV4, order: u64) -> u128 {
    (u128::from(addr_key(local)) << 80) | (u128::from(addr_key(remote)) << 32) | u128::from(order as u32)
}

impl Sockets {
    /// Adds a socket; returns its order.
    pub(super) fn insert(&mut self, socket: Socket) -> u64 {
        let order = self.opened;
        self.opened += 1;
        self.orders.insert(socket.id.index() as u128, order);
        self.by_tuple.insert(tuple_key(socket.conn.local(), socket.conn.remote(), order), order);
        let at = self.sockets.insert(Box::new(socket));
        self.by_order.insert(u128::from(order), at);
        order
    }

    pub(super) fn remove(&mut self, order: u64) {
        if let Some(s) = self.by_order.remove(u128::from(order)).and_then(|at| self.sockets.remove(at)) {
            self.orders.remove(s.id.index() as u128);
            self.by_tuple.remove(tuple_key(s.conn.local(), s.conn.remote(), order));
        }
    }

    /// The orders of every open socket, oldest first.
    pub(super) fn orders(&self) -> alloc::vec::Vec<u64> {
        self.by_order.keys().map(|k| k as u64).collect()
    }

    pub(super) fn get(&self, order: u64) -> Option<&Socket> {
        self.sockets.get(self.by_order.get(u128::from(order))?).map(|s| &**s)
    }

    pub(super) fn get_mut(&mut self, order: u64) -> Option<&mut Socket> {
        let at = self.by_order.get(u128::from(order))?;
        self.sockets.get_mut(at).map(|s| &mut **s)
    }

    /// The order of the socket of trace connection `id`, if it is open.
    pub(super) fn order_of(&self, id: ConnId) -> Option<u64> {
        self.orders.get(id.index() as u128)
    }

    pub(super) fn by_id(&self, id: ConnId) -> Option<&Socket> {
        self.order_of(id).and_then(|order| self.get(order))
    }

    /// The oldest open socket from `local` to `remote`.
    pub(super) fn find(&self, local: SocketAddrV4, remote: SocketAddrV4) -> Option<u64> {
        self.by_tuple
            .first_in(tuple_key(local, remote, 0), tuple_key(local, remote, u64::from(u32::MAX)))
            .map(|(_, order)| order)
    }

    #[cfg(test)]
    pub(super) fn is_empty(&self) -> bool {
        self.by_order.is_empty() && self.sockets.is_empty() && self.orders.is_empty() && self.by_tuple.is_empty()
    }
}
