//! The C verifier API (`tuf_verifier_*`, `tuf_sink_write`, `tuf_error_*`,
//! `tuf_target_info_*`) called as a C program calls it: through the exported symbols, with
//! raw pointers, NULLs where a careless caller passes them, strings that are not UTF-8, and a
//! metadata loader callback that serves bytes from the input in pieces, fails, or writes more
//! than allowed.
//!
//! The input is a sequence of records (`src/records.rs`), as for `trusted_set_sequence`; the
//! header chooses the root (the demo's or bytes from the input), the reference time (or NULL
//! for the clock) and the flags. Properties:
//!
//! - no panic crosses the boundary and none is caught inside it (`TUF_ERR_PANIC` fails);
//! - the result and the error object agree: `*err` is NULL on success, otherwise an error
//!   whose code is the result and whose message is a NUL-terminated UTF-8 string; a NULL
//!   argument is `TUF_ERR_INVALID_ARGUMENT`;
//! - the sink enforces the loader's `max_length` (`TUF_ERR_LENGTH_EXCEEDED` from then on, and
//!   the search fails with it); a loader failure is `TUF_ERR_DOWNLOAD`;
//! - every object is freed (LeakSanitizer checks that libtuf frees what it owns).
//!
//! A query record with the re-sign bit feeds a whole repository made consistent and signed
//! (`demo::consistent_repository`), so that mutations reach the checks between files.
//!
//! The functions are declared here from `include/tuf.h` rather than imported from the
//! crate's `ffi` modules: symbol names and signatures are the stable C contract, the Rust
//! module layout is not.
#![no_main]
#![allow(non_camel_case_types)] // the C names of include/tuf.h

use std::collections::HashMap;
use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::ptr;

use libfuzzer_sys::fuzz_target;
use tuf::metadata::{Root, Snapshot, Targets, Timestamp};
use tuf_fuzz::demo::{self, KeyRole};
use tuf_fuzz::records::{self, Op};

#[repr(C)]
struct tuf_verifier {
    _opaque: [u8; 0],
}
#[repr(C)]
struct tuf_error {
    _opaque: [u8; 0],
}
#[repr(C)]
struct tuf_sink {
    _opaque: [u8; 0],
}
#[repr(C)]
struct tuf_target_info {
    _opaque: [u8; 0],
}

type tuf_result = u32;
type tuf_load_callback =
    Option<unsafe extern "C" fn(*mut c_void, *const c_char, u64, *mut tuf_sink) -> c_int>;

const TUF_OK: tuf_result = 0;
const TUF_ERR_INVALID_ARGUMENT: tuf_result = 1;
const TUF_ERR_DOWNLOAD: tuf_result = 8;
const TUF_ERR_LENGTH_EXCEEDED: tuf_result = 9;
const TUF_ERR_PANIC: tuf_result = 15;
const TUF_VERIFY_STRICT_KEYIDS: u32 = 1;

// Keep libtuf linked: the symbols below come from its rlib.
use tuf as _;

