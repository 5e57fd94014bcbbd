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
	arrays, ok := newEntryArrays(n)
	defer arrays.free()
	if !ok {
		u.cb.end(C.TUF_OK, nil)
		return nil, &Error{Code: CodeIO, Message: "out of memory"}
	}
	cInfos, results, errs, paths := arrays.infos, arrays.results, arrays.errs, arrays.paths
	if n > 0 {
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

// PathDownloadResult is what became of one target path of DownloadTargetPaths.
type PathDownloadResult struct {
	Path string // the target path looked up
	// Info is the target as trusted metadata describes it, nil when it was not found or its
	// lookup failed.
	Info *TargetInfo
	// File is the target's verified file, "" when it was not downloaded.
	File string
	// Err is nil, or an *Error: one matching ErrTargetNotFound when no trusted role lists the
	// target, else why its lookup or its download failed. A target found but not downloaded
	// because another path was not found has neither File nor Err.
	Err error
}

// DownloadTargetPaths looks up every target path (as GetTargetInfos) and, when every one was
// found, downloads them all (as DownloadTargets) into the configured targets directory from
// the configured targets base URL. See DownloadTargetPathsTo.
func (u *Updater) DownloadTargetPaths(ctx context.Context, paths []string) ([]PathDownloadResult, error) {
	return u.DownloadTargetPathsTo(ctx, paths, "", "")
}

// DownloadTargetPathsTo is DownloadTargetPaths into targetDir ("": the configured targets
// directory) from targetBaseURL ("": the configured one).
//
// When a path is not found or its lookup fails, nothing is downloaded. The delegated
// metadata the lookups fetched ahead is written to the metadata cache while the targets'
// files are created, instead of before; otherwise every check, limit and callback is as in
// GetTargetInfos then DownloadTargetsTo.
//
// It returns one PathDownloadResult per path, in the order of paths, and nil when every
// target is in place; otherwise an *Error with the code of the first path that was not found
// or failed, naming it and the number of failures (the results are returned all the same).
// When the call fails before looking up or downloading (a path with a NUL byte or that is
// not UTF-8, a closed Updater, a context already done, the refresh that had to run first
// failed, a role that could not be written to the cache), the results are nil.
func (u *Updater) DownloadTargetPathsTo(ctx context.Context, paths []string, targetDir, targetBaseURL string) ([]PathDownloadResult, error) {
	n := len(paths)
	for i, p := range paths {
		if strings.IndexByte(p, 0) >= 0 {
			return nil, argError("target path %d of %d contains a NUL byte: %q", i, n, p)
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

	arrays, ok := newEntryArrays(n)
	defer arrays.free()
	if !ok {
		u.cb.end(C.TUF_OK, nil)
		return nil, &Error{Code: CodeIO, Message: "out of memory"}
	}
	infos, results, errs, files := arrays.infos, arrays.results, arrays.errs, arrays.paths
	var cerr *C.tuf_error
	r := C.tuf_updater_download_target_paths(u.c, cPaths, C.size_t(n), dir, base, infos, results, errs, files, &cerr)
	runtime.KeepAlive(u)

	ctx, cause := u.cb.peek()
	var out []PathDownloadResult
	if entriesWritten(results, n) {
		infoSlice, resultSlice := unsafe.Slice(infos, n), unsafe.Slice(results, n)
		errSlice, fileSlice := unsafe.Slice(errs, n), unsafe.Slice(files, n)
		out = make([]PathDownloadResult, n)
		for i := range out {
			out[i].Path = paths[i]
			if infoSlice[i] != nil {
				out[i].Info = newTargetInfo(infoSlice[i])
			}
			if resultSlice[i] == C.TUF_OK {
				if fileSlice[i] != nil {
					out[i].File = takeString(fileSlice[i])
				}
				continue
			}
			if fileSlice[i] != nil {
				C.tuf_string_free(fileSlice[i])
			}
			var targetCause error
			if resultSlice[i] != C.TUF_ERR_TARGET_NOT_FOUND {
				targetCause = entryCause(resultSlice[i], ctx, cause)
			}
			out[i].Err = takeError(resultSlice[i], errSlice[i], targetCause)
		}
	} else if n == 0 && r == C.TUF_OK {
		out = []PathDownloadResult{}
	}
	return out, u.cb.end(r, cerr)
}
