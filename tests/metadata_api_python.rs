//! Repositories python-tuf writes (tests/python/make_repos.py: all key types, classic
//! delegations, succinct bins, consistent snapshots, python-tuf's indented and compact forms)
//! through the C Metadata API, called as C calls it:
//!
//! - every metadata file read and written back unchanged is byte-identical;
//! - read, changed (the version) and written, only that field's bytes change: unknown fields,
//!   custom data with unicode and big integers, keys and signatures are kept exactly;
//! - every role verifies with `tuf_metadata_verify_delegate` from its delegator (root chain,
//!   top-level roles, delegated roles and succinct bins, found with the delegation getters);
//! - every key read back from its JSON has the keyid python-tuf gave it.
//!
//! Needs python-tuf's interpreter (`common::python`); fails with instructions without it.

mod common;

use std::ffi::{c_char, CStr};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::ptr::{null, null_mut};

use common::python::python;
use tuf::ffi::bytes::tuf_bytes_free;
use tuf::ffi::error::{tuf_error, tuf_error_free, tuf_error_message, tuf_result, TUF_OK};
use tuf::ffi::key::{tuf_key, tuf_key_free, tuf_key_from_json, tuf_key_keyid, tuf_key_to_json};
use tuf::ffi::metadata::*;
use tuf::ffi::metadata_delegations::*;
use tuf::ffi::metadata_root::*;

/// A metadata handle, freed on drop.
struct Md(*mut tuf_metadata);

impl Drop for Md {
    fn drop(&mut self) {
        tuf_metadata_free(self.0);
    }
}

/// Fails the test with libtuf's message unless `r` is `TUF_OK`.
fn ok(r: tuf_result, err: *mut tuf_error, what: &str) {
    if r != TUF_OK {
        let msg = text(tuf_error_message(err));
        tuf_error_free(err);
        panic!("{what}: error {r}: {msg}");
    }
}

fn text(p: *const c_char) -> String {
    assert!(!p.is_null());
    // SAFETY: libtuf returned a NUL-terminated string that lives as long as its handle,
    // which the caller holds.
    unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_string()
}

fn cstr(s: &str) -> std::ffi::CString {
    std::ffi::CString::new(s).unwrap()
}

fn parse(bytes: &[u8], what: &str) -> Md {
    let (mut out, mut err) = (null_mut(), null_mut());
    ok(
        tuf_metadata_from_bytes(bytes.as_ptr(), bytes.len(), &mut out, &mut err),
        err,
        what,
    );
    Md(out)
}

fn write(md: &Md, format: tuf_format) -> Vec<u8> {
    let (mut out, mut len, mut err) = (null_mut(), 0usize, null_mut());
    ok(
        tuf_metadata_to_bytes(md.0, format, &mut out, &mut len, &mut err),
        err,
        "to_bytes",
    );
    // SAFETY: libtuf returned `len` readable bytes at `out`, freed below.
    let bytes = unsafe { std::slice::from_raw_parts(out, len) }.to_vec();
    tuf_bytes_free(out);
    bytes
}

fn verify(delegator: &Md, role: &str, delegate: &Md) {
    let mut err = null_mut();
    let r = tuf_metadata_verify_delegate(delegator.0, cstr(role).as_ptr(), delegate.0, &mut err);
    ok(r, err, &format!("verify_delegate {role}"));
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{}/{name}: {e}", dir.display()))
}

/// The key `keyid` from `get`, read back from its JSON: it must have the same keyid.
fn check_key(keyid: &str, get: impl FnOnce(*const c_char, *mut *mut tuf_key) -> tuf_result) {
    let id = cstr(keyid);
    let (mut key, mut again, mut err) = (null_mut(), null_mut(), null_mut());
    assert_eq!(get(id.as_ptr(), &mut key), TUF_OK, "{keyid}");
    assert_eq!(text(tuf_key_keyid(key)), keyid);
    let r = tuf_key_from_json(tuf_key_to_json(key), null(), &mut again, &mut err);
    ok(r, err, "key from json");
    assert_eq!(
        text(tuf_key_keyid(again)),
        keyid,
        "the default keyid, as python-tuf's"
    );
    tuf_key_free(key);
    tuf_key_free(again);
}

