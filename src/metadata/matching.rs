//! Which delegation covers a target path (digest section 4).
//!
//! Three independent mechanisms decide whether a delegated role is trusted for a target:
//!
//! - `paths`: glob patterns ([`path_matches_pattern`], digest 4.1),
//! - `path_hash_prefixes`: prefixes of the target path's SHA-256 ([`matches_any_hash_prefix`],
//!   digest 4.2),
//! - succinct hash bins (TAP 15): [`SuccinctBins`] (digest 4.3).
//!
//! Everything here is a pure function of its arguments: no I/O, no allocation beyond the
//! returned values and a small compiled form of each pattern, and no panics on any input.

use crate::error::{Error, Result};

// ---------------------------------------------------------------------------------------------
// 4.1 `paths`
// ---------------------------------------------------------------------------------------------

/// Does `target` match the delegation path pattern `pattern`? (digest 4.1, item 30)
///
/// This reproduces python-tuf's `DelegatedRole._is_target_in_pathpattern` exactly, with the
/// case-sensitive `fnmatch.fnmatchcase` instead of the platform-dependent `fnmatch.fnmatch`:
///
/// 1. Both strings are split on `/`. If the numbers of segments differ, there is no match. So
///    `*` never crosses `/`, `**` is just `*`, and an empty segment only matches an empty
///    segment (`a//b` matches `a/*/b`; a leading `/` in the pattern needs one in the target).
/// 2. Each target segment is matched against the pattern segment at the same position with
///    CPython `fnmatch.fnmatchcase` semantics (see [`fnmatch_case`] for the exact grammar).
///
/// Complexity: compiling a segment is linear in its length; matching one segment is
/// `O(t * p)` in the worst case (`t` target characters, `p` pattern tokens, plus the size of a
/// character class for class tokens) and linear for patterns with at most one `*`. There is no
/// exponential backtracking.
pub fn path_matches_pattern(target: &str, pattern: &str) -> bool {
    // `str::split` yields the same pieces as Python's `str.split("/")`, including empty
    // leading, trailing and interior segments.
    if target.split('/').count() != pattern.split('/').count() {
        return false;
    }
    target
        .split('/')
        .zip(pattern.split('/'))
        .all(|(t, p)| fnmatch_case(t, p))
}

/// Does `target` match any of `patterns`? This is the `paths` branch of python-tuf's
/// `DelegatedRole.is_delegated_path` (digest 4.1, step 4: any pattern suffices).
pub fn matches_any_path_pattern(target: &str, patterns: &[String]) -> bool {
    patterns.iter().any(|p| path_matches_pattern(target, p))
}

/// CPython's `fnmatch.fnmatchcase(name, pattern)` for one string (no `/` splitting).
///
/// The grammar, following `fnmatch.translate` (CPython 3.11) exactly:
///
/// - `*` matches any run of characters, including the empty run; consecutive `*` act as one.
/// - `?` matches exactly one character (one Unicode scalar value, never a byte).
/// - `[` starts a character class. The class ends at the first `]` that is not the first
///   character after `[` or `[!`; so `[]]` and `[!]]` contain a literal `]`. If there is no
///   such `]`, the `[` is a literal character and matching continues right after it.
/// - Inside a class, a leading `!` negates; `^` never negates (`[^a]` contains `^` and `a`).
///   `a-z` is a range; a `-` first or last is literal; a range whose start is greater than
///   its end (`[z-a]`) is dropped together with its two endpoints, which can leave an empty
///   class (matches nothing) or a lone `!` (matches any one character).
/// - Backslash is an ordinary character everywhere; there is no escaping.
/// - Every other character matches itself, case-sensitively.
///
/// Matching uses the classic greedy algorithm that remembers the last `*` and retries from
/// there, which is correct because every non-`*` token consumes exactly one character.
/// Worst case `O(name.len() * tokens)`.
pub fn fnmatch_case(name: &str, pattern: &str) -> bool {
    let tokens = compile_glob(pattern);
    let name: Vec<char> = name.chars().collect();

    let (mut p, mut t) = (0usize, 0usize);
    // Position of the most recent `*` in `tokens` and the name position it was tried at.
    let mut star: Option<(usize, usize)> = None;
    while t < name.len() {
        match tokens.get(p) {
            Some(Token::Star) => {
                star = Some((p, t));
                p += 1;
            }
            Some(tok) if tok.matches(name[t]) => {
                p += 1;
                t += 1;
            }
            _ => match star {
                // Let the last `*` swallow one more character and retry after it.
                Some((sp, st)) => {
                    star = Some((sp, st + 1));
                    p = sp + 1;
                    t = st + 1;
                }
                None => return false,
            },
        }
    }
    tokens[p.min(tokens.len())..]
        .iter()
        .all(|tok| matches!(tok, Token::Star))
}

