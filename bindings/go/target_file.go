package tuf

// #include <stdlib.h>
// #include <tuf.h>
import "C"

import (
	"encoding/json"
	"runtime"
	"sync"
)

// TargetFile is a target entry of targets metadata: the target path, its length and
// hashes, and optional custom data (TargetFileFromBytes, TargetFileFromFile,
// NewTargetFile, Metadata.Target). Add it to metadata with Metadata.AddTarget (copied).
//
// A TargetFile is safe for concurrent use (calls run one at a time). The garbage collector
// frees it, or Close earlier.
type TargetFile struct {
	mu sync.Mutex
	c  *C.tuf_target_file
}

func newTargetFile(c *C.tuf_target_file) *TargetFile {
	t := &TargetFile{c: c}
	runtime.SetFinalizer(t, (*TargetFile).Close)
	return t
}

// hashesJSON encodes algorithm -> hex digest as a JSON object.
func hashesJSON(hashes map[string]string) (*C.char, error) {
	b, err := json.Marshal(hashes)
	if err != nil {
		return nil, argError("hashes: %v", err)
	}
	return cString(string(b))
}

// NewTargetFile makes a target entry for path with length and hashes (algorithm -> hex
// digest, e.g. {"sha256": "..."}).
func NewTargetFile(path string, length uint64, hashes map[string]string) (*TargetFile, error) {
	p, err := cString(path)
	if err != nil {
		return nil, err
	}
	defer freeString(p)
	h, err := hashesJSON(hashes)
	if err != nil {
		return nil, err
	}
	defer freeString(h)
	var c *C.tuf_target_file
	var cerr *C.tuf_error
	if err := check(C.tuf_target_file_new(p, C.uint64_t(length), h, &c, &cerr), cerr); err != nil {
		return nil, err
	}
	return newTargetFile(c), nil
}

// TargetFileFromBytes makes the target entry of path for the content data: its length,
// SHA-256 and SHA-512.
func TargetFileFromBytes(path string, data []byte) (*TargetFile, error) {
	p, err := cString(path)
	if err != nil {
		return nil, err
	}
	defer freeString(p)
	var c *C.tuf_target_file
	var cerr *C.tuf_error
	r := C.tuf_target_file_from_bytes(p, bytesPtr(data), C.size_t(len(data)), &c, &cerr)
	runtime.KeepAlive(data)
	if err := check(r, cerr); err != nil {
		return nil, err
	}
	return newTargetFile(c), nil
}

// TargetFileFromFile makes the target entry of path for the content of the local regular
// file localPath, read in pieces: its length, SHA-256 and SHA-512.
func TargetFileFromFile(path, localPath string) (*TargetFile, error) {
	p, err := cString(path)
	if err != nil {
		return nil, err
	}
	defer freeString(p)
	l, err := cString(localPath)
	if err != nil {
		return nil, err
	}
	defer freeString(l)
	var c *C.tuf_target_file
	var cerr *C.tuf_error
	if err := check(C.tuf_target_file_from_file(p, l, &c, &cerr), cerr); err != nil {
		return nil, err
	}
	return newTargetFile(c), nil
}

// Close frees the entry; later calls return zero values or errors. It may be called again.
func (t *TargetFile) Close() error {
	if err := lock(&t.mu); err != nil {
		return err
	}
	defer t.mu.Unlock()
	if t.c != nil {
		C.tuf_target_file_free(t.c)
		t.c = nil
		runtime.SetFinalizer(t, nil)
	}
	return nil
}

func (t *TargetFile) read(f func(c *C.tuf_target_file)) {
	if lock(&t.mu) != nil {
		return
	}
	defer t.mu.Unlock()
	if t.c != nil {
		f(t.c)
		runtime.KeepAlive(t)
	}
}

// Path is the target path.
func (t *TargetFile) Path() (s string) {
	t.read(func(c *C.tuf_target_file) { s = goStringOrEmpty(C.tuf_target_file_path(c)) })
	return s
}

// Length is the length in bytes.
func (t *TargetFile) Length() (n uint64) {
	t.read(func(c *C.tuf_target_file) { n = uint64(C.tuf_target_file_length(c)) })
	return n
}

// Hashes are the entry's hashes in file order.
func (t *TargetFile) Hashes() (hashes []Hash) {
	t.read(func(c *C.tuf_target_file) {
		n := int(C.tuf_target_file_hash_count(c))
		for i := 0; i < n; i++ {
			hashes = append(hashes, Hash{
				Algorithm: goStringOrEmpty(C.tuf_target_file_hash_algorithm(c, C.size_t(i))),
				Hex:       goStringOrEmpty(C.tuf_target_file_hash_hex(c, C.size_t(i))),
			})
		}
	})
	return hashes
}

// Custom is the custom data as compact JSON, nil when there is none.
func (t *TargetFile) Custom() (custom json.RawMessage) {
	t.read(func(c *C.tuf_target_file) {
		if p := C.tuf_target_file_custom_json(c); p != nil {
			custom = json.RawMessage(C.GoString(p))
		}
	})
	return custom
}

// SetCustom sets the custom data to the JSON value custom (strict JSON: no duplicate keys,
// no floats), or removes it when custom is nil.
func (t *TargetFile) SetCustom(custom json.RawMessage) error {
	var p *C.char
	if custom != nil {
		var err error
		if p, err = cString(string(custom)); err != nil {
			return err
		}
		defer freeString(p)
	}
	if err := lock(&t.mu); err != nil {
		return err
	}
	defer t.mu.Unlock()
	if t.c == nil {
		return errClosed("target file")
	}
	var cerr *C.tuf_error
	r := C.tuf_target_file_set_custom(t.c, p, &cerr)
	runtime.KeepAlive(t)
	return check(r, cerr)
}
