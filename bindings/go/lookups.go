package tuf

// #include <stdlib.h>
// #include "gotuf.h"
import "C"

import (
	"context"
	"runtime"
	"strings"
	"unsafe"
)

// LookupResult is what became of one target path of GetTargetInfos.
type LookupResult struct {
	Path string // the target path looked up
	// Info is the target as trusted metadata describes it (as GetTargetInfo returns it), nil
	// when Err is not nil.
	Info *TargetInfo
	// Err is nil, or an *Error: one matching ErrTargetNotFound when no trusted role lists the
	// target, else why its lookup failed (CodeCancelled, wrapping the context's error, when
	// the call's context was done; the Fetcher's error, when one failed the lookup).
	Err error
}

// GetTargetInfos looks up several target paths at once through the delegations (spec
// 5.6.7), as GetTargetInfo looks up each one; it refreshes first if this Updater has not.
//
// The delegated metadata the lookups need is fetched ahead, several roles at once over at
// most Config.MaxConnections connections: the searches advance together, and each role is
// fetched once however many lookups need it, with every protection of a single metadata
// download, and verified against the role that delegated it before it is trusted or
// cached. With a Fetcher, or offline, the lookups run one after the other.
// Config.OnTransferProgress is told of every transfer; the function of SetTargetProgress
// is not.
//
// It returns one LookupResult per path, in the order of paths, and nil when every target
// was found; otherwise an *Error with the code of the first path that was not (matching
// ErrTargetNotFound when no trusted role lists it), naming it and the number of paths not
// found (the results are returned all the same: one failed lookup stops no other). When
// ctx is done, every transfer still running or waiting stops and the lookups that still
// needed metadata fail with CodeCancelled. When the call fails before looking up (a path
// with a NUL byte or that is not UTF-8, a closed Updater, a context already done, the
// refresh that had to run first failed), the results are nil.
//
// The TargetInfos of the results are freed by the garbage collector (or earlier by their
// Close), as GetTargetInfo's are.
func (u *Updater) GetTargetInfos(ctx context.Context, paths []string) ([]LookupResult, error) {
	n := len(paths)
	for i, p := range paths {
		if strings.IndexByte(p, 0) >= 0 {
			return nil, argError("target path %d of %d contains a NUL byte: %q", i, n, p)
		}
	}
	// The array of paths libtuf reads is C memory holding C strings.
	cPaths, freePaths, err := cStrings(paths)
	if err != nil {
		return nil, err
	}
	defer freePaths()
	if err := u.lock(ctx); err != nil {
		return nil, err
	}
	defer u.mu.Unlock()

	var infos **C.tuf_target_info
	var results *C.tuf_result
	var errs **C.tuf_error
	if n > 0 {
		infos = (**C.tuf_target_info)(cPointers(n))
		results = unwrittenResults(n)
		errs = (**C.tuf_error)(cPointers(n))
		defer C.free(unsafe.Pointer(infos))
		defer C.free(unsafe.Pointer(results))
		defer C.free(unsafe.Pointer(errs))
		if infos == nil || results == nil || errs == nil {
			u.cb.end(C.TUF_OK, nil)
			return nil, &Error{Code: CodeIO, Message: "out of memory"}
		}
	}
	var cerr *C.tuf_error
	r := C.tuf_updater_get_target_infos(u.c, cPaths, C.size_t(n), infos, results, errs, &cerr)
	runtime.KeepAlive(u)

	ctx, cause := u.cb.peek()
	fetchURL, fetchErr := u.cb.peekFetch()
	var out []LookupResult
	if entriesWritten(results, n) {
		infoSlice, resultSlice, errSlice := unsafe.Slice(infos, n), unsafe.Slice(results, n), unsafe.Slice(errs, n)
		out = make([]LookupResult, n)
		for i := range out {
			out[i].Path = paths[i]
			if resultSlice[i] == C.TUF_OK && infoSlice[i] != nil {
				out[i].Info = newTargetInfo(infoSlice[i])
				if errSlice[i] != nil {
					C.tuf_error_free(errSlice[i])
				}
				continue
			}
			if infoSlice[i] != nil {
				C.tuf_target_info_free(infoSlice[i])
			}
			code := resultSlice[i]
			if code == C.TUF_OK {
				// Found, but no target info: cannot happen with a non-NULL infos array.
				code = C.TUF_ERR_PANIC
			}
			// A target not found is the metadata's answer, whatever else went wrong in the
			// call; a failed lookup has the Go error behind it, as GetTargetInfo's would.
			var targetCause error
			if code != C.TUF_ERR_TARGET_NOT_FOUND {
				targetCause = entryCause(code, ctx, cause)
				if targetCause == nil && fetchErr != nil && errSlice[i] != nil && goStringOrEmpty(C.tuf_error_url(errSlice[i])) == fetchURL {
					targetCause = fetchErr
				}
			}
			out[i].Err = takeError(code, errSlice[i], targetCause)
		}
	} else if n == 0 && r == C.TUF_OK {
		out = []LookupResult{}
	}
	return out, u.cb.end(r, cerr)
}
