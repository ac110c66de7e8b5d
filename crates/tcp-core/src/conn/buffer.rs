//! The connection's storage: two byte buffers and two small queues of fixed capacity.
//!
//! A byte buffer's capacity comes from the [`crate::Config`]. With the `alloc` feature its
//! contents live in a `Vec` that grows as bytes arrive, up to that capacity and no further, so a
//! connection costs memory for what it holds, not for what it may hold. Without `alloc` they
//! live in an inline array of [`INLINE_BUFFER`] bytes, which also bounds the capacity, and the
//! connection allocates nothing.

/// The most a byte buffer holds without the `alloc` feature.
pub const INLINE_BUFFER: usize = 4096;

#[cfg(feature = "alloc")]
type Storage = alloc::vec::Vec<u8>;
#[cfg(feature = "alloc")]
const MAX_CAPACITY: usize = crate::config::MAX_BUFFER as usize;

#[cfg(not(feature = "alloc"))]
type Storage = Inline;
#[cfg(not(feature = "alloc"))]
const MAX_CAPACITY: usize = INLINE_BUFFER;

/// A byte buffer whose contents always start at index 0, so that any range of it is one
/// contiguous slice (payloads are handed out by reference).
#[derive(Clone, Debug)]
pub(crate) struct ByteBuf {
    bytes: Storage,
    capacity: usize,
}

impl ByteBuf {
    /// An empty buffer that takes up to `capacity` bytes (at most what the storage can hold).
    pub(crate) fn new(capacity: usize) -> Self {
        ByteBuf { bytes: Storage::new(), capacity: capacity.min(MAX_CAPACITY) }
    }
    pub(crate) fn len(&self) -> usize {
        self.bytes.len()
    }
    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }
    /// Grows the capacity to `capacity` (never shrinks it; bounded as in [`ByteBuf::new`]).
    pub(crate) fn grow_to(&mut self, capacity: usize) {
        self.capacity = self.capacity.max(capacity.min(MAX_CAPACITY));
    }
    /// What the capacity leaves room for (none once [`ByteBuf::push_within`] went past it).
    pub(crate) fn free(&self) -> usize {
        self.capacity.saturating_sub(self.len())
    }
    /// Appends as much of `data` as fits; returns how much did.
    pub(crate) fn push(&mut self, data: &[u8]) -> usize {
        self.push_within(data, self.free())
    }
    /// Appends as much of `data` as `room` allows, which may reach past the capacity (a window
    /// rounded up promised it), never past what the storage holds; returns how much did.
    pub(crate) fn push_within(&mut self, data: &[u8], room: usize) -> usize {
        let n = data.len().min(room).min(MAX_CAPACITY - self.len());
        self.bytes.extend_from_slice(&data[..n]);
        n
    }
    /// Removes the first `n` bytes (or all, if fewer).
    pub(crate) fn consume(&mut self, n: usize) {
        let (len, n) = (self.len(), n.min(self.len()));
        self.bytes.copy_within(n.., 0);
        self.bytes.truncate(len - n);
    }
    /// Copies out and removes up to `out.len()` bytes from the front.
    pub(crate) fn pop_into(&mut self, out: &mut [u8]) -> usize {
        let n = out.len().min(self.len());
        out[..n].copy_from_slice(&self.bytes[..n]);
        self.consume(n);
        n
    }
    /// The bytes `start..start + len`, clamped to what is stored.
    pub(crate) fn slice(&self, start: usize, len: usize) -> &[u8] {
        let start = start.min(self.len());
        let end = start.saturating_add(len).min(self.len());
        &self.bytes[start..end]
    }
    pub(crate) fn clear(&mut self) {
        self.bytes.clear();
    }
}

/// Without `alloc`: the few `Vec` methods [`ByteBuf`] uses, over an inline array.
#[cfg(not(feature = "alloc"))]
#[derive(Clone, Debug)]
struct Inline {
    bytes: [u8; INLINE_BUFFER],
    len: usize,
}

#[cfg(not(feature = "alloc"))]
impl Inline {
    const fn new() -> Self {
        Inline { bytes: [0; INLINE_BUFFER], len: 0 }
    }
    /// Appends `data`, which the caller made fit.
    fn extend_from_slice(&mut self, data: &[u8]) {
        self.bytes[self.len..self.len + data.len()].copy_from_slice(data);
        self.len += data.len();
    }
    fn truncate(&mut self, len: usize) {
        self.len = self.len.min(len);
    }
    fn clear(&mut self) {
        self.len = 0;
    }
}

#[cfg(not(feature = "alloc"))]
impl core::ops::Deref for Inline {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

#[cfg(not(feature = "alloc"))]
impl core::ops::DerefMut for Inline {
    fn deref_mut(&mut self) -> &mut [u8] {
        &mut self.bytes[..self.len]
    }
}

/// A first-in first-out queue of fixed capacity.
#[derive(Clone, Debug)]
pub(crate) struct Queue<T: Copy, const N: usize> {
    items: [Option<T>; N],
    head: usize,
    len: usize,
}

impl<T: Copy, const N: usize> Queue<T, N> {
    pub(crate) const fn new() -> Self {
        Queue { items: [None; N], head: 0, len: 0 }
    }
    /// Appends `item`; returns false (and drops it) when full.
    pub(crate) fn push(&mut self, item: T) -> bool {
        if self.len == N {
            return false;
        }
        self.items[(self.head + self.len) % N] = Some(item);
        self.len += 1;
        true
    }
    pub(crate) fn is_full(&self) -> bool {
        self.len == N
    }
    pub(crate) fn pop(&mut self) -> Option<T> {
        if self.len == 0 {
            return None;
        }
        let item = self.items[self.head].take();
        self.head = (self.head + 1) % N;
        self.len -= 1;
        item
    }
}

#[cfg(test)]
mod tests {
    use super::{ByteBuf, Queue};

    #[test]
    fn bytebuf_push_consume_slice() {
        let mut b = ByteBuf::new(8);
        assert_eq!(b.push(b"hello world"), 8);
        assert_eq!(b.slice(6, 10), b"wo");
        b.consume(6);
        assert_eq!(b.slice(0, 8), b"wo");
        let mut out = [0; 1];
        assert_eq!(b.pop_into(&mut out), 1);
        assert_eq!(&out, b"w");
        assert_eq!(b.free(), 7);
        b.grow_to(12);
        assert_eq!((b.capacity(), b.free()), (12, 11));
        b.grow_to(4);
        assert_eq!(b.capacity(), 12, "a buffer never shrinks");
        b.clear();
        assert_eq!((b.len(), b.slice(0, 8)), (0, &b""[..]));
    }

    #[test]
    fn bytebuf_takes_past_its_capacity_only_when_asked() {
        let mut b = ByteBuf::new(4);
        assert_eq!(b.push_within(b"abcdefgh", 6), 6, "room past the capacity");
        assert_eq!((b.len(), b.free(), b.push(b"x")), (6, 0, 0), "and nothing more after it");
        b.consume(3);
        assert_eq!((b.free(), b.push(b"xyz")), (1, 1));
        assert_eq!(b.slice(0, 8), b"defx");
    }

    #[test]
    fn queue_is_fifo_and_bounded() {
        let mut q = Queue::<u8, 2>::new();
        assert!(q.push(1) && q.push(2) && !q.push(3));
        assert_eq!(q.pop(), Some(1));
        assert!(q.push(4));
        assert_eq!((q.pop(), q.pop(), q.pop()), (Some(2), Some(4), None));
    }
}
