// libtuf's C++ binding: the updater (tuf_updater_config, tuf_updater) and its callbacks.
// Include <tuf.hpp>.
//
// SPDX-License-Identifier: MIT OR Apache-2.0
#ifndef TUF_CPP_UPDATER_HPP
#define TUF_CPP_UPDATER_HPP

#include <functional>
#include <initializer_list>

#include "core.hpp"
#include "storage.hpp"
#include "target_info.hpp"

namespace tuf {

/// Log levels of a LogFunction (`TUF_LOG_*`); a newer library may pass other values.
enum class LogLevel : int {
    debug = TUF_LOG_DEBUG,
    info = TUF_LOG_INFO,
    warn = TUF_LOG_WARN,
};

/// Replaces the built-in libcurl fetcher (`tuf_fetch_callback`): downloads `url`, writing the
/// body into `sink` (at most `max_length` bytes; libtuf enforces it), and returns 0 or a 2xx
/// status on success, `tuf::fetch_not_found` or an HTTP status (e.g. 404, 503) when the
/// server said so, any other value (e.g. -1) on a failure without a status.
using FetchFunction =
    std::function<int(std::string_view url, std::uint64_t max_length, Sink& sink)>;
/// Receives libtuf's log messages (`tuf_log_callback`).
using LogFunction = std::function<void(LogLevel level, std::string_view message)>;
/// Told of the progress of every transfer, metadata and targets
/// (`tuf_transfer_progress_callback`): `received` bytes of at most `total`. Returns true to go
/// on, false to cancel: the running call then throws Error with Code::cancelled.
using TransferProgressFunction =
    std::function<bool(std::string_view url, std::uint64_t received, std::uint64_t total)>;
/// Told of the progress of target downloads (`tuf_progress_callback`). It cannot stop a
/// download: an exception it throws is rethrown when the download returns (which may then have
/// completed); a TransferProgressFunction can cancel.
using DownloadProgressFunction = std::function<void(std::uint64_t received, std::uint64_t total)>;

namespace detail {

// Trampolines: noexcept functions with the C callback signatures; `userdata` points to the
// std::function. See "calls and callbacks" in core.hpp.

inline int fetch_trampoline(void* userdata, const char* url, std::uint64_t max_length,
                            tuf_sink* sink) noexcept {
    return guarded(-1, [&] {
        Sink s(sink);
        return (*static_cast<const FetchFunction*>(userdata))(url != nullptr ? url : "",
                                                             max_length, s);
    });
}

inline void log_trampoline(void* userdata, int level, const char* message) noexcept {
    guarded([&] {
        (*static_cast<const LogFunction*>(userdata))(static_cast<LogLevel>(level),
                                                      message != nullptr ? message : "");
    });
}

// Installed whenever a configuration has a C++ callback, also without a progress function: it
// cancels the running call once one of its callbacks threw (a log function cannot fail the
// call itself, and a fetch function's failure may be retried).
inline int transfer_progress_trampoline(void* userdata, const char* url, std::uint64_t received,
                                        std::uint64_t total) noexcept {
    return guarded(1, [&] {
        const auto& progress = *static_cast<const TransferProgressFunction*>(userdata);
        if (!progress) {
            return 0;
        }
        return progress(url != nullptr ? url : "", received, total) ? 0 : 1;
    });
}

inline void download_progress_trampoline(void* userdata, std::uint64_t received,
                                         std::uint64_t total) noexcept {
    guarded([&] { (*static_cast<const DownloadProgressFunction*>(userdata))(received, total); });
}

/// The std::functions a configuration gave libtuf. libtuf keeps pointers to them in the
/// configuration and in every updater (or multi-repository client) made from it, so each of
/// those C++ objects holds these shared pointers. A setter replaces a pointer, never the
/// function behind it: updaters made earlier keep the functions they were made with.
struct UpdaterCallbacks {
    std::shared_ptr<const FetchFunction> fetch;
    std::shared_ptr<const LogFunction> log;
    std::shared_ptr<const TransferProgressFunction> progress;
    std::shared_ptr<Storage> storage;
};

}  // namespace detail

/// What became of one target of Updater::download_targets: its verified file, or why not.
struct DownloadResult {
    /// The path of the target's verified file (set when it succeeded).
    std::optional<std::string> path;
    /// The target's error (set when it failed).
    std::optional<Error> error;

