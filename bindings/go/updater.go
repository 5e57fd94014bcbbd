package tuf

// #include <stdlib.h>
// #include "gotuf.h"
import "C"

import (
	"context"
	"runtime"
	"sync"
	"time"
)

// Updater is a TUF client for one repository (spec 5.3 to 5.7): it refreshes the
// repository's top-level metadata, looks up targets through the delegations, and downloads
// targets verified against their trusted length and hashes.
//
// An Updater is safe for concurrent use by multiple goroutines: its methods run one at a
// time (libtuf's updater refuses a second concurrent call; the Updater waits instead).
// Several Updaters, in one process or many, may share a metadata directory and a targets
// directory. Close frees it; a finalizer frees an Updater that was not closed, as a
// backstop only.
type Updater struct {
	mu sync.Mutex
	c  *C.tuf_updater
	cb *callbacks
	ud *userdata
}

// NewUpdater creates an Updater from cfg: it loads and verifies the trusted root
// (cfg.BootstrapRoot, or the cached root.json of cfg.MetadataDir) and makes no network
// request.
func NewUpdater(cfg Config) (*Updater, error) {
	cb := &callbacks{fetcher: cfg.Fetcher, storage: cfg.Storage, logger: cfg.Logger, onTransfer: cfg.OnTransferProgress}
	ud := newCallbacksUserdata(cb)
	ccfg, err := newCConfig(&cfg, cfg.MetadataDir, cfg.MetadataURL, ud)
	if err != nil {
		ud.delete()
		return nil, err
	}
	defer C.tuf_updater_config_free(ccfg)
	var c *C.tuf_updater
	var cerr *C.tuf_error
	// The log callback may run during tuf_updater_new.
	cb.begin(context.Background())
	r := C.tuf_updater_new(ccfg, &c, &cerr)
	if err := cb.end(r, cerr); err != nil {
		C.tuf_updater_free(c)
		ud.delete()
		return nil, err
	}
	u := &Updater{c: c, cb: cb, ud: ud}
	runtime.SetFinalizer(u, (*Updater).Close)
	return u, nil
}

// Close frees the updater. Further calls return an error with CodeState; Close itself may
// be called again. It waits for a running call to end.
func (u *Updater) Close() error {
	if err := lock(&u.mu); err != nil {
		return err
	}
	defer u.mu.Unlock()
	if u.c != nil {
		C.tuf_updater_free(u.c)
		u.c = nil
		u.ud.delete()
		runtime.SetFinalizer(u, nil)
	}
	return nil
}

// lock takes the updater for one call; the caller unlocks u.mu.
func (u *Updater) lock(ctx context.Context) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := lock(&u.mu); err != nil {
		return err
	}
	if u.c == nil {
		u.mu.Unlock()
		return errClosed("updater")
	}
	if err := ctx.Err(); err != nil {
		u.mu.Unlock()
		return &Error{Code: CodeCancelled, Message: "cancelled before the call", Err: err}
	}
	u.cb.begin(ctx)
	return nil
}

// Refresh updates the top-level metadata: root, timestamp, snapshot, targets (spec 5.3 to
// 5.6). It may be called again later for a new update cycle. When ctx is done during the
// refresh, the transfer stops and Refresh returns an *Error with CodeCancelled wrapping
// ctx.Err(); the cache stays valid.
func (u *Updater) Refresh(ctx context.Context) error {
	if err := u.lock(ctx); err != nil {
		return err
	}
	defer u.mu.Unlock()
	var cerr *C.tuf_error
	r := C.tuf_updater_refresh(u.c, &cerr)
	runtime.KeepAlive(u)
	return u.cb.end(r, cerr)
}

// GetTargetInfo looks up targetPath through the delegations (spec 5.6.7), fetching only
// the metadata the search needs; it refreshes first if this Updater has not. When no
// trusted role lists the target, the error matches ErrTargetNotFound.
func (u *Updater) GetTargetInfo(ctx context.Context, targetPath string) (*TargetInfo, error) {
	p, err := cString(targetPath)
	if err != nil {
		return nil, err
	}
	defer freeString(p)
	if err := u.lock(ctx); err != nil {
		return nil, err
	}
	defer u.mu.Unlock()
	var info *C.tuf_target_info
	var cerr *C.tuf_error
	r := C.tuf_updater_get_target_info(u.c, p, &info, &cerr)
	runtime.KeepAlive(u)
	if err := u.cb.end(r, cerr); err != nil {
		return nil, err
	}
	return newTargetInfo(info), nil
}

