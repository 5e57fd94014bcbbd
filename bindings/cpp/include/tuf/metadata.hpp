// libtuf's C++ binding: metadata of any role (tuf_metadata), to read, build, edit, sign,
// verify and write. The delegation methods are defined in metadata_delegations.hpp. Include
// <tuf.hpp>.
//
// SPDX-License-Identifier: MIT OR Apache-2.0
#ifndef TUF_CPP_METADATA_HPP
#define TUF_CPP_METADATA_HPP

#include "core.hpp"
#include "keys.hpp"
#include "target_file.hpp"

namespace tuf {

/// A role type (`TUF_ROLE_*`); delegated targets roles are Role::targets.
enum class Role : std::uint32_t {
    root = TUF_ROLE_ROOT,
    timestamp = TUF_ROLE_TIMESTAMP,
    snapshot = TUF_ROLE_SNAPSHOT,
    targets = TUF_ROLE_TARGETS,
};

/// A serialisation format (`TUF_FORMAT_*`).
enum class Format : std::uint32_t {
    /// python-tuf's default: indented by one space, keys sorted.
    pretty = TUF_FORMAT_PRETTY,
    /// python-tuf's compact format.
    compact = TUF_FORMAT_COMPACT,
    /// Canonical JSON: the bytes signatures cover.
    canonical = TUF_FORMAT_CANONICAL,
};

/// A `meta` entry of timestamp or snapshot: its version and, if listed, its length.
struct MetaInfo {
    std::uint64_t version = 0;
    std::optional<std::uint64_t> length;
};

/// Metadata of any role (`tuf_metadata`): root, timestamp, snapshot, targets or a delegated
/// targets role. Unknown fields are kept, so that a file read and written back unchanged is
/// byte-identical. Move-only; one thread at a time, also for reading (libtuf's getters
/// remember the strings they lend, so even const methods must not run concurrently). Methods
/// of a part another role type does not have return 0, false or an empty result, or throw
/// Error with Code::invalid_argument. Index arguments out of range throw std::out_of_range.
class Metadata {
public:
    /// Takes ownership of `md` (freed with `tuf_metadata_free`).
    explicit Metadata(tuf_metadata* md) noexcept : handle_(md) {}

    /// Reads metadata of any role from a whole metadata file; every format rule is checked,
    /// no signature (`tuf_metadata_from_bytes`).
    static Metadata from_bytes(ByteView data) {
        return make([&](tuf_metadata** out, tuf_error** e) {
            return ::tuf_metadata_from_bytes(data.data(), data.size(), out, e);
        });
    }
    /// New unsigned metadata of role type `role`, version 1, expiring at `expires` (seconds
    /// since the Unix epoch), with python-tuf's defaults (`tuf_metadata_new`).
    static Metadata create(Role role, std::int64_t expires) {
        return make([&](tuf_metadata** out, tuf_error** e) {
            return ::tuf_metadata_new(static_cast<tuf_role_type>(role), expires, out, e);
        });
    }

    // ---- the whole file ----------------------------------------------------------------------

