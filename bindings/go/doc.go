// Package tuf is the Go binding of libtuf, a client library of The Update Framework (TUF
// 1.0): an Updater that refreshes a repository's metadata and downloads targets verified
// against it, a MultiRepo over several repositories (TAP 4), a Verifier for programs that
// bring their own transport and storage, and the Metadata API to read, build, sign and
// write metadata. Every function of libtuf's C API (tuf.h) is reachable from it.
//
// # Building
//
// The package links the installed libtuf through cgo: `#cgo pkg-config: tuf`, so
// PKG_CONFIG_PATH must find tuf.pc (PREFIX/lib/pkgconfig after `cmake --install build
// --prefix PREFIX`), and programs load libtuf.so.0 at run time (the system's library
// path, LD_LIBRARY_PATH, or CGO_LDFLAGS="-Wl,-rpath,PREFIX/lib"). With the build tag
// tuf_static (go build -tags tuf_static) libtuf.a is linked into the program instead.
//
// # Errors
//
// Failures are *Error values with the libtuf code, the message and, when known, the HTTP
// status, URL and role of what failed. errors.Is(err, ErrExpired) and the other sentinels
// match an error's code; errors.As gives the fields. When a Go callback (a Fetcher, a
// LoadFunc, a sign function) or the context caused a failure, Error.Err is that error and
// errors.Is and errors.As see through to it.
//
// # Contexts and cancellation
//
// The methods that may go to the network take a context.Context. When it is done, the
// running transfer stops (libtuf asks about once a second even while a server sends
// nothing) and the method returns an *Error with CodeCancelled wrapping ctx.Err(): both
// errors.Is(err, ErrCancelled) and errors.Is(err, context.Canceled) (or
// context.DeadlineExceeded) hold. The cache stays valid and a cancelled target download
// leaves nothing at its destination (what arrived stays in a partial file beside it for the
// next download to resume, unless Config.NoResume).
//
// # Callbacks
//
// Go callbacks (Config.Fetcher, Config.Logger, Config.OnTransferProgress,
// Updater.SetTargetProgress, LoadFunc, NewCallbackSigner's function) run on the goroutine
// that called the method, during that call. libtuf holds a runtime/cgo.Handle, never a Go
// pointer. A panic in a callback is recovered where libtuf called it (it must not unwind
// through C) and returned as a *CallbackPanicError inside the method's error. A callback
// that calls a method of the object it runs for gets an error matching ErrState (getters:
// zero values), as libtuf answers such calls, rather than waiting for the call that runs
// it; other objects may be used.
//
// # Concurrency
//
// Updater, MultiRepo, Verifier, Metadata, TargetFile and Signer are safe for concurrent use
// by multiple goroutines: calls on one object run one at a time (libtuf refuses a second
// call on a handle in use; the Go types wait instead), except that signers holding a
// private key sign from several goroutines at once. TargetInfo, MultiRepoTarget, Key and
// *Error are immutable. Distinct Updaters, in one process or many, may share metadata and
// targets directories.
//
// # Resources
//
// Updater, MultiRepo, Verifier, Metadata, TargetFile and Signer have a Close method that
// frees the libtuf object at once; call it (defer x.Close()). A finalizer frees an object
// that was not closed, as a backstop only. TargetInfo, MultiRepoTarget and Key are freed by
// the garbage collector.
package tuf
