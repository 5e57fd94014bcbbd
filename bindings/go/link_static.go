//go:build tuf_static

package tuf

// With the build tag tuf_static (go build -tags tuf_static): link libtuf.a into the program,
// with the libraries it needs (pkg-config --static), so that it does not load libtuf.so.0.
// libtuf.a is named as a file (-l:libtuf.a) because -ltuf would pick the shared library that
// is installed next to it; --as-needed then drops the -ltuf that pkg-config adds.

// #cgo pkg-config: --static tuf
// #cgo LDFLAGS: -Wl,--as-needed -l:libtuf.a
import "C"