/// Byte-identical round trip of every file, and a version change that changes only the
/// version's bytes. Returns how many files were checked.
fn round_trip(md_dir: &Path, format: tuf_format) -> usize {
    let mut names: Vec<String> = std::fs::read_dir(md_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    for name in &names {
        let original = read(md_dir, name);
        let md = parse(&original, name);
        assert!(
            write(&md, format) == original,
            "{}/{name} is not written back byte for byte",
            md_dir.display()
        );
        // Change the version: exactly the version's digits change.
        let v = tuf_metadata_version(md.0);
        let mut err = null_mut();
        ok(
            tuf_metadata_set_version(md.0, v + 1000, &mut err),
            err,
            name,
        );
        let changed = String::from_utf8(write(&md, format)).unwrap();
        let text = String::from_utf8(original).unwrap();
        let (from, to) = if format == TUF_FORMAT_PRETTY {
            (
                format!("\n  \"version\": {v}\n"),
                format!("\n  \"version\": {}\n", v + 1000),
            )
        } else {
            (
                format!(",\"version\":{v}}}}}"),
                format!(",\"version\":{}}}}}", v + 1000),
            )
        };
        assert_eq!(text.matches(&from).count(), 1, "{name}: {from:?}");
        assert_eq!(
            changed,
            text.replace(&from, &to),
            "{name}: more than the version changed"
        );
    }
    names.len()
}

/// Verifies the whole repository through the C API: the root chain, the top-level roles with
/// the last root, and every delegated role reachable from targets with its delegator's keys.
/// Returns the names of the delegated roles verified.
fn verify_repository(md_dir: &Path) -> Vec<String> {
    let mut root = parse(&read(md_dir, "1.root.json"), "1.root.json");
    verify(&root, "root", &root);
    let mut v = 2;
    while md_dir.join(format!("{v}.root.json")).exists() {
        let next = parse(&read(md_dir, &format!("{v}.root.json")), "root");
        verify(&root, "root", &next);
        verify(&next, "root", &next);
        root = next;
        v += 1;
    }
    let root_keys = tuf_metadata_root_key_count(root.0);
    assert!(root_keys > 0);
    for i in 0..root_keys {
        let keyid = text(tuf_metadata_root_keyid_at(root.0, i));
        check_key(&keyid, |id, out| {
            tuf_metadata_root_get_key(root.0, id, out, null_mut())
        });
    }
    for role in ["timestamp", "snapshot", "targets"] {
        let md = parse(&read(md_dir, &format!("{role}.json")), role);
        verify(&root, role, &md);
    }
    let mut done = Vec::new();
    let mut pending = vec![(
        "targets".to_string(),
        parse(&read(md_dir, "targets.json"), "targets"),
    )];
    while let Some((name, md)) = pending.pop() {
        let keys = tuf_metadata_delegations_key_count(md.0);
        for i in 0..keys {
            let keyid = text(tuf_metadata_delegations_keyid_at(md.0, i));
            check_key(&keyid, |id, out| {
                tuf_metadata_delegations_get_key(md.0, id, out, null_mut())
            });
        }
        let mut delegated: Vec<String> = (0..tuf_metadata_delegated_role_count(md.0))
            .map(|i| text(tuf_metadata_delegated_role_name(md.0, i)))
            .collect();
        for bin in 0..tuf_metadata_succinct_bin_count(md.0) {
            let (mut out, mut err) = (null_mut(), null_mut());
            ok(
                tuf_metadata_succinct_bin_name(md.0, bin, &mut out, &mut err),
                err,
                "bin",
            );
            delegated.push(text(out));
            tuf::ffi::error::tuf_string_free(out);
        }
        for role in delegated {
            let child = parse(&read(md_dir, &format!("{role}.json")), &role);
            verify(&md, &role, &child);
            pending.push((role, child));
        }
        done.push(name);
    }
    done
}

#[test]
fn python_tuf_repositories_through_the_c_api() {
    let py = python();
    let out = std::env::temp_dir().join(format!("libtuf-mdapi-python-{}", std::process::id()));
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/python/make_repos.py");
    let run = Command::new(&py)
        .args([script.to_str().unwrap(), out.to_str().unwrap(), "--force"])
        .output()
        .unwrap_or_else(|e| panic!("cannot run {py}: {e}"));
    assert!(
        run.status.success(),
        "make_repos.py failed: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let mut files = 0;
    for (name, format, min_roles) in [
        ("keytypes", TUF_FORMAT_PRETTY, 1),
        ("delegations", TUF_FORMAT_PRETTY, 9),
        ("succinct", TUF_FORMAT_COMPACT, 17),
        ("consistent", TUF_FORMAT_PRETTY, 2),
    ] {
        let md_dir = out.join(name).join("metadata");
        let n = round_trip(&md_dir, format);
        let roles = verify_repository(&md_dir);
        println!("{name}: {n} files written back byte for byte; roles verified: {roles:?}");
        assert!(roles.len() >= min_roles, "{name}: {roles:?}");
        files += n;
    }
    assert!(files > 40, "only {files} files");
    let _ = std::fs::remove_dir_all(&out);
}
