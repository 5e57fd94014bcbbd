package tuf

// #include <stdlib.h>
// #include <tuf.h>
import "C"

import (
	"encoding/json"
	"runtime"
	"sync"
	"time"
	"unsafe"
)

// RoleType is a metadata role type (TUF_ROLE_*). Delegated targets roles are RoleTargets.
type RoleType uint32

// The role types.
const (
	RoleRoot      RoleType = C.TUF_ROLE_ROOT
	RoleTimestamp RoleType = C.TUF_ROLE_TIMESTAMP
	RoleSnapshot  RoleType = C.TUF_ROLE_SNAPSHOT
	RoleTargets   RoleType = C.TUF_ROLE_TARGETS
)

func (r RoleType) String() string {
	switch r {
	case RoleRoot:
		return "root"
	case RoleTimestamp:
		return "timestamp"
	case RoleSnapshot:
		return "snapshot"
	case RoleTargets:
		return "targets"
	}
	return "unknown"
}

// Format is a serialisation format of metadata (TUF_FORMAT_*).
type Format uint32

// The formats: python-tuf's indented default, compact, and canonical JSON (what signatures
// cover).
const (
	FormatPretty    Format = C.TUF_FORMAT_PRETTY
	FormatCompact   Format = C.TUF_FORMAT_COMPACT
	FormatCanonical Format = C.TUF_FORMAT_CANONICAL
)

// Metadata is metadata of any role, to read, build, edit, sign, verify and write (what
// python-tuf's tuf.api.metadata does). Every object keeps its unknown fields, so that a
// file read and written back unchanged is byte-identical.
//
// A Metadata is safe for concurrent use (calls run one at a time). Getters of a part
// another role type does not have return zero values; setters fail with
// ErrInvalidArgument. Close frees it; a finalizer frees one that was not closed, as a
// backstop only.
type Metadata struct {
	mu sync.Mutex
	c  *C.tuf_metadata
}

func newMetadata(c *C.tuf_metadata) *Metadata {
	m := &Metadata{c: c}
	runtime.SetFinalizer(m, (*Metadata).Close)
	return m
}

// MetadataFromBytes reads metadata of any role from a whole metadata file; every format
// rule is checked, no signature is verified (see VerifyDelegate).
func MetadataFromBytes(data []byte) (*Metadata, error) {
	var c *C.tuf_metadata
	var cerr *C.tuf_error
	r := C.tuf_metadata_from_bytes(bytesPtr(data), C.size_t(len(data)), &c, &cerr)
	runtime.KeepAlive(data)
	if err := check(r, cerr); err != nil {
		return nil, err
	}
	return newMetadata(c), nil
}

// NewMetadata creates unsigned metadata of role type role, version 1, expiring at expires,
// with python-tuf's defaults.
func NewMetadata(role RoleType, expires time.Time) (*Metadata, error) {
	var c *C.tuf_metadata
	var cerr *C.tuf_error
	if err := check(C.tuf_metadata_new(C.tuf_role_type(role), unixSeconds(expires), &c, &cerr), cerr); err != nil {
		return nil, err
	}
	return newMetadata(c), nil
}

// Close frees the metadata; later calls return zero values or errors. It may be called
// again.
func (m *Metadata) Close() error {
	if err := lock(&m.mu); err != nil {
		return err
	}
	defer m.mu.Unlock()
	if m.c != nil {
		C.tuf_metadata_free(m.c)
		m.c = nil
		runtime.SetFinalizer(m, nil)
	}
	return nil
}

// call runs a fallible C function on the handle, one call at a time.
func (m *Metadata) call(f func(c *C.tuf_metadata, e **C.tuf_error) C.tuf_result) error {
	if err := lock(&m.mu); err != nil {
		return err
	}
	defer m.mu.Unlock()
	if m.c == nil {
		return errClosed("metadata")
	}
	var cerr *C.tuf_error
	r := f(m.c, &cerr)
	runtime.KeepAlive(m)
	return check(r, cerr)
}

// read runs getters on the handle (nothing when closed); borrowed strings are copied
// inside f, before the lock is released.
func (m *Metadata) read(f func(c *C.tuf_metadata)) {
	if lock(&m.mu) != nil {
		return
	}
	defer m.mu.Unlock()
	if m.c != nil {
		f(m.c)
		runtime.KeepAlive(m)
	}
}

