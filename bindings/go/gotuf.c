/* C helpers of the Go binding (see gotuf.h). */
#include "gotuf.h"

/*
 * The transfer progress callback of every updater and multirepo: libtuf calls it for every
 * transfer, as bytes arrive and about once a second while a transfer stalls. It cancels the
 * transfer when the cancel flag is set (by a goroutine watching the running call's context,
 * callbacks.begin in callbacks.go), and calls Go only when the program asked to be told of
 * the progress: a call whose context cannot be cancelled costs no Go callback.
 */
int gotuf_transfer_progress(void *userdata, const char *url, uint64_t received, uint64_t total) {
	struct gotuf_userdata *u = userdata;
	if (u->forward_progress && gotufTransferProgress(userdata, (char *)url, received, total) != 0) {
		return 1;
	}
	return __atomic_load_n(&u->cancel, __ATOMIC_ACQUIRE);
}

void gotuf_set_cancel(void *userdata, int value) {
	__atomic_store_n(&((struct gotuf_userdata *)userdata)->cancel, value, __ATOMIC_RELEASE);
}

/*
 * How deep the calling thread is in Go callbacks of libtuf (the trampolines of
 * trampolines.go enter and leave): a goroutine running a callback is locked to the thread
 * of the libtuf call it runs for, so a method that finds its object busy can tell a
 * re-entrant call from inside that object's callback (refused, as libtuf refuses it) from a
 * call of another goroutine (which waits).
 */
static _Thread_local int gotuf_callback_depth;

void gotuf_callback_enter(void) { gotuf_callback_depth++; }
void gotuf_callback_leave(void) { gotuf_callback_depth--; }
int gotuf_in_callback(void) { return gotuf_callback_depth > 0; }

/*
 * The storage callbacks of a Go Storage (Config.Storage): C functions of libtuf's exact
 * types (a C bool is not a cgo-exported parameter type), each calling its trampoline of
 * trampolines.go.
 */
static int gotuf_storage_read(void *userdata, const char *name, uint64_t max_length, tuf_sink *sink) {
	return gotufStorageRead(userdata, (char *)name, max_length, sink);
}

static int gotuf_storage_write(void *userdata, const char *name, const uint8_t *data, size_t len,
                               bool durable) {
	return gotufStorageWrite(userdata, (char *)name, (uint8_t *)data, len, durable ? 1 : 0);
}

static int gotuf_storage_remove(void *userdata, const char *name) {
	return gotufStorageRemove(userdata, (char *)name);
}

static int gotuf_storage_lock(void *userdata) { return gotufStorageLock(userdata); }

static void gotuf_storage_unlock(void *userdata) { gotufStorageUnlock(userdata); }

tuf_storage gotuf_storage_callbacks(int with_lock) {
	tuf_storage s = {gotuf_storage_read, gotuf_storage_write, gotuf_storage_remove, NULL, NULL};
	if (with_lock) {
		s.lock = gotuf_storage_lock;
		s.unlock = gotuf_storage_unlock;
	}
	return s;
}