extern "C" {
    fn tuf_verifier_new(
        root: *const u8,
        root_len: usize,
        reference_time: *const i64,
        flags: u32,
        out: *mut *mut tuf_verifier,
        err: *mut *mut tuf_error,
    ) -> tuf_result;
    fn tuf_verifier_free(verifier: *mut tuf_verifier);
    fn tuf_verifier_update_root(
        verifier: *mut tuf_verifier,
        data: *const u8,
        len: usize,
        err: *mut *mut tuf_error,
    ) -> tuf_result;
    fn tuf_verifier_update_timestamp(
        verifier: *mut tuf_verifier,
        data: *const u8,
        len: usize,
        updated: *mut bool,
        err: *mut *mut tuf_error,
    ) -> tuf_result;
    fn tuf_verifier_update_snapshot(
        verifier: *mut tuf_verifier,
        data: *const u8,
        len: usize,
        trusted: bool,
        err: *mut *mut tuf_error,
    ) -> tuf_result;
    fn tuf_verifier_update_targets(
        verifier: *mut tuf_verifier,
        data: *const u8,
        len: usize,
        err: *mut *mut tuf_error,
    ) -> tuf_result;
    fn tuf_verifier_update_delegated_targets(
        verifier: *mut tuf_verifier,
        data: *const u8,
        len: usize,
        role: *const c_char,
        delegator: *const c_char,
        err: *mut *mut tuf_error,
    ) -> tuf_result;
    fn tuf_verifier_root_version(verifier: *const tuf_verifier) -> u64;
    fn tuf_verifier_timestamp_version(verifier: *const tuf_verifier) -> u64;
    fn tuf_verifier_snapshot_version(verifier: *const tuf_verifier) -> u64;
    fn tuf_verifier_role_version(verifier: *const tuf_verifier, role: *const c_char) -> u64;
    fn tuf_verifier_consistent_snapshot(verifier: *const tuf_verifier) -> bool;
    fn tuf_verifier_timestamp_snapshot_keys_rotated(verifier: *const tuf_verifier) -> bool;
    fn tuf_verifier_find_target(
        verifier: *mut tuf_verifier,
        target_path: *const c_char,
        max_delegations: u32,
        load: tuf_load_callback,
        userdata: *mut c_void,
        out: *mut *mut tuf_target_info,
        err: *mut *mut tuf_error,
    ) -> tuf_result;
    fn tuf_sink_write(sink: *mut tuf_sink, data: *const u8, len: usize) -> tuf_result;
    fn tuf_error_code(err: *const tuf_error) -> tuf_result;
    fn tuf_error_message(err: *const tuf_error) -> *const c_char;
    fn tuf_error_free(err: *mut tuf_error);
    fn tuf_result_str(code: tuf_result) -> *const c_char;
    fn tuf_target_info_path(info: *const tuf_target_info) -> *const c_char;
    fn tuf_target_info_role(info: *const tuf_target_info) -> *const c_char;
    fn tuf_target_info_length(info: *const tuf_target_info) -> u64;
    fn tuf_target_info_hash_count(info: *const tuf_target_info) -> usize;
    fn tuf_target_info_hash_algorithm(info: *const tuf_target_info, index: usize) -> *const c_char;
    fn tuf_target_info_hash_hex(info: *const tuf_target_info, index: usize) -> *const c_char;
    fn tuf_target_info_custom_json(info: *const tuf_target_info) -> *const c_char;
    fn tuf_target_info_free(info: *mut tuf_target_info);
}

// Operations (low 3 bits of the operation byte), as in trusted_set_sequence.
const ROOT: u8 = 0;
const TIMESTAMP: u8 = 1;
const SNAPSHOT: u8 = 2;
const TARGETS: u8 = 3;
const DELEGATED: u8 = 4;
const STAGE: u8 = 5;
const FIND: u8 = 6;
// Modifier bits of the operation byte.
const RESIGN: u8 = 3;
/// Snapshot: `trusted`; timestamp: `updated` is NULL.
const FLAG: u8 = 4;
const NULL_ERR: u8 = 5;
const NULL_DATA: u8 = 6;
const NULL_VERIFIER: u8 = 7;

/// Reads a C string that libtuf returned: must be NUL-terminated UTF-8.
fn c_str<'a>(p: *const c_char, what: &str) -> &'a str {
    assert!(!p.is_null(), "{what} is NULL");
    // SAFETY: libtuf returns NUL-terminated strings valid until their owner is freed.
    unsafe { CStr::from_ptr(p) }
        .to_str()
        .unwrap_or_else(|_| panic!("{what} is not UTF-8"))
}

/// Checks the result/error contract of one call, then frees the error.
fn check(rc: tuf_result, err: *mut tuf_error, err_requested: bool, call: &str) {
    assert_ne!(
        rc,
        TUF_ERR_PANIC,
        "{call}: internal panic: {}",
        message(err)
    );
    assert!(rc <= 15, "{call}: unknown result code {rc}");
    // SAFETY: takes any code and returns a static string.
    let name = c_str(unsafe { tuf_result_str(rc) }, "tuf_result_str");
    if tuf_fuzz::tracing() {
        let detail = if err_requested && !err.is_null() {
            message(err)
        } else {
            String::new()
        };
        eprintln!("{call}: {rc} ({name}) {detail}");
    }
    if !err_requested {
        return;
    }
    if rc == TUF_OK {
        assert!(err.is_null(), "{call}: error object on success");
    } else {
        assert!(!err.is_null(), "{call}: no error object for result {rc}");
        // SAFETY: `err` came from libtuf and is freed once, below.
        assert_eq!(unsafe { tuf_error_code(err) }, rc, "{call}: code differs");
        let msg = message(err);
        assert!(!msg.is_empty(), "{call}: empty error message");
    }
    // SAFETY: NULL or an error from libtuf, freed once.
    unsafe { tuf_error_free(err) };
}