    /// Whether the target is in place.
    bool ok() const noexcept { return !error; }
    /// Code::ok, or the error's code.
    Code code() const noexcept { return error ? error->code() : Code::ok; }
};

/// What became of one path of Updater::get_target_infos: its target info, or why there is
/// none. Move-only (it owns the TargetInfo).
struct LookupResult {
    /// The target (set when it was found).
    std::optional<TargetInfo> info;
    /// Why there is no target (set when there is none): Code::target_not_found when no
    /// trusted role lists the path, or the error of its lookup.
    std::optional<Error> error;

    /// Whether the target was found (`info` is set).
    bool found() const noexcept { return info.has_value(); }
    /// The same as found(), as DownloadResult::ok.
    bool ok() const noexcept { return !error; }
    /// Code::ok, Code::target_not_found, or the code of the lookup's error.
    Code code() const noexcept { return error ? error->code() : Code::ok; }
};

/// What became of one path of Updater::download_target_paths: its target info when it was
/// found, and its verified file when it was downloaded, or why not. Move-only (it owns the
/// TargetInfo).
struct PathDownloadResult {
    /// The target (set when it was found).
    std::optional<TargetInfo> info;
    /// The path of the target's verified file (set when it was downloaded).
    std::optional<std::string> path;
    /// Why the path was not found or its target not downloaded (Code::target_not_found when
    /// no trusted role lists it, or the error of its lookup or download). Not set for a
    /// target found but not downloaded because another path was not found.
    std::optional<Error> error;

    /// Whether the target was found (`info` is set).
    bool found() const noexcept { return info.has_value(); }
    /// Whether the target is in place (`path` is set).
    bool ok() const noexcept { return path.has_value(); }
    /// Code::ok, or the error's code.
    Code code() const noexcept { return error ? error->code() : Code::ok; }
};

/// The configuration of an Updater (`tuf_updater_config`): directories, URLs, limits, policy,
/// transport and callbacks. Setters return the configuration, to chain them; each throws
/// Error when libtuf refuses the value (the configuration is then unchanged). Used (not
/// consumed) by Updater. Move-only; one thread at a time.
class UpdaterConfig {
public:
    /// A configuration with python-tuf's defaults for the metadata cache `metadata_dir` and the
    /// repository's metadata base URL (`http://`, `https://` or `file://`).
    UpdaterConfig(std::string_view metadata_dir, std::string_view metadata_url) {
        detail::CString dir(metadata_dir), url(metadata_url);
        detail::Call call;
        tuf_updater_config* out = nullptr;
        tuf_result r = ::tuf_updater_config_new(dir.get(), url.get(), &out, call.err());
        handle_.reset(out);
        call.check(r);
    }