    /// The whole file in `format` (`tuf_metadata_to_bytes`).
    std::vector<std::uint8_t> to_bytes(Format format = Format::pretty) const {
        return bytes([&](std::uint8_t** out, std::size_t* len, tuf_error** e) {
            return ::tuf_metadata_to_bytes(get(), static_cast<tuf_format>(format), out, len, e);
        });
    }
    /// The canonical JSON of `signed`: the bytes a signature covers
    /// (`tuf_metadata_signed_bytes`).
    std::vector<std::uint8_t> signed_bytes() const {
        return bytes([&](std::uint8_t** out, std::size_t* len, tuf_error** e) {
            return ::tuf_metadata_signed_bytes(get(), out, len, e);
        });
    }
    /// The role type (`tuf_metadata_type`).
    Role type() const noexcept { return static_cast<Role>(::tuf_metadata_type(get())); }
    /// `version` (`tuf_metadata_version`).
    std::uint64_t version() const noexcept { return ::tuf_metadata_version(get()); }
    /// Sets `version`; signatures are not changed (`tuf_metadata_set_version`).
    void set_version(std::uint64_t version) {
        apply([&](tuf_error** e) { return ::tuf_metadata_set_version(get(), version, e); });
    }
    /// Adds 1 to `version` (`tuf_metadata_bump_version`).
    void bump_version() {
        apply([&](tuf_error** e) { return ::tuf_metadata_bump_version(get(), e); });
    }
    /// `spec_version`, e.g. "1.0.31" (`tuf_metadata_spec_version`).
    std::string spec_version() const {
        return detail::string_of(::tuf_metadata_spec_version(get()));
    }
    /// Sets `spec_version` (`X.Y` or `X.Y.Z` with major version 1)
    /// (`tuf_metadata_set_spec_version`).
    void set_spec_version(std::string_view spec_version) {
        detail::CString v(spec_version);
        apply([&](tuf_error** e) { return ::tuf_metadata_set_spec_version(get(), v.get(), e); });
    }
    /// `expires` in seconds since the Unix epoch (`tuf_metadata_expires`).
    std::int64_t expires() const noexcept { return ::tuf_metadata_expires(get()); }
    /// Sets `expires` (`tuf_metadata_set_expires`).
    void set_expires(std::int64_t expires) {
        apply([&](tuf_error** e) { return ::tuf_metadata_set_expires(get(), expires, e); });
    }
    /// Whether the metadata is expired at `reference_time` (nullopt: now)
    /// (`tuf_metadata_is_expired`).
    bool is_expired(std::optional<std::int64_t> reference_time = std::nullopt) const noexcept {
        return ::tuf_metadata_is_expired(get(), detail::optional_ptr(reference_time));
    }
    /// The unknown fields of the object the JSON Pointer `pointer` names, as a compact JSON
    /// object (`tuf_metadata_unrecognized_fields`).
    std::string unrecognized_fields(std::string_view pointer) const {
        detail::CString p(pointer);
        detail::Call call;
        char* out = nullptr;
        tuf_result r = ::tuf_metadata_unrecognized_fields(get(), p.get(), &out, call.err());
        std::optional<std::string> json = detail::take_string(out);
        call.check(r);
        return json.value_or(std::string());
    }
    /// Replaces the unknown fields of the object `pointer` names by the members of the JSON
    /// object `json` (`tuf_metadata_set_unrecognized_fields`).
    void set_unrecognized_fields(std::string_view pointer, std::string_view json) {
        detail::CString p(pointer), j(json);
        apply([&](tuf_error** e) {
            return ::tuf_metadata_set_unrecognized_fields(get(), p.get(), j.get(), e);
        });
    }

    // ---- signatures --------------------------------------------------------------------------

    /// How many signatures the metadata carries (`tuf_metadata_signature_count`).
    std::size_t signature_count() const noexcept { return ::tuf_metadata_signature_count(get()); }
    /// The keyid of signature `index` (`tuf_metadata_signature_keyid`).
    std::string signature_keyid(std::size_t index) const {
        detail::check_index(index, signature_count(), "signature_keyid");
        return detail::string_of(::tuf_metadata_signature_keyid(get(), index));
    }
    /// Signature `index` as written in the file, hex (`tuf_metadata_signature_hex`).
    std::string signature_hex(std::size_t index) const {
        detail::check_index(index, signature_count(), "signature_hex");
        return detail::string_of(::tuf_metadata_signature_hex(get(), index));
    }
    /// Adds a signature made elsewhere over signed_bytes(), replacing one by the same keyid
    /// (`tuf_metadata_add_signature`).
    void add_signature(std::string_view keyid, std::string_view signature_hex) {
        detail::CString k(keyid), s(signature_hex);
        apply([&](tuf_error** e) {
            return ::tuf_metadata_add_signature(get(), k.get(), s.get(), e);
        });
    }
    /// Signs with `signer`: the new signature replaces all others, or (`append`) one by the
    /// same keyid; it is verified with the signer's key first (`tuf_metadata_sign`). An
    /// exception thrown by a callback signer's function is rethrown here.
    void sign(const Signer& signer, bool append = false) {
        apply([&](tuf_error** e) {
            return ::tuf_metadata_sign(get(), signer.native_handle(), append, e);
        });
    }
    /// Verifies that `delegate` is signed by a threshold of the keys this metadata gives
    /// `role` (`tuf_metadata_verify_delegate`): throws Error with Code::bad_signature when not.
    void verify_delegate(std::string_view role, const Metadata& delegate) const {
        detail::CString r(role);
        detail::Call call;
        call.check(::tuf_metadata_verify_delegate(get(), r.get(), delegate.get(), call.err()));
    }

