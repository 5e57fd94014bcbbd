package tuf

// #include <tuf.h>
import "C"

import (
	"encoding/json"
	"runtime"
)

// Hash is one hash of a target or metadata file: the algorithm (e.g. "sha256") and the
// digest in hex.
type Hash struct {
	Algorithm string
	Hex       string
}

// TargetInfo is a target described by trusted metadata (Updater.GetTargetInfo,
// Verifier.FindTarget, MultiRepoTarget): its path, length, hashes, custom data, and the
// role that listed it. It is immutable and safe for concurrent use. The libtuf object
// behind it is freed by the garbage collector (or earlier by Close).
type TargetInfo struct {
	Path   string
	Role   string
	Length uint64
	Hashes []Hash
	// Custom is the target's custom data as compact JSON, nil when it has none.
	Custom json.RawMessage

	c     *C.tuf_target_info
	owned bool
	owner any // what a borrowed c belongs to (a *MultiRepoTarget), kept alive with it
}

// newTargetInfo wraps an owned tuf_target_info.
func newTargetInfo(c *C.tuf_target_info) *TargetInfo {
	t := readTargetInfo(c)
	t.owned = true
	runtime.SetFinalizer(t, (*TargetInfo).free)
	return t
}

// readTargetInfo copies the fields of c into a TargetInfo holding c.
func readTargetInfo(c *C.tuf_target_info) *TargetInfo {
	t := &TargetInfo{
		Path:   goStringOrEmpty(C.tuf_target_info_path(c)),
		Role:   goStringOrEmpty(C.tuf_target_info_role(c)),
		Length: uint64(C.tuf_target_info_length(c)),
		c:      c,
	}
	n := int(C.tuf_target_info_hash_count(c))
	t.Hashes = make([]Hash, 0, n)
	for i := 0; i < n; i++ {
		t.Hashes = append(t.Hashes, Hash{
			Algorithm: goStringOrEmpty(C.tuf_target_info_hash_algorithm(c, C.size_t(i))),
			Hex:       goStringOrEmpty(C.tuf_target_info_hash_hex(c, C.size_t(i))),
		})
	}
	if custom := C.tuf_target_info_custom_json(c); custom != nil {
		t.Custom = json.RawMessage(C.GoString(custom))
	}
	return t
}

func (t *TargetInfo) free() {
	if t.owned && t.c != nil {
		C.tuf_target_info_free(t.c)
		t.c = nil
	}
}

// Close frees the libtuf object early; the fields stay readable, but the TargetInfo can no
// longer be downloaded or verified with. Not safe to call while another goroutine uses t.
func (t *TargetInfo) Close() {
	if t.owned {
		t.free()
		runtime.SetFinalizer(t, nil)
	}
}

// VerifyBytes checks data against the target's length and every hash (spec 5.7.3), e.g. a
// target received another way than through libtuf. The error matches
// ErrLengthOrHashMismatch when they differ.
func (t *TargetInfo) VerifyBytes(data []byte) error {
	if t == nil || t.c == nil {
		return argError("target info is nil or closed")
	}
	var cerr *C.tuf_error
	r := C.tuf_target_info_verify_bytes(t.c, bytesPtr(data), C.size_t(len(data)), &cerr)
	runtime.KeepAlive(t)
	runtime.KeepAlive(data)
	return check(r, cerr)
}
