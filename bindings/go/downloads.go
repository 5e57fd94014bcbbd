package tuf

// #include <stdlib.h>
// #include "gotuf.h"
import "C"

import (
	"context"
	"runtime"
	"unsafe"
)

// DownloadResult is what became of one target of DownloadTargets.
type DownloadResult struct {
	Info *TargetInfo
	// Path is the verified file ("" when Err is not nil).
	Path string
	// Err is nil, or an *Error saying why this target is not in place (CodeCancelled,
	// wrapping the context's error, when the call's context was done).
	Err error
}

// DownloadTargets downloads several targets at once (spec 5.7) into the configured targets
// directory, each under its local name (as DownloadTarget with no file name), from the
// configured targets base URL. See DownloadTargetsTo.
func (u *Updater) DownloadTargets(ctx context.Context, infos []*TargetInfo) ([]DownloadResult, error) {
	return u.DownloadTargetsTo(ctx, infos, "", "")
}

// DownloadTargetsTo is DownloadTargets into targetDir ("": the configured targets
// directory) from targetBaseURL ("": the configured one).
//
// Targets whose file is already there with the right length and hashes succeed at once;
// the others are downloaded in parallel over at most Config.MaxConnections connections
// (sharing them over HTTP/2), each with every protection of DownloadTarget, and resumed as
// Config.NoResume says; with a Fetcher, one after the other through it. One failure stops
// no other download.
//
// It returns one DownloadResult per target, in the order of infos, and nil when every
// target is in place; otherwise an *Error with the code of the first target that failed,
// naming it and the number of failures (the results are returned all the same). When ctx is
// done, every transfer still running or waiting stops and its target fails with
// CodeCancelled (what arrived stays in its partial file for the next download, unless
// Config.NoResume). When the call fails before downloading (a nil or closed TargetInfo, a
// closed Updater), the results are nil.
func (u *Updater) DownloadTargetsTo(ctx context.Context, infos []*TargetInfo, targetDir, targetBaseURL string) ([]DownloadResult, error) {
	n := len(infos)
	for i, info := range infos {
		if info == nil || info.c == nil {
			return nil, argError("target info %d of %d is nil or closed", i, n)
		}
	}
	dir, err := cStringOrNil(targetDir)
	if err != nil {
		return nil, err
	}
	defer freeString(dir)
	base, err := cStringOrNil(targetBaseURL)
	if err != nil {
		return nil, err
	}
	defer freeString(base)
	if err := u.lock(ctx); err != nil {
		return nil, err
	}
	defer u.mu.Unlock()

	// The arrays libtuf reads and writes are C memory: the infos array holds C pointers.
	var cInfos **C.tuf_target_info
	var results *C.tuf_result
	var errs **C.tuf_error
	var paths **C.char
	if n > 0 {
		cInfos = (**C.tuf_target_info)(C.calloc(C.size_t(n), C.size_t(unsafe.Sizeof(uintptr(0)))))
		results = unwrittenResults(n)
		errs = (**C.tuf_error)(C.calloc(C.size_t(n), C.size_t(unsafe.Sizeof(uintptr(0)))))
		paths = (**C.char)(C.calloc(C.size_t(n), C.size_t(unsafe.Sizeof(uintptr(0)))))
		defer C.free(unsafe.Pointer(cInfos))
		defer C.free(unsafe.Pointer(results))
		defer C.free(unsafe.Pointer(errs))
		defer C.free(unsafe.Pointer(paths))
		if cInfos == nil || results == nil || errs == nil || paths == nil {
			u.cb.end(C.TUF_OK, nil)
			return nil, &Error{Code: CodeIO, Message: "out of memory"}
		}
		infoSlice := unsafe.Slice(cInfos, n)
		for i, info := range infos {
			infoSlice[i] = info.c
		}
	}
	var cerr *C.tuf_error
	r := C.tuf_updater_download_targets(u.c, cInfos, C.size_t(n), dir, base, results, errs, paths, &cerr)
	runtime.KeepAlive(u)
	runtime.KeepAlive(infos)

	ctx, cause := u.cb.peek()
	var out []DownloadResult
	if entriesWritten(results, n) {
		resultSlice, errSlice, pathSlice := unsafe.Slice(results, n), unsafe.Slice(errs, n), unsafe.Slice(paths, n)
		out = make([]DownloadResult, n)
		for i := range out {
			out[i].Info = infos[i]
			if resultSlice[i] == C.TUF_OK {
				out[i].Path = takeString(pathSlice[i])
				continue
			}
			out[i].Err = takeError(resultSlice[i], errSlice[i], entryCause(resultSlice[i], ctx, cause))
			if pathSlice[i] != nil {
				C.tuf_string_free(pathSlice[i])
			}
		}
	} else if n == 0 && r == C.TUF_OK {
		out = []DownloadResult{}
	}
	return out, u.cb.end(r, cerr)
}
