//! Checked conversions of C arguments.

use std::ffi::{c_char, CStr, CString};

use std::sync::{Mutex, MutexGuard, TryLockError};

use super::error::{tuf_error, tuf_result, TUF_ERR_INVALID_ARGUMENT, TUF_ERR_STATE, TUF_OK};

pub(crate) fn invalid(msg: &str) -> tuf_error {
    tuf_error::new(TUF_ERR_INVALID_ARGUMENT, msg)
}

/// A required NUL-terminated UTF-8 string argument.
pub(crate) fn str_arg<'a>(p: *const c_char, name: &str) -> Result<&'a str, tuf_error> {
    if p.is_null() {
        return Err(invalid(&format!("{name} is NULL")));
    }
    // SAFETY: `p` is non-NULL and points to a NUL-terminated string that outlives the call
    // (caller contract).
    let s = unsafe { CStr::from_ptr(p) };
    s.to_str()
        .map_err(|_| invalid(&format!("{name} is not valid UTF-8")))
}

/// An optional string argument: NULL means `None`.
pub(crate) fn opt_str_arg<'a>(p: *const c_char, name: &str) -> Result<Option<&'a str>, tuf_error> {
    if p.is_null() {
        Ok(None)
    } else {
        str_arg(p, name).map(Some)
    }
}

/// A byte buffer argument: `data` may be NULL only when `len` is 0.
pub(crate) fn bytes_arg<'a>(
    data: *const u8,
    len: usize,
    name: &str,
) -> Result<&'a [u8], tuf_error> {
    if len == 0 {
        return Ok(&[]);
    }
    if data.is_null() {
        return Err(invalid(&format!("{name} is NULL")));
    }
    if len > isize::MAX as usize {
        return Err(invalid(&format!("{name} is too long")));
    }
    // SAFETY: `data` is non-NULL and points to `len` readable bytes that outlive the call
    // (caller contract); `len` fits in isize.
    Ok(unsafe { std::slice::from_raw_parts(data, len) })
}