/// One compiled glob element.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    /// `*`: any run of characters.
    Star,
    /// `?`: any single character.
    Any,
    /// A class that can never match (e.g. `[z-a]`).
    Never,
    /// A literal character.
    Literal(char),
    /// A non-empty character class.
    Class {
        negated: bool,
        items: Vec<ClassItem>,
    },
}

impl Token {
    /// Does this single-character token match `c`? (`Star` is handled by the matcher.)
    fn matches(&self, c: char) -> bool {
        match self {
            Token::Star | Token::Any => true,
            Token::Never => false,
            Token::Literal(l) => *l == c,
            Token::Class { negated, items } => items.iter().any(|i| i.contains(c)) != *negated,
        }
    }
}

/// A member of a character class: an inclusive range (a single character is `lo == hi`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ClassItem {
    lo: char,
    hi: char,
}

impl ClassItem {
    fn single(c: char) -> Self {
        ClassItem { lo: c, hi: c }
    }

    fn contains(&self, c: char) -> bool {
        self.lo <= c && c <= self.hi
    }
}

/// Translate a glob into tokens, mirroring the first loop of CPython's `fnmatch.translate`.
fn compile_glob(pattern: &str) -> Vec<Token> {
    let pat: Vec<char> = pattern.chars().collect();
    let n = pat.len();
    let mut out: Vec<Token> = Vec::with_capacity(n);
    let mut i = 0;
    while i < n {
        let c = pat[i];
        i += 1;
        match c {
            '*' => {
                // Compress consecutive `*` into one.
                if out.last() != Some(&Token::Star) {
                    out.push(Token::Star);
                }
            }
            '?' => out.push(Token::Any),
            '[' => {
                // Find the closing `]`: a `]` directly after `[` or `[!` is a member.
                let mut j = i;
                if j < n && pat[j] == '!' {
                    j += 1;
                }
                if j < n && pat[j] == ']' {
                    j += 1;
                }
                while j < n && pat[j] != ']' {
                    j += 1;
                }
                if j >= n {
                    // No closing `]`: a literal `[`, and continue right after it.
                    out.push(Token::Literal('['));
                } else {
                    out.push(compile_class(&pat[i..j]));
                    i = j + 1;
                }
            }
            other => out.push(Token::Literal(other)),
        }
    }
    out
}

/// A character of the class body as CPython hands it to the regex engine: either an
/// unescaped `-` that CPython meant as a range operator, or any character taken literally
/// (CPython escapes `\`, in-chunk `-`, `&`, `~`, `|` and a leading `^` or `[`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ClassChar {
    RangeDash,
    Lit(char),
}

impl ClassChar {
    fn ch(self) -> char {
        match self {
            ClassChar::RangeDash => '-',
            ClassChar::Lit(c) => c,
        }
    }
}

