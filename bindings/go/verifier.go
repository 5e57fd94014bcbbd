package tuf

// #include <stdlib.h>
// #include "gotuf.h"
import "C"

import (
	"io"
	"runtime"
	"sync"
	"time"
)

// Verifier is the TUF trusted metadata set alone: it is fed the bytes of each metadata file
// in the order of the client workflow and accepts or rejects them with every check of spec
// 5.2 to 5.6, with no file or network access. For programs that bring their own transport
// and storage.
//
// A Verifier is safe for concurrent use by multiple goroutines (calls run one at a time).
// Close frees it; a finalizer frees one that was not closed, as a backstop only.
type Verifier struct {
	mu sync.Mutex
	c  *C.tuf_verifier
}

// VerifierOptions are the options of NewVerifier.
type VerifierOptions struct {
	// ReferenceTime is the time expiry is checked against; zero: the system clock, read
	// when the verifier is created.
	ReferenceTime time.Time
	// StrictKeyids requires keyids to be the SHA-256 of their key.
	StrictKeyids bool
}

// NewVerifier creates a verifier from a trusted root (the bytes of a root.json, signed by
// a threshold of its own root keys).
func NewVerifier(root []byte, opts VerifierOptions) (*Verifier, error) {
	var flags C.uint32_t
	if opts.StrictKeyids {
		flags |= C.TUF_VERIFY_STRICT_KEYIDS
	}
	var c *C.tuf_verifier
	var cerr *C.tuf_error
	var r C.tuf_result
	if opts.ReferenceTime.IsZero() {
		r = C.tuf_verifier_new(bytesPtr(root), C.size_t(len(root)), nil, flags, &c, &cerr)
	} else {
		t := unixSeconds(opts.ReferenceTime)
		r = C.tuf_verifier_new(bytesPtr(root), C.size_t(len(root)), &t, flags, &c, &cerr)
	}
	runtime.KeepAlive(root)
	if err := check(r, cerr); err != nil {
		return nil, err
	}
	v := &Verifier{c: c}
	runtime.SetFinalizer(v, (*Verifier).Close)
	return v, nil
}

// Close frees the verifier; later calls fail with CodeState. It may be called again.
func (v *Verifier) Close() error {
	if err := lock(&v.mu); err != nil {
		return err
	}
	defer v.mu.Unlock()
	if v.c != nil {
		C.tuf_verifier_free(v.c)
		v.c = nil
		runtime.SetFinalizer(v, nil)
	}
	return nil
}

// call runs f with the verifier's handle, one call at a time.
func (v *Verifier) call(f func(c *C.tuf_verifier, e **C.tuf_error) C.tuf_result) error {
	if err := lock(&v.mu); err != nil {
		return err
	}
	defer v.mu.Unlock()
	if v.c == nil {
		return errClosed("verifier")
	}
	var cerr *C.tuf_error
	r := f(v.c, &cerr)
	runtime.KeepAlive(v)
	return check(r, cerr)
}

// UpdateRoot verifies and trusts root version N+1 (spec 5.3.4, 5.3.5).
func (v *Verifier) UpdateRoot(data []byte) error {
	return v.call(func(c *C.tuf_verifier, e **C.tuf_error) C.tuf_result {
		return C.tuf_verifier_update_root(c, bytesPtr(data), C.size_t(len(data)), e)
	})
}

// UpdateTimestamp verifies a timestamp (spec 5.4). updated is true when it was accepted as
// new, false when its version equals the trusted one (which is kept; not an error). An
// expired timestamp is kept as a rollback baseline and reported as ErrExpired.
func (v *Verifier) UpdateTimestamp(data []byte) (updated bool, err error) {
	var u C.bool
	err = v.call(func(c *C.tuf_verifier, e **C.tuf_error) C.tuf_result {
		return C.tuf_verifier_update_timestamp(c, bytesPtr(data), C.size_t(len(data)), &u, e)
	})
	return bool(u), err
}

// UpdateSnapshot verifies a snapshot (spec 5.5). trusted: the bytes come from the caller's
// own cache of previously verified metadata, so the hashes in timestamp are not checked
// again.
func (v *Verifier) UpdateSnapshot(data []byte, trusted bool) error {
	return v.call(func(c *C.tuf_verifier, e **C.tuf_error) C.tuf_result {
		return C.tuf_verifier_update_snapshot(c, bytesPtr(data), C.size_t(len(data)), C.bool(trusted), e)
	})
}

// UpdateTargets verifies the top-level targets (spec 5.6.1 to 5.6.5).
func (v *Verifier) UpdateTargets(data []byte) error {
	return v.call(func(c *C.tuf_verifier, e **C.tuf_error) C.tuf_result {
		return C.tuf_verifier_update_targets(c, bytesPtr(data), C.size_t(len(data)), e)
	})
}

// UpdateDelegatedTargets verifies the metadata of the delegated role role, delegated by
// the trusted role delegator ("targets" or another delegated role).
func (v *Verifier) UpdateDelegatedTargets(data []byte, role, delegator string) error {
	r, err := cString(role)
	if err != nil {
		return err
	}
	defer freeString(r)
	d, err := cString(delegator)
	if err != nil {
		return err
	}
	defer freeString(d)
	return v.call(func(c *C.tuf_verifier, e **C.tuf_error) C.tuf_result {
		return C.tuf_verifier_update_delegated_targets(c, bytesPtr(data), C.size_t(len(data)), r, d, e)
	})
}

