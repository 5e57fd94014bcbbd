// libtuf's C++ binding: several repositories that must agree on targets (TAP 4):
// tuf_multirepo_config, tuf_multirepo, tuf_multirepo_target. Include <tuf.hpp>.
//
// SPDX-License-Identifier: MIT OR Apache-2.0
#ifndef TUF_CPP_MULTIREPO_HPP
#define TUF_CPP_MULTIREPO_HPP

#include "core.hpp"
#include "target_info.hpp"
#include "updater.hpp"

namespace tuf {

/// The configuration of a MultiRepo (`tuf_multirepo_config`): the TAP 4 map file, the parent
/// directory of the local directories, a trusted root per repository, the layout and the
/// settings of every repository's updater. Used (not consumed) by MultiRepo. Move-only; one
/// thread at a time.
class MultiRepoConfig {
public:
    /// A configuration from the map file `map_json` and the parent directory `parent_dir`
    /// (`tuf_multirepo_config_new`); the map file is checked strictly.
    MultiRepoConfig(std::string_view parent_dir, ByteView map_json) {
        detail::CString dir(parent_dir);
        detail::Call call;
        tuf_multirepo_config* out = nullptr;
        tuf_result r = ::tuf_multirepo_config_new(dir.get(), map_json.data(), map_json.size(),
                                                  &out, call.err());
        handle_.reset(out);
        call.check(r);
    }
    /// As the constructor, reading the map file from `map_path`
    /// (`tuf_multirepo_config_new_from_file`).
    static MultiRepoConfig from_file(std::string_view parent_dir, std::string_view map_path) {
        detail::CString dir(parent_dir), path(map_path);
        detail::Call call;
        tuf_multirepo_config* out = nullptr;
        tuf_result r =
            ::tuf_multirepo_config_new_from_file(dir.get(), path.get(), &out, call.err());
        MultiRepoConfig config(out);
        call.check(r);
        return config;
    }

    /// The trusted root of `repository` (the bytes of its root.json)
    /// (`tuf_multirepo_config_set_trusted_root`).
    MultiRepoConfig& set_trusted_root(std::string_view repository, ByteView root) {
        detail::CString repo(repository);
        return apply([&](tuf_error** e) {
            return ::tuf_multirepo_config_set_trusted_root(get(), repo.get(), root.data(),
                                                           root.size(), e);
        });
    }
    /// Copies the settings of every repository's updater from `settings`: limits, policy,
    /// transport, and its fetch, log and progress functions, which this configuration and
    /// every MultiRepo made from it keep (`tuf_multirepo_config_set_updater_settings`).
    MultiRepoConfig& set_updater_settings(const UpdaterConfig& settings) {
        apply([&](tuf_error** e) {
            return ::tuf_multirepo_config_set_updater_settings(get(), settings.get(), e);
        });
        callbacks_ = settings.callbacks_;
        return *this;
    }
    /// Where each repository's metadata and targets are relative to its mirror URLs (nullopt:
    /// "metadata" and "targets"; "" the URL itself) (`tuf_multirepo_config_set_layout`).
    MultiRepoConfig& set_layout(std::optional<std::string_view> metadata_path,
                                std::optional<std::string_view> targets_path) {
        detail::OptionalCString m(metadata_path), t(targets_path);
        return apply([&](tuf_error** e) {
            return ::tuf_multirepo_config_set_layout(get(), m.get(), t.get(), e);
        });
    }
    /// The directory targets are downloaded to by default (nullopt: `PARENT/targets`)
    /// (`tuf_multirepo_config_set_targets_dir`).
    MultiRepoConfig& set_targets_dir(std::optional<std::string_view> targets_dir) {
        detail::OptionalCString d(targets_dir);
        return apply([&](tuf_error** e) {
            return ::tuf_multirepo_config_set_targets_dir(get(), d.get(), e);
        });
    }

    tuf_multirepo_config* native_handle() const noexcept { return handle_.get(); }

private:
    friend class MultiRepo;
    explicit MultiRepoConfig(tuf_multirepo_config* config) noexcept : handle_(config) {}
    tuf_multirepo_config* get() const noexcept { return handle_.get(); }
    template <class F>
    MultiRepoConfig& apply(F&& f) {
        detail::Call call;
        call.check(f(call.err()));
        return *this;
    }

    detail::UpdaterCallbacks callbacks_;
    detail::Owned<tuf_multirepo_config, ::tuf_multirepo_config_free> handle_;
};

/// A target enough repositories agree on (`tuf_multirepo_target`), with every repository's
/// answer. Move-only; immutable: any thread. Views it returns are valid while it lives.
class MultiRepoTarget {
public:
    /// Takes ownership of `target` (freed with `tuf_multirepo_target_free`).
    explicit MultiRepoTarget(tuf_multirepo_target* target) noexcept : handle_(target) {}