    /// The local directory of downloaded targets (nullopt: none).
    UpdaterConfig& set_targets_dir(std::optional<std::string_view> targets_dir) {
        detail::OptionalCString s(targets_dir);
        return apply([&](tuf_error** e) {
            return ::tuf_updater_config_set_targets_dir(get(), s.get(), e);
        });
    }
    /// The base URL of target files (nullopt: none; then every download names one).
    UpdaterConfig& set_targets_base_url(std::optional<std::string_view> url) {
        detail::OptionalCString s(url);
        return apply([&](tuf_error** e) {
            return ::tuf_updater_config_set_targets_base_url(get(), s.get(), e);
        });
    }
    /// The trusted root to start from (the bytes of a root.json shipped with the application).
    UpdaterConfig& set_bootstrap_root(ByteView root) {
        return apply([&](tuf_error** e) {
            return ::tuf_updater_config_set_bootstrap_root(get(), root.data(), root.size(), e);
        });
    }
    /// The most new roots fetched in one refresh (default 256).
    UpdaterConfig& set_max_root_rotations(std::uint32_t value) {
        return apply([&](tuf_error** e) {
            return ::tuf_updater_config_set_max_root_rotations(get(), value, e);
        });
    }
    /// The most delegated roles visited in one target search (default 32).
    UpdaterConfig& set_max_delegations(std::uint32_t value) {
        return apply([&](tuf_error** e) {
            return ::tuf_updater_config_set_max_delegations(get(), value, e);
        });
    }
    /// The download limit of `N.root.json` in bytes (default 512000).
    UpdaterConfig& set_root_max_length(std::uint64_t value) {
        return apply([&](tuf_error** e) {
            return ::tuf_updater_config_set_root_max_length(get(), value, e);
        });
    }
    /// The download limit of `timestamp.json` in bytes (default 16384).
    UpdaterConfig& set_timestamp_max_length(std::uint64_t value) {
        return apply([&](tuf_error** e) {
            return ::tuf_updater_config_set_timestamp_max_length(get(), value, e);
        });
    }
    /// The download limit of snapshot when timestamp gives no length (default 2000000).
    UpdaterConfig& set_snapshot_max_length(std::uint64_t value) {
        return apply([&](tuf_error** e) {
            return ::tuf_updater_config_set_snapshot_max_length(get(), value, e);
        });
    }
    /// The download limit of targets metadata when snapshot gives no length (default 5000000).
    UpdaterConfig& set_targets_max_length(std::uint64_t value) {
        return apply([&](tuf_error** e) {
            return ::tuf_updater_config_set_targets_max_length(get(), value, e);
        });
    }
    /// Whether targets are fetched as `DIR/HASH.NAME` under consistent snapshots (default true).
    UpdaterConfig& set_prefix_targets_with_hash(bool value) {
        return apply([&](tuf_error** e) {
            return ::tuf_updater_config_set_prefix_targets_with_hash(get(), value, e);
        });
    }
    /// Whether keyids must be the SHA-256 of their key (default false, as in python-tuf).
    UpdaterConfig& set_strict_keyids(bool value) {
        return apply([&](tuf_error** e) {
            return ::tuf_updater_config_set_strict_keyids(get(), value, e);
        });
    }
    /// Whether every file is flushed to disk before it is renamed into place (default false).
    UpdaterConfig& set_sync_all_writes(bool value) {
        return apply([&](tuf_error** e) {
            return ::tuf_updater_config_set_sync_all_writes(get(), value, e);
        });
    }
    /// The time expiry is checked against, in seconds since the Unix epoch (nullopt: the
    /// system clock, the default).
    UpdaterConfig& set_reference_time(std::optional<std::int64_t> unix_seconds) {
        return apply([&](tuf_error** e) {
            return ::tuf_updater_config_set_reference_time(
                get(), detail::optional_ptr(unix_seconds), e);
        });
    }
    /// A product token sent before `libtuf/VERSION` in the User-Agent header (nullopt: none).
    UpdaterConfig& set_user_agent(std::optional<std::string_view> user_agent) {
        detail::OptionalCString s(user_agent);
        return apply([&](tuf_error** e) {
            return ::tuf_updater_config_set_user_agent(get(), s.get(), e);
        });
    }
    /// The connect timeout in milliseconds (default 30000; 0: libcurl's default).
    UpdaterConfig& set_connect_timeout_ms(std::uint32_t milliseconds) {
        return apply([&](tuf_error** e) {
            return ::tuf_updater_config_set_connect_timeout_ms(get(), milliseconds, e);
        });
    }
    /// Aborts a download slower than `bytes_per_second` for `seconds` (Code::slow_retrieval;
    /// default 1024 bytes/s for 30 s; 0 disables).
    UpdaterConfig& set_min_speed(std::uint32_t bytes_per_second, std::uint32_t seconds) {
        return apply([&](tuf_error** e) {
            return ::tuf_updater_config_set_min_speed(get(), bytes_per_second, seconds, e);
        });
    }
    /// The deadline of every transfer in milliseconds, connection included (default 3600000;
    /// 0: none): a download still running then fails with Code::slow_retrieval. With a fetch
    /// function, Sink::write throws once it has passed; the function must bound its own waits.
    UpdaterConfig& set_timeout_ms(std::uint64_t milliseconds) {
        return apply([&](tuf_error** e) {
            return ::tuf_updater_config_set_timeout_ms(get(), milliseconds, e);
        });
    }
    /// The longest wait for the metadata directory's lock in milliseconds (default 60000; 0:
    /// fail at once when it is held); when it runs out the call fails with Code::io.
    UpdaterConfig& set_lock_timeout_ms(std::uint64_t milliseconds) {
        return apply([&](tuf_error** e) {
            return ::tuf_updater_config_set_lock_timeout_ms(get(), milliseconds, e);
        });
    }
    /// Offline mode (default false): refresh and lookups read the metadata cache only, with
    /// every check, and no network request is made (not even through a fetch function);
    /// nothing is written to the cache. When the cache lacks what is needed, the call throws
    /// Error with Code::state naming the missing file; Updater::download_target always throws
    /// Code::state (find_cached_target works). Refused (Code::invalid_argument) for true with
    /// in-memory storage, and for false while set_offline_accept_expired_unsafe is on.
    UpdaterConfig& set_offline(bool on) {
        return apply([&](tuf_error** e) {
            return ::tuf_updater_config_set_offline(get(), on, e);
        });
    }
    /// **Unsafe.** Offline, accepts expired metadata (spec 5.3.10, 5.4.4, 5.5.6 and 5.6.5 are
    /// skipped, every other check stays): this gives up the protection against freeze
    /// attacks. Only after set_offline(true) (else Code::invalid_argument).
    UpdaterConfig& set_offline_accept_expired_unsafe(bool on) {
        return apply([&](tuf_error** e) {
            return ::tuf_updater_config_set_offline_accept_expired_unsafe(get(), on, e);
        });
    }
    /// Keeps the metadata cache in memory only (default false): nothing is written anywhere,
    /// the metadata directory is not even created; each Updater has its own cache for its
    /// life, and needs a bootstrap root. true replaces the file cache or set_storage's
    /// storage; false goes back to the file cache if memory was chosen. Refused
    /// (Code::invalid_argument) for true in offline mode.
    UpdaterConfig& set_in_memory(bool on) {
        return apply([&](tuf_error** e) {
            return ::tuf_updater_config_set_in_memory(get(), on, e);
        });
    }
    /// Keeps the metadata cache in `storage` (see Storage; a LockingStorage is locked around
    /// its writes), shared by every Updater made from this configuration, which keep it
    /// alive; nullptr: back to the file cache. Without a bootstrap root the updater starts
    /// from the storage's `root.json`. A MultiRepoConfig made from this configuration refuses
    /// it.
    UpdaterConfig& set_storage(std::shared_ptr<Storage> storage) {
        if (storage) {
            tuf_storage callbacks = detail::storage_callbacks(*storage);
            apply([&](tuf_error** e) {
                return ::tuf_updater_config_set_storage(get(), &callbacks,
                                                        static_cast<Storage*>(storage.get()), e);
            });
        } else {
            apply([&](tuf_error** e) {
                return ::tuf_updater_config_set_storage(get(), nullptr, nullptr, e);
            });
        }
        callbacks_.storage = std::move(storage);
        return watch_calls();
    }
    /// The most connections Updater::download_targets, Updater::get_target_infos and
    /// Updater::refresh (fetching root versions ahead once it found a new one) use at once
    /// (default 6; 1 to 64). Without a fetch callback, an updater keeps its connections
    /// from one call to the next (tuf_updater_config_set_max_connections).
    UpdaterConfig& set_max_connections(std::uint32_t value) {
        return apply([&](tuf_error** e) {
            return ::tuf_updater_config_set_max_connections(get(), value, e);
        });
    }
    /// Whether an interrupted target download is resumed by the next one (default true): what
    /// arrived stays in `.NAME.ID.partial` beside the destination, and only the rest is asked
    /// for; the whole file is verified before it is renamed into place.
    UpdaterConfig& set_resume(bool value) {
        return apply([&](tuf_error** e) {
            return ::tuf_updater_config_set_resume(get(), value, e);
        });
    }
    /// The most HTTP redirects followed for one download (default 5).
    UpdaterConfig& set_max_redirects(std::uint32_t value) {
        return apply([&](tuf_error** e) {
            return ::tuf_updater_config_set_max_redirects(get(), value, e);
        });
    }
    /// The CA certificates of HTTPS servers, from a PEM file, in place of the system's trust
    /// store (nullopt: the system's again).
    UpdaterConfig& set_ca_file(std::optional<std::string_view> path) {
        detail::OptionalCString s(path);
        return apply([&](tuf_error** e) {
            return ::tuf_updater_config_set_ca_file(get(), s.get(), e);
        });
    }
    /// The CA certificates of HTTPS servers as PEM bytes, in place of the system's trust store
    /// (empty: the system's again).
    UpdaterConfig& set_ca_blob(ByteView pem) {
        return apply([&](tuf_error** e) {
            return ::tuf_updater_config_set_ca_blob(get(), pem.data(), pem.size(), e);
        });
    }
    /// The client certificate for mutual TLS: PEM files of the certificate and of its key
    /// (nullopt: in the certificate's file), encrypted with `key_password` (nullopt: not).
    /// A nullopt `cert_path`: no client certificate.
    UpdaterConfig& set_client_cert(std::optional<std::string_view> cert_path,
                                   std::optional<std::string_view> key_path = std::nullopt,
                                   std::optional<std::string_view> key_password = std::nullopt) {
        detail::OptionalCString cert(cert_path), key(key_path), password(key_password);
        return apply([&](tuf_error** e) {
            return ::tuf_updater_config_set_client_cert(get(), cert.get(), key.get(),
                                                        password.get(), e);
        });
    }
    /// The client certificate for mutual TLS from memory (PEM); an empty `key`: the key
    /// follows the certificate; an empty `cert`: no client certificate. A libtuf built with
    /// rustls (`-DTUF_TLS=rustls`) reads client certificates from files only, and no
    /// encrypted key (with either function): creating the Updater then throws `tuf::Error`
    /// with `Code::invalid_argument`.
    UpdaterConfig& set_client_cert_blob(ByteView cert, ByteView key = {},
                                        std::optional<std::string_view> key_password =
                                            std::nullopt) {
        detail::OptionalCString password(key_password);
        return apply([&](tuf_error** e) {
            return ::tuf_updater_config_set_client_cert_blob(
                get(), cert.data(), cert.size(), key.data(), key.size(), password.get(), e);
        });
    }
    /// The proxy: nullopt (the default) as the environment says, "" none, or a proxy URL.
    UpdaterConfig& set_proxy(std::optional<std::string_view> proxy) {
        detail::OptionalCString s(proxy);
        return apply([&](tuf_error** e) {
            return ::tuf_updater_config_set_proxy(get(), s.get(), e);
        });
    }
    /// Adds the header `name: value` to every request sent to the origin asked for.
    UpdaterConfig& add_header(std::string_view name, std::string_view value) {
        detail::CString n(name), v(value);
        return apply([&](tuf_error** e) {
            return ::tuf_updater_config_add_header(get(), n.get(), v.get(), e);
        });
    }
    /// Removes every header added with add_header.
    UpdaterConfig& clear_headers() {
        return apply([&](tuf_error** e) {
            return ::tuf_updater_config_clear_headers(get(), e);
        });
    }
    /// Tries a download that failed for a transient reason up to `count` more times, waiting
    /// `backoff_ms` before the first retry and twice as long before each next one.
    UpdaterConfig& set_retries(std::uint32_t count, std::uint32_t backoff_ms) {
        return apply([&](tuf_error** e) {
            return ::tuf_updater_config_set_retries(get(), count, backoff_ms, e);
        });
    }

