package tuf

// The parts of root, timestamp, snapshot and targets metadata (delegations are in
// metadata_delegations.go).

// #include <stdlib.h>
// #include <tuf.h>
import "C"

import "runtime"

// ---- root ----------------------------------------------------------------------------------

// ConsistentSnapshot reports root's consistent_snapshot (false for other roles).
func (m *Metadata) ConsistentSnapshot() (b bool) {
	m.read(func(c *C.tuf_metadata) { b = bool(C.tuf_metadata_root_consistent_snapshot(c)) })
	return b
}

// SetConsistentSnapshot sets root's consistent_snapshot.
func (m *Metadata) SetConsistentSnapshot(on bool) error {
	return m.call(func(c *C.tuf_metadata, e **C.tuf_error) C.tuf_result {
		return C.tuf_metadata_root_set_consistent_snapshot(c, C.bool(on), e)
	})
}

// RootKeyids are the keyids of root's keys, in code-point order.
func (m *Metadata) RootKeyids() (ids []string) {
	m.read(func(c *C.tuf_metadata) {
		n := int(C.tuf_metadata_root_key_count(c))
		for i := 0; i < n; i++ {
			ids = append(ids, goStringOrEmpty(C.tuf_metadata_root_keyid_at(c, C.size_t(i))))
		}
	})
	return ids
}

// RootKey is the key root lists as keyid (a copy).
func (m *Metadata) RootKey(keyid string) (*Key, error) {
	var k *C.tuf_key
	err := m.withStr(keyid, false, func(c *C.tuf_metadata, p *C.char, e **C.tuf_error) C.tuf_result {
		return C.tuf_metadata_root_get_key(c, p, &k, e)
	})
	if err != nil {
		return nil, err
	}
	return newKey(k), nil
}

// RoleKeyids are the keyids of the top-level role role, in file order.
func (m *Metadata) RoleKeyids(role RoleType) (ids []string) {
	m.read(func(c *C.tuf_metadata) {
		n := int(C.tuf_metadata_root_role_keyid_count(c, C.tuf_role_type(role)))
		for i := 0; i < n; i++ {
			ids = append(ids, goStringOrEmpty(C.tuf_metadata_root_role_keyid_at(c, C.tuf_role_type(role), C.size_t(i))))
		}
	})
	return ids
}

// RoleThreshold is the threshold of the top-level role role (0 for other metadata).
func (m *Metadata) RoleThreshold(role RoleType) (t uint64) {
	m.read(func(c *C.tuf_metadata) { t = uint64(C.tuf_metadata_root_role_threshold(c, C.tuf_role_type(role))) })
	return t
}

// SetRoleThreshold sets how many of the top-level role role's keys must sign.
func (m *Metadata) SetRoleThreshold(role RoleType, threshold uint64) error {
	return m.call(func(c *C.tuf_metadata, e **C.tuf_error) C.tuf_result {
		return C.tuf_metadata_root_set_threshold(c, C.tuf_role_type(role), C.uint64_t(threshold), e)
	})
}

// AddRootKey adds key (copied) to root's keys and to the keyids of the top-level role
// role, as python-tuf's Root.add_key.
func (m *Metadata) AddRootKey(role RoleType, key *Key) error {
	if key == nil {
		return argError("nil key")
	}
	err := m.call(func(c *C.tuf_metadata, e **C.tuf_error) C.tuf_result {
		return C.tuf_metadata_root_add_key(c, C.tuf_role_type(role), key.c, e)
	})
	runtime.KeepAlive(key)
	return err
}

// RevokeRootKey removes keyid from the top-level role role, and the key from root's keys
// if no other role uses it, as python-tuf's Root.revoke_key.
func (m *Metadata) RevokeRootKey(role RoleType, keyid string) error {
	return m.withStr(keyid, false, func(c *C.tuf_metadata, p *C.char, e **C.tuf_error) C.tuf_result {
		return C.tuf_metadata_root_revoke_key(c, C.tuf_role_type(role), p, e)
	})
}

// ---- timestamp and snapshot meta -----------------------------------------------------------

// MetaFile is a meta entry of timestamp or snapshot metadata.
type MetaFile struct {
	Version uint64
	// Length is the listed length, nil when the entry lists none.
	Length *uint64
	Hashes []Hash
}

// MetaNames are the names of the meta entries ("snapshot.json" for a timestamp,
// "targets.json" and "ROLE.json" for a snapshot), in code-point order.
func (m *Metadata) MetaNames() (names []string) {
	m.read(func(c *C.tuf_metadata) {
		n := int(C.tuf_metadata_meta_count(c))
		for i := 0; i < n; i++ {
			names = append(names, goStringOrEmpty(C.tuf_metadata_meta_name_at(c, C.size_t(i))))
		}
	})
	return names
}