    /// The agreed target info (`tuf_multirepo_target_info`).
    TargetInfoView info() const {
        const tuf_target_info* info = ::tuf_multirepo_target_info(get());
        if (info == nullptr) {
            throw Error(Code::invalid_argument, "the handle is empty (moved from)");
        }
        return TargetInfoView(info);
    }
    /// The index in the map file's `mapping` of the mapping that decided
    /// (`tuf_multirepo_target_mapping`).
    std::size_t mapping() const noexcept { return ::tuf_multirepo_target_mapping(get()); }
    /// How many repositories agreed (`tuf_multirepo_target_agreed_count`).
    std::size_t agreed_count() const noexcept {
        return ::tuf_multirepo_target_agreed_count(get());
    }
    /// How many repositories the deciding mapping lists
    /// (`tuf_multirepo_target_repository_count`).
    std::size_t repository_count() const noexcept {
        return ::tuf_multirepo_target_repository_count(get());
    }
    /// The name of repository `index` of the deciding mapping
    /// (`tuf_multirepo_target_repository_name`).
    std::string repository_name(std::size_t index) const {
        detail::check_index(index, repository_count(), "repository_name");
        return detail::string_of(::tuf_multirepo_target_repository_name(get(), index));
    }
    /// Whether repository `index` agreed (`tuf_multirepo_target_repository_agreed`).
    bool repository_agreed(std::size_t index) const {
        detail::check_index(index, repository_count(), "repository_agreed");
        return ::tuf_multirepo_target_repository_agreed(get(), index);
    }
    /// The target info repository `index` gave; nullopt if it does not list the target or
    /// failed (`tuf_multirepo_target_repository_info`).
    std::optional<TargetInfoView> repository_info(std::size_t index) const {
        detail::check_index(index, repository_count(), "repository_info");
        const tuf_target_info* info = ::tuf_multirepo_target_repository_info(get(), index);
        if (info == nullptr) {
            return std::nullopt;
        }
        return TargetInfoView(info);
    }
    /// The error message of repository `index` if it could not answer, else nullopt
    /// (`tuf_multirepo_target_repository_error`).
    std::optional<std::string> repository_error(std::size_t index) const {
        detail::check_index(index, repository_count(), "repository_error");
        return detail::optional_string(::tuf_multirepo_target_repository_error(get(), index));
    }

    const tuf_multirepo_target* native_handle() const noexcept { return handle_.get(); }

private:
    const tuf_multirepo_target* get() const noexcept { return handle_.get(); }
    detail::Owned<tuf_multirepo_target, ::tuf_multirepo_target_free> handle_;
};

/// A TUF client over several repositories (`tuf_multirepo`, TAP 4). Move-only; one thread at
/// a time; a call while it is in a call throws Error with Code::state.
class MultiRepo {
public:
    /// Creates the client and each repository's updater from `config` (copied); no network
    /// request (`tuf_multirepo_new`).
    explicit MultiRepo(const MultiRepoConfig& config) : callbacks_(config.callbacks_) {
        detail::Call call;
        tuf_multirepo* out = nullptr;
        tuf_result r = ::tuf_multirepo_new(config.get(), &out, call.err());
        handle_.reset(out);
        call.check(r);
    }

    /// Refreshes every repository; throws the first failure (its message names every failing
    /// repository) after trying all (`tuf_multirepo_refresh`).
    void refresh() {
        detail::Call call;
        call.check(::tuf_multirepo_refresh(handle_.get(), call.err()));
    }
    /// Looks up `target_path` (TAP 4); nullopt when not found; Error with Code::repository
    /// when a terminating mapping's threshold is not met (`tuf_multirepo_get_target_info`).
    std::optional<MultiRepoTarget> get_target_info(std::string_view target_path) {
        detail::CString path(target_path);
        detail::Call call;
        tuf_multirepo_target* out = nullptr;
        tuf_result r = ::tuf_multirepo_get_target_info(handle_.get(), path.get(), &out,
                                                       call.err());
        MultiRepoTarget target(out);
        if (!call.check_found(r)) {
            return std::nullopt;
        }
        return target;
    }
    /// Downloads an agreed target of this client to `filepath` (nullopt: the targets
    /// directory), verified against the agreed length and hashes; returns the path written
    /// (`tuf_multirepo_download_target`).
    std::string download_target(const MultiRepoTarget& target,
                                std::optional<std::string_view> filepath = std::nullopt) {
        detail::OptionalCString file(filepath);
        detail::Call call;
        char* out = nullptr;
        tuf_result r = ::tuf_multirepo_download_target(handle_.get(), target.native_handle(),
                                                       file.get(), &out, call.err());
        std::optional<std::string> path = detail::take_string(out);
        call.check(r);
        return path.value_or(std::string());
    }

    tuf_multirepo* native_handle() const noexcept { return handle_.get(); }

private:
    // Declared before the handle, so that the handle is freed first.
    detail::UpdaterCallbacks callbacks_;
    detail::Owned<tuf_multirepo, ::tuf_multirepo_free> handle_;
};

}  // namespace tuf

#endif  // TUF_CPP_MULTIREPO_HPP