/// Compile the text between `[` and its closing `]`.
///
/// This follows CPython's `fnmatch.translate` step by step and then interprets the resulting
/// regex set the way `re` (sre_parse) does, so that even odd inputs agree: `[z-a!x]` drops the
/// empty range `z-a` and CPython then reads the remaining leading `!` as negation, and in
/// `[z-a!-x]` the now-leading `-` is a literal for the regex engine.
fn compile_class(body: &[char]) -> Token {
    let chars: Vec<ClassChar> = if !body.contains(&'-') {
        body.iter().map(|&c| ClassChar::Lit(c)).collect()
    } else {
        // Split into chunks at the range-operator hyphens. The first member (after an optional
        // `!`) can't start a search, and after a range `x-y` the next search starts past `y`
        // and one more character.
        let mut chunks: Vec<Vec<char>> = Vec::new();
        let mut start = 0;
        let mut k = if body.first() == Some(&'!') { 2 } else { 1 };
        while let Some(off) = body.get(k..).and_then(|s| s.iter().position(|&c| c == '-')) {
            let dash = k + off;
            chunks.push(body[start..dash].to_vec());
            start = dash + 1;
            k = dash + 3;
        }
        let last = &body[start..];
        if !last.is_empty() {
            chunks.push(last.to_vec());
        } else if let Some(prev) = chunks.last_mut() {
            // A trailing `-` is a literal member.
            prev.push('-');
        }
        // Remove empty ranges (start > end) together with both endpoints, right to left.
        for idx in (1..chunks.len()).rev() {
            let (end_of_prev, start_of_next) = (chunks[idx - 1].last(), chunks[idx].first());
            if let (Some(a), Some(b)) = (end_of_prev, start_of_next) {
                if a > b {
                    let next = chunks.remove(idx);
                    let prev = &mut chunks[idx - 1];
                    prev.pop();
                    prev.extend_from_slice(&next[1..]);
                }
            }
        }
        let mut chars = Vec::with_capacity(body.len());
        for (idx, chunk) in chunks.iter().enumerate() {
            if idx > 0 {
                chars.push(ClassChar::RangeDash);
            }
            chars.extend(chunk.iter().map(|&c| ClassChar::Lit(c)));
        }
        chars
    };

    // `if not stuff: (?!)` -- an empty class never matches.
    let Some((&first, rest)) = chars.split_first() else {
        return Token::Never;
    };
    // A leading `!` becomes the regex `^`; `stuff == '!'` becomes `.` (any character).
    let (negated, members) = if first == ClassChar::Lit('!') {
        if rest.is_empty() {
            return Token::Any;
        }
        (true, rest)
    } else {
        (false, &chars[..])
    };

    // Now read `members` as the regex engine reads a set body: `a-b` is a range when the `-`
    // is an unescaped operator, a `-` before the closing `]` is literal, everything else is a
    // single character.
    let mut items = Vec::with_capacity(members.len());
    let mut i = 0;
    while i < members.len() {
        let lo = members[i].ch();
        i += 1;
        if members.get(i) == Some(&ClassChar::RangeDash) {
            match members.get(i + 1) {
                None => {
                    items.push(ClassItem::single(lo));
                    items.push(ClassItem::single('-'));
                    i += 1;
                }
                Some(hi) => {
                    let hi = hi.ch();
                    // Reversed ranges were removed above; should one remain, it is empty.
                    if lo <= hi {
                        items.push(ClassItem { lo, hi });
                    }
                    i += 2;
                }
            }
        } else {
            items.push(ClassItem::single(lo));
        }
    }
    Token::Class { negated, items }
}

// ---------------------------------------------------------------------------------------------
// 4.2 `path_hash_prefixes`
// ---------------------------------------------------------------------------------------------

/// SHA-256 of the UTF-8 bytes of a target path (digest 4.2, 4.3).
pub fn target_path_hash(target: &str) -> [u8; 32] {
    let digest = ring::digest::digest(&ring::digest::SHA256, target.as_bytes());
    let mut out = [0u8; 32];
    for (o, b) in out.iter_mut().zip(digest.as_ref()) {
        *o = *b;
    }
    out
}

/// Lowercase hex SHA-256 of the UTF-8 bytes of a target path (digest 4.2).
pub fn target_path_hash_hex(target: &str) -> String {
    crate::crypto::hex::encode(&target_path_hash(target))
}

/// Does the lowercase hex digest `target_hash_hex` start with `prefix`? (digest 4.2, item 31)
///
/// A plain string prefix test, as python-tuf's `str.startswith`: an uppercase prefix never
/// matches a lowercase digest, and an empty prefix matches every digest.
pub fn path_hash_prefix_matches(target_hash_hex: &str, prefix: &str) -> bool {
    target_hash_hex.starts_with(prefix)
}

/// Is `target` covered by any of `prefixes`? The `path_hash_prefixes` branch of python-tuf's
/// `DelegatedRole.is_delegated_path` (digest 4.2). The hash is computed once.
pub fn matches_any_hash_prefix(target: &str, prefixes: &[String]) -> bool {
    if prefixes.is_empty() {
        return false;
    }
    let hex = target_path_hash_hex(target);
    prefixes.iter().any(|p| path_hash_prefix_matches(&hex, p))
}

// ---------------------------------------------------------------------------------------------
// 4.3 Succinct hash bins (TAP 15)
// ---------------------------------------------------------------------------------------------

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
mod tests {
    use super::*;

