package tuf

// #include <stdlib.h>
// #include "gotuf.h"
import "C"

import (
	"bytes"
	"context"
	"runtime/cgo"
	"sync"
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
	b := bytes.Clone(unsafe.Slice((*byte)(unsafe.Pointer(p)), int(n)))
	C.tuf_bytes_free(p)
	if b == nil {
		b = []byte{}
	}
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

// userdata is what libtuf is given as a callback's userdata: C memory holding a cgo.Handle
// of the callback's Go state. libtuf keeps no Go pointer, and Go code never holds the
// handle's small integer as an unsafe.Pointer (the runtime rejects such a value on a
// goroutine stack); the address of C memory is a valid one.
type userdata struct {
	h cgo.Handle
	p unsafe.Pointer // C memory holding h
}

func newUserdata(v any) *userdata {
	h := cgo.NewHandle(v)
	p := C.calloc(1, C.size_t(unsafe.Sizeof(C.struct_gotuf_userdata{})))
	(*C.struct_gotuf_userdata)(p).handle = C.uintptr_t(h)
	return &userdata{h: h, p: p}
}

// newCallbacksUserdata is the userdata of an Updater's or a MultiRepo's callbacks.
func newCallbacksUserdata(cb *callbacks) *userdata {
	ud := newUserdata(cb)
	cb.ud = ud.p
	if cb.onTransfer != nil {
		(*C.struct_gotuf_userdata)(ud.p).forward_progress = 1
	}
	return ud
}

// delete releases the handle and its memory; libtuf must no longer hold p.
func (u *userdata) delete() {
	if u != nil {
		u.h.Delete()
		C.free(u.p)
	}
}

// errReentrant is the error of a call on an object from inside one of that object's own
// callbacks, while the object is in the call that runs the callback: libtuf refuses such a
// call (TUF_ERR_STATE), and waiting for the running call would never end.
var errReentrant = &Error{Code: CodeState, Message: "called from inside a callback of a call in progress on the same object"}

// lock takes mu, as every method of an object does before using its handle. Another
// goroutine's call is waited for; a re-entrant call (from a callback of the call holding
// mu, which runs on this thread) gets errReentrant instead.
func lock(mu *sync.Mutex) error {
	return acquire(mu.TryLock, mu.Lock)
}

// rlock is lock for the readers of a sync.RWMutex.
func rlock(mu *sync.RWMutex) error {
	return acquire(mu.TryRLock, mu.RLock)
}

// wlock is lock for the writer of a sync.RWMutex.
func wlock(mu *sync.RWMutex) error {
	return acquire(mu.TryLock, mu.Lock)
}

// acquire is lock, rlock and wlock: tryLock at once, else errReentrant inside a callback,
// else wait.
func acquire(tryLock func() bool, wait func()) error {
	if tryLock() {
		return nil
	}
	if C.gotuf_in_callback() != 0 {
		return errReentrant
	}
	wait()
	return nil
}

// unwritten is a result code no code has. The calls on many entries at once
// (tuf_updater_download_targets, tuf_updater_get_target_infos) write every entry of their
// arrays, or none when they fail first: an entry still unwritten says which.
const unwritten = ^C.tuf_result(0)

// unwrittenResults is a C array of n result codes, each unwritten (nil when out of memory;
// free it with C.free).
func unwrittenResults(n int) *C.tuf_result {
	results := (*C.tuf_result)(C.calloc(C.size_t(n), C.size_t(unsafe.Sizeof(C.tuf_result(0)))))
	if results != nil {
		codes := unsafe.Slice(results, n)
		for i := range codes {
			codes[i] = unwritten
		}
	}
	return results
}

// cPointers is a new C array of n NULL pointers (nil when out of memory; free it with
// C.free).
func cPointers(n int) unsafe.Pointer {
	return C.calloc(C.size_t(n), C.size_t(unsafe.Sizeof(uintptr(0))))
}

// entryArrays are the C arrays of a call on n entries at once that takes a target info and
// writes a result code, an error and a path per entry (each nil when n is 0).
type entryArrays struct {
	infos   **C.tuf_target_info
	results *C.tuf_result
	errs    **C.tuf_error
	paths   **C.char
}

// newEntryArrays allocates the arrays for n entries, each result unwritten; ok is false when
// out of memory. Free them with free either way.
func newEntryArrays(n int) (a entryArrays, ok bool) {
	if n == 0 {
		return a, true
	}
	a = entryArrays{
		infos:   (**C.tuf_target_info)(cPointers(n)),
		results: unwrittenResults(n),
		errs:    (**C.tuf_error)(cPointers(n)),
		paths:   (**C.char)(cPointers(n)),
	}
	return a, a.infos != nil && a.results != nil && a.errs != nil && a.paths != nil
}

func (a entryArrays) free() {
	C.free(unsafe.Pointer(a.infos))
	C.free(unsafe.Pointer(a.results))
	C.free(unsafe.Pointer(a.errs))
	C.free(unsafe.Pointer(a.paths))
}

// entriesWritten reports whether libtuf wrote the n entries of results.
func entriesWritten(results *C.tuf_result, n int) bool {
	return n > 0 && unsafe.Slice(results, n)[0] != unwritten
}

// entryCause is the Go error behind an entry with code that failed in a call on many at
// once: the error or panic of a callback of the call, else, for a cancelled entry, the error
// of the call's context when it is done.
func entryCause(code C.tuf_result, ctx context.Context, cause error) error {
	if cause != nil {
		return cause
	}
	if code == C.TUF_ERR_CANCELLED && ctx != nil && ctx.Err() != nil {
		return ctx.Err()
	}
	return nil
}
