//! Reference implementations of delegation path matching (TUF digest 4.1 to 4.3), written
//! from their definitions and kept naive on purpose:
//!
//! - [`fnmatchcase`]: CPython 3.11's `fnmatch.fnmatchcase`, as `fnmatch.translate` turns the
//!   pattern into a regular expression and `re` reads that expression. [`translate`] follows
//!   CPython's code line by line (producing the same set text, escapes included);
//!   [`parse_set`] reads a set the way `re._parser` does; [`glob_match`] matches the tokens by
//!   plain recursion (memoized, so that many `*` stay cheap).
//! - [`path_matches`]: python-tuf's `_is_target_in_pathpattern`.
//! - hash prefixes and succinct hash bins from a separate SHA-256 implementation.

use sha2::{Digest, Sha256};

/// One element of the regular expression `fnmatch.translate` builds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Token {
    /// `.*` (consecutive `*` compressed into one).
    Star,
    /// `.` (with `re.DOTALL`: any character).
    Any,
    /// `(?!)`: never matches.
    Never,
    /// `re.escape(c)`: the character itself.
    Literal(char),
    /// `[...]`: the set text between the brackets, exactly as CPython writes it.
    Set(String),
}

/// CPython 3.11 `fnmatch.translate`, minus the final string assembly.
pub fn translate(pat: &str) -> Vec<Token> {
    let pat: Vec<char> = pat.chars().collect();
    let n = pat.len();
    let mut res = Vec::new();
    let mut i = 0;
    while i < n {
        let c = pat[i];
        i += 1;
        if c == '*' {
            // compress consecutive `*` into one
            if res.last() != Some(&Token::Star) {
                res.push(Token::Star);
            }
        } else if c == '?' {
            res.push(Token::Any);
        } else if c == '[' {
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
                res.push(Token::Literal('['));
            } else {
                let mut stuff: String;
                if !pat[i..j].contains(&'-') {
                    stuff = pat[i..j].iter().collect::<String>().replace('\\', r"\\");
                } else {
                    let mut chunks: Vec<String> = Vec::new();
                    let mut k = if pat[i] == '!' { i + 2 } else { i + 1 };
                    loop {
                        // k = pat.find('-', k, j)
                        match (k..j).find(|&x| pat[x] == '-') {
                            None => break,
                            Some(found) => {
                                k = found;
                                chunks.push(pat[i..k].iter().collect());
                                i = k + 1;
                                k += 3;
                            }
                        }
                    }
                    let chunk: String = pat[i..j].iter().collect();
                    if !chunk.is_empty() {
                        chunks.push(chunk);
                    } else {
                        chunks.last_mut().expect("a '-' was found").push('-');
                    }
                    // Remove empty ranges -- invalid in RE.
                    for k in (1..chunks.len()).rev() {
                        let prev_last = chunks[k - 1].chars().last().expect("non-empty");
                        let next_first = chunks[k].chars().next().expect("non-empty");
                        if prev_last > next_first {
                            let mut prev: Vec<char> = chunks[k - 1].chars().collect();
                            prev.pop();
                            let mut merged: String = prev.into_iter().collect();
                            merged.extend(chunks[k].chars().skip(1));
                            chunks[k - 1] = merged;
                            chunks.remove(k);
                        }
                    }
                    // Escape backslashes and hyphens for set difference (--).
                    // Hyphens that create ranges shouldn't be escaped.
                    stuff = chunks
                        .iter()
                        .map(|s| s.replace('\\', r"\\").replace('-', r"\-"))
                        .collect::<Vec<_>>()
                        .join("-");
                }
                // Escape set operations (&&, ~~ and ||).
                let mut escaped = String::new();
                for ch in stuff.chars() {
                    if matches!(ch, '&' | '~' | '|') {
                        escaped.push('\\');
                    }
                    escaped.push(ch);
                }
                stuff = escaped;
                i = j + 1;
                if stuff.is_empty() {
                    // Empty range: never match.
                    res.push(Token::Never);
                } else if stuff == "!" {
                    // Negated empty range: match any character.
                    res.push(Token::Any);
                } else {
                    if let Some(rest) = stuff.strip_prefix('!') {
                        stuff = format!("^{rest}");
                    } else if stuff.starts_with('^') || stuff.starts_with('[') {
                        stuff = format!("\\{stuff}");
                    }
                    res.push(Token::Set(stuff));
                }
            }
        } else {
            res.push(Token::Literal(c));
        }
    }
    assert_eq!(i, n, "translate consumed the whole pattern");
    res
}

