package tuf

import "context"

// A Storage keeps an Updater's metadata cache in the application's own store (a database,
// a key-value store, flash with its own layout) in place of the files of
// Config.MetadataDir (Config.Storage). It maps names to bytes; libtuf verifies everything
// it reads back before using it, so the store needs to keep what it was given, not to
// protect it.
//
// Names are the cache's: "root.json", "root_history/N.root.json", "timestamp.json",
// "snapshot.json", "targets.json", or "ROLE.json" for a delegated role, the role name
// percent-encoded (only letters, digits and "_.-~%"; a delegated role's name may be long).
//
//   - Read returns the value stored under name, an error matching ErrNotFound when nothing
//     is stored, or another error when the read failed. A value longer than maxLength is
//     treated as not stored. libtuf treats a failed read as "not stored" (it logs the
//     failure and fetches the file again); an offline Updater fails with ErrIO, wrapping the
//     error.
//   - Write stores data under name, replacing any value atomically: a reader sees the old
//     value or the new one, whole, also after a crash. When durable is true the value must
//     survive a power cut once Write returns (libtuf asks for it for a new root). A failure
//     fails the running call with ErrIO, wrapping the error.
//   - Remove removes the value stored under name; nil or an error matching ErrNotFound when
//     nothing was stored. Any other error fails the running call with ErrIO.
//
// The methods run on the goroutine of the Updater call that needs them (NewUpdater,
// Refresh, GetTargetInfo; never a target download), during that call, with ctx that call's
// context. Updaters sharing a Storage and used from several goroutines call it from each,
// concurrently: it must then be safe for concurrent use, and implement StorageLocker if
// they write to it. Methods of the Updater it serves fail with ErrState when a Storage
// method calls them. A panic in a method is recovered: the running call fails with a
// *CallbackPanicError (and, online, stops at its next transfer).
type Storage interface {
	Read(ctx context.Context, name string, maxLength uint64) ([]byte, error)
	Write(ctx context.Context, name string, data []byte, durable bool) error
	Remove(ctx context.Context, name string) error
}

// A StorageLocker is a Storage with an exclusive lock, for a store that several Updaters
// (in this process or others) share. libtuf takes the lock around each write or removal
// together with the reads that decide it, for milliseconds, never while it waits on the
// network, and never twice on one goroutine (a recursive lock is not needed).
//
// Lock returns nil once the lock is held; it may wait for another holder, but should bound
// its wait (ctx is the running call's context). An error fails the running call with ErrIO,
// and Unlock is then not called. Unlock releases the lock Lock took, once for each Lock that
// returned nil, on the same goroutine.
type StorageLocker interface {
	Storage
	Lock(ctx context.Context) error
	Unlock()
}