    /// Replaces the built-in fetcher by `fetch` (empty: back to libcurl). Called on the thread
    /// that drives an updater, during its calls; updaters used from several threads at once
    /// call it from each. It must not call the updater that is calling it (Code::state).
    UpdaterConfig& set_fetcher(FetchFunction fetch) {
        auto holder = fetch ? std::make_shared<const FetchFunction>(std::move(fetch)) : nullptr;
        tuf_fetch_callback trampoline = holder ? &detail::fetch_trampoline : nullptr;
        apply([&](tuf_error** e) {
            return ::tuf_updater_config_set_fetcher(
                get(), trampoline, const_cast<FetchFunction*>(holder.get()), e);
        });
        callbacks_.fetch = std::move(holder);
        return watch_calls();
    }
    /// Receives libtuf's log messages (empty: no logging). Same rules as set_fetcher.
    UpdaterConfig& set_log_callback(LogFunction log) {
        auto holder = log ? std::make_shared<const LogFunction>(std::move(log)) : nullptr;
        tuf_log_callback trampoline = holder ? &detail::log_trampoline : nullptr;
        apply([&](tuf_error** e) {
            return ::tuf_updater_config_set_log_callback(
                get(), trampoline, const_cast<LogFunction*>(holder.get()), e);
        });
        callbacks_.log = std::move(holder);
        return watch_calls();
    }
    /// Told of every transfer; returning false cancels the running call (Code::cancelled).
    /// Empty: none. Same rules as set_fetcher.
    UpdaterConfig& set_progress_callback(TransferProgressFunction progress) {
        return install_progress(
            std::make_shared<const TransferProgressFunction>(std::move(progress)));
    }

