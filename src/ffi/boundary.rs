//! The panic boundary and the error out-parameter, shared by every fallible entry point.

use std::panic::{catch_unwind, AssertUnwindSafe};

use super::error::{tuf_error, tuf_result, TUF_ERR_PANIC, TUF_OK};

/// Runs `f`, turning its error into a result code (and, when `err` is not NULL, into a
/// `tuf_error` written to `*err`) and a panic into `TUF_ERR_PANIC`. `*err` is set to NULL
/// first, so it is NULL on success.
pub(crate) fn run(
    err: *mut *mut tuf_error,
    f: impl FnOnce() -> Result<(), tuf_error>,
) -> tuf_result {
    if !err.is_null() {
        // SAFETY: a non-NULL `err` points to writable storage for one pointer (caller
        // contract, documented on every function taking `tuf_error **`).
        unsafe { *err = std::ptr::null_mut() };
    }
    let outcome = match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => return TUF_OK,
        Ok(Err(e)) => e,
        Err(panic) => {
            let msg = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic".into());
            tuf_error::new(TUF_ERR_PANIC, &format!("internal error: {msg}"))
        }
    };
    let code = super::error::tuf_error_code(&outcome);
    if !err.is_null() {
        // SAFETY: as above.
        unsafe { *err = Box::into_raw(Box::new(outcome)) };
    }
    code
}

/// Runs `f` for an entry point that returns a plain value, returning `on_panic` if it panics.
pub(crate) fn value<T>(on_panic: T, f: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(on_panic)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_a_result_code_and_an_error() {
        let mut err: *mut tuf_error = std::ptr::null_mut();
        let code = run(&mut err, || panic!("boom"));
        assert_eq!(code, TUF_ERR_PANIC);
        assert!(!err.is_null());
        // SAFETY: `err` was just created by `run`.
        let e = unsafe { Box::from_raw(err) };
        assert_eq!(super::super::error::tuf_error_code(&*e), TUF_ERR_PANIC);
        assert_eq!(value(7, || -> i32 { panic!("boom") }), 7);
        // Success leaves *err NULL, even if it held something before.
        let mut err2: *mut tuf_error = std::ptr::dangling_mut();
        assert_eq!(run(&mut err2, || Ok(())), TUF_OK);
        assert!(err2.is_null());
    }
}