fn message(err: *const tuf_error) -> String {
    // SAFETY: NULL or a live error from libtuf.
    c_str(unsafe { tuf_error_message(err) }, "tuf_error_message").to_string()
}

/// What the loader serves for a role, and how.
struct Staged {
    bytes: Vec<u8>,
    /// bits 0-1: chunking (whole, 1 byte, 7 bytes, whole then an empty write); bit 2: return
    /// non-zero after writing; bit 3: also make invalid writes (NULL data, NULL sink); bit 4:
    /// write one byte more than `max_length` (when that is small).
    mode: u8,
}

#[derive(Default)]
struct Loader {
    staged: HashMap<Vec<u8>, Staged>,
    /// Outcome of the last call: (a write was refused for the length, the callback failed).
    last: Option<(bool, bool)>,
}

unsafe extern "C" fn load(
    userdata: *mut c_void,
    role: *const c_char,
    max_length: u64,
    sink: *mut tuf_sink,
) -> c_int {
    // SAFETY: `userdata` is the `Loader` passed to tuf_verifier_find_target, alive and not
    // otherwise borrowed during the call.
    let loader = unsafe { &mut *(userdata as *mut Loader) };
    // SAFETY: libtuf passes a NUL-terminated role name valid during the call.
    let role = unsafe { CStr::from_ptr(role) }.to_bytes().to_vec();
    let Some(staged) = loader.staged.get(&role) else {
        loader.last = Some((false, true));
        return 1;
    };
    let mut data = staged.bytes.clone();
    if staged.mode & 16 != 0 && max_length < 1 << 16 {
        data.resize(max_length as usize + 1, b' ');
    }
    let chunk = match staged.mode & 3 {
        1 => 1,
        2 => 7,
        _ => data.len().max(1),
    };
    let (mut written, mut refused) = (0u64, false);
    for piece in data.chunks(chunk) {
        // SAFETY: `sink` is valid during this call; `piece` is readable.
        let rc = unsafe { tuf_sink_write(sink, piece.as_ptr(), piece.len()) };
        written += piece.len() as u64;
        if written > max_length || refused {
            assert_eq!(
                rc, TUF_ERR_LENGTH_EXCEEDED,
                "write past max_length {max_length}"
            );
            refused = true;
        } else {
            assert_eq!(rc, TUF_OK, "write within max_length refused");
        }
    }
    if staged.mode & 3 == 3 {
        // SAFETY: an empty write with a dangling but non-NULL pointer is allowed.
        let rc = unsafe { tuf_sink_write(sink, ptr::NonNull::dangling().as_ptr(), 0) };
        assert_eq!(
            rc,
            if refused {
                TUF_ERR_LENGTH_EXCEEDED
            } else {
                TUF_OK
            }
        );
    }
    if staged.mode & 8 != 0 {
        // SAFETY: NULL arguments are documented to be refused.
        let (a, b) = unsafe {
            (
                tuf_sink_write(sink, ptr::null(), 1),
                tuf_sink_write(ptr::null_mut(), b"x".as_ptr(), 1),
            )
        };
        assert_eq!((a, b), (TUF_ERR_INVALID_ARGUMENT, TUF_ERR_INVALID_ARGUMENT));
    }
    let fail = staged.mode & 4 != 0;
    loader.last = Some((refused, fail));
    c_int::from(fail)
}

/// A C string from fuzzer bytes (cut at the first NUL; may be invalid UTF-8).
fn c_string(bytes: &[u8]) -> CString {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    CString::new(&bytes[..end]).expect("no NUL")
}

fn role_name(param: u8, shift: u8) -> CString {
    // Selector 7 is an invalid UTF-8 name.
    if (param >> shift) & 7 == 7 {
        return CString::new(vec![0xff, b'x']).expect("no NUL");
    }
    CString::new(records::role(param, shift)).expect("no NUL")
}

fn resign(op: &Op<'_>, kind: u8, role: &[u8]) -> Vec<u8> {
    let p = op.payload;
    if !op.flag(RESIGN) {
        return p.to_vec();
    }
    let r = match kind {
        ROOT => demo::resign::<Root>(p, demo::key(KeyRole::Root)),
        TIMESTAMP => demo::resign::<Timestamp>(p, demo::key(KeyRole::Timestamp)),
        SNAPSHOT => demo::resign::<Snapshot>(p, demo::key(KeyRole::Snapshot)),
        TARGETS => demo::resign::<Targets>(p, demo::key(KeyRole::Targets)),
        _ if role == b"targets" => demo::resign::<Targets>(p, demo::key(KeyRole::Targets)),
        _ => demo::resign::<Targets>(p, demo::key(KeyRole::Apps)),
    };
    r.unwrap_or_else(|| p.to_vec())
}

