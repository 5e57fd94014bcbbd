package tuf

// The delegations of targets metadata: keys, classic delegated roles and TAP 15 succinct
// hash bins.

// #include <stdlib.h>
// #include <tuf.h>
import "C"

import (
	"runtime"
	"unsafe"
)

// DelegatedRole is a classic delegated role of targets metadata, in priority order. Exactly
// one of Paths and PathHashPrefixes is non-nil (AddDelegatedRole: a non-nil empty slice is
// an empty list).
type DelegatedRole struct {
	Name             string
	Threshold        uint64
	Terminating      bool
	Keyids           []string // read only: add keys with AddDelegatedKey
	Paths            []string
	PathHashPrefixes []string
}

// SuccinctRoles are TAP 15 succinct hash bin delegations: 2^BitLength roles named
// NamePrefix-HEX, sharing Keyids and Threshold.
type SuccinctRoles struct {
	BitLength  uint32
	NamePrefix string
	Threshold  uint64
	Keyids     []string
	BinCount   uint64
}

// HasDelegations reports whether targets metadata has delegations.
func (m *Metadata) HasDelegations() (b bool) {
	m.read(func(c *C.tuf_metadata) { b = bool(C.tuf_metadata_has_delegations(c)) })
	return b
}

// DelegationKeyids are the keyids of delegations.keys, in code-point order.
func (m *Metadata) DelegationKeyids() (ids []string) {
	m.read(func(c *C.tuf_metadata) {
		n := int(C.tuf_metadata_delegations_key_count(c))
		for i := 0; i < n; i++ {
			ids = append(ids, goStringOrEmpty(C.tuf_metadata_delegations_keyid_at(c, C.size_t(i))))
		}
	})
	return ids
}

// DelegationKey is the key delegations.keys lists as keyid (a copy).
func (m *Metadata) DelegationKey(keyid string) (*Key, error) {
	var k *C.tuf_key
	err := m.withStr(keyid, false, func(c *C.tuf_metadata, p *C.char, e **C.tuf_error) C.tuf_result {
		return C.tuf_metadata_delegations_get_key(c, p, &k, e)
	})
	if err != nil {
		return nil, err
	}
	return newKey(k), nil
}

// AddDelegatedKey adds key (copied) to delegations.keys and to the keyids of the delegated
// role role, or of the succinct roles when role is "", as python-tuf's Targets.add_key.
func (m *Metadata) AddDelegatedKey(role string, key *Key) error {
	if key == nil {
		return argError("nil key")
	}
	err := m.withStr(role, true, func(c *C.tuf_metadata, r *C.char, e **C.tuf_error) C.tuf_result {
		return C.tuf_metadata_delegations_add_key(c, r, key.c, e)
	})
	runtime.KeepAlive(key)
	return err
}

// RevokeDelegatedKey removes keyid from the delegated role role (the succinct roles when
// ""), and the key from delegations.keys when no role uses it any more.
func (m *Metadata) RevokeDelegatedKey(role, keyid string) error {
	k, err := cString(keyid)
	if err != nil {
		return err
	}
	defer freeString(k)
	return m.withStr(role, true, func(c *C.tuf_metadata, r *C.char, e **C.tuf_error) C.tuf_result {
		return C.tuf_metadata_delegations_revoke_key(c, r, k, e)
	})
}

// SetDelegationThreshold sets the threshold of the delegated role role (the succinct
// roles when "").
func (m *Metadata) SetDelegationThreshold(role string, threshold uint64) error {
	return m.withStr(role, true, func(c *C.tuf_metadata, r *C.char, e **C.tuf_error) C.tuf_result {
		return C.tuf_metadata_delegations_set_threshold(c, r, C.uint64_t(threshold), e)
	})
}

// cStrings is a C array of C copies of list: NULL for a nil list, a non-NULL pointer for
// an empty one. free releases it.
func cStrings(list []string) (arr **C.char, free func(), err error) {
	if list == nil {
		return nil, func() {}, nil
	}
	n := len(list)
	if n == 0 {
		n = 1
	}
	mem := (**C.char)(C.calloc(C.size_t(n), C.size_t(unsafe.Sizeof((*C.char)(nil)))))
	items := unsafe.Slice(mem, n)
	free = func() {
		for _, p := range items {
			freeString(p)
		}
		C.free(unsafe.Pointer(mem))
	}
	for i, s := range list {
		if items[i], err = cString(s); err != nil {
			free()
			return nil, nil, err
		}
	}
	return mem, free, nil
}

// AddDelegatedRole delegates to role.Name, last in priority order, with its threshold,
// terminating flag, and exactly one of Paths (path patterns) or PathHashPrefixes; no keyids
// yet (AddDelegatedKey). Creates delegations when the metadata has none.
func (m *Metadata) AddDelegatedRole(role DelegatedRole) error {
	paths, freePaths, err := cStrings(role.Paths)
	if err != nil {
		return err
	}
	defer freePaths()
	prefixes, freePrefixes, err := cStrings(role.PathHashPrefixes)
	if err != nil {
		return err
	}
	defer freePrefixes()
	return m.withStr(role.Name, false, func(c *C.tuf_metadata, name *C.char, e **C.tuf_error) C.tuf_result {
		return C.tuf_metadata_delegations_add_role(c, name, C.uint64_t(role.Threshold), C.bool(role.Terminating),
			paths, C.size_t(len(role.Paths)), prefixes, C.size_t(len(role.PathHashPrefixes)), e)
	})
}

