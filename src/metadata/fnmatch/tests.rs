//! Tests of the `paths` glob matching against CPython and python-tuf.

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