    /// (pattern, name, expected). The expectations are CPython 3.11's
    /// `fnmatch.fnmatchcase(name, pattern)`, generated with `python3 -c "import fnmatch; ..."`.
    const FNMATCHCASE_TABLE: &[(&str, &str, bool)] = &[
        ("*", "", true),
        ("*", "abc", true),
        ("*", ".hidden", true),
        ("**", "abc", true),
        ("a*", "a", true),
        ("a*", "ba", false),
        ("*a", "bca", true),
        ("*a", "abc", false),
        ("a*b*c", "abc", true),
        ("a*b*c", "aXbYc", true),
        ("a*b*c", "acb", false),
        ("*.tgz", "foo.tgz", true),
        ("*.tgz", "foo.txt", false),
        ("?", "", false),
        ("?", "a", true),
        ("?", "ab", false),
        ("??", "ab", true),
        ("a?c", "abc", true),
        ("a?c", "ac", false),
        ("?", "é", true),
        ("?", "😀", true),
        ("??", "é", false),
        ("*?", "", false),
        ("*?", "x", true),
        ("?*?", "x", false),
        ("?*?", "xy", true),
        ("a*a*a*b", "aaaaab", true),
        ("a*a*a*b", "aaaaa", false),
        ("*\n", "a\n", true),
        ("?", "\n", true),
        ("[abc]", "b", true),
        ("[abc]", "d", false),
        ("[abc]", "", false),
        ("[abc]", "ab", false),
        ("[a-z]", "m", true),
        ("[a-z]", "M", false),
        ("[a-z]", "-", false),
        ("[!a-z]", "M", true),
        ("[!a-z]", "m", false),
        ("[!abc]", "d", true),
        ("[!abc]", "a", false),
        ("[^abc]", "^", true),
        ("[^abc]", "a", true),
        ("[^abc]", "d", false),
        ("[]]", "]", true),
        ("[]]", "a", false),
        ("[]a]", "a", true),
        ("[]a]", "]", true),
        ("[!]]", "]", false),
        ("[!]]", "a", true),
        ("[!]a]", "b", true),
        ("[!]a]", "a", false),
        ("[[]", "[", true),
        ("[[]", "a", false),
        ("[", "[", true),
        ("[", "a", false),
        ("[a", "[a", true),
        ("a[", "a[", true),
        ("[!", "[!", true),
        ("[!]", "[!]", true),
        ("[!]", "!", false),
        ("[]", "[]", true),
        ("[]", "", false),
        ("[]-]", "-", true),
        ("[]-]", "]", true),
        ("[a-]", "a", true),
        ("[a-]", "-", true),
        ("[a-]", "b", false),
        ("[-a]", "-", true),
        ("[-a]", "a", true),
        ("[-]", "-", true),
        ("[!-]", "-", false),
        ("[!-]", "a", true),
        ("[--]", "-", true),
        ("[---]", "-", true),
        ("[!a-]", "-", false),
        ("[!a-]", "b", true),
        ("[z-a]", "z", false),
        ("[z-a]", "a", false),
        ("[z-a]", "m", false),
        ("[!z-a]", "m", true),
        ("[!z-a]", "z", true),
        ("[!z-a]", "é", true),
        ("[z-ab]", "b", true),
        ("[z-ab]", "a", false),
        ("[z-ab]", "z", false),
        ("[az-ab]", "a", true),
        ("[az-ab]", "b", true),
        ("[az-ab]", "z", false),
        ("[a-c-e]", "b", true),
        ("[a-c-e]", "-", true),
        ("[a-c-e]", "e", true),
        ("[a-c-e]", "d", false),
        ("[c-b-a]", "-", true),
        ("[c-b-a]", "a", true),
        ("[c-b-a]", "b", false),
        ("[a-bc-e]", "d", true),
        ("[a-b--c]", ",", false),
        ("[a-b--c]", "-", true),
        ("[a-b--c]", "d", false),
        ("[z-a!x]", "y", true),
        ("[z-a!x]", "x", false),
        ("[z-a!-x]", "-", false),
        ("[z-a!-x]", "!", true),
        ("[z-a^]", "^", true),
        ("[z-a^]", "a", false),
        ("[\\]", "\\", true),
        ("[\\]", "]", false),
        ("\\", "\\", true),
        ("\\*", "\\abc", true),
        ("\\*", "*", false),
        ("\\?", "\\x", true),
        ("[\\-a]", "Z", false),
        ("[\\-a]", "b", false),
        ("[a\\-z]", "\\", true),
        ("[a\\-z]", "m", true),
        ("[&&]", "&", true),
        ("[a&&b]", "&", true),
        ("[~~]", "~", true),
        ("[||]", "|", true),
        ("[[:alpha:]]", "a", false),
        ("[[:alpha:]]", ":]", true),
        ("[.]", ".", true),
        ("[.]", "a", false),
        (".", "a", false),
        ("a.b", "a.b", true),
        ("a.b", "aXb", false),
        ("(a|b)", "(a|b)", true),
        ("(a|b)", "a", false),
        ("$^", "$^", true),
        ("a+", "aa", false),
        ("a{2}", "aa", false),
        ("a{2}", "a{2}", true),
        ("[α-ω]", "λ", true),
        ("[α-ω]", "a", false),
        ("[!é]", "e", true),
        ("[!é]", "é", false),
        ("é*", "éclair", true),
        ("FOO", "foo", false),
        ("[A-Z]", "a", false),
        ("*[ab]", "xxb", true),
        ("*[!ab]", "xxb", false),
        ("[*]", "*", true),
        ("[*]", "a", false),
        ("[?]", "?", true),
        ("[?]", "a", false),
        ("*[", "ab[", true),
        ("[a]b]", "ab]", true),
        ("[a]b]", "b]", false),
        ("[*", "[abc", true),
        ("*]", "x]", true),
    ];