fn inspect_target(info: *const tuf_target_info) {
    // SAFETY: `info` is a live target info from libtuf (or NULL where noted).
    unsafe {
        c_str(tuf_target_info_path(info), "path");
        c_str(tuf_target_info_role(info), "role");
        let _ = tuf_target_info_length(info);
        let n = tuf_target_info_hash_count(info);
        assert!(n >= 1, "a target has hashes");
        for i in 0..n {
            c_str(tuf_target_info_hash_algorithm(info, i), "hash algorithm");
            c_str(tuf_target_info_hash_hex(info, i), "hash hex");
        }
        assert!(tuf_target_info_hash_algorithm(info, n).is_null());
        assert!(tuf_target_info_hash_hex(info, n).is_null());
        let custom = tuf_target_info_custom_json(info);
        if !custom.is_null() {
            c_str(custom, "custom json");
        }
    }
}

fn run(data: &[u8]) {
    let recs = records::split(data);
    let header = recs[0];
    let h = header.first().copied().unwrap_or(0);
    let time = demo::reference_time(h).unix();
    let time_ptr: *const i64 = if h & 8 != 0 { ptr::null() } else { &time };
    let mut flags = if h & 4 != 0 {
        TUF_VERIFY_STRICT_KEYIDS
    } else {
        0
    };
    if h & 16 != 0 {
        flags |= 2; // unknown flag: refused
    }
    let root: &[u8] = if h & 32 != 0 {
        &header[1.min(header.len())..]
    } else {
        demo::ROOT
    };

    let mut verifier: *mut tuf_verifier = ptr::null_mut();
    let mut err: *mut tuf_error = ptr::null_mut();
    // SAFETY: valid pointers and lengths; out-parameters point to local storage.
    let rc = unsafe {
        tuf_verifier_new(
            root.as_ptr(),
            root.len(),
            time_ptr,
            flags,
            &mut verifier,
            &mut err,
        )
    };
    check(rc, err, true, "tuf_verifier_new");
    if rc != TUF_OK {
        assert!(verifier.is_null(), "verifier written on failure");
        return;
    }
    if flags & 2 != 0 {
        panic!("unknown flags accepted");
    }

    let mut loader = Loader::default();
    for (role, bytes) in [(&b"targets"[..], demo::TARGETS), (b"apps", demo::APPS)] {
        loader.staged.insert(
            role.to_vec(),
            Staged {
                bytes: bytes.to_vec(),
                mode: 0,
            },
        );
    }

    for rec in &recs[1..] {
        let Some(op) = Op::parse(rec) else { continue };
        let role = role_name(op.param, 0);
        let delegator = role_name(op.param, 3);
        let bytes = resign(&op, op.op(), role.as_bytes());
        let (data_ptr, len) = if op.flag(NULL_DATA) {
            (ptr::null(), bytes.len())
        } else {
            (bytes.as_ptr(), bytes.len())
        };
        let v = if op.flag(NULL_VERIFIER) {
            ptr::null_mut()
        } else {
            verifier
        };
        let want_err = !op.flag(NULL_ERR);
        let mut err: *mut tuf_error = ptr::dangling_mut();
        let err_arg: *mut *mut tuf_error = if want_err { &mut err } else { ptr::null_mut() };
        // SAFETY (all calls below): pointers are valid for their lengths or NULL on purpose;
        // strings are NUL-terminated; out-parameters point to local storage.
        let (rc, call) = unsafe {
            match op.op() {
                ROOT => (
                    tuf_verifier_update_root(v, data_ptr, len, err_arg),
                    "update_root",
                ),
                TIMESTAMP => {
                    let mut updated = false;
                    let up: *mut bool = if op.flag(FLAG) {
                        ptr::null_mut()
                    } else {
                        &mut updated
                    };
                    (
                        tuf_verifier_update_timestamp(v, data_ptr, len, up, err_arg),
                        "update_timestamp",
                    )
                }
                SNAPSHOT => (
                    tuf_verifier_update_snapshot(v, data_ptr, len, op.flag(FLAG), err_arg),
                    "update_snapshot",
                ),
                TARGETS => (
                    tuf_verifier_update_targets(v, data_ptr, len, err_arg),
                    "update_targets",
                ),
                DELEGATED => {
                    let r = if op.flag(FLAG) {
                        ptr::null()
                    } else {
                        role.as_ptr()
                    };
                    (
                        tuf_verifier_update_delegated_targets(
                            v,
                            data_ptr,
                            len,
                            r,
                            delegator.as_ptr(),
                            err_arg,
                        ),
                        "update_delegated_targets",
                    )
                }
                STAGE => {
                    let staged = Staged {
                        bytes,
                        mode: op.param >> 3,
                    };
                    loader.staged.insert(role.as_bytes().to_vec(), staged);
                    continue;
                }
                FIND => {
                    let path = c_string(op.payload);
                    let mut info: *mut tuf_target_info = ptr::null_mut();
                    let cb: tuf_load_callback = if op.flag(FLAG) { None } else { Some(load) };
                    loader.last = None;
                    let rc = tuf_verifier_find_target(
                        v,
                        path.as_ptr(),
                        u32::from(op.param),
                        cb,
                        &mut loader as *mut Loader as *mut c_void,
                        &mut info,
                        err_arg,
                    );
                    if rc == TUF_OK {
                        inspect_target(info);
                        assert_eq!(
                            c_str(tuf_target_info_path(info), "path").as_bytes(),
                            path.as_bytes()
                        );
                    } else {
                        assert!(info.is_null(), "target info written on failure");
                        match loader.last {
                            Some((true, _)) => assert_eq!(rc, TUF_ERR_LENGTH_EXCEEDED),
                            Some((false, true)) => assert_eq!(rc, TUF_ERR_DOWNLOAD),
                            _ => {}
                        }
                    }
                    tuf_target_info_free(info);
                    (rc, "find_target")
                }
                _ if op.flag(RESIGN) => {
                    // A whole repository made consistent and signed, fed in order; targets
                    // and apps staged for the loader.
                    let [ts, snap, targets, apps] =
                        demo::consistent_repository(op.payload, op.param);
                    let mut e: *mut tuf_error = ptr::null_mut();
                    let rc = tuf_verifier_update_timestamp(
                        verifier,
                        ts.as_ptr(),
                        ts.len(),
                        ptr::null_mut(),
                        &mut e,
                    );
                    check(rc, e, true, "update_timestamp (repository)");
                    let rc = tuf_verifier_update_snapshot(
                        verifier,
                        snap.as_ptr(),
                        snap.len(),
                        false,
                        &mut e,
                    );
                    check(rc, e, true, "update_snapshot (repository)");
                    let rc = tuf_verifier_update_targets(
                        verifier,
                        targets.as_ptr(),
                        targets.len(),
                        &mut e,
                    );
                    check(rc, e, true, "update_targets (repository)");
                    for (role, bytes) in [(&b"targets"[..], targets), (b"apps", apps)] {
                        loader
                            .staged
                            .insert(role.to_vec(), Staged { bytes, mode: 0 });
                    }
                    continue;
                }
                _ => {
                    let _ = tuf_verifier_root_version(v);
                    let _ = tuf_verifier_timestamp_version(v);
                    let _ = tuf_verifier_snapshot_version(v);
                    let _ = tuf_verifier_role_version(v, role.as_ptr());
                    let _ = tuf_verifier_role_version(v, ptr::null());
                    let _ = tuf_verifier_consistent_snapshot(v);
                    let _ = tuf_verifier_timestamp_snapshot_keys_rotated(v);
                    if v.is_null() {
                        assert_eq!(tuf_verifier_root_version(v), 0);
                    } else {
                        assert!(tuf_verifier_root_version(v) >= 1);
                    }
                    continue;
                }
            }
        };
        let null_arg = op.flag(NULL_VERIFIER)
            || match op.op() {
                FIND => op.flag(FLAG),
                DELEGATED => op.flag(FLAG) || op.flag(NULL_DATA) && len > 0,
                _ => op.flag(NULL_DATA) && len > 0,
            };
        if null_arg {
            assert_eq!(rc, TUF_ERR_INVALID_ARGUMENT, "{call} with a NULL argument");
        }
        check(
            rc,
            if want_err { err } else { ptr::null_mut() },
            want_err,
            call,
        );
    }
    // SAFETY: the verifier from tuf_verifier_new, freed once; NULLs are ignored.
    unsafe {
        tuf_verifier_free(verifier);
        tuf_verifier_free(ptr::null_mut());
        tuf_error_free(ptr::null_mut());
        tuf_target_info_free(ptr::null_mut());
    }
}

fuzz_target!(|data: &[u8]| run(data));
