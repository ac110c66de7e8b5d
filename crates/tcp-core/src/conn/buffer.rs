//! Fixed-capacity storage: the connection allocates nothing.

/// A byte buffer of fixed capacity whose contents always start at index 0, so that any range of it
/// is one contiguous slice (payloads are handed out by reference).
#[derive(Clone, Debug)]
pub(crate) struct ByteBuf<const N: usize> {
    bytes: [u8; N],
    len: usize,
}

impl<const N: usize> ByteBuf<N> {
    pub(crate) const fn new() -> Self {
        ByteBuf { bytes: [0; N], len: 0 }
    }
    pub(crate) fn len(&self) -> usize {
        self.len
    }
    pub(crate) fn free(&self) -> usize {
        N - self.len
    }
    /// Appends as much of `data` as fits; returns how much did.
    pub(crate) fn push(&mut self, data: &[u8]) -> usize {
        let n = data.len().min(self.free());
        self.bytes[self.len..self.len + n].copy_from_slice(&data[..n]);
        self.len += n;
        n
    }
    /// Removes the first `n` bytes (or all, if fewer).
    pub(crate) fn consume(&mut self, n: usize) {
        let n = n.min(self.len);
        self.bytes.copy_within(n..self.len, 0);
        self.len -= n;
    }
    /// Copies out and removes up to `out.len()` bytes from the front.
    pub(crate) fn pop_into(&mut self, out: &mut [u8]) -> usize {
        let n = out.len().min(self.len);
        out[..n].copy_from_slice(&self.bytes[..n]);
        self.consume(n);
        n
    }
    /// The bytes `start..start + len`, clamped to what is stored.
    pub(crate) fn slice(&self, start: usize, len: usize) -> &[u8] {
        let start = start.min(self.len);
        let end = start.saturating_add(len).min(self.len);
        &self.bytes[start..end]
    }
    pub(crate) fn clear(&mut self) {
        self.len = 0;
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
        let mut b = ByteBuf::<8>::new();
        assert_eq!(b.push(b"hello world"), 8);
        assert_eq!(b.slice(6, 10), b"wo");
        b.consume(6);
        assert_eq!(b.slice(0, 8), b"wo");
        let mut out = [0; 1];
        assert_eq!(b.pop_into(&mut out), 1);
        assert_eq!(&out, b"w");
        assert_eq!(b.free(), 7);
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