    /// (pattern, target, expected). The expectations are python-tuf's
    /// `_is_target_in_pathpattern` (split on `/`, equal segment counts, then per segment) with
    /// CPython's `fnmatch.fnmatchcase`, generated with python3.
    const PATH_TABLE: &[(&str, &str, bool)] = &[
        ("targets/*.tgz", "targets/foo.tgz", true),
        ("targets/*.tgz", "targets/foo.txt", false),
        ("foo-version-?.tgz", "foo-version-2.tgz", true),
        ("foo-version-?.tgz", "foo-version-a.tgz", true),
        ("foo-version-?.tgz", "foo-version-alpha.tgz", false),
        ("*.tgz", "foo.tgz", true),
        ("*.tgz", "targets/foo.tgz", false),
        ("foo.tgz", "foo.tgz", true),
        ("foo.tgz", "foo.tgzx", false),
        ("foo.tgz", "xfoo.tgz", false),
        ("*/*/*", "a/b/c", true),
        ("a/**", "a/b", true),
        ("a/**", "a/b/c", false),
        ("**", "a/b/c", false),
        ("*", ".hidden", true),
        ("a/*/b", "a//b", true),
        ("a/*/b", "a/b", false),
        ("/*", "/a", true),
        ("/*", "a", false),
        ("*", "/a", false),
        ("a/*", "a/", true),
        ("a/", "a/", true),
        ("a/", "a", false),
        ("*", "", true),
        ("", "", true),
        ("a/[!x]", "a/b", true),
        ("a/[^x]", "a/b", false),
        ("a/[^x]", "a/^", true),
        ("a/[[]", "a/[", true),
        ("a/[", "a/[", true),
        ("a\\b", "a\\b", true),
        ("a\\b", "a/b", false),
        ("a[/]b", "a/b", false),
        ("a[/]b", "a[/]b", true),
        ("a/b", "A/b", false),
        ("dir/*.txt", "dir/file.TXT", false),
        ("x/*/z.txt", "x/y/z.txt", true),
        ("x/*/z.txt", "x/z.txt", false),
    ];

    #[test]
    fn fnmatchcase_table_matches_cpython() {
        let mut failures = Vec::new();
        for &(pattern, name, expected) in FNMATCHCASE_TABLE {
            if fnmatch_case(name, pattern) != expected {
                failures.push((pattern, name, expected));
            }
        }
        assert!(failures.is_empty(), "mismatches: {failures:?}");
    }

    #[test]
    fn path_table_matches_python_tuf() {
        let mut failures = Vec::new();
        for &(pattern, target, expected) in PATH_TABLE {
            if path_matches_pattern(target, pattern) != expected {
                failures.push((pattern, target, expected));
            }
        }
        assert!(failures.is_empty(), "mismatches: {failures:?}");
    }

    /// Digest 4.1, the spec examples.
    #[test]
    fn spec_examples() {
        assert!(path_matches_pattern("targets/foo.tgz", "targets/*.tgz"));
        assert!(!path_matches_pattern("targets/foo.txt", "targets/*.tgz"));
        assert!(path_matches_pattern(
            "foo-version-2.tgz",
            "foo-version-?.tgz"
        ));
        assert!(path_matches_pattern(
            "foo-version-a.tgz",
            "foo-version-?.tgz"
        ));
        assert!(!path_matches_pattern(
            "foo-version-alpha.tgz",
            "foo-version-?.tgz"
        ));
        assert!(path_matches_pattern("foo.tgz", "*.tgz"));
        assert!(!path_matches_pattern("targets/foo.tgz", "*.tgz"));
        assert!(path_matches_pattern("foo.tgz", "foo.tgz"));
        assert!(!path_matches_pattern("bar.tgz", "foo.tgz"));
        assert!(!path_matches_pattern("foo.tgz.sig", "foo.tgz"));
    }

