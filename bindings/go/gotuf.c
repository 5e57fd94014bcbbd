/*
 * How deep the calling thread is in Go callbacks of libtuf (the trampolines of
 * trampolines.go enter and leave): a goroutine running a callback is locked to the thread
 * of the libtuf call it runs for, so a method that finds its object busy can tell a
 * re-entrant call from inside that object's callback (refused, as libtuf refuses it) from a
 * call of another goroutine (which waits).
 */
#include "gotuf.h"

static _Thread_local int gotuf_callback_depth;

void gotuf_callback_enter(void) { gotuf_callback_depth++; }
void gotuf_callback_leave(void) { gotuf_callback_depth--; }
int gotuf_in_callback(void) { return gotuf_callback_depth > 0; }
