package tuf

// The C callbacks libtuf calls: each finds its Go state through the cgo.Handle passed as
// userdata, runs the Go callback, and recovers a panic (which must not unwind through
// libtuf) into an error. This file's preamble holds declarations only, as cgo requires of a
// file with //export.

// #include <stdint.h>
// #include <tuf.h>
// void gotuf_callback_enter(void);
// void gotuf_callback_leave(void);
import "C"

import (
	"bytes"
	"errors"
	"io"
	"runtime/cgo"
	"unsafe"
)

// handleValue is the Go state of a callback's userdata (see userdata in cgo_helpers.go).
func handleValue(userdata unsafe.Pointer) any {
	return cgo.Handle(*(*C.uintptr_t)(userdata)).Value()
}

//export gotufFetch
func gotufFetch(userdata unsafe.Pointer, url *C.char, maxLength C.uint64_t, sink *C.tuf_sink) (ret C.int) {
	cb := handleValue(userdata).(*callbacks)
	C.gotuf_callback_enter()
	defer C.gotuf_callback_leave()
	u := C.GoString(url)
	w := &sinkWriter{sink: sink}
	defer func() {
		w.sink = nil
		if v := recover(); v != nil {
			cb.setFetchResult(u, panicError("fetch", v))
			ret = -1
		}
	}()
	ctx := cb.context()
	if err := ctx.Err(); err != nil {
		cb.setCause(err)
		return -1
	}
	err := cb.fetcher.Fetch(ctx, u, uint64(maxLength), w)
	if err == nil {
		cb.setFetchResult("", nil)
		return 0
	}
	if w.err != nil && errors.Is(err, w.err) {
		// libtuf refused the bytes (too many): it reports that itself.
		return -1
	}
	if ctx.Err() != nil {
		cb.setCause(ctx.Err())
		return -1
	}
	cb.setFetchResult(u, err)
	var status *HTTPStatusError
	if errors.As(err, &status) && status.StatusCode >= 100 && status.StatusCode <= 599 &&
		(status.StatusCode < 200 || status.StatusCode > 299) {
		return C.int(status.StatusCode)
	}
	if errors.Is(err, ErrNotFound) {
		return C.TUF_FETCH_NOT_FOUND
	}
	return -1
}

//export gotufLog
func gotufLog(userdata unsafe.Pointer, level C.int, message *C.char) {
	cb := handleValue(userdata).(*callbacks)
	C.gotuf_callback_enter()
	defer C.gotuf_callback_leave()
	defer func() {
		if v := recover(); v != nil {
			cb.setCause(panicError("log", v))
		}
	}()
	ctx := cb.context()
	lvl := slogLevel(level)
	if cb.logger.Enabled(ctx, lvl) {
		cb.logger.Log(ctx, lvl, C.GoString(message))
	}
}

//export gotufTransferProgress
func gotufTransferProgress(userdata unsafe.Pointer, url *C.char, received, total C.uint64_t) (ret C.int) {
	cb := handleValue(userdata).(*callbacks)
	C.gotuf_callback_enter()
	defer C.gotuf_callback_leave()
	defer func() {
		if v := recover(); v != nil {
			cb.setCause(panicError("progress", v))
			ret = 1
		}
	}()
	if cb.onTransfer != nil {
		cb.onTransfer(C.GoString(url), uint64(received), uint64(total))
	}
	if err := cb.context().Err(); err != nil {
		cb.setCause(err)
		return 1
	}
	return 0
}

//export gotufTargetProgress
func gotufTargetProgress(userdata unsafe.Pointer, received, total C.uint64_t) {
	cb := handleValue(userdata).(*callbacks)
	C.gotuf_callback_enter()
	defer C.gotuf_callback_leave()
	defer func() {
		if v := recover(); v != nil {
			cb.setCause(panicError("progress", v))
		}
	}()
	if f := cb.targetProgress(); f != nil {
		f(uint64(received), uint64(total))
	}
}

// loadState is the userdata of one tuf_verifier_find_target(_versioned) call.
type loadState struct {
	load func(role string, version, maxLength uint64, w io.Writer) error
	err  error
}

//export gotufLoad
func gotufLoad(userdata unsafe.Pointer, role *C.char, maxLength C.uint64_t, sink *C.tuf_sink) C.int {
	return runLoad(userdata, role, 0, maxLength, sink)
}

//export gotufLoadVersioned
func gotufLoadVersioned(userdata unsafe.Pointer, role *C.char, version, maxLength C.uint64_t, sink *C.tuf_sink) C.int {
	return runLoad(userdata, role, version, maxLength, sink)
}

