// libtuf's C++ binding: target entries of the Metadata API (tuf_target_file). Include
// <tuf.hpp>.
//
// SPDX-License-Identifier: MIT OR Apache-2.0
#ifndef TUF_CPP_TARGET_FILE_HPP
#define TUF_CPP_TARGET_FILE_HPP

#include "core.hpp"
#include "target_info.hpp"

namespace tuf {

/// A target entry (`tuf_target_file`): the target path and its `length`, `hashes` and optional
/// `custom` data. Move-only; one thread at a time.
class TargetFile {
public:
    /// Takes ownership of `target` (freed with `tuf_target_file_free`).
    explicit TargetFile(tuf_target_file* target) noexcept : handle_(target) {}

    /// An entry for `path` with `length` and the hashes `hashes_json` (a JSON object of
    /// algorithm to hex digest, e.g. `{"sha256": "HEX"}`) (`tuf_target_file_new`).
    static TargetFile create(std::string_view path, std::uint64_t length,
                             std::string_view hashes_json) {
        detail::CString p(path), h(hashes_json);
        return make([&](tuf_target_file** out, tuf_error** e) {
            return ::tuf_target_file_new(p.get(), length, h.get(), out, e);
        });
    }
    /// The entry of `path` for the content `data`: its length, SHA-256 and SHA-512
    /// (`tuf_target_file_from_bytes`).
    static TargetFile from_bytes(std::string_view path, ByteView data) {
        detail::CString p(path);
        return make([&](tuf_target_file** out, tuf_error** e) {
            return ::tuf_target_file_from_bytes(p.get(), data.data(), data.size(), out, e);
        });
    }
    /// The entry of `path` for the content of the local file `local_path`, read in pieces
    /// (`tuf_target_file_from_file`).
    static TargetFile from_file(std::string_view path, std::string_view local_path) {
        detail::CString p(path), l(local_path);
        return make([&](tuf_target_file** out, tuf_error** e) {
            return ::tuf_target_file_from_file(p.get(), l.get(), out, e);
        });
    }

    /// The target path (`tuf_target_file_path`).
    std::string path() const { return detail::string_of(::tuf_target_file_path(get())); }
    /// The length in bytes (`tuf_target_file_length`).
    std::uint64_t length() const noexcept { return ::tuf_target_file_length(get()); }
    /// How many hashes the entry lists (`tuf_target_file_hash_count`).
    std::size_t hash_count() const noexcept { return ::tuf_target_file_hash_count(get()); }
    /// The algorithm of hash `index`, in file order (`tuf_target_file_hash_algorithm`).
    std::string hash_algorithm(std::size_t index) const {
        detail::check_index(index, hash_count(), "hash_algorithm");
        return detail::string_of(::tuf_target_file_hash_algorithm(get(), index));
    }
    /// The hex digest of hash `index` (`tuf_target_file_hash_hex`).
    std::string hash_hex(std::size_t index) const {
        detail::check_index(index, hash_count(), "hash_hex");
        return detail::string_of(::tuf_target_file_hash_hex(get(), index));
    }
    /// Every hash, in file order.
    std::vector<Hash> hashes() const {
        std::vector<Hash> out;
        for (std::size_t i = 0; i < hash_count(); i++) {
            out.push_back({hash_algorithm(i), hash_hex(i)});
        }
        return out;
    }
    /// The `custom` data as compact JSON, nullopt when there is none
    /// (`tuf_target_file_custom_json`).
    std::optional<std::string> custom_json() const {
        return detail::optional_string(::tuf_target_file_custom_json(get()));
    }
    /// Sets the `custom` data to the JSON value `json`, or removes it (nullopt)
    /// (`tuf_target_file_set_custom`).
    void set_custom(std::optional<std::string_view> json) {
        detail::OptionalCString j(json);
        detail::Call call;
        call.check(::tuf_target_file_set_custom(get(), j.get(), call.err()));
    }

    const tuf_target_file* native_handle() const noexcept { return handle_.get(); }
    tuf_target_file* native_handle() noexcept { return handle_.get(); }

private:
    tuf_target_file* get() const noexcept { return handle_.get(); }
    template <class F>
    static TargetFile make(F&& f) {
        detail::Call call;
        tuf_target_file* out = nullptr;
        tuf_result r = f(&out, call.err());
        TargetFile target(out);
        call.check(r);
        return target;
    }
    detail::Owned<tuf_target_file, ::tuf_target_file_free> handle_;
};

}  // namespace tuf

#endif  // TUF_CPP_TARGET_FILE_HPP