// withStr is call with a C copy of s (NULL for "" when orNil).
func (m *Metadata) withStr(s string, orNil bool, f func(c *C.tuf_metadata, p *C.char, e **C.tuf_error) C.tuf_result) error {
	var p *C.char
	var err error
	if orNil {
		p, err = cStringOrNil(s)
	} else {
		p, err = cString(s)
	}
	if err != nil {
		return err
	}
	defer freeString(p)
	return m.call(func(c *C.tuf_metadata, e **C.tuf_error) C.tuf_result { return f(c, p, e) })
}

// Bytes writes the whole file in format.
func (m *Metadata) Bytes(format Format) ([]byte, error) {
	var out []byte
	err := m.call(func(c *C.tuf_metadata, e **C.tuf_error) C.tuf_result {
		var p *C.uint8_t
		var n C.size_t
		r := C.tuf_metadata_to_bytes(c, C.tuf_format(format), &p, &n, e)
		if r == C.TUF_OK {
			out = takeBytes(p, n)
		}
		return r
	})
	return out, err
}

// SignedBytes is the canonical JSON of signed: the bytes a signature covers, for signing
// elsewhere (then AddSignature).
func (m *Metadata) SignedBytes() ([]byte, error) {
	var out []byte
	err := m.call(func(c *C.tuf_metadata, e **C.tuf_error) C.tuf_result {
		var p *C.uint8_t
		var n C.size_t
		r := C.tuf_metadata_signed_bytes(c, &p, &n, e)
		if r == C.TUF_OK {
			out = takeBytes(p, n)
		}
		return r
	})
	return out, err
}

// Type is the role type (0 when closed).
func (m *Metadata) Type() (t RoleType) {
	m.read(func(c *C.tuf_metadata) { t = RoleType(C.tuf_metadata_type(c)) })
	return t
}

// Version is the metadata's version (at least 1; 0 when closed).
func (m *Metadata) Version() (v uint64) {
	m.read(func(c *C.tuf_metadata) { v = uint64(C.tuf_metadata_version(c)) })
	return v
}

// SetVersion sets the version (at least 1). Signatures are not changed (sign again).
func (m *Metadata) SetVersion(version uint64) error {
	return m.call(func(c *C.tuf_metadata, e **C.tuf_error) C.tuf_result {
		return C.tuf_metadata_set_version(c, C.uint64_t(version), e)
	})
}

// BumpVersion adds 1 to the version, as a repository does before publishing a change.
func (m *Metadata) BumpVersion() error {
	return m.call(func(c *C.tuf_metadata, e **C.tuf_error) C.tuf_result {
		return C.tuf_metadata_bump_version(c, e)
	})
}

// SpecVersion is spec_version (e.g. "1.0.31").
func (m *Metadata) SpecVersion() (s string) {
	m.read(func(c *C.tuf_metadata) { s = goStringOrEmpty(C.tuf_metadata_spec_version(c)) })
	return s
}

// SetSpecVersion sets spec_version: X.Y or X.Y.Z with major version 1.
func (m *Metadata) SetSpecVersion(v string) error {
	return m.withStr(v, false, func(c *C.tuf_metadata, p *C.char, e **C.tuf_error) C.tuf_result {
		return C.tuf_metadata_set_spec_version(c, p, e)
	})
}

// Expires is the expiry time (the zero time when closed).
func (m *Metadata) Expires() (t time.Time) {
	m.read(func(c *C.tuf_metadata) { t = time.Unix(int64(C.tuf_metadata_expires(c)), 0).UTC() })
	return t
}

// SetExpires sets the expiry time (whole seconds, years 1 to 9999).
func (m *Metadata) SetExpires(t time.Time) error {
	return m.call(func(c *C.tuf_metadata, e **C.tuf_error) C.tuf_result {
		return C.tuf_metadata_set_expires(c, unixSeconds(t), e)
	})
}

// IsExpired reports whether the metadata is expired at at (the zero time: now, by the
// system clock); true when at is at or after the expiry, and when closed (fail closed).
func (m *Metadata) IsExpired(at time.Time) bool {
	expired := true
	m.read(func(c *C.tuf_metadata) {
		if at.IsZero() {
			expired = bool(C.tuf_metadata_is_expired(c, nil))
		} else {
			t := unixSeconds(at)
			expired = bool(C.tuf_metadata_is_expired(c, &t))
		}
	})
	return expired
}

