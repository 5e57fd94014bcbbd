// libtuf's C++ binding: the trusted metadata set without I/O (tuf_verifier). Include
// <tuf.hpp>.
//
// SPDX-License-Identifier: MIT OR Apache-2.0
#ifndef TUF_CPP_VERIFIER_HPP
#define TUF_CPP_VERIFIER_HPP

#include <functional>

#include "core.hpp"
#include "target_info.hpp"

namespace tuf {

/// Flag of Verifier: require keyids to be the SHA-256 of their key (`TUF_VERIFY_STRICT_KEYIDS`).
inline constexpr std::uint32_t verify_strict_keyids = TUF_VERIFY_STRICT_KEYIDS;

/// Loads the metadata of `role` for Verifier::find_target (`tuf_load_callback`): writes the
/// bytes of `ROLE.json` into `sink` (at most `max_length`) and returns true, or returns false
/// when it cannot (the search then fails with Code::download).
using LoadFunction =
    std::function<bool(std::string_view role, std::uint64_t max_length, Sink& sink)>;
/// As LoadFunction, also told the version of `role` trusted snapshot lists (the `V` of
/// `V.ROLE.json` under consistent snapshots; `tuf_versioned_load_callback`).
using VersionedLoadFunction = std::function<bool(std::string_view role, std::uint64_t version,
                                                 std::uint64_t max_length, Sink& sink)>;

namespace detail {

inline int load_trampoline(void* userdata, const char* role, std::uint64_t max_length,
                           tuf_sink* sink) noexcept {
    return guarded(-1, [&] {
        Sink s(sink);
        return (*static_cast<const LoadFunction*>(userdata))(role != nullptr ? role : "",
                                                            max_length, s)
                   ? 0
                   : -1;
    });
}

inline int versioned_load_trampoline(void* userdata, const char* role, std::uint64_t version,
                                     std::uint64_t max_length, tuf_sink* sink) noexcept {
    return guarded(-1, [&] {
        Sink s(sink);
        return (*static_cast<const VersionedLoadFunction*>(userdata))(
                   role != nullptr ? role : "", version, max_length, s)
                   ? 0
                   : -1;
    });
}

}  // namespace detail

/// The TUF trusted metadata set (`tuf_verifier`): feed it the bytes of each metadata file in
/// the order of the client workflow and it accepts or rejects them with every check of spec
/// 5.2 to 5.6, with no file or network access. Each update throws Error when the file is
/// rejected. Move-only; one thread at a time.
class Verifier {
public:
    /// Starts from the trusted root `root` (signed by a threshold of its own keys). Expiry is
    /// checked against `reference_time` (seconds since the Unix epoch; nullopt: the system
    /// clock, read now). `flags`: 0 or tuf::verify_strict_keyids.
    explicit Verifier(ByteView root, std::optional<std::int64_t> reference_time = std::nullopt,
                      std::uint32_t flags = 0) {
        detail::Call call;
        tuf_verifier* out = nullptr;
        tuf_result r = ::tuf_verifier_new(root.data(), root.size(),
                                          detail::optional_ptr(reference_time), flags, &out,
                                          call.err());
        handle_.reset(out);
        call.check(r);
    }

