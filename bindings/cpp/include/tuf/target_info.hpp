// libtuf's C++ binding: target info (tuf_target_info), owned or borrowed. Include <tuf.hpp>.
//
// SPDX-License-Identifier: MIT OR Apache-2.0
#ifndef TUF_CPP_TARGET_INFO_HPP
#define TUF_CPP_TARGET_INFO_HPP

#include "core.hpp"

namespace tuf {

/// One hash of a target: the algorithm (e.g. "sha256") and the hex digest.
struct Hash {
    std::string algorithm;
    std::string hex;
};

/// A target described by trusted metadata, borrowed: from a TargetInfo (valid while it
/// lives) or from a MultiRepoTarget (valid until that target is destroyed). Immutable: may be
/// read from any thread.
class TargetInfoView {
public:
    /// Views a `tuf_target_info` owned elsewhere.
    explicit TargetInfoView(const tuf_target_info* info) noexcept : info_(info) {}

    /// The target path (`tuf_target_info_path`).
    std::string path() const { return detail::string_of(::tuf_target_info_path(info_)); }
    /// The role whose metadata lists the target (`tuf_target_info_role`).
    std::string role() const { return detail::string_of(::tuf_target_info_role(info_)); }
    /// The length in bytes (`tuf_target_info_length`).
    std::uint64_t length() const noexcept { return ::tuf_target_info_length(info_); }
    /// How many hashes the metadata lists (`tuf_target_info_hash_count`).
    std::size_t hash_count() const noexcept { return ::tuf_target_info_hash_count(info_); }
    /// The algorithm of hash `index` (`tuf_target_info_hash_algorithm`).
    std::string hash_algorithm(std::size_t index) const {
        detail::check_index(index, hash_count(), "hash_algorithm");
        return detail::string_of(::tuf_target_info_hash_algorithm(info_, index));
    }
    /// The hex digest of hash `index` (`tuf_target_info_hash_hex`).
    std::string hash_hex(std::size_t index) const {
        detail::check_index(index, hash_count(), "hash_hex");
        return detail::string_of(::tuf_target_info_hash_hex(info_, index));
    }
    /// Every hash, in the metadata's order.
    std::vector<Hash> hashes() const {
        std::vector<Hash> out;
        for (std::size_t i = 0; i < hash_count(); i++) {
            out.push_back({hash_algorithm(i), hash_hex(i)});
        }
        return out;
    }
    /// The `custom` data as compact JSON, nullopt when there is none
    /// (`tuf_target_info_custom_json`).
    std::optional<std::string> custom_json() const {
        return detail::optional_string(::tuf_target_info_custom_json(info_));
    }
    /// Checks `data` against the length and every hash (spec 5.7.3;
    /// `tuf_target_info_verify_bytes`): throws Error with Code::length_or_hash_mismatch when
    /// they differ.
    void verify_bytes(ByteView data) const {
        detail::Call call;
        call.check(::tuf_target_info_verify_bytes(info_, data.data(), data.size(), call.err()));
    }

    const tuf_target_info* native_handle() const noexcept { return info_; }

protected:
    const tuf_target_info* info_;
};

/// A target described by trusted metadata, owned (`tuf_target_info`): returned by
/// Updater::get_target_info and Verifier::find_target. Move-only.
class TargetInfo : public TargetInfoView {
public:
    /// Takes ownership of `info` (freed with `tuf_target_info_free`).
    explicit TargetInfo(tuf_target_info* info) noexcept : TargetInfoView(info), owned_(info) {}
    TargetInfo(TargetInfo&& other) noexcept
        : TargetInfoView(other.info_), owned_(std::move(other.owned_)) {
        other.info_ = nullptr;
    }
    TargetInfo& operator=(TargetInfo&& other) noexcept {
        if (this != &other) {
            owned_ = std::move(other.owned_);
            info_ = other.info_;
            other.info_ = nullptr;
        }
        return *this;
    }

private:
    detail::Owned<tuf_target_info, ::tuf_target_info_free> owned_;
};

}  // namespace tuf

#endif  // TUF_CPP_TARGET_INFO_HPP
