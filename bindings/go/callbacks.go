package tuf

// #include "gotuf.h"
import "C"

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"runtime/debug"
	"sync"
	"unsafe"
)

// CallbackPanicError is the error a panic in a Go callback (a Fetcher, a Storage, a logger's
// handler, a progress function, a loader, a sign function) becomes: the trampoline that called the
// callback recovers it, since a panic must not unwind through libtuf's C frames.
type CallbackPanicError struct {
	Callback string // "fetch", "storage read" (write, remove, lock, unlock), "log", "progress", "load", "sign"
	Value    any    // what was passed to panic
	Stack    []byte // the callback's stack when it panicked
}

func (e *CallbackPanicError) Error() string {
	return fmt.Sprintf("tuf: %s callback panicked: %v", e.Callback, e.Value)
}

func panicError(callback string, v any) *CallbackPanicError {
	return &CallbackPanicError{Callback: callback, Value: v, Stack: debug.Stack()}
}

// callbacks is the Go side of the callbacks of an Updater or a MultiRepo: libtuf holds a
// cgo.Handle to it as userdata (never a Go pointer), and the trampolines find through it
// the Fetcher, the logger, the progress functions and the context of the running call.
// It never refers back to its Updater, so that an Updater nobody uses can be collected.
type callbacks struct {
	fetcher    Fetcher
	storage    Storage
	logger     *slog.Logger
	onTransfer func(url string, received, total uint64)

	// ud is the C userdata (struct gotuf_userdata) whose cancel flag the running call's
	// context sets; stop ends that context's watch (the calls are serialised, so only the
	// calling goroutine touches stop).
	ud   unsafe.Pointer
	stop func() bool

	mu       sync.Mutex
	gen      uint64 // counts begin and end, so that a late context watch changes nothing
	onTarget func(received, total uint64)
	ctx      context.Context
	// cause: the error that made a progress callback cancel (the context's, or a panic),
	// or a panic of a callback that cannot fail (log, target progress).
	cause error
	// fetchErr: the error of the last fetch that failed (cleared by one that succeeds), and
	// its URL, so that it is attached only to the failure of that download.
	fetchErr error
	fetchURL string
	// storageErr: the error of the last storage method that failed, behind a TUF_ERR_IO.
	storageErr error
}

// begin starts a call: the callbacks see ctx until end, and when ctx is done the cancel
// flag of the C transfer progress callback (gotuf.c) is set, which stops the transfer.
func (c *callbacks) begin(ctx context.Context) {
	c.mu.Lock()
	c.gen++
	gen := c.gen
	c.ctx = ctx
	c.cause, c.fetchErr, c.fetchURL, c.storageErr = nil, nil, "", nil
	if c.ud != nil {
		C.gotuf_set_cancel(c.ud, 0)
	}
	c.mu.Unlock()
	if c.ud != nil && ctx.Done() != nil {
		c.stop = context.AfterFunc(ctx, func() {
			c.mu.Lock()
			if c.gen == gen {
				C.gotuf_set_cancel(c.ud, 1)
			}
			c.mu.Unlock()
		})
	}
}

// end finishes a call and turns its result into the error to return: the C error with the
// Go error behind it, if a callback produced one.
func (c *callbacks) end(r C.tuf_result, cerr *C.tuf_error) error {
	if c.stop != nil {
		c.stop()
		c.stop = nil
	}
	c.mu.Lock()
	c.gen++
	if c.ud != nil {
		C.gotuf_set_cancel(c.ud, 0)
	}
	ctx, cause, fetchErr, fetchURL, storageErr := c.ctx, c.cause, c.fetchErr, c.fetchURL, c.storageErr
	c.ctx, c.cause, c.fetchErr, c.fetchURL, c.storageErr = nil, nil, nil, "", nil
	c.mu.Unlock()
	if r == C.TUF_ERR_CANCELLED && cause == nil && ctx != nil && ctx.Err() != nil {
		// Cancelled by the flag the context set.
		cause = ctx.Err()
	}
	if r == C.TUF_OK {
		if cause != nil {
			// A callback that cannot fail the call (log, target progress) panicked.
			return cause
		}
		return nil
	}
	if cause == nil && fetchErr != nil {
		url := ""
		if cerr != nil {
			url = goStringOrEmpty(C.tuf_error_url(cerr))
		}
		if url == "" || url == fetchURL {
			cause = fetchErr
		}
	}
	if cause == nil && storageErr != nil && r == C.TUF_ERR_IO {
		cause = storageErr
	}
	return takeError(r, cerr, cause)
}

func (c *callbacks) context() context.Context {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ctx == nil {
		return context.Background()
	}
	return c.ctx
}

// setCause records the first cause of the running call.
func (c *callbacks) setCause(err error) {
	c.mu.Lock()
	if c.cause == nil {
		c.cause = err
	}
	c.mu.Unlock()
}

// storagePanic records a panic of a Storage method as the running call's cause (the call
// fails with it, even when libtuf went on: a failed read is only "not stored") and sets the
// cancel flag, so that an online call stops at its next transfer.
func (c *callbacks) storagePanic(err error) {
	c.mu.Lock()
	if c.cause == nil {
		c.cause = err
	}
	if c.ud != nil {
		C.gotuf_set_cancel(c.ud, 1)
	}
	c.mu.Unlock()
}

func (c *callbacks) setStorageError(err error) {
	c.mu.Lock()
	c.storageErr = err
	c.mu.Unlock()
}

// peek returns the running call's context and cause (for the per-target errors of
// DownloadTargets, read before end).
func (c *callbacks) peek() (context.Context, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ctx, c.cause
}

// peekFetch returns the URL and the error of the running call's last failed fetch (for the
// per-target errors of GetTargetInfos, read before end).
func (c *callbacks) peekFetch() (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.fetchURL, c.fetchErr
}

func (c *callbacks) setFetchResult(url string, err error) {
	c.mu.Lock()
	c.fetchErr, c.fetchURL = err, url
	c.mu.Unlock()
}

func (c *callbacks) targetProgress() func(received, total uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.onTarget
}

// sinkWriter is the io.Writer over a tuf_sink given to Fetchers, loaders and sign
// functions; it is valid only during the callback that received it.
type sinkWriter struct {
	sink *C.tuf_sink
	err  error
}

func (w *sinkWriter) Write(p []byte) (int, error) {
	if w.sink == nil {
		return 0, &Error{Code: CodeState, Message: "write after the callback returned"}
	}
	if w.err != nil {
		return 0, w.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	r := C.tuf_sink_write(w.sink, bytesPtr(p), C.size_t(len(p)))
	if r != C.TUF_OK {
		w.err = &Error{Code: Code(r), Message: "write refused: " + Code(r).String()}
		return 0, w.err
	}
	return len(p), nil
}

var _ io.Writer = (*sinkWriter)(nil)

// slogLevel maps a TUF_LOG_* level onto slog's levels.
func slogLevel(level C.int) slog.Level {
	switch level {
	case C.TUF_LOG_DEBUG:
		return slog.LevelDebug
	case C.TUF_LOG_INFO:
		return slog.LevelInfo
	case C.TUF_LOG_WARN:
		return slog.LevelWarn
	}
	if level > C.TUF_LOG_WARN {
		return slog.LevelError
	}
	return slog.LevelDebug
}
