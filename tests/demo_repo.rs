//! The bundled demo repository is exactly what `cargo run --example make_demo_repo` writes.

#[path = "../examples/make_demo_repo.rs"]
mod make_demo_repo;

use std::path::{Path, PathBuf};

fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((
                    p.strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                ));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn demo_repository_is_reproducible() {
    let bundled = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples-c/demo-repo");
    let fresh = std::env::temp_dir().join(format!("libtuf-demo-{}", std::process::id()));
    make_demo_repo::generate(&fresh);
    let (a, b) = (files(&bundled), files(&fresh));
    let _ = std::fs::remove_dir_all(&fresh);
    assert!(a.len() >= 9, "{} files", a.len());
    assert_eq!(
        a.iter().map(|f| &f.0).collect::<Vec<_>>(),
        b.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    for ((name, x), (_, y)) in a.iter().zip(&b) {
        assert!(
            x == y,
            "{} differs: regenerate with `cargo run --example make_demo_repo`",
            name.display()
        );
    }
}
