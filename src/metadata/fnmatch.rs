//! Glob matching of delegation `paths` (digest 4.1): python-tuf's per-segment match with
//! CPython's `fnmatch.fnmatchcase`.
//!
//! Pure functions of their arguments: no I/O, no allocation beyond a small compiled form of
//! each pattern, and no panics on any input.

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

#[cfg(test)]
mod tests;
