//! The ordered index every queue of the listener and of the simulator keeps: keys packed into a
//! `u128`, values a `u64`, and a [`Slab`] for what the index points at.
//!
//! Why one type: each `BTreeMap<K, V>` with its own `K` and `V` is its own copy of the B-tree code
//! in a binary. The page's first download had eight of them (about 64 KB of wasm); with one key
//! type and one value type there is one copy. Every operation still costs O(log n). A packing
//! must keep the order its index needs: [`addr_key`] orders addresses as `SocketAddrV4` does.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use core::net::SocketAddrV4;

/// An ordered map from packed keys to `u64` values.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Index(BTreeMap<u128, u64>);

impl Index {
    /// An empty index.
    pub const fn new() -> Index {
        Index(BTreeMap::new())
    }
    /// Sets `key` to `value`; returns the value it had.
    pub fn insert(&mut self, key: u128, value: u64) -> Option<u64> {
        self.0.insert(key, value)
    }
    /// Removes `key`; returns its value.
    pub fn remove(&mut self, key: u128) -> Option<u64> {
        self.0.remove(&key)
    }
    /// The value of `key`.
    pub fn get(&self, key: u128) -> Option<u64> {
        self.0.get(&key).copied()
    }
    /// The smallest key and its value.
    pub fn first(&self) -> Option<(u128, u64)> {
        self.0.first_key_value().map(|(k, v)| (*k, *v))
    }
    /// Removes the smallest key; returns it and its value.
    pub fn pop_first(&mut self) -> Option<(u128, u64)> {
        self.0.pop_first()
    }
    /// The smallest key in `from..=to` and its value.
    pub fn first_in(&self, from: u128, to: u128) -> Option<(u128, u64)> {
        if from > to {
            return None;
        }
        self.0.range(from..=to).next().map(|(k, v)| (*k, *v))
    }
    /// The keys, smallest first.
    pub fn keys(&self) -> impl Iterator<Item = u128> + '_ {
        self.0.keys().copied()
    }
    /// How many keys.
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// Whether it has no key.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// Removes every key.
    pub fn clear(&mut self) {
        self.0.clear();
    }
}

/// An IPv4 address and port as 48 bits, in `SocketAddrV4`'s order (address, then port).
pub fn addr_key(addr: SocketAddrV4) -> u64 {
    (u64::from(addr.ip().to_bits()) << 16) | u64::from(addr.port())
}

/// Values kept in a `Vec` and known by their position, which stays theirs until removed (freed
/// positions are reused).
#[derive(Clone, Debug)]
pub struct Slab<T> {
    items: Vec<Option<T>>,
    free: Vec<usize>,
}

impl<T> Default for Slab<T> {
    fn default() -> Slab<T> {
        Slab { items: Vec::new(), free: Vec::new() }
    }
}

impl<T> Slab<T> {
    /// Keeps `item`; returns its position.
    pub fn insert(&mut self, item: T) -> u64 {
        match self.free.pop() {
            Some(at) => {
                self.items[at] = Some(item);
                at as u64
            }
            None => {
                self.items.push(Some(item));
                (self.items.len() - 1) as u64
            }
        }
    }
    /// Takes the item at `at`.
    pub fn remove(&mut self, at: u64) -> Option<T> {
        let at = usize::try_from(at).ok()?;
        let item = self.items.get_mut(at)?.take()?;
        self.free.push(at);
        Some(item)
    }
    /// The item at `at`.
    pub fn get(&self, at: u64) -> Option<&T> {
        self.items.get(usize::try_from(at).ok()?)?.as_ref()
    }
    /// The item at `at`, to change.
    pub fn get_mut(&mut self, at: u64) -> Option<&mut T> {
        self.items.get_mut(usize::try_from(at).ok()?)?.as_mut()
    }
    /// Removes every item.
    pub fn clear(&mut self) {
        self.items.clear();
        self.free.clear();
    }
    /// Whether it holds no item.
    pub fn is_empty(&self) -> bool {
        self.items.len() == self.free.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::net::Ipv4Addr;

    #[test]
    fn addresses_keep_their_order() {
        let a = SocketAddrV4::new(Ipv4Addr::new(10, 0, 0, 1), 65535);
        let b = SocketAddrV4::new(Ipv4Addr::new(10, 0, 0, 2), 1);
        assert!(a < b && addr_key(a) < addr_key(b));
    }

    #[test]
    fn an_index_is_ordered_and_a_slab_reuses_positions() {
        let mut index = Index::new();
        for k in [5u128, 1, 9, 7] {
            index.insert(k, (k * 10) as u64);
        }
        assert_eq!(index.first(), Some((1, 10)));
        assert_eq!(index.first_in(6, 100), Some((7, 70)));
        assert_eq!(index.first_in(10, 100), None);
        assert_eq!(index.remove(7), Some(70));
        assert_eq!(index.keys().collect::<Vec<_>>(), [1, 5, 9]);
        let mut slab = Slab::default();
        let (a, b) = (slab.insert('a'), slab.insert('b'));
        assert_eq!(slab.remove(a), Some('a'));
        assert_eq!(slab.remove(a), None);
        assert_eq!(slab.insert('c'), a);
        assert_eq!((slab.get(a), slab.get(b)), (Some(&'c'), Some(&'b')));
    }
}