    tuf_updater_config* native_handle() const noexcept { return handle_.get(); }

private:
    friend class Updater;
    friend class MultiRepoConfig;

    tuf_updater_config* get() const noexcept { return handle_.get(); }
    // Makes the C call `f(err)` of a setter (setters run no callback).
    template <class F>
    UpdaterConfig& apply(F&& f) {
        detail::Call call;
        call.check(f(call.err()));
        return *this;
    }
    // A configuration with a C++ callback always has the progress trampoline, so that a call
    // whose callback threw is cancelled at its next transfer.
    UpdaterConfig& watch_calls() {
        if (!callbacks_.progress && (callbacks_.fetch || callbacks_.log || callbacks_.storage)) {
            install_progress(std::make_shared<const TransferProgressFunction>());
        }
        return *this;
    }
    UpdaterConfig& install_progress(std::shared_ptr<const TransferProgressFunction> holder) {
        apply([&](tuf_error** e) {
            return ::tuf_updater_config_set_progress_callback(
                get(), &detail::transfer_progress_trampoline,
                const_cast<TransferProgressFunction*>(holder.get()), e);
        });
        callbacks_.progress = std::move(holder);
        return *this;
    }

    detail::UpdaterCallbacks callbacks_;
    detail::Owned<tuf_updater_config, ::tuf_updater_config_free> handle_;
};

/// A TUF client for one repository (`tuf_updater`). Move-only. One thread at a time; a call
/// while it is in a call (from a second thread or from its own callbacks) throws Error with
/// Code::state. It keeps the callbacks of the configuration it was made from.
class Updater {
public:
    /// Creates an updater from `config` (copied; it may be changed or destroyed afterwards):
    /// loads and verifies the trusted root; no network request.
    explicit Updater(const UpdaterConfig& config) : callbacks_(config.callbacks_) {
        detail::Call call;
        tuf_updater* out = nullptr;
        tuf_result r = ::tuf_updater_new(config.get(), &out, call.err());
        handle_.reset(out);
        call.check(r);
    }