    /// Verifies and trusts root version N+1 (spec 5.3.4, 5.3.5).
    void update_root(ByteView data) {
        detail::Call call;
        call.check(::tuf_verifier_update_root(get(), data.data(), data.size(), call.err()));
    }
    /// Verifies a timestamp (spec 5.4): true when accepted as new, false when its version
    /// equals the trusted one (which is kept). An expired timestamp is kept as the rollback
    /// baseline and thrown as Code::expired.
    bool update_timestamp(ByteView data) {
        detail::Call call;
        bool updated = false;
        call.check(::tuf_verifier_update_timestamp(get(), data.data(), data.size(), &updated,
                                                   call.err()));
        return updated;
    }
    /// Verifies a snapshot (spec 5.5). `trusted`: the bytes come from the caller's own cache of
    /// verified metadata (the hashes in timestamp are not checked again).
    void update_snapshot(ByteView data, bool trusted = false) {
        detail::Call call;
        call.check(::tuf_verifier_update_snapshot(get(), data.data(), data.size(), trusted,
                                                  call.err()));
    }
    /// Verifies the top-level targets (spec 5.6.1 to 5.6.5).
    void update_targets(ByteView data) {
        detail::Call call;
        call.check(::tuf_verifier_update_targets(get(), data.data(), data.size(), call.err()));
    }
    /// Verifies delegated role `role`, delegated by the trusted role `delegator`.
    void update_delegated_targets(ByteView data, std::string_view role,
                                  std::string_view delegator) {
        detail::CString r(role), d(delegator);
        detail::Call call;
        call.check(::tuf_verifier_update_delegated_targets(get(), data.data(), data.size(),
                                                           r.get(), d.get(), call.err()));
    }

    /// The version of the trusted root.
    std::uint64_t root_version() const noexcept { return ::tuf_verifier_root_version(get()); }
    /// The version of the trusted timestamp (0 if none).
    std::uint64_t timestamp_version() const noexcept {
        return ::tuf_verifier_timestamp_version(get());
    }
    /// The snapshot version the trusted timestamp lists (0 if none).
    std::uint64_t snapshot_version() const noexcept {
        return ::tuf_verifier_snapshot_version(get());
    }
    /// The version trusted snapshot lists for `role` (0 if none).
    std::uint64_t role_version(std::string_view role) const {
        detail::CString r(role);
        return ::tuf_verifier_role_version(get(), r.get());
    }
    /// Whether the trusted root has consistent snapshots (versioned file names).
    bool consistent_snapshot() const noexcept {
        return ::tuf_verifier_consistent_snapshot(get());
    }
    /// Whether the timestamp or snapshot keys changed since the verifier was created (spec
    /// 5.3.11): then delete cached timestamp and snapshot before feeding them.
    bool timestamp_snapshot_keys_rotated() const noexcept {
        return ::tuf_verifier_timestamp_snapshot_keys_rotated(get());
    }

    /// Finds `target_path` by the pre-order delegation search (spec 5.6.7), asking `load` for
    /// the roles not trusted yet; nullopt when no role lists it. `max_delegations`: most
    /// delegated roles visited (0: 32). `load` must not call this verifier.
    std::optional<TargetInfo> find_target(std::string_view target_path, const LoadFunction& load,
                                          std::uint32_t max_delegations = 0) {
        detail::CString path(target_path);
        detail::Call call;
        tuf_target_info* out = nullptr;
        tuf_result r = ::tuf_verifier_find_target(
            get(), path.get(), max_delegations, load ? &detail::load_trampoline : nullptr,
            const_cast<LoadFunction*>(&load), &out, call.err());
        TargetInfo info(out);
        if (!call.check_found(r)) {
            return std::nullopt;
        }
        return info;
    }
    /// As find_target, with a loader told each role's version (prefer this one).
    std::optional<TargetInfo> find_target_versioned(std::string_view target_path,
                                                    const VersionedLoadFunction& load,
                                                    std::uint32_t max_delegations = 0) {
        detail::CString path(target_path);
        detail::Call call;
        tuf_target_info* out = nullptr;
        tuf_result r = ::tuf_verifier_find_target_versioned(
            get(), path.get(), max_delegations,
            load ? &detail::versioned_load_trampoline : nullptr,
            const_cast<VersionedLoadFunction*>(&load), &out, call.err());
        TargetInfo info(out);
        if (!call.check_found(r)) {
            return std::nullopt;
        }
        return info;
    }

    tuf_verifier* native_handle() const noexcept { return handle_.get(); }

private:
    tuf_verifier* get() const noexcept { return handle_.get(); }
    detail::Owned<tuf_verifier, ::tuf_verifier_free> handle_;
};

}  // namespace tuf

#endif  // TUF_CPP_VERIFIER_HPP