func runLoad(userdata unsafe.Pointer, role *C.char, version, maxLength C.uint64_t, sink *C.tuf_sink) (ret C.int) {
	st := handleValue(userdata).(*loadState)
	C.gotuf_callback_enter()
	defer C.gotuf_callback_leave()
	w := &sinkWriter{sink: sink}
	defer func() {
		w.sink = nil
		if v := recover(); v != nil {
			st.err = panicError("load", v)
			ret = -1
		}
	}()
	if err := st.load(C.GoString(role), uint64(version), uint64(maxLength), w); err != nil {
		if w.err == nil || !errors.Is(err, w.err) {
			st.err = err
		}
		return -1
	}
	return 0
}

// signState is the userdata of a callback signer.
type signState struct {
	sign func(data []byte) ([]byte, error)
	err  error // the error of the running tuf_metadata_sign / tuf_signer_sign (Signer.mu held)
}

//export gotufSign
func gotufSign(userdata unsafe.Pointer, data *C.uint8_t, length C.size_t, signature *C.tuf_sink) (ret C.int) {
	st := handleValue(userdata).(*signState)
	C.gotuf_callback_enter()
	defer C.gotuf_callback_leave()
	w := &sinkWriter{sink: signature}
	defer func() {
		w.sink = nil
		if v := recover(); v != nil {
			st.err = panicError("sign", v)
			ret = -1
		}
	}()
	sig, err := st.sign(bytes.Clone(unsafe.Slice((*byte)(unsafe.Pointer(data)), int(length))))
	if err != nil {
		st.err = err
		return -1
	}
	if _, err := w.Write(sig); err != nil {
		return -1
	}
	return 0
}

// storageCall runs f, a method of the Storage of the callbacks behind userdata, for the
// storage callback named op; a panic fails the callback (ret -1), and the running call
// (see storagePanic).
func storageCall(userdata unsafe.Pointer, op string, f func(cb *callbacks) C.int) (ret C.int) {
	cb := handleValue(userdata).(*callbacks)
	C.gotuf_callback_enter()
	defer C.gotuf_callback_leave()
	defer func() {
		if v := recover(); v != nil {
			cb.storagePanic(panicError("storage "+op, v))
			ret = -1
		}
	}()
	return f(cb)
}

//export gotufStorageRead
func gotufStorageRead(userdata unsafe.Pointer, name *C.char, maxLength C.uint64_t, sink *C.tuf_sink) C.int {
	return storageCall(userdata, "read", func(cb *callbacks) C.int {
		w := &sinkWriter{sink: sink}
		defer func() { w.sink = nil }()
		data, err := cb.storage.Read(cb.context(), C.GoString(name), uint64(maxLength))
		if err != nil {
			if errors.Is(err, ErrNotFound) {
				return C.TUF_STORAGE_NOT_FOUND
			}
			cb.setStorageError(err)
			return -1
		}
		if _, err := w.Write(data); err != nil {
			// Longer than maxLength: libtuf treats the value as not stored.
			return -1
		}
		return 0
	})
}

//export gotufStorageWrite
func gotufStorageWrite(userdata unsafe.Pointer, name *C.char, data *C.uint8_t, length C.size_t, durable C.int) C.int {
	return storageCall(userdata, "write", func(cb *callbacks) C.int {
		var b []byte
		if length > 0 {
			b = bytes.Clone(unsafe.Slice((*byte)(unsafe.Pointer(data)), int(length)))
		} else {
			b = []byte{}
		}
		if err := cb.storage.Write(cb.context(), C.GoString(name), b, durable != 0); err != nil {
			cb.setStorageError(err)
			return -1
		}
		return 0
	})
}

//export gotufStorageRemove
func gotufStorageRemove(userdata unsafe.Pointer, name *C.char) C.int {
	return storageCall(userdata, "remove", func(cb *callbacks) C.int {
		err := cb.storage.Remove(cb.context(), C.GoString(name))
		if err == nil || errors.Is(err, ErrNotFound) {
			return 0
		}
		cb.setStorageError(err)
		return -1
	})
}

//export gotufStorageLock
func gotufStorageLock(userdata unsafe.Pointer) C.int {
	return storageCall(userdata, "lock", func(cb *callbacks) C.int {
		if err := cb.storage.(StorageLocker).Lock(cb.context()); err != nil {
			cb.setStorageError(err)
			return -1
		}
		return 0
	})
}

//export gotufStorageUnlock
func gotufStorageUnlock(userdata unsafe.Pointer) {
	storageCall(userdata, "unlock", func(cb *callbacks) C.int {
		cb.storage.(StorageLocker).Unlock()
		return 0
	})
}
