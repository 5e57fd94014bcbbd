package tuf

// #include <stdlib.h>
// #include "gotuf.h"
import "C"

import (
	"runtime/cgo"
	"time"
	"unsafe"
)

// cString is a C copy of s (free it with freeString); NUL bytes inside s are refused by
// libtuf's UTF-8 check only up to the first NUL, so they are refused here.
func cString(s string) (*C.char, error) {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return nil, argError("string contains a NUL byte: %q", s)
		}
	}
	return C.CString(s), nil
}

// cStringOrNil is cString, or NULL for "".
func cStringOrNil(s string) (*C.char, error) {
	if s == "" {
		return nil, nil
	}
	return cString(s)
}

func freeString(p *C.char) {
	if p != nil {
		C.free(unsafe.Pointer(p))
	}
}

// goStringOrEmpty copies a borrowed C string ("" for NULL).
func goStringOrEmpty(p *C.char) string {
	if p == nil {
		return ""
	}
	return C.GoString(p)
}

// takeString copies an owned C string and frees it with tuf_string_free.
func takeString(p *C.char) string {
	if p == nil {
		return ""
	}
	s := C.GoString(p)
	C.tuf_string_free(p)
	return s
}

// takeBytes copies an owned C buffer and frees it with tuf_bytes_free.
func takeBytes(p *C.uint8_t, n C.size_t) []byte {
	if p == nil {
		return nil
	}
	b := C.GoBytes(unsafe.Pointer(p), C.int(n))
	C.tuf_bytes_free(p)
	return b
}

// bytesPtr points at b's first byte for the duration of a C call (NULL when b is empty).
// libtuf copies what it keeps, so no Go pointer outlives the call.
func bytesPtr(b []byte) *C.uint8_t {
	if len(b) == 0 {
		return nil
	}
	return (*C.uint8_t)(unsafe.Pointer(&b[0]))
}

// unixSeconds converts t to a C int64 holding seconds since the Unix epoch.
func unixSeconds(t time.Time) C.int64_t { return C.int64_t(t.Unix()) }

// handlePtr passes a cgo.Handle as a callback's userdata.
func handlePtr(h cgo.Handle) unsafe.Pointer { return C.gotuf_handle(C.uintptr_t(h)) }