    /// Updates the top-level metadata: root, timestamp, snapshot, targets (spec 5.3 to 5.6).
    void refresh() {
        detail::Call call;
        call.check(::tuf_updater_refresh(handle_.get(), call.err()));
    }

    /// Looks up `target_path` through the delegations (spec 5.6.7), refreshing first if needed;
    /// nullopt when no trusted role lists it.
    std::optional<TargetInfo> get_target_info(std::string_view target_path) {
        detail::CString path(target_path);
        detail::Call call;
        tuf_target_info* out = nullptr;
        tuf_result r = ::tuf_updater_get_target_info(handle_.get(), path.get(), &out, call.err());
        TargetInfo info(out);
        if (!call.check_found(r)) {
            return std::nullopt;
        }
        return info;
    }

    /// Looks up every path of `target_paths` through the delegations (spec 5.6.7), as
    /// get_target_info looks up each one, refreshing first if needed
    /// (`tuf_updater_get_target_infos`). `target_paths` is a container of strings (anything
    /// convertible to std::string_view: `std::vector<std::string>`,
    /// `std::vector<std::string_view>`, an array of `const char*`, or a braced list such as
    /// `{"a.txt", "b.txt"}`), copied during the call only; a NUL byte inside a path throws
    /// Error with Code::invalid_argument before anything is looked up.
    ///
    /// The delegated metadata the lookups need is fetched ahead, several roles at once over at
    /// most UpdaterConfig::set_max_connections connections (one after the other through a
    /// fetch function, or offline), each role once however many paths need it, each verified
    /// as by get_target_info. Progress goes to the configuration's TransferProgressFunction,
    /// whose false cancels every transfer still running or waiting (the lookups that still
    /// needed metadata then fail with Code::cancelled); this updater's
    /// DownloadProgressFunction is not called. Every callback runs on the calling thread.
    ///
    /// Returns one LookupResult per path, in the order of `target_paths`: its TargetInfo
    /// (owned by the result), or its error, Code::target_not_found when no trusted role lists
    /// it. A path not found or whose lookup failed is not an exception, and stops no other
    /// lookup. Throws Error when the call fails before looking up (an empty handle;
    /// Code::state while the updater is in a call; the error of the refresh that had to run
    /// first, also for no paths), and rethrows the exception a callback threw.
    template <class Paths = std::initializer_list<std::string_view>>
    std::vector<LookupResult> get_target_infos(const Paths& target_paths) {
        detail::CStringArray paths(target_paths);
        const std::size_t n = paths.size();
        detail::EntryCodes codes(n);
        std::vector<tuf_target_info*> infos(n, nullptr);
        std::vector<tuf_error*> errors(n, nullptr);
        // Reserved before the call, so that taking ownership of its outputs cannot throw.
        std::vector<detail::Owned<tuf_target_info, ::tuf_target_info_free>> owned_infos;
        std::vector<detail::ErrorPtr> owned_errors;
        owned_infos.reserve(n);
        owned_errors.reserve(n);
        detail::Call call;
        tuf_result r = ::tuf_updater_get_target_infos(
            handle_.get(), paths.data(), n, infos.data(), codes.data(), errors.data(),
            call.err());
        for (std::size_t i = 0; i < n; i++) {
            owned_infos.emplace_back(infos[i]);
            owned_errors.emplace_back(errors[i]);
        }
        // TUF_OK or the first path's code when every entry was written (the error then only
        // sums up the entries); else the failure before looking up.
        call.check(codes.written() ? TUF_OK : r);
        std::vector<LookupResult> results;
        results.reserve(n);
        for (std::size_t i = 0; i < n; i++) {
            LookupResult result;
            if (codes[i] == TUF_OK) {
                result.info.emplace(owned_infos[i].release());
            } else {
                result.error = detail::make_error(codes[i], owned_errors[i].release());
            }
            results.push_back(std::move(result));
        }
        return results;
    }

