//! The README shows examples-c/minimal.c, bindings/cpp/examples/minimal.cpp and
//! bindings/go/examples/minimal/main.go exactly as they are built and tested.

#[test]
fn readme_c_example_is_examples_c_minimal() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    let minimal = std::fs::read_to_string(dir.join("examples-c/minimal.c")).unwrap();
    let block = format!("```c\n{}\n```", minimal.trim_end());
    assert!(
        readme.contains(&block),
        "README.md's C example differs from examples-c/minimal.c"
    );
}

#[test]
fn readme_go_example_is_bindings_go_minimal() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    let minimal =
        std::fs::read_to_string(dir.join("bindings/go/examples/minimal/main.go")).unwrap();
    let block = format!("```go\n{}\n```", minimal.trim_end());
    assert!(
        readme.contains(&block),
        "README.md's Go example differs from bindings/go/examples/minimal/main.go"
    );
}

#[test]
fn readme_cpp_example_is_bindings_cpp_minimal() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    let minimal = std::fs::read_to_string(dir.join("bindings/cpp/examples/minimal.cpp")).unwrap();
    let block = format!("```cpp\n{}\n```", minimal.trim_end());
    assert!(
        readme.contains(&block),
        "README.md's C++ example differs from bindings/cpp/examples/minimal.cpp"
    );
}
