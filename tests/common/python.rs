//! The Python interpreter with python-tuf 7.0.1, for the tests that compare libtuf with it.
//!
//! `tests/run.sh` installs python-tuf into a private venv (`target/pyenv`) and exports its
//! interpreter as `$TUF_TEST_PYTHON`. A test that needs it and cannot find it fails with a
//! message saying how to get it: it never passes without having run.

use std::path::PathBuf;

/// `$TUF_TEST_PYTHON`, else the venv `tests/run.sh` made (`target/pyenv/bin/python`); panics
/// with instructions when neither exists.
pub fn python() -> String {
    if let Ok(p) = std::env::var("TUF_TEST_PYTHON") {
        if !p.is_empty() {
            return p;
        }
    }
    let venv = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/pyenv/bin/python");
    if venv.is_file() {
        return venv.to_string_lossy().into_owned();
    }
    panic!(
        "this test compares libtuf with python-tuf and needs its interpreter: run tests/run.sh \
         (it installs python-tuf 7.0.1 into target/pyenv), or set TUF_TEST_PYTHON to a Python \
         with tests/python/requirements.txt installed"
    );
}