    // ---- delegations (targets; defined in metadata_delegations.hpp) --------------------------

    bool has_delegations() const noexcept;
    std::size_t delegations_key_count() const noexcept;
    std::string delegations_keyid_at(std::size_t index) const;
    Key delegations_get_key(std::string_view keyid) const;
    void delegations_add_key(std::optional<std::string_view> role, const KeyView& key);
    void delegations_revoke_key(std::optional<std::string_view> role, std::string_view keyid);
    void delegations_set_threshold(std::optional<std::string_view> role, std::uint64_t threshold);
    void delegations_add_role(std::string_view name, std::uint64_t threshold, bool terminating,
                              const std::optional<std::vector<std::string>>& paths,
                              const std::optional<std::vector<std::string>>& path_hash_prefixes =
                                  std::nullopt);
    void delegations_remove_role(std::string_view name);
    std::size_t delegated_role_count() const noexcept;
    std::string delegated_role_name(std::size_t index) const;
    std::uint64_t delegated_role_threshold(std::size_t index) const;
    bool delegated_role_terminating(std::size_t index) const;
    std::size_t delegated_role_keyid_count(std::size_t index) const;
    std::string delegated_role_keyid_at(std::size_t index, std::size_t keyid_index) const;
    bool delegated_role_uses_hash_prefixes(std::size_t index) const;
    std::size_t delegated_role_path_count(std::size_t index) const;
    std::string delegated_role_path_at(std::size_t index, std::size_t path_index) const;
    std::size_t delegated_role_hash_prefix_count(std::size_t index) const;
    std::string delegated_role_hash_prefix_at(std::size_t index, std::size_t prefix_index) const;
    void delegations_set_succinct(std::uint32_t bit_length, std::string_view name_prefix,
                                  std::uint64_t threshold);
    std::uint32_t succinct_bit_length() const noexcept;
    std::optional<std::string> succinct_name_prefix() const;
    std::uint64_t succinct_threshold() const noexcept;
    std::size_t succinct_keyid_count() const noexcept;
    std::string succinct_keyid_at(std::size_t index) const;
    std::uint64_t succinct_bin_count() const noexcept;
    std::string succinct_bin_name(std::uint64_t index) const;
    std::string succinct_bin_for_target(std::string_view target_path) const;

    // ---- meta (timestamp and snapshot) -------------------------------------------------------

