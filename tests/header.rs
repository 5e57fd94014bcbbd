//! include/tuf.h is exactly what cbindgen generates from src/ffi with cbindgen.toml, and its
//! version macros match Cargo.toml. Regenerate it with
//! `TUF_UPDATE_HEADER=1 cargo test --test header`.

use std::path::PathBuf;

fn generate() -> String {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(dir.join("cbindgen.toml")).unwrap();
    let bindings = cbindgen::Builder::new()
        .with_crate(&dir)
        .with_config(config)
        .generate()
        .expect("cbindgen failed");
    let mut out = Vec::new();
    bindings.write(&mut out);
    String::from_utf8(out).unwrap()
}

#[test]
fn header_is_up_to_date() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("include/tuf.h");
    let fresh = generate();
    if std::env::var_os("TUF_UPDATE_HEADER").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &fresh).unwrap();
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == fresh,
        "include/tuf.h differs from the generated header: run \
         `TUF_UPDATE_HEADER=1 cargo test --test header` and commit it"
    );
}

#[test]
fn header_version_macros_match_the_crate() {
    let header = generate();
    for (name, value) in [
        ("TUF_VERSION_MAJOR", env!("CARGO_PKG_VERSION_MAJOR")),
        ("TUF_VERSION_MINOR", env!("CARGO_PKG_VERSION_MINOR")),
        ("TUF_VERSION_PATCH", env!("CARGO_PKG_VERSION_PATCH")),
    ] {
        let line = format!("#define {name} {value}\n");
        assert!(header.contains(&line), "missing {line:?}");
    }
}

#[test]
fn header_declares_only_prefixed_names() {
    let header = generate();
    let mut names = Vec::new();
    for line in header.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["#define", name, ..] if *name != "TUF_H" => names.push(name.to_string()),
            ["typedef", ..] if line.contains("(*") => {
                let start = line.find("(*").unwrap() + 2;
                let end = start + line[start..].find(')').unwrap();
                names.push(line[start..end].to_string());
            }
            // "typedef struct {" ... "} name;": a struct whose fields C sees (tuf_storage).
            ["typedef", "struct", "{"] => {}
            ["}", name] => names.push(name.trim_end_matches(';').to_string()),
            ["typedef", .., last] => names.push(last.trim_end_matches(';').to_string()),
            _ => {}
        }
        if let Some(open) = line.find('(') {
            // a function declaration: "ret name(args" at the start of a line
            if !line.starts_with([' ', '#', '/', '*']) && !line.starts_with("typedef") {
                let head = &line[..open];
                if let Some(name) = head.split_whitespace().last() {
                    names.push(name.trim_start_matches('*').to_string());
                }
            }
        }
    }
    assert!(names.len() > 50, "{names:?}");
    for n in names {
        let n = n
            .trim_start_matches('(')
            .trim_start_matches('*')
            .trim_end_matches(')');
        assert!(
            n.starts_with("tuf_") || n.starts_with("TUF_"),
            "{n} is not prefixed"
        );
    }
}