    /// Digest 4.1, "What this means in practice".
    #[test]
    fn digest_practice_bullets() {
        // `*` never crosses `/`; no recursive `**`.
        assert!(path_matches_pattern("a/b/c", "*/*/*"));
        assert!(path_matches_pattern("a/b", "a/**"));
        assert!(!path_matches_pattern("a/b/c", "a/**"));
        assert!(!path_matches_pattern("a/b", "*"));
        // `*` matches the empty string and leading dots.
        assert!(path_matches_pattern("", "*"));
        assert!(path_matches_pattern("a/", "a/*"));
        assert!(path_matches_pattern(".hidden", "*"));
        assert!(path_matches_pattern("dir/.hidden", "dir/*"));
        // Classes, ranges, negation.
        assert!(path_matches_pattern("b", "[abc]"));
        assert!(!path_matches_pattern("d", "[abc]"));
        assert!(path_matches_pattern("q", "[a-z]"));
        assert!(!path_matches_pattern("Q", "[a-z]"));
        assert!(path_matches_pattern("d", "[!abc]"));
        assert!(!path_matches_pattern("a", "[!abc]"));
        // `[^seq]` is not negation.
        assert!(path_matches_pattern("^", "[^abc]"));
        assert!(path_matches_pattern("a", "[^abc]"));
        assert!(!path_matches_pattern("d", "[^abc]"));
        // `[[]` matches `[`; an unclosed `[` is literal.
        assert!(path_matches_pattern("[", "[[]"));
        assert!(path_matches_pattern("[", "["));
        assert!(path_matches_pattern("a[b", "a[b"));
        assert!(!path_matches_pattern("ab", "a[b"));
        // Backslash is literal.
        assert!(path_matches_pattern("a\\b", "a\\b"));
        assert!(path_matches_pattern("\\x", "\\?"));
        assert!(!path_matches_pattern("?", "\\?"));
        assert!(!path_matches_pattern("*", "\\*x"));
        // Empty segments.
        assert!(path_matches_pattern("a//b", "a/*/b"));
        assert!(!path_matches_pattern("a/b", "a/*/b"));
        assert!(path_matches_pattern("/x", "/*"));
        assert!(!path_matches_pattern("x", "/*"));
        // Case-sensitive.
        assert!(!path_matches_pattern("Foo.tgz", "foo.tgz"));
        assert!(!path_matches_pattern("foo.TGZ", "*.tgz"));
    }

    #[test]
    fn question_mark_is_one_scalar_value() {
        assert!(fnmatch_case("é", "?"));
        assert!(fnmatch_case("日本", "??"));
        assert!(!fnmatch_case("日本", "?"));
        assert!(fnmatch_case("x😀y", "x?y"));
        assert!(fnmatch_case("é", "[é]"));
        assert!(fnmatch_case("λ", "[α-ω]"));
    }

    #[test]
    fn any_pattern_helper() {
        let patterns = vec!["docs/*".to_string(), "*.tgz".to_string()];
        assert!(matches_any_path_pattern("docs/readme", &patterns));
        assert!(matches_any_path_pattern("a.tgz", &patterns));
        assert!(!matches_any_path_pattern("x/a.tgz", &patterns));
        assert!(!matches_any_path_pattern("a.tgz", &[]));
    }

    /// Would take ~forever with naive recursive backtracking: the `b` never occurs.
    #[test]
    fn pathological_patterns_finish() {
        let name = "a".repeat(20_000);
        let pattern = format!("{}b", "*a".repeat(50));
        assert!(!fnmatch_case(&name, &pattern));
        let pattern = "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b";
        assert!(!path_matches_pattern(&"a".repeat(10_000), pattern));
        assert!(path_matches_pattern(
            &format!("{}b", "a".repeat(10_000)),
            pattern
        ));
        let pattern = format!("{}[!a]", "*?".repeat(40));
        assert!(!fnmatch_case(&name, &pattern));
        // Many segments.
        let target = vec!["a"; 5_000].join("/");
        let pattern = vec!["*"; 5_000].join("/");
        assert!(path_matches_pattern(&target, &pattern));
    }