    /// How many `meta` entries there are (`tuf_metadata_meta_count`).
    std::size_t meta_count() const noexcept { return ::tuf_metadata_meta_count(get()); }
    /// The name of `meta` entry `index`, e.g. "targets.json" (`tuf_metadata_meta_name_at`).
    std::string meta_name_at(std::size_t index) const {
        detail::check_index(index, meta_count(), "meta_name_at");
        return detail::string_of(::tuf_metadata_meta_name_at(get(), index));
    }
    /// The `meta` entry `name`: version and length (`tuf_metadata_meta_get`).
    MetaInfo meta_get(std::string_view name) const {
        detail::CString n(name);
        MetaInfo info;
        bool has_length = false;
        std::uint64_t length = 0;
        detail::Call call;
        call.check(::tuf_metadata_meta_get(get(), n.get(), &info.version, &has_length, &length,
                                           call.err()));
        if (has_length) {
            info.length = length;
        }
        return info;
    }
    /// How many hashes the `meta` entry `name` lists (`tuf_metadata_meta_hash_count`).
    std::size_t meta_hash_count(std::string_view name) const {
        detail::CString n(name);
        return ::tuf_metadata_meta_hash_count(get(), n.get());
    }
    /// The algorithm of hash `index` of the `meta` entry `name`
    /// (`tuf_metadata_meta_hash_algorithm`).
    std::string meta_hash_algorithm(std::string_view name, std::size_t index) const {
        detail::check_index(index, meta_hash_count(name), "meta_hash_algorithm");
        detail::CString n(name);
        return detail::string_of(::tuf_metadata_meta_hash_algorithm(get(), n.get(), index));
    }
    /// The hex digest of hash `index` of the `meta` entry `name` (`tuf_metadata_meta_hash_hex`).
    std::string meta_hash_hex(std::string_view name, std::size_t index) const {
        detail::check_index(index, meta_hash_count(name), "meta_hash_hex");
        detail::CString n(name);
        return detail::string_of(::tuf_metadata_meta_hash_hex(get(), n.get(), index));
    }
    /// Adds or replaces the `meta` entry `name`: `version`, `length` unless nullopt, and the
    /// hashes `hashes_json` (e.g. `{"sha256": "HEX"}`) unless nullopt
    /// (`tuf_metadata_meta_set`).
    void meta_set(std::string_view name, std::uint64_t version,
                  std::optional<std::uint64_t> length = std::nullopt,
                  std::optional<std::string_view> hashes_json = std::nullopt) {
        detail::CString n(name);
        detail::OptionalCString h(hashes_json);
        apply([&](tuf_error** e) {
            return ::tuf_metadata_meta_set(get(), n.get(), version, length ? &*length : nullptr,
                                           h.get(), e);
        });
    }
    /// Adds or replaces the `meta` entry `name` with `version` and the length and SHA-256 of
    /// `data`, the file as published (`tuf_metadata_meta_set_from_bytes`).
    void meta_set_from_bytes(std::string_view name, std::uint64_t version, ByteView data) {
        detail::CString n(name);
        apply([&](tuf_error** e) {
            return ::tuf_metadata_meta_set_from_bytes(get(), n.get(), version, data.data(),
                                                      data.size(), e);
        });
    }
    /// Removes the `meta` entry `name` of a snapshot (`tuf_metadata_meta_remove`).
    void meta_remove(std::string_view name) {
        detail::CString n(name);
        apply([&](tuf_error** e) { return ::tuf_metadata_meta_remove(get(), n.get(), e); });
    }

    // ---- root --------------------------------------------------------------------------------

    /// `consistent_snapshot` (`tuf_metadata_root_consistent_snapshot`).
    bool root_consistent_snapshot() const noexcept {
        return ::tuf_metadata_root_consistent_snapshot(get());
    }
    /// Sets `consistent_snapshot` (`tuf_metadata_root_set_consistent_snapshot`).
    void root_set_consistent_snapshot(bool value) {
        apply([&](tuf_error** e) {
            return ::tuf_metadata_root_set_consistent_snapshot(get(), value, e);
        });
    }
    /// How many keys root lists (`tuf_metadata_root_key_count`).
    std::size_t root_key_count() const noexcept { return ::tuf_metadata_root_key_count(get()); }
    /// The keyid of key `index`, in code-point order (`tuf_metadata_root_keyid_at`).
    std::string root_keyid_at(std::size_t index) const {
        detail::check_index(index, root_key_count(), "root_keyid_at");
        return detail::string_of(::tuf_metadata_root_keyid_at(get(), index));
    }
    /// A copy of the key root lists as `keyid` (`tuf_metadata_root_get_key`).
    Key root_get_key(std::string_view keyid) const {
        detail::CString k(keyid);
        detail::Call call;
        tuf_key* out = nullptr;
        tuf_result r = ::tuf_metadata_root_get_key(get(), k.get(), &out, call.err());
        Key key(out);
        call.check(r);
        return key;
    }
    /// How many keyids the top-level role `role` has (`tuf_metadata_root_role_keyid_count`).
    std::size_t root_role_keyid_count(Role role) const noexcept {
        return ::tuf_metadata_root_role_keyid_count(get(), static_cast<tuf_role_type>(role));
    }
    /// Keyid `index` of the top-level role `role` (`tuf_metadata_root_role_keyid_at`).
    std::string root_role_keyid_at(Role role, std::size_t index) const {
        detail::check_index(index, root_role_keyid_count(role), "root_role_keyid_at");
        return detail::string_of(
            ::tuf_metadata_root_role_keyid_at(get(), static_cast<tuf_role_type>(role), index));
    }
    /// The threshold of the top-level role `role` (`tuf_metadata_root_role_threshold`).
    std::uint64_t root_role_threshold(Role role) const noexcept {
        return ::tuf_metadata_root_role_threshold(get(), static_cast<tuf_role_type>(role));
    }
    /// Sets the threshold of the top-level role `role` (`tuf_metadata_root_set_threshold`).
    void root_set_threshold(Role role, std::uint64_t threshold) {
        apply([&](tuf_error** e) {
            return ::tuf_metadata_root_set_threshold(get(), static_cast<tuf_role_type>(role),
                                                     threshold, e);
        });
    }
    /// Adds `key` to root's keys and to the keyids of `role` (`tuf_metadata_root_add_key`).
    void root_add_key(Role role, const KeyView& key) {
        apply([&](tuf_error** e) {
            return ::tuf_metadata_root_add_key(get(), static_cast<tuf_role_type>(role),
                                               key.native_handle(), e);
        });
    }
    /// Removes `keyid` from `role`, and the key from root when no role uses it any more
    /// (`tuf_metadata_root_revoke_key`).
    void root_revoke_key(Role role, std::string_view keyid) {
        detail::CString k(keyid);
        apply([&](tuf_error** e) {
            return ::tuf_metadata_root_revoke_key(get(), static_cast<tuf_role_type>(role),
                                                  k.get(), e);
        });
    }