/// A character set as `re` compiles it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Set {
    pub negate: bool,
    /// Inclusive ranges; a single character is `(c, c)`.
    pub items: Vec<(char, char)>,
}

impl Set {
    pub fn contains(&self, c: char) -> bool {
        self.items.iter().any(|&(lo, hi)| lo <= c && c <= hi) != self.negate
    }
}

/// Reads the text of a set (between `[` and its `]`, which the tokenizer of `re._parser`
/// finds as the first unescaped `]` after at least one member) as `re._parser._parse` does.
/// `translate` only produces escapes of punctuation (`\\`, `\-`, `\&`, `\~`, `\|`, `\^`,
/// `\[`), which `_class_escape` reads as the literal character.
pub fn parse_set(text: &str) -> Set {
    // The tokenizer: an escape is one token of two characters.
    let mut tokens: Vec<(bool, char)> = Vec::new(); // (escaped, char)
    let mut it = text.chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            let e = it
                .next()
                .expect("translate never ends a set with a lone backslash");
            assert!(
                !e.is_ascii_alphanumeric(),
                "translate escapes punctuation only"
            );
            tokens.push((true, e));
        } else {
            tokens.push((false, c));
        }
    }
    // `]` ends the set (the caller strips it); add it back so the loop below sees it.
    tokens.push((false, ']'));
    let mut pos = 0;
    let next = |pos: &mut usize| {
        let t = tokens.get(*pos).copied();
        *pos += 1;
        t
    };
    let mut negate = false;
    if tokens.first() == Some(&(false, '^')) {
        negate = true;
        pos += 1;
    }
    let mut items: Vec<(char, char)> = Vec::new();
    loop {
        let this = next(&mut pos).expect("unterminated character set");
        if this == (false, ']') && !items.is_empty() {
            break;
        }
        let code1 = this.1;
        if tokens.get(pos) == Some(&(false, '-')) {
            pos += 1;
            let that = next(&mut pos).expect("unterminated character set");
            if that == (false, ']') {
                items.push((code1, code1));
                items.push(('-', '-'));
                break;
            }
            let code2 = that.1;
            assert!(code1 <= code2, "bad character range {code1}-{code2}");
            items.push((code1, code2));
        } else {
            items.push((code1, code1));
        }
    }
    assert_eq!(pos, tokens.len(), "the set ends at its closing bracket");
    Set { negate, items }
}

/// Does `name` match the whole token sequence?
pub fn glob_match(tokens: &[Token], name: &str) -> bool {
    let sets: Vec<Option<Set>> = tokens
        .iter()
        .map(|t| match t {
            Token::Set(s) => Some(parse_set(s)),
            _ => None,
        })
        .collect();
    let name: Vec<char> = name.chars().collect();
    let mut memo = vec![None; (tokens.len() + 1) * (name.len() + 1)];
    Matcher {
        tokens,
        sets: &sets,
        name: &name,
    }
    .matches(0, 0, &mut memo)
}

struct Matcher<'a> {
    tokens: &'a [Token],
    sets: &'a [Option<Set>],
    name: &'a [char],
}

impl Matcher<'_> {
    /// Does `name[c..]` match `tokens[t..]`? Plain recursion; `memo` only remembers answers.
    fn matches(&self, t: usize, c: usize, memo: &mut [Option<bool>]) -> bool {
        let slot = t * (self.name.len() + 1) + c;
        if let Some(known) = memo[slot] {
            return known;
        }
        let result = match self.tokens.get(t) {
            None => c == self.name.len(),
            Some(Token::Star) => (c..=self.name.len()).any(|next| self.matches(t + 1, next, memo)),
            Some(tok) => {
                c < self.name.len()
                    && match tok {
                        Token::Any => true,
                        Token::Never => false,
                        Token::Literal(l) => *l == self.name[c],
                        Token::Set(_) => self.sets[t]
                            .as_ref()
                            .is_some_and(|s| s.contains(self.name[c])),
                        Token::Star => unreachable!("handled above"),
                    }
                    && self.matches(t + 1, c + 1, memo)
            }
        };
        memo[slot] = Some(result);
        result
    }
}