    /// The path of a local file holding the target with the right length and hashes:
    /// `filepath`, or (nullopt) the file in the targets directory; nullopt when there is none.
    std::optional<std::string> find_cached_target(
        const TargetInfoView& info, std::optional<std::string_view> filepath = std::nullopt) const {
        detail::OptionalCString file(filepath);
        detail::Call call;
        char* out = nullptr;
        tuf_result r = ::tuf_updater_find_cached_target(handle_.get(), info.native_handle(),
                                                        file.get(), &out, call.err());
        std::optional<std::string> path = detail::take_string(out);
        call.check(r);
        return path;
    }

    /// Downloads the target to `filepath` (nullopt: into the targets directory) from
    /// `target_base_url` (nullopt: the configured one), verifying length and hashes; returns
    /// the path written.
    std::string download_target(const TargetInfoView& info,
                                std::optional<std::string_view> filepath = std::nullopt,
                                std::optional<std::string_view> target_base_url = std::nullopt) {
        detail::OptionalCString file(filepath), base(target_base_url);
        detail::Call call;
        char* out = nullptr;
        tuf_result r = ::tuf_updater_download_target(handle_.get(), info.native_handle(),
                                                     file.get(), base.get(), &out, call.err());
        std::optional<std::string> path = detail::take_string(out);
        call.check(r);
        return path.value_or(std::string());
    }

    /// Downloads every target of `infos` at once (spec 5.7; `tuf_updater_download_targets`),
    /// each into `target_dir` (nullopt: the configured targets directory) under its local
    /// name, from `target_base_url` (nullopt: the configured one). `infos` is a container of
    /// TargetInfo or TargetInfoView (e.g. `std::vector<tuf::TargetInfo>`).
    ///
    /// Targets already in the directory with the right length and hashes succeed at once; the
    /// others are downloaded in parallel over at most UpdaterConfig::set_max_connections
    /// connections (one after the other through a fetch function), each verified as by
    /// download_target. One failure stops no other download. Progress goes to the
    /// configuration's TransferProgressFunction, whose false cancels every transfer still
    /// running or waiting (those targets fail with Code::cancelled); this updater's
    /// DownloadProgressFunction is not called.
    ///
    /// Returns one DownloadResult per target, in the order of `infos`: the path written, or
    /// the target's error. Throws Error when the call fails before downloading (an empty
    /// handle, Code::state while the updater is in a call), and rethrows the exception a
    /// callback threw.
    template <class Infos>
    std::vector<DownloadResult> download_targets(
        const Infos& infos, std::optional<std::string_view> target_dir = std::nullopt,
        std::optional<std::string_view> target_base_url = std::nullopt) {
        std::vector<const tuf_target_info*> handles;
        for (const auto& info : infos) {
            handles.push_back(static_cast<const TargetInfoView&>(info).native_handle());
        }
        detail::OptionalCString dir(target_dir), base(target_base_url);
        const std::size_t n = handles.size();
        detail::EntryCodes codes(n);
        std::vector<tuf_error*> errors(n, nullptr);
        std::vector<char*> paths(n, nullptr);
        // Reserved before the call, so that taking ownership of its outputs cannot throw.
        std::vector<detail::ErrorPtr> owned_errors;
        std::vector<detail::StringPtr> owned_paths;
        owned_errors.reserve(n);
        owned_paths.reserve(n);
        detail::Call call;
        tuf_result r = ::tuf_updater_download_targets(
            handle_.get(), n == 0 ? nullptr : handles.data(), n, dir.get(), base.get(),
            codes.data(), errors.data(), paths.data(), call.err());
        for (std::size_t i = 0; i < n; i++) {
            owned_errors.emplace_back(errors[i]);
            owned_paths.emplace_back(paths[i]);
        }
        call.check(codes.written() ? TUF_OK : r);
        std::vector<DownloadResult> results;
        results.reserve(n);
        for (std::size_t i = 0; i < n; i++) {
            DownloadResult result;
            if (codes[i] == TUF_OK) {
                result.path = detail::take_string(owned_paths[i].release());
            } else {
                result.error = detail::make_error(codes[i], owned_errors[i].release());
            }
            results.push_back(std::move(result));
        }
        return results;
    }