    /// Digest 4.2: sha256("file1.txt") = 55ae75d9..., `55`/`56` match, `5a` does not.
    #[test]
    fn hash_prefix_example() {
        let hex = target_path_hash_hex("file1.txt");
        assert_eq!(
            hex,
            "55ae75d991c770d8f3ef07cbfde124ffce9c420da5db6203afab700b27e10cf9"
        );
        assert_eq!(target_path_hash("file1.txt")[..4], [0x55, 0xae, 0x75, 0xd9]);
        assert!(path_hash_prefix_matches(&hex, "55"));
        assert!(!path_hash_prefix_matches(&hex, "56"));
        assert!(!path_hash_prefix_matches(&hex, "5a"));
        assert!(matches_any_hash_prefix(
            "file1.txt",
            &["55".to_string(), "56".to_string()]
        ));
        assert!(!matches_any_hash_prefix("file1.txt", &["5a".to_string()]));
        assert!(!matches_any_hash_prefix("file1.txt", &[]));
    }

    #[test]
    fn hash_prefix_details() {
        let hex = target_path_hash_hex("file1.txt");
        // Any length, up to the full digest.
        assert!(path_hash_prefix_matches(&hex, "5"));
        assert!(path_hash_prefix_matches(&hex, "55ae75d991c7"));
        assert!(path_hash_prefix_matches(&hex, &hex));
        assert!(!path_hash_prefix_matches(&hex, &format!("{hex}0")));
        // Uppercase never matches (python-tuf's `str.startswith`).
        assert!(!path_hash_prefix_matches(&hex, "55AE"));
        assert!(!matches_any_hash_prefix("file1.txt", &["55AE".to_string()]));
        // The empty prefix matches everything, as `str.startswith("")` does.
        assert!(path_hash_prefix_matches(&hex, ""));
        // UTF-8 bytes of the path are hashed.
        assert_eq!(
            target_path_hash_hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    /// Every row of the digest 4.3 worked example.
    #[test]
    fn succinct_worked_example() {
        let rows: &[(&str, u64, u32, &str)] = &[
            ("file1.txt", 3, 2, "alice.hbd-2"),
            ("file1.txt", 5, 10, "alice.hbd-0a"),
            ("file1.txt", 8, 85, "alice.hbd-55"),
            ("file1.txt", 11, 685, "alice.hbd-2ad"),
            ("file1.txt", 32, 1_437_496_793, "alice.hbd-55ae75d9"),
            ("dir/file2.txt", 11, 3, "alice.hbd-003"),
            ("dir/file2.txt", 16, 99, "alice.hbd-0063"),
        ];
        for &(target, bits, index, name) in rows {
            let bins = SuccinctBins::new(bits, "alice.hbd").unwrap();
            assert_eq!(bins.bin_index(target), index, "{target} at {bits} bits");
            assert_eq!(bins.bin_name(index), name);
            assert_eq!(bins.bin_for_target(target), name);
            assert_eq!(bins.parse_bin_name(name), Some(index));
        }
        let bins = SuccinctBins::new(11, "alice.hbd").unwrap();
        assert_eq!(bins.bin_names().next().unwrap(), "alice.hbd-000");
        assert_eq!(bins.bin_names().next_back().unwrap(), "alice.hbd-7ff");
    }

    #[test]
    fn succinct_first_and_last_names() {
        let rows: &[(u64, u64, usize, &str, &str)] = &[
            (1, 2, 1, "p-0", "p-1"),
            (4, 16, 1, "p-0", "p-f"),
            (5, 32, 2, "p-00", "p-1f"),
            (8, 256, 2, "p-00", "p-ff"),
            (11, 2048, 3, "p-000", "p-7ff"),
            (16, 65536, 4, "p-0000", "p-ffff"),
            (32, 1 << 32, 8, "p-00000000", "p-ffffffff"),
        ];
        for &(bits, count, width, first, last) in rows {
            let bins = SuccinctBins::new(bits, "p").unwrap();
            assert_eq!(bins.bit_length() as u64, bits);
            assert_eq!(bins.name_prefix(), "p");
            assert_eq!(bins.number_of_bins(), count);
            assert_eq!(bins.suffix_width(), width);
            assert_eq!(bins.bin_name(0), first);
            assert_eq!(bins.bin_name((count - 1) as u32), last);
            let mut names = bins.bin_names();
            assert_eq!(names.next().as_deref(), Some(first));
            assert_eq!(names.next_back().as_deref(), Some(last));
            assert_eq!(bins.parse_bin_name(first), Some(0));
            assert_eq!(bins.parse_bin_name(last), Some((count - 1) as u32));
            assert!(u64::from(bins.bin_index("file1.txt")) < count);
        }
    }

    #[test]
    fn succinct_iterates_all_names_in_order() {
        let bins = SuccinctBins::new(5, "bin").unwrap();
        let names: Vec<String> = bins.bin_names().collect();
        assert_eq!(names.len(), 32);
        assert_eq!(bins.bin_names().size_hint(), (32, Some(32)));
        for (i, name) in names.iter().enumerate() {
            assert_eq!(bins.parse_bin_name(name), Some(i as u32));
        }
        assert_eq!(names[10], "bin-0a");
        assert_eq!(bins.bin_names().nth(31).as_deref(), Some("bin-1f"));
        assert_eq!(bins.bin_names().nth(32), None);
        let mut reversed: Vec<String> = bins.bin_names().rev().collect();
        reversed.reverse();
        assert_eq!(reversed, names);
        let mut it = bins.bin_names();
        assert_eq!(it.nth(usize::MAX), None);
        assert_eq!(it.next(), None);
        // 2^32 names are produced lazily.
        let big = SuccinctBins::new(32, "b").unwrap();
        assert_eq!(
            big.bin_names().nth(0xdead_beef).as_deref(),
            Some("b-deadbeef")
        );
    }

    #[test]
    fn succinct_bin_index_is_leading_bits() {
        for bits in 1..=32u64 {
            let bins = SuccinctBins::new(bits, "x").unwrap();
            // 0x55ae75d9 >> (32 - bits)
            assert_eq!(bins.bin_index("file1.txt"), 0x55ae_75d9u32 >> (32 - bits));
            assert!(u64::from(bins.bin_index("dir/file2.txt")) < bins.number_of_bins());
        }
    }

    #[test]
    fn succinct_rejects_bad_bit_length() {
        for bits in [0u64, 33, 64, 256, 257, u64::MAX] {
            let err = SuccinctBins::new(bits, "p").unwrap_err();
            assert_eq!(err.kind(), crate::ErrorKind::InvalidMetadata);
            assert!(err.to_string().contains("bit_length"), "{err}");
        }
    }

    #[test]
    fn parse_bin_name_rejections() {
        let bins = SuccinctBins::new(8, "alice.hbd").unwrap();
        assert_eq!(bins.parse_bin_name("alice.hbd-2a"), Some(42));
        for bad in [
            "alice.hbd-2A",   // uppercase
            "alice.hbd-0x2a", // 0x prefix
            "alice.hbd-0x2",
            "alice.hbd-2_a", // underscore
            "alice.hbd- 2a", // whitespace
            "alice.hbd-2a ",
            "alice.hbd-\t2",
            "alice.hbd-+2",
            "alice.hbd--2",
            "alice.hbd-2",   // too short
            "alice.hbd-02a", // too long
            "alice.hbd-100", // too long and out of range
            "alice.hbd-",
            "alice.hbd2a",
            "alice.hbd_2a",
            "alice.hb-2a",
            "Alice.hbd-2a",
            "bob-2a",
            "2a",
            "",
            "alice.hbd-g0",
            "alice.hbd-２a", // fullwidth digit
        ] {
            assert_eq!(bins.parse_bin_name(bad), None, "{bad:?}");
            assert!(!bins.is_bin_name(bad));
        }
        // Out of range with the right width: bit_length 5 has width 2 but only 32 bins.
        let bins = SuccinctBins::new(5, "p").unwrap();
        assert_eq!(bins.parse_bin_name("p-1f"), Some(31));
        assert_eq!(bins.parse_bin_name("p-20"), None);
        assert_eq!(bins.parse_bin_name("p-ff"), None);
        // A bin_name beyond the range is not accepted back.
        assert_eq!(bins.parse_bin_name(&bins.bin_name(32)), None);
        assert_eq!(bins.parse_bin_name(&bins.bin_name(300)), None);
        // Prefixes containing '-' and an empty prefix.
        let bins = SuccinctBins::new(4, "a-b").unwrap();
        assert_eq!(bins.parse_bin_name("a-b-c"), Some(12));
        assert_eq!(bins.parse_bin_name("a-c"), None);
        let bins = SuccinctBins::new(4, "").unwrap();
        assert_eq!(bins.bin_name(3), "-3");
        assert_eq!(bins.parse_bin_name("-3"), Some(3));
        assert_eq!(bins.parse_bin_name("3"), None);
    }
}