    // ---- targets -----------------------------------------------------------------------------

    /// How many targets the metadata lists (`tuf_metadata_targets_count`).
    std::size_t targets_count() const noexcept { return ::tuf_metadata_targets_count(get()); }
    /// The path of target `index`, in code-point order (`tuf_metadata_targets_path_at`).
    std::string targets_path_at(std::size_t index) const {
        detail::check_index(index, targets_count(), "targets_path_at");
        return detail::string_of(::tuf_metadata_targets_path_at(get(), index));
    }
    /// A copy of the entry of target `path`; nullopt when the metadata does not list it
    /// (`tuf_metadata_targets_get`).
    std::optional<TargetFile> targets_get(std::string_view path) const {
        detail::CString p(path);
        detail::Call call;
        tuf_target_file* out = nullptr;
        tuf_result r = ::tuf_metadata_targets_get(get(), p.get(), &out, call.err());
        TargetFile target(out);
        if (!call.check_found(r)) {
            return std::nullopt;
        }
        return target;
    }
    /// Adds the entry `target` (copied), replacing one of the same path
    /// (`tuf_metadata_targets_add`).
    void targets_add(const TargetFile& target) {
        apply([&](tuf_error** e) {
            return ::tuf_metadata_targets_add(get(), target.native_handle(), e);
        });
    }
    /// Removes the entry of target `path`; Code::target_not_found when there is none
    /// (`tuf_metadata_targets_remove`).
    void targets_remove(std::string_view path) {
        detail::CString p(path);
        apply([&](tuf_error** e) { return ::tuf_metadata_targets_remove(get(), p.get(), e); });
    }

    const tuf_metadata* native_handle() const noexcept { return handle_.get(); }
    tuf_metadata* native_handle() noexcept { return handle_.get(); }

private:
    tuf_metadata* get() const noexcept { return handle_.get(); }
    template <class F>
    static void apply(F&& f) {
        detail::Call call;
        call.check(f(call.err()));
    }
    template <class F>
    static Metadata make(F&& f) {
        detail::Call call;
        tuf_metadata* out = nullptr;
        tuf_result r = f(&out, call.err());
        Metadata md(out);
        call.check(r);
        return md;
    }
    template <class F>
    static std::vector<std::uint8_t> bytes(F&& f) {
        detail::Call call;
        std::uint8_t* out = nullptr;
        std::size_t len = 0;
        tuf_result r = f(&out, &len, call.err());
        std::vector<std::uint8_t> data = detail::take_bytes(out, len);
        call.check(r);
        return data;
    }
    template <class F>
    static std::string owned_string(F&& f) {
        detail::Call call;
        char* out = nullptr;
        tuf_result r = f(&out, call.err());
        std::optional<std::string> s = detail::take_string(out);
        call.check(r);
        return s.value_or(std::string());
    }

    detail::Owned<tuf_metadata, ::tuf_metadata_free> handle_;
};

}  // namespace tuf

#include "metadata_delegations.hpp"

#endif  // TUF_CPP_METADATA_HPP
