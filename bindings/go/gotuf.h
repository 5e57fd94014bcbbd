/*
 * Helpers of the Go binding's cgo preambles: the declarations of the exported Go
 * trampolines (trampolines.go) as libtuf's callback types, and the thread-local depth of
 * gotuf.c. Included by the Go files that set callbacks, never by trampolines.go (whose
 * preamble may hold declarations only).
 */
#ifndef GOTUF_H
#define GOTUF_H
#include <stdint.h>
#include <stdlib.h>
#include <tuf.h>

// The trampolines of trampolines.go (exported Go functions).
extern int gotufFetch(void *userdata, char *url, uint64_t max_length, tuf_sink *sink);
extern void gotufLog(void *userdata, int level, char *message);
extern int gotufTransferProgress(void *userdata, char *url, uint64_t received, uint64_t total);
extern void gotufTargetProgress(void *userdata, uint64_t received, uint64_t total);
extern int gotufLoad(void *userdata, char *role, uint64_t max_length, tuf_sink *sink);
extern int gotufLoadVersioned(void *userdata, char *role, uint64_t version, uint64_t max_length, tuf_sink *sink);
extern int gotufSign(void *userdata, uint8_t *data, size_t len, tuf_sink *signature);
extern int gotufStorageRead(void *userdata, char *name, uint64_t max_length, tuf_sink *sink);
extern int gotufStorageWrite(void *userdata, char *name, uint8_t *data, size_t len, int durable);
extern int gotufStorageRemove(void *userdata, char *name);
extern int gotufStorageLock(void *userdata);
extern void gotufStorageUnlock(void *userdata);

// A callback's userdata (userdata in cgo_helpers.go): the cgo.Handle of its Go state first,
// then what the transfer progress callback of gotuf.c reads without calling Go.
struct gotuf_userdata {
	uintptr_t handle;
	int cancel;           // set, atomically, while the running call's context is done
	int forward_progress; // call gotufTransferProgress (Config.OnTransferProgress is set)
};

// gotuf.c: the transfer progress callback, and its cancel flag.
int gotuf_transfer_progress(void *userdata, const char *url, uint64_t received, uint64_t total);
void gotuf_set_cancel(void *userdata, int value);

// gotuf.c: the tuf_storage of a Go Storage (storage.go), with or without its lock.
tuf_storage gotuf_storage_callbacks(int with_lock);

// gotuf.c: whether this thread is inside a Go callback of libtuf.
void gotuf_callback_enter(void);
void gotuf_callback_leave(void);
int gotuf_in_callback(void);

static inline tuf_fetch_callback gotuf_fetch_cb(void) { return (tuf_fetch_callback)gotufFetch; }
static inline tuf_log_callback gotuf_log_cb(void) { return (tuf_log_callback)gotufLog; }
static inline tuf_transfer_progress_callback gotuf_transfer_progress_cb(void) {
	return gotuf_transfer_progress;
}
static inline tuf_progress_callback gotuf_target_progress_cb(void) {
	return (tuf_progress_callback)gotufTargetProgress;
}
static inline tuf_load_callback gotuf_load_cb(void) { return (tuf_load_callback)gotufLoad; }
static inline tuf_versioned_load_callback gotuf_load_versioned_cb(void) {
	return (tuf_versioned_load_callback)gotufLoadVersioned;
}
static inline tuf_sign_callback gotuf_sign_cb(void) { return (tuf_sign_callback)gotufSign; }

#endif
