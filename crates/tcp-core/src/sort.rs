//! A stable sort that stays small in the WebAssembly build. `slice::sort_by` and friends compile
//! a copy of the standard library's sort (a few kilobytes) for every element type and every
//! comparison closure; this merge sort takes the comparison as `&dyn Fn`, so it is compiled once
//! per element type, a few hundred bytes each. Every crate of the page sorts with it (the
//! listener's and the simulator's due timers, the layout).

use alloc::vec::Vec;
use core::cmp::Ordering;

/// Sorts `v` by `cmp`, keeping equal elements in their order, like `slice::sort_by`; a bottom-up
/// merge sort, O(n log n), with one buffer the size of `v`; neighbouring runs already in order
/// are not compared element by element, so a nearly sorted `v` costs little more than copying.
pub fn sort_by<T: Copy>(v: &mut [T], cmp: &dyn Fn(&T, &T) -> Ordering) {
    let n = v.len();
    let mut merged: Vec<T> = v.to_vec();
    let mut width = 1;
    while width < n {
        // Merge each pair of neighbouring sorted runs `v[start..mid]` and `v[mid..end]`.
        for start in (0..n).step_by(2 * width) {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            // Runs already in order (most of them, when `v` nearly is) are only copied.
            if mid == end || cmp(&v[mid], &v[mid - 1]) != Ordering::Less {
                merged[start..end].copy_from_slice(&v[start..end]);
                continue;
            }
            let (mut left, mut right) = (start, mid);
            for slot in &mut merged[start..end] {
                // The right run's element goes first only if strictly smaller: that keeps it stable.
                let take_right = left == mid || (right < end && cmp(&v[right], &v[left]) == Ordering::Less);
                if take_right {
                    *slot = v[right];
                    right += 1;
                } else {
                    *slot = v[left];
                    left += 1;
                }
            }
        }
        v.copy_from_slice(&merged);
        width *= 2;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn sorts_like_the_standard_stable_sort() {
        // Pairs sorted by their first field only: equal keys must keep their order.
        let mut seed = 12345u32;
        for len in [0, 1, 2, 3, 5, 8, 13, 64, 100, 257] {
            let v: Vec<(u8, usize)> = (0..len)
                .map(|i| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    ((seed >> 24) as u8 % 7, i)
                })
                .collect();
            let mut ours = v.clone();
            sort_by(&mut ours, &|a, b| a.0.cmp(&b.0));
            let mut std = v.clone();
            std.sort_by_key(|p| p.0);
            assert_eq!(ours, std, "length {len}");
        }
        let mut rev = vec![5, 4, 3, 2, 1];
        sort_by(&mut rev, &|a, b| a.cmp(b));
        assert_eq!(rev, [1, 2, 3, 4, 5]);
    }
}
