//! TAP 15 succinct hash bins (digest 4.3): which bin a target belongs to, and the bin names.
//!
//! Pure functions of their arguments: no I/O and no panics on any input.

use super::hash_prefix::target_path_hash;
use crate::error::{Error, Result};

/// The bin naming scheme of a `succinct_roles` delegation (TAP 15, digest 4.3).
///
/// There are `2^bit_length` bins named `{name_prefix}-{index}`, with the index in lowercase hex
/// zero-padded to the width of `2^bit_length - 1`. A target belongs to the bin whose index is
/// the first `bit_length` bits of the SHA-256 of its path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SuccinctBins {
    bit_length: u8,
    name_prefix: String,
}

/// cbindgen:ignore
impl SuccinctBins {
    /// The smallest allowed `bit_length` (digest 4.3).
    pub const MIN_BIT_LENGTH: u8 = 1;
    /// The largest allowed `bit_length` (digest 4.3).
    pub const MAX_BIT_LENGTH: u8 = 32;

    /// Bins for `bit_length` (which must be in `1..=32`, digest 4.3) and `name_prefix`.
    ///
    /// Any other `bit_length` is an [`Error::InvalidMetadata`] at `succinct_roles.bit_length`.
    /// The prefix is not validated here.
    pub fn new(bit_length: u64, name_prefix: impl Into<String>) -> Result<Self> {
        match u8::try_from(bit_length) {
            Ok(b) if (Self::MIN_BIT_LENGTH..=Self::MAX_BIT_LENGTH).contains(&b) => {
                Ok(SuccinctBins {
                    bit_length: b,
                    name_prefix: name_prefix.into(),
                })
            }
            _ => Err(Error::invalid(
                "succinct_roles.bit_length",
                format!("bit_length must be between 1 and 32, got {bit_length}"),
            )),
        }
    }

    /// The number of leading hash bits that select a bin (1..=32).
    pub fn bit_length(&self) -> u8 {
        self.bit_length
    }

    /// The bin name prefix (the part before the `-`).
    pub fn name_prefix(&self) -> &str {
        &self.name_prefix
    }

    /// `2^bit_length`, between 2 and 2^32.
    pub fn number_of_bins(&self) -> u64 {
        1u64 << self.bit_length
    }

    /// The number of hex digits in every bin suffix: the length of `2^bit_length - 1` in hex,
    /// which is `ceil(bit_length / 4)` (digest 4.3).
    pub fn suffix_width(&self) -> usize {
        usize::from(self.bit_length).div_ceil(4)
    }

    /// The bin index of `target`: the first `bit_length` bits of SHA-256(target), big-endian
    /// (digest 4.3, item 32). Always below [`number_of_bins`](Self::number_of_bins).
    pub fn bin_index(&self, target: &str) -> u32 {
        let h = target_path_hash(target);
        let top = u32::from_be_bytes([h[0], h[1], h[2], h[3]]);
        // bit_length is 1..=32, so the shift is 0..=31.
        top >> (32 - u32::from(self.bit_length))
    }

    /// The name of bin `index`: `{name_prefix}-{index:0width$x}` (digest 4.3).
    ///
    /// `index` should be below [`number_of_bins`](Self::number_of_bins); a larger index gives a
    /// name that is not a bin of this delegation (and that [`parse_bin_name`](Self::parse_bin_name)
    /// rejects).
    pub fn bin_name(&self, index: u32) -> String {
        format!(
            "{}-{:0width$x}",
            self.name_prefix,
            index,
            width = self.suffix_width()
        )
    }

    /// The name of the bin that `target` belongs to.
    pub fn bin_for_target(&self, target: &str) -> String {
        self.bin_name(self.bin_index(target))
    }

    /// If `name` is one of these bins, its index (python-tuf's `is_delegated_role`, digest 4.3).
    ///
    /// Only the exact form produced by [`bin_name`](Self::bin_name) is accepted: the prefix, a
    /// `-`, then exactly [`suffix_width`](Self::suffix_width) lowercase hex digits whose value is
    /// below [`number_of_bins`](Self::number_of_bins). Unlike Python's `int(s, 16)`, `0x`, `_`,
    /// `+`, whitespace and uppercase digits are rejected.
    pub fn parse_bin_name(&self, name: &str) -> Option<u32> {
        let suffix = name
            .strip_prefix(self.name_prefix.as_str())?
            .strip_prefix('-')?;
        if suffix.len() != self.suffix_width()
            || !suffix
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        {
            return None;
        }
        let index = u32::from_str_radix(suffix, 16).ok()?;
        (u64::from(index) < self.number_of_bins()).then_some(index)
    }

    /// Is `name` one of these bins? See [`parse_bin_name`](Self::parse_bin_name).
    pub fn is_bin_name(&self, name: &str) -> bool {
        self.parse_bin_name(name).is_some()
    }

    /// All bin names in index order, from `{prefix}-0…0` to the last bin. Lazy: with a
    /// `bit_length` of 32 there are 2^32 names.
    pub fn bin_names(&self) -> BinNames<'_> {
        BinNames {
            bins: self,
            next: 0,
            end: self.number_of_bins(),
        }
    }
}

/// Iterator over the bin names of a [`SuccinctBins`], created by [`SuccinctBins::bin_names`].
#[derive(Debug, Clone)]
pub struct BinNames<'a> {
    bins: &'a SuccinctBins,
    /// Next index to yield from the front.
    next: u64,
    /// One past the last index to yield from the back.
    end: u64,
}

impl BinNames<'_> {
    fn name_at(&self, index: u64) -> Option<String> {
        u32::try_from(index).ok().map(|i| self.bins.bin_name(i))
    }
}

impl Iterator for BinNames<'_> {
    type Item = String;

    fn next(&mut self) -> Option<String> {
        if self.next >= self.end {
            return None;
        }
        let name = self.name_at(self.next);
        self.next += 1;
        name
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.end.saturating_sub(self.next);
        match usize::try_from(left) {
            Ok(n) => (n, Some(n)),
            Err(_) => (usize::MAX, None),
        }
    }

    fn nth(&mut self, n: usize) -> Option<String> {
        let n = u64::try_from(n).unwrap_or(u64::MAX);
        self.next = self.next.saturating_add(n).min(self.end);
        self.next()
    }
}

impl DoubleEndedIterator for BinNames<'_> {
    fn next_back(&mut self) -> Option<String> {
        if self.next >= self.end {
            return None;
        }
        self.end -= 1;
        self.name_at(self.end)
    }
}

impl std::iter::FusedIterator for BinNames<'_> {}

#[cfg(test)]
mod tests;