// Meta reads the meta entry name.
func (m *Metadata) Meta(name string) (MetaFile, error) {
	var mf MetaFile
	err := m.withStr(name, false, func(c *C.tuf_metadata, p *C.char, e **C.tuf_error) C.tuf_result {
		var version, length C.uint64_t
		var hasLength C.bool
		r := C.tuf_metadata_meta_get(c, p, &version, &hasLength, &length, e)
		if r != C.TUF_OK {
			return r
		}
		mf.Version = uint64(version)
		if hasLength {
			l := uint64(length)
			mf.Length = &l
		}
		n := int(C.tuf_metadata_meta_hash_count(c, p))
		for i := 0; i < n; i++ {
			mf.Hashes = append(mf.Hashes, Hash{
				Algorithm: goStringOrEmpty(C.tuf_metadata_meta_hash_algorithm(c, p, C.size_t(i))),
				Hex:       goStringOrEmpty(C.tuf_metadata_meta_hash_hex(c, p, C.size_t(i))),
			})
		}
		return r
	})
	return mf, err
}

// SetMeta adds or replaces the meta entry name: version, length unless nil, and hashes
// (algorithm -> hex digest) unless empty.
func (m *Metadata) SetMeta(name string, version uint64, length *uint64, hashes map[string]string) error {
	var h *C.char
	if len(hashes) > 0 {
		var err error
		if h, err = hashesJSON(hashes); err != nil {
			return err
		}
		defer freeString(h)
	}
	var l *C.uint64_t
	if length != nil {
		v := C.uint64_t(*length)
		l = &v
	}
	return m.withStr(name, false, func(c *C.tuf_metadata, p *C.char, e **C.tuf_error) C.tuf_result {
		return C.tuf_metadata_meta_set(c, p, C.uint64_t(version), l, h, e)
	})
}

// SetMetaFromBytes adds or replaces the meta entry name with version and the length and
// SHA-256 of data (the file exactly as published), as python-tuf's MetaFile.from_data.
func (m *Metadata) SetMetaFromBytes(name string, version uint64, data []byte) error {
	err := m.withStr(name, false, func(c *C.tuf_metadata, p *C.char, e **C.tuf_error) C.tuf_result {
		return C.tuf_metadata_meta_set_from_bytes(c, p, C.uint64_t(version), bytesPtr(data), C.size_t(len(data)), e)
	})
	runtime.KeepAlive(data)
	return err
}

// RemoveMeta removes the meta entry name of a snapshot.
func (m *Metadata) RemoveMeta(name string) error {
	return m.withStr(name, false, func(c *C.tuf_metadata, p *C.char, e **C.tuf_error) C.tuf_result {
		return C.tuf_metadata_meta_remove(c, p, e)
	})
}

// ---- targets -------------------------------------------------------------------------------

// TargetPaths are the paths of the targets listed, in code-point order.
func (m *Metadata) TargetPaths() (paths []string) {
	m.read(func(c *C.tuf_metadata) {
		n := int(C.tuf_metadata_targets_count(c))
		for i := 0; i < n; i++ {
			paths = append(paths, goStringOrEmpty(C.tuf_metadata_targets_path_at(c, C.size_t(i))))
		}
	})
	return paths
}

// Target is the entry of target path (a copy); the error matches ErrTargetNotFound when
// the metadata does not list it.
func (m *Metadata) Target(path string) (*TargetFile, error) {
	var t *C.tuf_target_file
	err := m.withStr(path, false, func(c *C.tuf_metadata, p *C.char, e **C.tuf_error) C.tuf_result {
		return C.tuf_metadata_targets_get(c, p, &t, e)
	})
	if err != nil {
		return nil, err
	}
	return newTargetFile(t), nil
}

// AddTarget adds the entry target (copied, under its path), replacing any of that path.
func (m *Metadata) AddTarget(target *TargetFile) error {
	if target == nil {
		return argError("nil target file")
	}
	if err := lock(&target.mu); err != nil {
		return err
	}
	defer target.mu.Unlock()
	if target.c == nil {
		return errClosed("target file")
	}
	t := target.c
	err := m.call(func(c *C.tuf_metadata, e **C.tuf_error) C.tuf_result {
		return C.tuf_metadata_targets_add(c, t, e)
	})
	runtime.KeepAlive(target)
	return err
}

// RemoveTarget removes the entry of target path (ErrTargetNotFound if not listed).
func (m *Metadata) RemoveTarget(path string) error {
	return m.withStr(path, false, func(c *C.tuf_metadata, p *C.char, e **C.tuf_error) C.tuf_result {
		return C.tuf_metadata_targets_remove(c, p, e)
	})
}