// UnrecognizedFields are the unknown fields of the object that the JSON Pointer pointer
// names ("" for the file, "/signed", "/signed/targets/dir~1file.txt", ...), as a compact
// JSON object. A target's custom is one of its unknown fields.
func (m *Metadata) UnrecognizedFields(pointer string) (json.RawMessage, error) {
	var out json.RawMessage
	err := m.withStr(pointer, false, func(c *C.tuf_metadata, p *C.char, e **C.tuf_error) C.tuf_result {
		var s *C.char
		r := C.tuf_metadata_unrecognized_fields(c, p, &s, e)
		if r == C.TUF_OK {
			out = json.RawMessage(takeString(s))
		}
		return r
	})
	return out, err
}

// SetUnrecognizedFields replaces the unknown fields of the object pointer names by the
// members of the JSON object fields ("{}" removes them all). Nothing changes on failure.
func (m *Metadata) SetUnrecognizedFields(pointer string, fields json.RawMessage) error {
	f, err := cString(string(fields))
	if err != nil {
		return err
	}
	defer freeString(f)
	return m.withStr(pointer, false, func(c *C.tuf_metadata, p *C.char, e **C.tuf_error) C.tuf_result {
		return C.tuf_metadata_set_unrecognized_fields(c, p, f, e)
	})
}

// Signature is one signature of metadata: the keyid and the signature in hex.
type Signature struct {
	Keyid string
	Hex   string
}

// Signatures are the metadata's signatures in file order.
func (m *Metadata) Signatures() (sigs []Signature) {
	m.read(func(c *C.tuf_metadata) {
		n := int(C.tuf_metadata_signature_count(c))
		for i := 0; i < n; i++ {
			sigs = append(sigs, Signature{
				Keyid: goStringOrEmpty(C.tuf_metadata_signature_keyid(c, C.size_t(i))),
				Hex:   goStringOrEmpty(C.tuf_metadata_signature_hex(c, C.size_t(i))),
			})
		}
	})
	return sigs
}

// AddSignature adds a signature made elsewhere over SignedBytes (sigHex, by key keyid),
// replacing one by the same keyid. It is not verified here (see VerifyDelegate).
func (m *Metadata) AddSignature(keyid, sigHex string) error {
	s, err := cString(sigHex)
	if err != nil {
		return err
	}
	defer freeString(s)
	return m.withStr(keyid, false, func(c *C.tuf_metadata, k *C.char, e **C.tuf_error) C.tuf_result {
		return C.tuf_metadata_add_signature(c, k, s, e)
	})
}

// Sign signs the canonical JSON of signed with signer, as python-tuf's Metadata.sign: with
// appendSig false the new signature replaces all others, with appendSig true only one by
// the signer's keyid. The signature is verified with the signer's public key first.
func (m *Metadata) Sign(signer *Signer, appendSig bool) error {
	return signer.use(func(s *C.tuf_signer) error {
		return m.call(func(c *C.tuf_metadata, e **C.tuf_error) C.tuf_result {
			return C.tuf_metadata_sign(c, s, C.bool(appendSig), e)
		})
	})
}

// VerifyDelegate verifies that delegate is signed by a threshold of the keys m (the
// delegator: a root for the top-level roles, a targets role for the roles it delegates)
// gives the role role, as python-tuf's Metadata.verify_delegate. Expiry and versions are not
// checked. The error matches ErrBadSignature when the threshold is not reached.
func (m *Metadata) VerifyDelegate(role string, delegate *Metadata) error {
	if delegate == nil {
		return argError("nil delegate")
	}
	if delegate == m {
		return m.withStr(role, false, func(c *C.tuf_metadata, r *C.char, e **C.tuf_error) C.tuf_result {
			return C.tuf_metadata_verify_delegate(c, r, c, e)
		})
	}
	r, err := cString(role)
	if err != nil {
		return err
	}
	defer freeString(r)
	// Both locks, always in the same order (by address), so that a.VerifyDelegate(b) and
	// b.VerifyDelegate(a) at once cannot deadlock.
	first, second := m, delegate
	if uintptr(unsafe.Pointer(second)) < uintptr(unsafe.Pointer(first)) {
		first, second = second, first
	}
	if err := lock(&first.mu); err != nil {
		return err
	}
	defer first.mu.Unlock()
	if err := lock(&second.mu); err != nil {
		return err
	}
	defer second.mu.Unlock()
	if m.c == nil || delegate.c == nil {
		return errClosed("metadata")
	}
	var cerr *C.tuf_error
	res := C.tuf_metadata_verify_delegate(m.c, r, delegate.c, &cerr)
	runtime.KeepAlive(m)
	runtime.KeepAlive(delegate)
	return check(res, cerr)
}