/// CPython 3.11 `fnmatch.fnmatchcase(name, pat)`.
pub fn fnmatchcase(name: &str, pat: &str) -> bool {
    glob_match(&translate(pat), name)
}

/// python-tuf's `DelegatedRole._is_target_in_pathpattern` (with `fnmatchcase`).
pub fn path_matches(target: &str, pattern: &str) -> bool {
    let t: Vec<&str> = target.split('/').collect();
    let p: Vec<&str> = pattern.split('/').collect();
    t.len() == p.len() && t.iter().zip(&p).all(|(t, p)| fnmatchcase(t, p))
}

/// Lowercase hex SHA-256 of the target path's UTF-8 bytes.
pub fn path_hash_hex(target: &str) -> String {
    Sha256::digest(target.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The first `bit_length` (1..=32) bits of SHA-256(target), as a number.
pub fn bin_index(target: &str, bit_length: u32) -> u32 {
    let h = Sha256::digest(target.as_bytes());
    let mut index: u64 = 0;
    for bit in 0..bit_length as usize {
        let b = (h[bit / 8] >> (7 - bit % 8)) & 1;
        index = index * 2 + u64::from(b);
    }
    u32::try_from(index).expect("at most 32 bits")
}

/// The width of a bin suffix: the length of `2^bit_length - 1` in hex (python-tuf's
/// `suffix_len`).
pub fn suffix_len(bit_length: u32) -> usize {
    format!("{:x}", (1u64 << bit_length) - 1).len()
}

/// `{prefix}-{index}` with the index in lowercase hex, zero-padded to `suffix_len`.
pub fn bin_name(prefix: &str, bit_length: u32, index: u32) -> String {
    format!("{prefix}-{index:0width$x}", width = suffix_len(bit_length))
}

/// The index of bin `name`, if it is exactly the name of one of the `2^bit_length` bins:
/// whatever number its suffix reads as, the name must be the one [`bin_name`] gives it.
pub fn parse_bin_name(prefix: &str, bit_length: u32, name: &str) -> Option<u32> {
    let suffix = name.strip_prefix(&format!("{prefix}-"))?;
    if suffix.is_empty() || suffix.len() > 8 || !suffix.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let index = u32::from_str_radix(suffix, 16).ok()?;
    (u64::from(index) < 1u64 << bit_length && bin_name(prefix, bit_length, index) == name)
        .then_some(index)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `fnmatch.fnmatchcase` results of CPython 3.11, generated by `gen_fnmatch_table.py`.
    const TABLE: &str = include_str!("../data/fnmatchcase-cpython311.tsv");

    fn unescape(s: &str) -> String {
        // The table escapes backslash, tab, newline and carriage return.
        let mut out = String::new();
        let mut it = s.chars();
        while let Some(c) = it.next() {
            if c == '\\' {
                match it.next() {
                    Some('t') => out.push('\t'),
                    Some('n') => out.push('\n'),
                    Some('r') => out.push('\r'),
                    Some('\\') => out.push('\\'),
                    other => panic!("bad escape {other:?}"),
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn agrees_with_cpython() {
        let mut n = 0;
        for line in TABLE.lines() {
            let mut f = line.split('\t');
            let (pat, name, want) = (f.next().unwrap(), f.next().unwrap(), f.next().unwrap());
            let (pat, name) = (unescape(pat), unescape(name));
            assert_eq!(fnmatchcase(&name, &pat), want == "1", "{pat:?} {name:?}");
            n += 1;
        }
        assert!(n > 1000, "{n} cases");
    }

    #[test]
    fn bins() {
        assert_eq!(suffix_len(1), 1);
        assert_eq!(suffix_len(4), 1);
        assert_eq!(suffix_len(5), 2);
        assert_eq!(suffix_len(32), 8);
        assert_eq!(bin_name("bin", 8, 10), "bin-0a");
        assert_eq!(parse_bin_name("bin", 8, "bin-0a"), Some(10));
        assert_eq!(parse_bin_name("bin", 8, "bin-0A"), None);
        assert_eq!(parse_bin_name("bin", 3, "bin-8"), None);
        // sha256("") = e3b0c442...: first byte 0b1110_0011
        assert_eq!(bin_index("", 3), 0b111);
        assert_eq!(bin_index("", 8), 0xe3);
    }
}
