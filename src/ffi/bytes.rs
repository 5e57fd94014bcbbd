//! Byte buffers returned to C (`uint8_t *` with a length), freed with `tuf_bytes_free`.
//!
//! The buffer is one allocation: an 8-byte length header, the bytes, and a NUL byte (so that
//! text can be used as a C string). C sees a pointer just past the header, so that
//! `tuf_bytes_free` needs only that pointer.

use super::boundary::value;

const HEADER: usize = std::mem::size_of::<u64>();

/// `data` as an owned C buffer: the pointer to hand out and the length of the data.
pub(crate) fn owned_bytes(data: &[u8]) -> (*mut u8, usize) {
    let mut buf = Vec::with_capacity(HEADER + data.len() + 1);
    buf.extend_from_slice(&(data.len() as u64).to_le_bytes());
    buf.extend_from_slice(data);
    buf.push(0);
    let base = Box::into_raw(buf.into_boxed_slice()) as *mut u8;
    // SAFETY: the allocation is HEADER + len + 1 bytes long, so base + HEADER is inside it.
    (unsafe { base.add(HEADER) }, data.len())
}

/// Frees a buffer libtuf returned as `uint8_t *` (e.g. by `tuf_metadata_to_bytes`). NULL is
/// allowed and ignored. Any thread; each buffer is freed once.
#[no_mangle]
pub extern "C" fn tuf_bytes_free(data: *mut u8) {
    value((), || {
        if data.is_null() {
            return;
        }
        // SAFETY: a non-NULL `data` was returned by `owned_bytes` (caller contract), so the
        // allocation starts HEADER bytes before it with the length, and is HEADER + len + 1
        // bytes long; it is freed once.
        unsafe {
            let base = data.sub(HEADER);
            let len = u64::from_le_bytes(std::ptr::read_unaligned(base as *const [u8; HEADER]));
            let total = HEADER + len as usize + 1;
            drop(Box::from_raw(std::ptr::slice_from_raw_parts_mut(
                base, total,
            )));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffers_round_trip() {
        for data in [&b""[..], b"x", &[0u8; 1000]] {
            let (p, len) = owned_bytes(data);
            assert_eq!(len, data.len());
            // SAFETY: `p` holds `len` bytes and a NUL.
            let got = unsafe { std::slice::from_raw_parts(p, len + 1) };
            assert_eq!(&got[..len], data);
            assert_eq!(got[len], 0);
            tuf_bytes_free(p);
        }
        tuf_bytes_free(std::ptr::null_mut());
    }
}
