// libtuf's C++ binding: the delegation methods of tuf::Metadata (delegated roles, their keys,
// TAP 15 succinct hash bins). Included by metadata.hpp; include <tuf.hpp>.
//
// SPDX-License-Identifier: MIT OR Apache-2.0
#ifndef TUF_CPP_METADATA_DELEGATIONS_HPP
#define TUF_CPP_METADATA_DELEGATIONS_HPP

#include "metadata.hpp"

namespace tuf {

/// Whether targets metadata has `delegations` (`tuf_metadata_has_delegations`).
inline bool Metadata::has_delegations() const noexcept {
    return ::tuf_metadata_has_delegations(get());
}

/// How many keys `delegations.keys` lists (`tuf_metadata_delegations_key_count`).
inline std::size_t Metadata::delegations_key_count() const noexcept {
    return ::tuf_metadata_delegations_key_count(get());
}

/// The keyid of key `index` of `delegations.keys`, in code-point order
/// (`tuf_metadata_delegations_keyid_at`).
inline std::string Metadata::delegations_keyid_at(std::size_t index) const {
    detail::check_index(index, delegations_key_count(), "delegations_keyid_at");
    return detail::string_of(::tuf_metadata_delegations_keyid_at(get(), index));
}

/// A copy of the key `delegations.keys` lists as `keyid` (`tuf_metadata_delegations_get_key`).
inline Key Metadata::delegations_get_key(std::string_view keyid) const {
    detail::CString k(keyid);
    detail::Call call;
    tuf_key* out = nullptr;
    tuf_result r = ::tuf_metadata_delegations_get_key(get(), k.get(), &out, call.err());
    Key key(out);
    call.check(r);
    return key;
}

/// Adds `key` to `delegations.keys` and to the keyids of the delegated role `role`, or of the
/// succinct roles when nullopt (`tuf_metadata_delegations_add_key`).
inline void Metadata::delegations_add_key(std::optional<std::string_view> role,
                                          const KeyView& key) {
    detail::OptionalCString r(role);
    apply([&](tuf_error** e) {
        return ::tuf_metadata_delegations_add_key(get(), r.get(), key.native_handle(), e);
    });
}

/// Removes `keyid` from the delegated role `role` (the succinct roles when nullopt), and the
/// key when no role uses it any more (`tuf_metadata_delegations_revoke_key`).
inline void Metadata::delegations_revoke_key(std::optional<std::string_view> role,
                                             std::string_view keyid) {
    detail::OptionalCString r(role);
    detail::CString k(keyid);
    apply([&](tuf_error** e) {
        return ::tuf_metadata_delegations_revoke_key(get(), r.get(), k.get(), e);
    });
}

/// Sets the threshold of the delegated role `role` (the succinct roles when nullopt)
/// (`tuf_metadata_delegations_set_threshold`).
inline void Metadata::delegations_set_threshold(std::optional<std::string_view> role,
                                                std::uint64_t threshold) {
    detail::OptionalCString r(role);
    apply([&](tuf_error** e) {
        return ::tuf_metadata_delegations_set_threshold(get(), r.get(), threshold, e);
    });
}

/// Delegates to the role `name`, last in priority order, with `threshold`, `terminating`, no
/// keyids yet, and exactly one of `paths` (patterns) and `path_hash_prefixes`: the other is
/// nullopt (`tuf_metadata_delegations_add_role`).
inline void Metadata::delegations_add_role(
    std::string_view name, std::uint64_t threshold, bool terminating,
    const std::optional<std::vector<std::string>>& paths,
    const std::optional<std::vector<std::string>>& path_hash_prefixes) {
    // NUL-terminated copies, and an array of pointers to them that is not NULL even when
    // empty (NULL means "not given").
    struct List {
        explicit List(const std::optional<std::vector<std::string>>& items) {
            if (items) {
                for (const std::string& s : *items) {
                    strings.emplace_back(s);
                }
                for (const detail::CString& s : strings) {
                    pointers.push_back(s.get());
                }
                pointers.push_back(nullptr);
            }
        }
        const char* const* get() const noexcept {
            return pointers.empty() ? nullptr : pointers.data();
        }
        std::size_t count() const noexcept { return strings.size(); }
        std::vector<detail::CString> strings;
        std::vector<const char*> pointers;
    };
    detail::CString n(name);
    List p(paths), h(path_hash_prefixes);
    apply([&](tuf_error** e) {
        return ::tuf_metadata_delegations_add_role(get(), n.get(), threshold, terminating,
                                                   p.get(), p.count(), h.get(), h.count(), e);
    });
}

/// Removes the delegation to the role `name` (`tuf_metadata_delegations_remove_role`).
inline void Metadata::delegations_remove_role(std::string_view name) {
    detail::CString n(name);
    apply([&](tuf_error** e) {
        return ::tuf_metadata_delegations_remove_role(get(), n.get(), e);
    });
}

/// How many classic delegated roles there are (`tuf_metadata_delegated_role_count`).
inline std::size_t Metadata::delegated_role_count() const noexcept {
    return ::tuf_metadata_delegated_role_count(get());
}

/// The name of delegated role `index`, in priority order
/// (`tuf_metadata_delegated_role_name`).
inline std::string Metadata::delegated_role_name(std::size_t index) const {
    detail::check_index(index, delegated_role_count(), "delegated_role_name");
    return detail::string_of(::tuf_metadata_delegated_role_name(get(), index));
}

/// The threshold of delegated role `index` (`tuf_metadata_delegated_role_threshold`).
inline std::uint64_t Metadata::delegated_role_threshold(std::size_t index) const {
    detail::check_index(index, delegated_role_count(), "delegated_role_threshold");
    return ::tuf_metadata_delegated_role_threshold(get(), index);
}

/// Whether delegated role `index` is terminating (`tuf_metadata_delegated_role_terminating`).
inline bool Metadata::delegated_role_terminating(std::size_t index) const {
    detail::check_index(index, delegated_role_count(), "delegated_role_terminating");
    return ::tuf_metadata_delegated_role_terminating(get(), index);
}

/// How many keyids delegated role `index` has (`tuf_metadata_delegated_role_keyid_count`).
inline std::size_t Metadata::delegated_role_keyid_count(std::size_t index) const {
    detail::check_index(index, delegated_role_count(), "delegated_role_keyid_count");
    return ::tuf_metadata_delegated_role_keyid_count(get(), index);
}

/// Keyid `keyid_index` of delegated role `index` (`tuf_metadata_delegated_role_keyid_at`).
inline std::string Metadata::delegated_role_keyid_at(std::size_t index,
                                                     std::size_t keyid_index) const {
    detail::check_index(keyid_index, delegated_role_keyid_count(index),
                        "delegated_role_keyid_at");
    return detail::string_of(::tuf_metadata_delegated_role_keyid_at(get(), index, keyid_index));
}

/// Whether delegated role `index` has `path_hash_prefixes` rather than `paths`
/// (`tuf_metadata_delegated_role_uses_hash_prefixes`).
inline bool Metadata::delegated_role_uses_hash_prefixes(std::size_t index) const {
    detail::check_index(index, delegated_role_count(), "delegated_role_uses_hash_prefixes");
    return ::tuf_metadata_delegated_role_uses_hash_prefixes(get(), index);
}

/// How many `paths` patterns delegated role `index` has
/// (`tuf_metadata_delegated_role_path_count`).
inline std::size_t Metadata::delegated_role_path_count(std::size_t index) const {
    detail::check_index(index, delegated_role_count(), "delegated_role_path_count");
    return ::tuf_metadata_delegated_role_path_count(get(), index);
}

/// `paths` pattern `path_index` of delegated role `index`
/// (`tuf_metadata_delegated_role_path_at`).
inline std::string Metadata::delegated_role_path_at(std::size_t index,
                                                    std::size_t path_index) const {
    detail::check_index(path_index, delegated_role_path_count(index), "delegated_role_path_at");
    return detail::string_of(::tuf_metadata_delegated_role_path_at(get(), index, path_index));
}

/// How many `path_hash_prefixes` delegated role `index` has
/// (`tuf_metadata_delegated_role_hash_prefix_count`).
inline std::size_t Metadata::delegated_role_hash_prefix_count(std::size_t index) const {
    detail::check_index(index, delegated_role_count(), "delegated_role_hash_prefix_count");
    return ::tuf_metadata_delegated_role_hash_prefix_count(get(), index);
}

/// Hash prefix `prefix_index` of delegated role `index`
/// (`tuf_metadata_delegated_role_hash_prefix_at`).
inline std::string Metadata::delegated_role_hash_prefix_at(std::size_t index,
                                                           std::size_t prefix_index) const {
    detail::check_index(prefix_index, delegated_role_hash_prefix_count(index),
                        "delegated_role_hash_prefix_at");
    return detail::string_of(
        ::tuf_metadata_delegated_role_hash_prefix_at(get(), index, prefix_index));
}

/// Delegates to 2^`bit_length` TAP 15 hash bins named `NAME_PREFIX-HEX`, sharing keyids and
/// `threshold` (`tuf_metadata_delegations_set_succinct`).
inline void Metadata::delegations_set_succinct(std::uint32_t bit_length,
                                               std::string_view name_prefix,
                                               std::uint64_t threshold) {
    detail::CString p(name_prefix);
    apply([&](tuf_error** e) {
        return ::tuf_metadata_delegations_set_succinct(get(), bit_length, p.get(), threshold, e);
    });
}

/// The `bit_length` of succinct delegations, 0 if none (`tuf_metadata_succinct_bit_length`).
inline std::uint32_t Metadata::succinct_bit_length() const noexcept {
    return ::tuf_metadata_succinct_bit_length(get());
}

/// The `name_prefix` of succinct delegations, nullopt if none
/// (`tuf_metadata_succinct_name_prefix`).
inline std::optional<std::string> Metadata::succinct_name_prefix() const {
    return detail::optional_string(::tuf_metadata_succinct_name_prefix(get()));
}

/// The threshold of succinct delegations, 0 if none (`tuf_metadata_succinct_threshold`).
inline std::uint64_t Metadata::succinct_threshold() const noexcept {
    return ::tuf_metadata_succinct_threshold(get());
}

/// How many keyids succinct delegations have (`tuf_metadata_succinct_keyid_count`).
inline std::size_t Metadata::succinct_keyid_count() const noexcept {
    return ::tuf_metadata_succinct_keyid_count(get());
}

/// Keyid `index` of succinct delegations (`tuf_metadata_succinct_keyid_at`).
inline std::string Metadata::succinct_keyid_at(std::size_t index) const {
    detail::check_index(index, succinct_keyid_count(), "succinct_keyid_at");
    return detail::string_of(::tuf_metadata_succinct_keyid_at(get(), index));
}

/// How many bins succinct delegations have: 2^bit_length (`tuf_metadata_succinct_bin_count`).
inline std::uint64_t Metadata::succinct_bin_count() const noexcept {
    return ::tuf_metadata_succinct_bin_count(get());
}

/// The name of bin `index`, e.g. "bins-0a" (`tuf_metadata_succinct_bin_name`).
inline std::string Metadata::succinct_bin_name(std::uint64_t index) const {
    return owned_string([&](char** out, tuf_error** e) {
        return ::tuf_metadata_succinct_bin_name(get(), index, out, e);
    });
}

/// The name of the bin that lists `target_path` (`tuf_metadata_succinct_bin_for_target`).
inline std::string Metadata::succinct_bin_for_target(std::string_view target_path) const {
    detail::CString p(target_path);
    return owned_string([&](char** out, tuf_error** e) {
        return ::tuf_metadata_succinct_bin_for_target(get(), p.get(), out, e);
    });
}

}  // namespace tuf

#endif  // TUF_CPP_METADATA_DELEGATIONS_HPP