// FindCachedTarget checks whether a local file holds the target: filePath, or (if "") the
// file in the configured targets directory. It returns the path and true when the file
// exists with the right length and hashes, "" and false when not. It makes no network
// request.
func (u *Updater) FindCachedTarget(info *TargetInfo, filePath string) (string, bool, error) {
	if info == nil {
		return "", false, argError("nil target info")
	}
	p, err := cStringOrNil(filePath)
	if err != nil {
		return "", false, err
	}
	defer freeString(p)
	if err := u.lock(context.Background()); err != nil {
		return "", false, err
	}
	defer u.mu.Unlock()
	var out *C.char
	var cerr *C.tuf_error
	r := C.tuf_updater_find_cached_target(u.c, info.c, p, &out, &cerr)
	runtime.KeepAlive(u)
	runtime.KeepAlive(info)
	if err := u.cb.end(r, cerr); err != nil {
		return "", false, err
	}
	if out == nil {
		return "", false, nil
	}
	return takeString(out), true, nil
}

// DownloadTarget downloads the target to filePath ("": into the configured targets
// directory) from the configured targets base URL, verifying its length and hashes while
// it streams to a partial file beside the destination that is renamed into place only when
// it verified. It returns the path written. A download interrupted (by ctx, a broken
// connection, the deadline) leaves nothing at the destination; what arrived stays in the
// partial file, and the next download of the target asks only for the rest (see
// Config.NoResume).
func (u *Updater) DownloadTarget(ctx context.Context, info *TargetInfo, filePath string) (string, error) {
	return u.DownloadTargetFrom(ctx, info, filePath, "")
}

// DownloadTargetFrom is DownloadTarget from the targets base URL targetBaseURL ("": the
// configured one).
func (u *Updater) DownloadTargetFrom(ctx context.Context, info *TargetInfo, filePath, targetBaseURL string) (string, error) {
	if info == nil {
		return "", argError("nil target info")
	}
	p, err := cStringOrNil(filePath)
	if err != nil {
		return "", err
	}
	defer freeString(p)
	base, err := cStringOrNil(targetBaseURL)
	if err != nil {
		return "", err
	}
	defer freeString(base)
	if err := u.lock(ctx); err != nil {
		return "", err
	}
	defer u.mu.Unlock()
	var out *C.char
	var cerr *C.tuf_error
	r := C.tuf_updater_download_target(u.c, info.c, p, base, &out, &cerr)
	runtime.KeepAlive(u)
	runtime.KeepAlive(info)
	if err := u.cb.end(r, cerr); err != nil {
		return "", err
	}
	return takeString(out), nil
}

// SetTargetProgress sets a function told of the progress of every target download of this
// updater (nil: none): received of total bytes, total being the trusted length. It runs on
// the goroutine of the running DownloadTarget. Config.OnTransferProgress also reports
// metadata transfers.
func (u *Updater) SetTargetProgress(f func(received, total uint64)) error {
	if err := u.lock(context.Background()); err != nil {
		return err
	}
	defer u.mu.Unlock()
	u.cb.mu.Lock()
	u.cb.onTarget = f
	u.cb.mu.Unlock()
	var cerr *C.tuf_error
	var r C.tuf_result
	if f == nil {
		r = C.tuf_updater_set_progress_callback(u.c, nil, nil, &cerr)
	} else {
		r = C.tuf_updater_set_progress_callback(u.c, C.gotuf_target_progress_cb(), u.ud.p, &cerr)
	}
	runtime.KeepAlive(u)
	return u.cb.end(r, cerr)
}

// SetReferenceTime sets the time expiry is checked against from the next Refresh on (for
// devices that learn the time after start-up); the zero time means the system clock.
func (u *Updater) SetReferenceTime(t time.Time) error {
	if err := u.lock(context.Background()); err != nil {
		return err
	}
	defer u.mu.Unlock()
	var cerr *C.tuf_error
	var r C.tuf_result
	if t.IsZero() {
		r = C.tuf_updater_set_reference_time(u.c, nil, &cerr)
	} else {
		secs := unixSeconds(t)
		r = C.tuf_updater_set_reference_time(u.c, &secs, &cerr)
	}
	runtime.KeepAlive(u)
	return u.cb.end(r, cerr)
}