// RemoveDelegatedRole removes the delegation to the role name (its keys stay in
// delegations.keys).
func (m *Metadata) RemoveDelegatedRole(name string) error {
	return m.withStr(name, false, func(c *C.tuf_metadata, p *C.char, e **C.tuf_error) C.tuf_result {
		return C.tuf_metadata_delegations_remove_role(c, p, e)
	})
}

// DelegatedRoles are the classic delegated roles, in priority order (none for succinct
// delegations).
func (m *Metadata) DelegatedRoles() (roles []DelegatedRole) {
	m.read(func(c *C.tuf_metadata) {
		n := int(C.tuf_metadata_delegated_role_count(c))
		for i := 0; i < n; i++ {
			ci := C.size_t(i)
			r := DelegatedRole{
				Name:        goStringOrEmpty(C.tuf_metadata_delegated_role_name(c, ci)),
				Threshold:   uint64(C.tuf_metadata_delegated_role_threshold(c, ci)),
				Terminating: bool(C.tuf_metadata_delegated_role_terminating(c, ci)),
				Keyids:      []string{},
			}
			for j := 0; j < int(C.tuf_metadata_delegated_role_keyid_count(c, ci)); j++ {
				r.Keyids = append(r.Keyids, goStringOrEmpty(C.tuf_metadata_delegated_role_keyid_at(c, ci, C.size_t(j))))
			}
			if C.tuf_metadata_delegated_role_uses_hash_prefixes(c, ci) {
				r.PathHashPrefixes = []string{}
				for j := 0; j < int(C.tuf_metadata_delegated_role_hash_prefix_count(c, ci)); j++ {
					r.PathHashPrefixes = append(r.PathHashPrefixes, goStringOrEmpty(C.tuf_metadata_delegated_role_hash_prefix_at(c, ci, C.size_t(j))))
				}
			} else {
				r.Paths = []string{}
				for j := 0; j < int(C.tuf_metadata_delegated_role_path_count(c, ci)); j++ {
					r.Paths = append(r.Paths, goStringOrEmpty(C.tuf_metadata_delegated_role_path_at(c, ci, C.size_t(j))))
				}
			}
			roles = append(roles, r)
		}
	})
	return roles
}

// SetSuccinctDelegation delegates to 2^bitLength succinct hash bins (bitLength 1 to 32)
// named namePrefix-HEX with threshold; add their keys with AddDelegatedKey("", key).
// Keyids are kept when delegations already are succinct.
func (m *Metadata) SetSuccinctDelegation(bitLength uint32, namePrefix string, threshold uint64) error {
	return m.withStr(namePrefix, false, func(c *C.tuf_metadata, p *C.char, e **C.tuf_error) C.tuf_result {
		return C.tuf_metadata_delegations_set_succinct(c, C.uint32_t(bitLength), p, C.uint64_t(threshold), e)
	})
}

// SuccinctRoles are the succinct delegations; ok is false when there are none.
func (m *Metadata) SuccinctRoles() (s SuccinctRoles, ok bool) {
	m.read(func(c *C.tuf_metadata) {
		s.BitLength = uint32(C.tuf_metadata_succinct_bit_length(c))
		if s.BitLength == 0 {
			return
		}
		ok = true
		s.NamePrefix = goStringOrEmpty(C.tuf_metadata_succinct_name_prefix(c))
		s.Threshold = uint64(C.tuf_metadata_succinct_threshold(c))
		s.BinCount = uint64(C.tuf_metadata_succinct_bin_count(c))
		s.Keyids = []string{}
		for i := 0; i < int(C.tuf_metadata_succinct_keyid_count(c)); i++ {
			s.Keyids = append(s.Keyids, goStringOrEmpty(C.tuf_metadata_succinct_keyid_at(c, C.size_t(i))))
		}
	})
	return s, ok
}

// SuccinctBinName is the name of bin index (below SuccinctRoles().BinCount), e.g.
// "bins-0a".
func (m *Metadata) SuccinctBinName(index uint64) (string, error) {
	var name string
	err := m.call(func(c *C.tuf_metadata, e **C.tuf_error) C.tuf_result {
		var out *C.char
		r := C.tuf_metadata_succinct_bin_name(c, C.uint64_t(index), &out, e)
		if r == C.TUF_OK {
			name = takeString(out)
		}
		return r
	})
	return name, err
}

// SuccinctBinForTarget is the name of the bin that lists targetPath (TAP 15).
func (m *Metadata) SuccinctBinForTarget(targetPath string) (string, error) {
	var name string
	err := m.withStr(targetPath, false, func(c *C.tuf_metadata, p *C.char, e **C.tuf_error) C.tuf_result {
		var out *C.char
		r := C.tuf_metadata_succinct_bin_for_target(c, p, &out, e)
		if r == C.TUF_OK {
			name = takeString(out)
		}
		return r
	})
	return name, err
}