/// An optional array of `count` strings: NULL means `None` (then `count` must be 0).
pub(crate) fn opt_str_array_arg(
    items: *const *const c_char,
    count: usize,
    name: &str,
) -> Result<Option<Vec<String>>, tuf_error> {
    if items.is_null() {
        if count != 0 {
            return Err(invalid(&format!("{name} is NULL")));
        }
        return Ok(None);
    }
    if count > isize::MAX as usize / std::mem::size_of::<*const c_char>() {
        return Err(invalid(&format!("{name} is too long")));
    }
    // SAFETY: `items` is non-NULL and points to `count` readable pointers that outlive the
    // call (caller contract); the byte size fits in isize.
    let ptrs = unsafe { std::slice::from_raw_parts(items, count) };
    ptrs.iter()
        .enumerate()
        .map(|(i, p)| str_arg(*p, &format!("{name}[{i}]")).map(str::to_string))
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// Writes `value` at `array[index]` when `array` is not NULL.
///
/// # Safety
/// `array` is NULL or points to at least `index + 1` writable entries.
pub(crate) unsafe fn put<T>(array: *mut T, index: usize, value: T) {
    if !array.is_null() {
        // SAFETY: guaranteed by the caller.
        unsafe { array.add(index).write(value) }
    }
}

/// Writes the outcome of each entry of a call on many at once, in order: `results[i]` its
/// code, `errors[i]` a new error when it failed (else NULL), and through `value` what it
/// produced (`None` when it failed). Returns the error of the first failed entry, its message
/// prefixed with how many of the entries `failed` (e.g. "3 of 9 targets failed; the first,
/// NAME: ...", NAME being `name(i)`).
///
/// # Safety
/// `results` and `errors` are each NULL or point to `outcomes.len()` writable entries.
pub(crate) unsafe fn write_entries<T>(
    outcomes: Vec<Result<T, tuf_error>>,
    results: *mut tuf_result,
    errors: *mut *mut tuf_error,
    failed: &str,
    name: impl Fn(usize) -> String,
    mut value: impl FnMut(usize, Option<T>),
) -> Result<(), tuf_error> {
    let count = outcomes.len();
    let mut first: Option<(usize, tuf_error)> = None;
    let mut failures = 0usize;
    for (i, outcome) in outcomes.into_iter().enumerate() {
        let (code, error) = match outcome {
            Ok(v) => {
                value(i, Some(v));
                (TUF_OK, std::ptr::null_mut())
            }
            Err(e) => {
                value(i, None);
                failures += 1;
                let code = e.code();
                if first.is_none() {
                    first = Some((i, e.clone()));
                }
                let error = if errors.is_null() {
                    std::ptr::null_mut()
                } else {
                    Box::into_raw(Box::new(e))
                };
                (code, error)
            }
        };
        // SAFETY: each array is NULL or has `count` writable entries (caller contract),
        // and `i < count`.
        unsafe {
            put(results, i, code);
            put(errors, i, error);
        }
    }
    match first {
        None => Ok(()),
        Some((i, e)) => {
            let msg = format!(
                "{failures} of {count} targets {failed}; the first, {}: {}",
                name(i),
                e.message()
            );
            Err(e.with_message(&msg))
        }
    }
}

/// A required handle argument.
pub(crate) fn handle<'a, T>(p: *const T, name: &str) -> Result<&'a T, tuf_error> {
    // SAFETY: `p` is NULL or a live handle of type T created by libtuf (caller contract).
    unsafe { p.as_ref() }.ok_or_else(|| invalid(&format!("{name} is NULL")))
}

/// A required mutable handle argument.
pub(crate) fn handle_mut<'a, T>(p: *mut T, name: &str) -> Result<&'a mut T, tuf_error> {
    // SAFETY: `p` is NULL or a live handle of type T created by libtuf, not used by another
    // thread during the call (caller contract).
    unsafe { p.as_mut() }.ok_or_else(|| invalid(&format!("{name} is NULL")))
}

/// Checks that an out-parameter is not NULL.
pub(crate) fn out_arg<T>(p: *mut T, name: &str) -> Result<(), tuf_error> {
    if p.is_null() {
        return Err(invalid(&format!("{name} is NULL")));
    }
    Ok(())
}

/// Writes `value` through an out-parameter checked with [`out_arg`].
pub(crate) fn write_out<T>(p: *mut T, value: T) {
    // SAFETY: `p` was checked non-NULL by `out_arg` and points to writable storage for a T
    // (caller contract).
    unsafe { p.write(value) };
}

/// `s` as a C string. A NUL byte cannot be represented in a C string: it is written as the
/// two characters `\0`, visibly, rather than cutting or silently shortening the string. The
/// one conversion of Rust strings to C strings (messages, paths, names, JSON).
pub(crate) fn c_string(s: &str) -> CString {
    let escaped;
    let s = if s.contains('\0') {
        escaped = s.replace('\0', "\\0");
        &escaped
    } else {
        s
    };
    CString::new(s).unwrap_or_default()
}

/// An owned C string for returning to C (freed with `tuf_string_free`); see [`c_string`].
pub(crate) fn owned_string(s: &str) -> *mut c_char {
    c_string(s).into_raw()
}

/// Locks the state of a handle whose functions may run callbacks, without waiting: a handle
/// already in use (re-entered from one of its own callbacks, or used by two threads at once)
/// gives `TUF_ERR_STATE` instead of a deadlock or two `&mut` to one value.
pub(crate) fn lock_state<'a, T>(
    state: &'a Mutex<T>,
    name: &str,
) -> Result<MutexGuard<'a, T>, tuf_error> {
    match state.try_lock() {
        Ok(guard) => Ok(guard),
        Err(TryLockError::WouldBlock) => Err(tuf_error::new(
            TUF_ERR_STATE,
            &format!(
                "the {name} is in use: called from one of its own callbacks, or from two \
                 threads at once"
            ),
        )),
        Err(TryLockError::Poisoned(_)) => Err(tuf_error::new(
            TUF_ERR_STATE,
            &format!("the {name} is unusable after an internal error; free it"),
        )),
    }
}

/// Frees a handle whose state is behind a mutex ([`lock_state`]), unless it is in use: a
/// handle freed from one of its own callbacks is left alone (a leak the caller's bug costs,
/// never a use after free).
pub(crate) fn free_unless_in_use<T>(p: *mut T, state: impl FnOnce(&T) -> bool) {
    // SAFETY: `p` is NULL or a live handle created by libtuf (caller contract).
    let Some(h) = (unsafe { p.as_ref() }) else {
        return;
    };
    if state(h) {
        free_handle(p);
    }
}

/// Frees a handle that libtuf created with `Box::into_raw`. NULL is ignored.
pub(crate) fn free_handle<T>(p: *mut T) {
    if !p.is_null() {
        // SAFETY: a non-NULL `p` was returned by libtuf as a `Box<T>` and is freed once
        // (caller contract of every `*_free` function).
        drop(unsafe { Box::from_raw(p) });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c_strings_show_nul_bytes() {
        assert_eq!(c_string("plain").to_str().unwrap(), "plain");
        assert_eq!(c_string("a\0b").to_str().unwrap(), "a\\0b");
        assert_eq!(c_string("\0").to_bytes(), b"\\0");
    }
}