// get runs a getter (0 or false when the verifier is closed, or asked from its own
// loader).
func (v *Verifier) get(f func(c *C.tuf_verifier)) {
	if lock(&v.mu) != nil {
		return
	}
	defer v.mu.Unlock()
	if v.c != nil {
		f(v.c)
		runtime.KeepAlive(v)
	}
}

// RootVersion is the version of the trusted root.
func (v *Verifier) RootVersion() (n uint64) {
	v.get(func(c *C.tuf_verifier) { n = uint64(C.tuf_verifier_root_version(c)) })
	return n
}

// TimestampVersion is the version of the trusted timestamp (0 if none).
func (v *Verifier) TimestampVersion() (n uint64) {
	v.get(func(c *C.tuf_verifier) { n = uint64(C.tuf_verifier_timestamp_version(c)) })
	return n
}

// SnapshotVersion is the snapshot version the trusted timestamp lists (0 if none): the V of
// V.snapshot.json under consistent snapshots.
func (v *Verifier) SnapshotVersion() (n uint64) {
	v.get(func(c *C.tuf_verifier) { n = uint64(C.tuf_verifier_snapshot_version(c)) })
	return n
}

// RoleVersion is the version the trusted snapshot lists for role ("targets" or a delegated
// role), the V of V.ROLE.json; 0 if there is none.
func (v *Verifier) RoleVersion(role string) (n uint64) {
	r, err := cString(role)
	if err != nil {
		return 0
	}
	defer freeString(r)
	v.get(func(c *C.tuf_verifier) { n = uint64(C.tuf_verifier_role_version(c, r)) })
	return n
}

// ConsistentSnapshot reports whether the trusted root has consistent snapshots.
func (v *Verifier) ConsistentSnapshot() (b bool) {
	v.get(func(c *C.tuf_verifier) { b = bool(C.tuf_verifier_consistent_snapshot(c)) })
	return b
}

// TimestampSnapshotKeysRotated reports whether the keys of the timestamp or snapshot role
// changed since the verifier was created (spec 5.3.11): if so, delete cached timestamp and
// snapshot files before feeding them.
func (v *Verifier) TimestampSnapshotKeysRotated() (b bool) {
	v.get(func(c *C.tuf_verifier) { b = bool(C.tuf_verifier_timestamp_snapshot_keys_rotated(c)) })
	return b
}

// LoadFunc writes the metadata of role into w, at most maxLength bytes, for
// FindTarget: a delegated role, or "targets" when it is not trusted yet. version is the
// version of role that the trusted snapshot lists (the V of V.ROLE.json under consistent
// snapshots; 0 from FindTargetUnversioned). An error ends the search with ErrDownload
// wrapping it. It runs on the goroutine that called FindTarget; the Verifier's methods fail
// with ErrState there (getters return zero values).
type LoadFunc func(role string, version, maxLength uint64, w io.Writer) error

// FindTarget finds targetPath by the pre-order delegation search (spec 5.6.7), asking load
// for the roles not yet trusted (verified before use). maxDelegations is the most delegated
// roles visited (0: 32). The error matches ErrTargetNotFound when no role lists the target.
func (v *Verifier) FindTarget(targetPath string, maxDelegations uint32, load LoadFunc) (*TargetInfo, error) {
	return v.find(targetPath, maxDelegations, load, true)
}

// FindTargetUnversioned is FindTarget with a loader that is not told the role's version
// (tuf_verifier_find_target; version is 0). Prefer FindTarget.
func (v *Verifier) FindTargetUnversioned(targetPath string, maxDelegations uint32, load LoadFunc) (*TargetInfo, error) {
	return v.find(targetPath, maxDelegations, load, false)
}

func (v *Verifier) find(targetPath string, maxDelegations uint32, load LoadFunc, versioned bool) (*TargetInfo, error) {
	if load == nil {
		return nil, argError("nil load function")
	}
	p, err := cString(targetPath)
	if err != nil {
		return nil, err
	}
	defer freeString(p)
	st := &loadState{load: load}
	ud := newUserdata(st)
	defer ud.delete()
	if err := lock(&v.mu); err != nil {
		return nil, err
	}
	defer v.mu.Unlock()
	if v.c == nil {
		return nil, errClosed("verifier")
	}
	var out *C.tuf_target_info
	var cerr *C.tuf_error
	var r C.tuf_result
	if versioned {
		r = C.tuf_verifier_find_target_versioned(v.c, p, C.uint32_t(maxDelegations), C.gotuf_load_versioned_cb(), ud.p, &out, &cerr)
	} else {
		r = C.tuf_verifier_find_target(v.c, p, C.uint32_t(maxDelegations), C.gotuf_load_cb(), ud.p, &out, &cerr)
	}
	runtime.KeepAlive(v)
	if r != C.TUF_OK {
		return nil, takeError(r, cerr, st.err)
	}
	return newTargetInfo(out), nil
}
