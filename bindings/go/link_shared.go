//go:build !tuf_static

package tuf

// The default: link the installed shared library, found with pkg-config (set PKG_CONFIG_PATH
// to PREFIX/lib/pkgconfig for a libtuf installed under PREFIX). Programs then load
// libtuf.so.0 at run time: from the system's library path, LD_LIBRARY_PATH, or an rpath
// (CGO_LDFLAGS="-Wl,-rpath,PREFIX/lib").

// #cgo pkg-config: tuf
import "C"
