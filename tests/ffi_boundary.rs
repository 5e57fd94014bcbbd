//! Every exported C function runs its body inside the panic boundary (`ffi::boundary::run` or
//! `ffi::boundary::value`, directly or through one of the configuration helpers that call
//! `run`), so that no Rust panic unwinds into C. Checked on the source, so that a new export
//! that forgets it fails here.

use std::path::PathBuf;

/// Calls that put the rest of the body inside the boundary: `run` and `value` themselves, and
/// the helpers of `src/ffi/config.rs`, each of which is checked below to call `run`.
const BOUNDARY_CALLS: [&str; 6] = [
    "run(",
    "value(",
    "super::boundary::value(",
    "with_config(",
    "set_limit(",
    "update_settings(",
];

fn ffi_sources() -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/ffi");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect()
}

/// The body of the function whose signature starts at `start` (from its first `{` to the
/// matching `}`), and the function's name.
fn body_of(src: &str, start: usize) -> (&str, &str) {
    let name_start = start + src[start..].find("fn ").unwrap() + 3;
    let name_end = name_start + src[name_start..].find('(').unwrap();
    // The signature ends at the first `{` at parenthesis depth 0.
    let mut depth = 0i32;
    let mut open = None;
    for (i, c) in src[name_end..].char_indices() {
        match c {
            '(' | '<' | '[' => depth += 1,
            ')' | '>' | ']' => depth -= 1,
            '{' if depth <= 0 => {
                open = Some(name_end + i);
                break;
            }
            _ => {}
        }
    }
    let open = open.unwrap();
    let mut depth = 0;
    for (i, c) in src[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return (&src[name_start..name_end], &src[open + 1..open + i]);
                }
            }
            _ => {}
        }
    }
    panic!("unbalanced braces after {}", &src[name_start..name_end]);
}

#[test]
fn every_export_runs_inside_the_panic_boundary() {
    let mut exports = 0;
    let mut outside = Vec::new();
    for (file, src) in ffi_sources() {
        let mut from = 0;
        while let Some(at) = src[from..].find("pub extern \"C\" fn ") {
            let start = from + at;
            let (name, body) = body_of(&src, start);
            exports += 1;
            let first = body.trim_start();
            if !BOUNDARY_CALLS.iter().any(|c| first.starts_with(c)) {
                outside.push(format!("{file}: {name}"));
            }
            from = start + 1;
        }
    }
    assert!(
        exports >= 57,
        "only {exports} exports found: is the scan broken?"
    );
    assert!(
        outside.is_empty(),
        "exported functions whose body does not start inside the panic boundary:\n{}",
        outside.join("\n")
    );
}

#[test]
fn the_configuration_helpers_call_run() {
    let (_, src) = ffi_sources()
        .into_iter()
        .find(|(f, _)| f == "config.rs")
        .unwrap();
    for helper in ["with_config", "set_limit", "update_settings"] {
        let start = src.find(&format!("fn {helper}")).unwrap();
        let (_, body) = body_of(&src, start);
        let first = body.trim_start();
        assert!(
            first.starts_with("run(")
                || (helper != "with_config" && first.starts_with("with_config("))
                || (helper == "set_limit" && first.starts_with("update_settings(")),
            "{helper} does not enter the boundary first: {first:.60}"
        );
    }
}
