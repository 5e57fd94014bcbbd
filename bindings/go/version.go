package tuf

// #include <tuf.h>
import "C"

// The version of the tuf.h this package was compiled against.
const (
	HeaderVersionMajor = C.TUF_VERSION_MAJOR
	HeaderVersionMinor = C.TUF_VERSION_MINOR
	HeaderVersionPatch = C.TUF_VERSION_PATCH
)

// Version is the version of the libtuf library loaded at run time, e.g. "0.1.0".
func Version() string {
	return C.GoString(C.tuf_version())
}