    /// Looks up every path of `target_paths` (as get_target_infos) and, when every one was
    /// found, downloads them all (as download_targets), into `target_dir` (nullopt: the
    /// configured targets directory) from `target_base_url` (nullopt: the configured one):
    /// `tuf_updater_download_target_paths`. When a path is not found or its lookup fails,
    /// nothing is downloaded. The delegated roles the lookups fetched ahead are written to the
    /// metadata cache while the targets' files are created, instead of before.
    ///
    /// Returns one PathDownloadResult per path, in the order of `target_paths`. A path not
    /// found, a failed lookup or a failed download is not an exception. Throws Error when the
    /// call fails before looking up or downloading (an empty handle; Code::state while the
    /// updater is in a call; the error of the refresh that had to run first; the error of a
    /// role that could not be written to the cache), and rethrows the exception a callback
    /// threw.
    template <class Paths = std::initializer_list<std::string_view>>
    std::vector<PathDownloadResult> download_target_paths(
        const Paths& target_paths, std::optional<std::string_view> target_dir = std::nullopt,
        std::optional<std::string_view> target_base_url = std::nullopt) {
        detail::CStringArray names(target_paths);
        detail::OptionalCString dir(target_dir), base(target_base_url);
        const std::size_t n = names.size();
        detail::EntryCodes codes(n);
        std::vector<tuf_target_info*> infos(n, nullptr);
        std::vector<tuf_error*> errors(n, nullptr);
        std::vector<char*> paths(n, nullptr);
        // Reserved before the call, so that taking ownership of its outputs cannot throw.
        std::vector<detail::Owned<tuf_target_info, ::tuf_target_info_free>> owned_infos;
        std::vector<detail::ErrorPtr> owned_errors;
        std::vector<detail::StringPtr> owned_paths;
        owned_infos.reserve(n);
        owned_errors.reserve(n);
        owned_paths.reserve(n);
        detail::Call call;
        tuf_result r = ::tuf_updater_download_target_paths(
            handle_.get(), names.data(), n, dir.get(), base.get(), infos.data(), codes.data(),
            errors.data(), paths.data(), call.err());
        for (std::size_t i = 0; i < n; i++) {
            owned_infos.emplace_back(infos[i]);
            owned_errors.emplace_back(errors[i]);
            owned_paths.emplace_back(paths[i]);
        }
        call.check(codes.written() ? TUF_OK : r);
        std::vector<PathDownloadResult> results;
        results.reserve(n);
        for (std::size_t i = 0; i < n; i++) {
            PathDownloadResult result;
            if (owned_infos[i]) {
                result.info.emplace(owned_infos[i].release());
            }
            if (codes[i] == TUF_OK) {
                result.path = detail::take_string(owned_paths[i].release());
            } else {
                result.error = detail::make_error(codes[i], owned_errors[i].release());
            }
            results.push_back(std::move(result));
        }
        return results;
    }

    /// Told of the progress of every target download of this updater (empty: none).
    void set_progress_callback(DownloadProgressFunction progress) {
        auto holder =
            progress ? std::make_shared<const DownloadProgressFunction>(std::move(progress))
                     : nullptr;
        tuf_progress_callback trampoline =
            holder ? &detail::download_progress_trampoline : nullptr;
        detail::Call call;
        call.check(::tuf_updater_set_progress_callback(
            handle_.get(), trampoline, const_cast<DownloadProgressFunction*>(holder.get()),
            call.err()));
        download_progress_ = std::move(holder);
    }

    /// The time expiry is checked against from the next refresh on (nullopt: the system
    /// clock).
    void set_reference_time(std::optional<std::int64_t> unix_seconds) {
        detail::Call call;
        call.check(::tuf_updater_set_reference_time(
            handle_.get(), detail::optional_ptr(unix_seconds), call.err()));
    }

    tuf_updater* native_handle() const noexcept { return handle_.get(); }

private:
    // Declared before the handle, so that the handle is freed first.
    detail::UpdaterCallbacks callbacks_;
    std::shared_ptr<const DownloadProgressFunction> download_progress_;
    detail::Owned<tuf_updater, ::tuf_updater_free> handle_;
};

}  // namespace tuf

#endif  // TUF_CPP_UPDATER_HPP
