// tuf-client-cpp: a TUF client over libtuf's C++ binding, speaking the client CLI of
// examples-c/tuf-client (the standard TUF client test CLI):
//
//   tuf-client [-v] --metadata-dir DIR init TRUSTED_ROOT
//   tuf-client [-v] [OPTIONS] --metadata-dir DIR --metadata-url URL refresh
//   tuf-client [-v] [OPTIONS] --metadata-dir DIR --metadata-url URL --target-name NAME
//              [--target-name NAME ...] --target-base-url URL --target-dir DIR download
//
// Transport options, before the command: --ca-file, --client-cert, --client-key,
// --client-key-password, --proxy, --header 'NAME: VALUE' (repeatable), --retries,
// --retry-backoff-ms. Cache options: --offline (refresh and download from the metadata cache
// only, no network request; --metadata-url and --target-base-url are then not needed),
// --offline-accept-expired-unsafe (with --offline: accept expired metadata, giving up
// freeze-attack protection), --in-memory (write nothing to the metadata directory: the trusted
// root is read from DIR/root.json, put there by init). Download options: --max-connections
// (several --target-name are downloaded in parallel over at most that many connections),
// --no-resume (interrupted downloads are not continued). Time and cancellation options:
// --reference-time SECONDS (check expiry against this Unix time, set on the live updater),
// --timeout-ms N (the deadline of every transfer), --lock-timeout-ms N (the longest wait for
// the metadata directory's lock), --progress (every transfer's progress on stderr),
// --cancel-after-bytes N (cancel once N bytes arrived). A progress function is always
// installed: after SIGINT (Ctrl-C) or SIGTERM it cancels the running call, which then fails
// with Code::cancelled and leaves the cache valid.
//
// Exit status 0 on success and for --help (the usage and every option on stdout), 1 on failure
// (the reason on stderr, after "tuf-client: ", with the HTTP status, URL and role of the
// failure when it has them; a cancelled call is a failure), 2 on bad usage (an unknown option
// or command, a command without what it needs, a number out of range: the reason and the usage
// on stderr), as the end-to-end tests (tests/client_e2e.rs) expect of every client. With -v it
// reports each verification step on stderr and each target on stdout. Like the other
// benchmark clients it raises the metadata length limits to 1 GiB and the delegation limit to
// 1024 so that large benchmark repositories load.
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <signal.h>

#include <tuf.hpp>

namespace {

const char* const usage_text =
    "usage:\n"
    "  tuf-client [-v] --metadata-dir DIR init TRUSTED_ROOT\n"
    "  tuf-client [-v] [OPTIONS] --metadata-dir DIR --metadata-url URL refresh\n"
    "  tuf-client [-v] [OPTIONS] --metadata-dir DIR --metadata-url URL --target-name NAME "
    "[--target-name NAME ...]\n"
    "             --target-base-url URL --target-dir DIR download\n"
    "  (with --offline, --metadata-url and --target-base-url are not needed)\n"
    "  tuf-client --help\n";

const char* const options_text =
    "\n"
    "Transport options (refresh and download):\n"
    "  --ca-file FILE          trust only the CA certificates of this PEM file for HTTPS\n"
    "  --client-cert FILE      present this PEM client certificate (mutual TLS)\n"
    "  --client-key FILE       its PEM private key (default: in the --client-cert file)\n"
    "  --client-key-password P the password of an encrypted --client-key\n"
    "  --proxy URL             send every request through this proxy (\"\": none; default:\n"
    "                          the http_proxy, https_proxy, all_proxy, no_proxy variables)\n"
    "  --header 'NAME: VALUE'  add this header to every request (repeatable)\n"
    "  --retries N             retry a transient failure up to N times (0-100, default 0)\n"
    "  --retry-backoff-ms MS   first wait before a retry, doubled each time (0-30000,\n"
    "                          default 1000)\n"
    "\n"
    "Cache options (refresh and download):\n"
    "  --offline               use only the metadata cache in --metadata-dir, with every\n"
    "                          check (signatures, versions, expiry), and make no network\n"
    "                          request at all; fails, naming the file, when the cache lacks\n"
    "                          metadata (refresh online first); download only finds targets\n"
    "                          already in --target-dir\n"
    "  --offline-accept-expired-unsafe\n"
    "                          with --offline, accept expired metadata. UNSAFE: this gives\n"
    "                          up the protection against freeze attacks (old, validly signed\n"
    "                          metadata, replayed or just never refreshed, keeps the client\n"
    "                          on old targets indefinitely)\n"
    "  --in-memory             keep the metadata cache in memory: nothing is written to the\n"
    "                          metadata directory; the trusted root is read from its\n"
    "                          root.json (run init first); not with --offline\n"
    "\n"
    "Download options:\n"
    "  --max-connections N     download several --target-name in parallel over at most N\n"
    "                          connections (1-64, default 6; HTTP/2 servers share them);\n"
    "                          one failing target stops no other, and the exit status is 1\n"
    "                          if any failed\n"
    "  --no-resume             do not keep what an interrupted download received (by default\n"
    "                          it stays in TARGET_DIR/.NAME.ID.partial and the next download\n"
    "                          asks only for the rest, then verifies the whole file)\n"
    "\n"
    "Time and cancellation options (refresh and download):\n"
    "  --reference-time SECONDS\n"
    "                          check expiry against this Unix time (seconds since\n"
    "                          1970-01-01T00:00:00Z, may be negative; years 1 to 9999)\n"
    "                          instead of the system clock; set on the live updater\n"
    "  --timeout-ms N          the deadline of every transfer in milliseconds, connection\n"
    "                          included (default 3600000; 0: none); a transfer still running\n"
    "                          then fails as too slow\n"
    "  --lock-timeout-ms N     wait at most N milliseconds for the metadata directory's lock\n"
    "                          (default 60000; 0: fail at once when another process holds it)\n"
    "  --progress              print the progress of every transfer (metadata and targets)\n"
    "                          on stderr\n"
    "  --cancel-after-bytes N  cancel the running call once N bytes arrived over all\n"
    "                          transfers together (0: at the first transfer), as Ctrl-C does\n"
    "\n"
    "  Ctrl-C (SIGINT) or SIGTERM cancels the running transfer: the client exits with status 1\n"
    "  and a \"cancelled\" message; the cache stays valid.\n"
    "\n"
    "Failure messages name the HTTP status, the URL and the role of the failure when there\n"
    "is one, e.g. \"(HTTP 404, URL https://..., role snapshot)\".\n"
    "\n"
    "Other options:\n"
    "  -v, --verbose           report each verification step on stderr and each target on\n"
    "                          stdout\n"
    "  -h, --help              print this help\n"
    "\n"
    "Exit status: 0 on success (and for --help), 1 on failure (cancellation included), 2 on\n"
    "bad usage (a bad number included).\n";

// The Unix times libtuf accepts as a reference time: years 1 to 9999, UTC.
constexpr std::int64_t min_reference_time = -62135596800LL;  // 0001-01-01T00:00:00Z
constexpr std::int64_t max_reference_time = 253402300799LL;   // 9999-12-31T23:59:59Z

struct Args {
    std::optional<std::string> metadata_dir, metadata_url, target_base_url, target_dir;
    std::optional<std::string> command, trusted_root;
    std::vector<std::string> targets;
    bool verbose = false;
    bool help = false;
    std::optional<std::string> ca_file, client_cert, client_key, client_key_password, proxy;
    std::vector<std::string> headers;
    std::optional<std::string> retries, retry_backoff_ms;
    bool offline = false, offline_accept_expired_unsafe = false, in_memory = false;
    std::optional<std::string> max_connections;
    bool no_resume = false;
    std::optional<std::string> reference_time, timeout_ms, lock_timeout_ms, cancel_after_bytes;
    bool progress = false;
    // The numbers, once checked.
    std::uint32_t retry_count = 0, retry_backoff = 1000, connections = 0;
    std::int64_t reference_seconds = 0;
    std::uint64_t timeout = 0, lock_timeout = 0, cancel_after = 0;
};

/// A usage error: its message.
struct Usage {
    std::string message;
};

/// A decimal number (optionally negative when `min` is) from `min` to `max`, or nullopt.
template <class T>
std::optional<T> parse_number(const std::string& s, T min, T max) {
    const char* first = s.data();
    const char* last = s.data() + s.size();
    const char* digits = !s.empty() && s[0] == '-' && min < 0 ? first + 1 : first;
    if (digits == last || *digits < '0' || *digits > '9') {
        return std::nullopt;
    }
    T v{};
    auto [end, ec] = std::from_chars(first, last, v);
    if (ec != std::errc() || end != last || v < min || v > max) {
        return std::nullopt;
    }
    return v;
}

/// Usage errors (exit 2) in the order the other clients report them: no or an unknown
/// command, a command without what it needs, options that do not go together, numbers out of
/// range.
void check_usage(Args& a) {
    if (!a.command) {
        throw Usage{"a command is required"};
    }
    const std::string& c = *a.command;
    if (c != "init" && c != "refresh" && c != "download") {
        throw Usage{"unknown command " + c};
    }
    if (c != "init" && a.trusted_root) {
        throw Usage{"unexpected argument " + *a.trusted_root};
    }
    if (!a.metadata_dir) {
        throw Usage{c + " needs --metadata-dir"};
    }
    if (c == "init") {
        if (!a.trusted_root) {
            throw Usage{"init needs TRUSTED_ROOT"};
        }
        return;
    }
    // Offline, the URLs are never used.
    if (!a.metadata_url && !a.offline) {
        throw Usage{c + " needs --metadata-url (or --offline)"};
    }
    if (c == "download") {
        if (a.targets.empty()) {
            throw Usage{"download needs --target-name"};
        }
        if (!a.target_base_url && !a.offline) {
            throw Usage{"download needs --target-base-url (or --offline)"};
        }
        if (!a.target_dir) {
            throw Usage{"download needs --target-dir"};
        }
    }
    if (a.offline_accept_expired_unsafe && !a.offline) {
        throw Usage{"--offline-accept-expired-unsafe needs --offline"};
    }
    if (a.in_memory && a.offline) {
        throw Usage{"--in-memory has no cache to use --offline with"};
    }
    std::optional<std::uint32_t> count =
        a.retries ? parse_number<std::uint32_t>(*a.retries, 0, 100)
                  : std::optional<std::uint32_t>(0);
    std::optional<std::uint32_t> backoff =
        a.retry_backoff_ms ? parse_number<std::uint32_t>(*a.retry_backoff_ms, 0, 30000)
                           : std::optional<std::uint32_t>(1000);
    if (!count || !backoff) {
        throw Usage{"--retries takes 0 to 100 and --retry-backoff-ms 0 to 30000"};
    }
    a.retry_count = *count;
    a.retry_backoff = *backoff;
    if (a.max_connections) {
        std::optional<std::uint32_t> n = parse_number<std::uint32_t>(*a.max_connections, 1, 64);
        if (!n) {
            throw Usage{"--max-connections takes 1 to 64"};
        }
        a.connections = *n;
    }
    if (a.reference_time) {
        std::optional<std::int64_t> t =
            parse_number<std::int64_t>(*a.reference_time, min_reference_time, max_reference_time);
        if (!t) {
            throw Usage{"--reference-time takes seconds since 1970-01-01T00:00:00Z, from " +
                        std::to_string(min_reference_time) + " (year 1) to " +
                        std::to_string(max_reference_time) + " (year 9999), not " +
                        *a.reference_time};
        }
        a.reference_seconds = *t;
    }
    const std::uint64_t u64_max = ~std::uint64_t{0};
    struct {
        const std::optional<std::string>& value;
        std::uint64_t& out;
        const char* what;
    } numbers[] = {
        {a.timeout_ms, a.timeout, "--timeout-ms takes a number of milliseconds, not "},
        {a.lock_timeout_ms, a.lock_timeout,
         "--lock-timeout-ms takes a number of milliseconds, not "},
        {a.cancel_after_bytes, a.cancel_after,
         "--cancel-after-bytes takes a number of bytes, not "},
    };
    for (const auto& n : numbers) {
        if (n.value) {
            std::optional<std::uint64_t> v = parse_number<std::uint64_t>(*n.value, 0, u64_max);
            if (!v) {
                throw Usage{n.what + *n.value};
            }
            n.out = *v;
        }
    }
}

Args parse_args(int argc, char** argv) {
    Args a;
    for (int i = 1; i < argc; i++) {
        std::string s = argv[i];
        std::optional<std::string>* slot = nullptr;
        std::vector<std::string>* list = nullptr;
        bool* flag = nullptr;
        if (s == "-v" || s == "--verbose") {
            flag = &a.verbose;
        } else if (s == "-h" || s == "--help") {
            a.help = true;
            return a;
        } else if (s == "--offline") {
            flag = &a.offline;
        } else if (s == "--offline-accept-expired-unsafe") {
            flag = &a.offline_accept_expired_unsafe;
        } else if (s == "--in-memory") {
            flag = &a.in_memory;
        } else if (s == "--no-resume") {
            flag = &a.no_resume;
        } else if (s == "--progress") {
            flag = &a.progress;
        } else if (s == "--max-connections") {
            slot = &a.max_connections;
        } else if (s == "--reference-time") {
            slot = &a.reference_time;
        } else if (s == "--timeout-ms") {
            slot = &a.timeout_ms;
        } else if (s == "--lock-timeout-ms") {
            slot = &a.lock_timeout_ms;
        } else if (s == "--cancel-after-bytes") {
            slot = &a.cancel_after_bytes;
        } else if (s == "--metadata-dir") {
            slot = &a.metadata_dir;
        } else if (s == "--metadata-url") {
            slot = &a.metadata_url;
        } else if (s == "--target-base-url") {
            slot = &a.target_base_url;
        } else if (s == "--target-dir") {
            slot = &a.target_dir;
        } else if (s == "--target-name") {
            list = &a.targets;
        } else if (s == "--ca-file") {
            slot = &a.ca_file;
        } else if (s == "--client-cert") {
            slot = &a.client_cert;
        } else if (s == "--client-key") {
            slot = &a.client_key;
        } else if (s == "--client-key-password") {
            slot = &a.client_key_password;
        } else if (s == "--proxy") {
            slot = &a.proxy;
        } else if (s == "--header") {
            list = &a.headers;
        } else if (s == "--retries") {
            slot = &a.retries;
        } else if (s == "--retry-backoff-ms") {
            slot = &a.retry_backoff_ms;
        } else if (!s.empty() && s[0] == '-') {
            throw Usage{"unknown option " + s};
        } else if (!a.command) {
            a.command = s;
            continue;
        } else if (!a.trusted_root) {
            a.trusted_root = s;
            continue;
        } else {
            throw Usage{"unexpected argument " + s};
        }
        if (flag != nullptr) {
            *flag = true;
            continue;
        }
        if (++i == argc) {
            throw Usage{s + " needs a value"};
        }
        if (slot != nullptr) {
            *slot = argv[i];
        } else {
            list->push_back(argv[i]);
        }
    }
    check_usage(a);
    return a;
}

// ---- cancellation and progress ---------------------------------------------------------------

/// Set by the SIGINT and SIGTERM handler; the progress function then cancels the running call.
volatile std::sig_atomic_t signalled = 0;

extern "C" void on_signal(int sig) { signalled = sig; }

/// Ctrl-C (SIGINT) and SIGTERM cancel the running call through the progress function, which
/// libtuf calls at least once a second during a transfer, so that the process exits with
/// Code::cancelled reported and a valid cache instead of dying mid-write. No SA_RESTART: the
/// signal interrupts a blocking wait, and libtuf retries it.
void install_signal_handlers() {
    struct sigaction sa;
    std::memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    if (sigaction(SIGINT, &sa, nullptr) != 0 || sigaction(SIGTERM, &sa, nullptr) != 0) {
        throw std::runtime_error(std::string("sigaction: ") + std::strerror(errno));
    }
}

/// The progress function's state (the updater runs on the main thread only).
struct Progress {
    bool print = false;
    std::optional<std::uint64_t> cancel_after;
    std::uint64_t bytes = 0;  // received by every transfer together
    bool cancelled_by_bytes = false;
    std::map<std::string, std::uint64_t> received;  // by URL

    /// Prints the transfer with --progress; false (cancel) after a signal or once
    /// --cancel-after-bytes bytes arrived over all transfers together.
    bool operator()(std::string_view url, std::uint64_t now, std::uint64_t total) {
        auto [it, added] = received.try_emplace(std::string(url), 0);
        // A transfer that starts again (a retry) counts again from 0.
        std::uint64_t delta = now >= it->second ? now - it->second : now;
        it->second = now;
        bytes += delta;
        if (print && (added || delta > 0)) {
            std::cerr << "tuf-client: progress: " << url << ": " << now << " of " << total
                      << " bytes\n";
        }
        if (signalled != 0) {
            return false;
        }
        if (cancel_after && bytes >= *cancel_after) {
            cancelled_by_bytes = true;
            return false;
        }
        return true;
    }
};

Progress progress_state;

// ---- failures --------------------------------------------------------------------------------

/// A failure reported as "tuf-client: WHAT: MESSAGE" (exit status 1).
struct Failure {
    std::string what, message;
};

/// An error's message with its HTTP status, URL and role when it has them, and why a
/// cancelled call was cancelled.
std::string describe(const tuf::Error& e) {
    std::ostringstream out;
    out << e.what();
    const char* sep = " (";
    if (e.http_status() != 0) {
        out << sep << "HTTP " << e.http_status();
        sep = ", ";
    }
    if (e.url()) {
        out << sep << "URL " << *e.url();
        sep = ", ";
    }
    if (e.role()) {
        out << sep << "role " << *e.role();
        sep = ", ";
    }
    if (sep[0] == ',') {
        out << ")";
    }
    if (e.code() == tuf::Code::cancelled) {
        if (signalled != 0) {
            out << " (interrupted by " << (signalled == SIGINT ? "SIGINT" : "SIGTERM") << ")";
        } else if (progress_state.cancelled_by_bytes) {
            out << " (--cancel-after-bytes " << *progress_state.cancel_after << " reached)";
        }
    }
    return out.str();
}

std::vector<std::uint8_t> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw Failure{path, std::strerror(errno)};
    }
    return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in),
                                     std::istreambuf_iterator<char>());
}

// ---- the updater -----------------------------------------------------------------------------

void set_transport(const Args& a, tuf::UpdaterConfig& config) {
    if (a.ca_file) {
        config.set_ca_file(*a.ca_file);
    }
    if (a.client_cert) {
        config.set_client_cert(*a.client_cert, a.client_key, a.client_key_password);
    }
    if (a.proxy) {
        config.set_proxy(*a.proxy);
    }
    for (const std::string& header : a.headers) {
        // "Name: value": the name up to the first colon, the value without surrounding blanks.
        std::string::size_type colon = header.find(':');
        if (colon == std::string::npos) {
            throw Failure{"--header " + header, "expected 'NAME: VALUE'"};
        }
        std::string value = header.substr(colon + 1);
        std::string::size_type first = value.find_first_not_of(" \t");
        std::string::size_type last = value.find_last_not_of(" \t");
        value = first == std::string::npos ? "" : value.substr(first, last - first + 1);
        config.add_header(header.substr(0, colon), value);
    }
    if (a.retries || a.retry_backoff_ms) {
        config.set_retries(a.retry_count, a.retry_backoff);
    }
}

void set_cache(const Args& a, tuf::UpdaterConfig& config) {
    if (a.offline) {
        config.set_offline(true);
    }
    if (a.offline_accept_expired_unsafe) {
        std::cerr << "tuf-client: warning: accepting expired metadata "
                     "(--offline-accept-expired-unsafe): no protection against freeze attacks\n";
        config.set_offline_accept_expired_unsafe(true);
    }
    if (a.in_memory) {
        // The trusted root init stored; nothing is written back.
        config.set_bootstrap_root(read_file(*a.metadata_dir + "/root.json"));
        config.set_in_memory(true);
    }
}

void set_downloads_and_time(const Args& a, tuf::UpdaterConfig& config) {
    if (a.max_connections) {
        config.set_max_connections(a.connections);
    }
    if (a.no_resume) {
        config.set_resume(false);
    }
    if (a.timeout_ms) {
        config.set_timeout_ms(a.timeout);
    }
    if (a.lock_timeout_ms) {
        config.set_lock_timeout_ms(a.lock_timeout);
    }
    // Always: it is how SIGINT and SIGTERM cancel.
    config.set_progress_callback(
        [](std::string_view url, std::uint64_t now, std::uint64_t total) {
            return progress_state(url, now, total);
        });
}

int init(const Args& a) {
    std::vector<std::uint8_t> root = read_file(*a.trusted_root);
    try {
        // The updater verifies the root's own signatures and stores it; no network request.
        tuf::UpdaterConfig config(*a.metadata_dir, "file:///nonexistent/");
        config.set_bootstrap_root(root);
        tuf::Updater updater(config);
    } catch (const tuf::Error& e) {
        throw Failure{"init", describe(e)};
    }
    if (a.verbose) {
        std::cerr << "tuf-client: trusted root " << *a.trusted_root << " stored in "
                  << *a.metadata_dir << "\n";
    }
    return 0;
}

tuf::Updater make_updater(const Args& a) {
    // Offline, the URLs are never used.
    const std::string offline_url = "file:///offline/";
    tuf::UpdaterConfig config(*a.metadata_dir, a.metadata_url.value_or(offline_url));
    const std::uint64_t big = std::uint64_t{1} << 30;
    config.set_max_delegations(1024)
        .set_root_max_length(big)
        .set_timestamp_max_length(big)
        .set_snapshot_max_length(big)
        .set_targets_max_length(big)
        .set_targets_dir(a.target_dir)
        .set_targets_base_url(a.target_base_url ? a.target_base_url
                              : a.offline      ? std::optional<std::string>(offline_url)
                                               : std::nullopt);
    if (a.verbose) {
        config.set_log_callback([](tuf::LogLevel level, std::string_view message) {
            std::cerr << "tuf-client: " << (level >= tuf::LogLevel::warn ? "warning: " : "")
                      << message << "\n";
        });
    }
    set_transport(a, config);
    set_cache(a, config);
    set_downloads_and_time(a, config);
    tuf::Updater updater(config);
    // On the live updater, as a device that learns the time after start-up would.
    if (a.reference_time) {
        updater.set_reference_time(a.reference_seconds);
    }
    return updater;
}

// ---- downloads -------------------------------------------------------------------------------

/// Prints what became of a target (with -v).
void report(const Args& a, const std::string& name, const tuf::TargetInfoView& info, bool cached,
            const std::string& path) {
    if (a.verbose) {
        std::cout << name << ": " << info.length() << " bytes, " << info.hash_algorithm(0) << " "
                  << info.hash_hex(0).substr(0, 16) << "..., listed by " << info.role() << ", "
                  << (cached ? "already in " : "verified and saved to ") << path << "\n";
    }
}

/// Why the lookup of `name` gave no target.
Failure failure_of(const std::string& name, const tuf::LookupResult& lookup) {
    if (lookup.code() == tuf::Code::target_not_found) {
        return Failure{name, "target not found: no trusted role lists it"};
    }
    return Failure{name, describe(*lookup.error)};
}

/// One target, looked up already: downloaded unless its file is already there.
int download_one(const Args& a, tuf::Updater& updater, const std::string& name,
                 const tuf::TargetInfo& info) {
    try {
        std::optional<std::string> path = updater.find_cached_target(info);
        bool cached = path.has_value();
        if (!cached) {
            path = updater.download_target(info);
        }
        report(a, name, info, cached, *path);
    } catch (const tuf::Error& e) {
        throw Failure{name, describe(e)};
    }
    return 0;
}

/// Several targets, looked up already: downloaded at once (files already there are not
/// downloaded again); each failure is reported, and any makes the exit status 1.
int download_many(const Args& a, tuf::Updater& updater, const std::vector<tuf::TargetInfo>& infos) {
    std::vector<bool> cached;
    for (const tuf::TargetInfo& info : infos) {
        bool found = false;
        if (a.verbose) {
            try {
                found = updater.find_cached_target(info).has_value();
            } catch (const tuf::Error&) {
                // Only for the report: the download says what is wrong.
            }
        }
        cached.push_back(found);
    }
    std::vector<tuf::DownloadResult> results;
    try {
        results = updater.download_targets(infos);
    } catch (const tuf::Error& e) {
        throw Failure{"download", describe(e)};
    }
    int status = 0;
    for (std::size_t i = 0; i < results.size(); i++) {
        if (results[i].ok()) {
            report(a, a.targets[i], infos[i], cached[i], *results[i].path);
        } else {
            std::cerr << "tuf-client: " << a.targets[i] << ": " << describe(*results[i].error)
                      << "\n";
            status = 1;
        }
    }
    return status;
}

/// The targets in order: all looked up at once (the delegated metadata the lookups need is
/// fetched several roles at a time); those found before the first that is not are downloaded
/// (several at once), then that lookup's failure is reported.
int download(const Args& a, tuf::Updater& updater) {
    std::vector<tuf::LookupResult> lookups;
    try {
        lookups = updater.get_target_infos(a.targets);
    } catch (const tuf::Error& e) {
        // Nothing was looked up: reported as the lookup of the first target would be.
        throw Failure{a.targets[0], describe(e)};
    }
    std::vector<tuf::TargetInfo> infos;
    std::optional<Failure> lookup_failure;
    for (std::size_t i = 0; i < lookups.size(); i++) {
        if (!lookups[i].found()) {
            lookup_failure = failure_of(a.targets[i], lookups[i]);
            break;
        }
        infos.push_back(std::move(*lookups[i].info));
    }
    int status = 0;
    if (infos.size() == 1) {
        try {
            status = download_one(a, updater, a.targets[0], infos[0]);
        } catch (const Failure& f) {
            if (!lookup_failure) {
                throw;
            }
            std::cerr << "tuf-client: " << f.what << ": " << f.message << "\n";
        }
    } else if (infos.size() > 1) {
        status = download_many(a, updater, infos);
    }
    if (lookup_failure) {
        throw *lookup_failure;
    }
    return status;
}

int run(const Args& a) {
    if (*a.command == "init") {
        return init(a);
    }
    install_signal_handlers();
    progress_state.print = a.progress;
    if (a.cancel_after_bytes) {
        progress_state.cancel_after = a.cancel_after;
    }
    std::optional<tuf::Updater> updater;
    try {
        updater.emplace(make_updater(a));
    } catch (const tuf::Error& e) {
        throw Failure{"cannot create the updater", describe(e)};
    }
    try {
        updater->refresh();
    } catch (const tuf::Error& e) {
        throw Failure{"refresh", describe(e)};
    }
    return *a.command == "download" ? download(a, *updater) : 0;
}

}  // namespace

int main(int argc, char** argv) {
    Args args;
    try {
        args = parse_args(argc, argv);
    } catch (const Usage& u) {
        std::cerr << "tuf-client: " << u.message << "\n" << usage_text;
        return 2;
    }
    if (args.help) {
        std::cout << usage_text << options_text;
        return 0;
    }
    try {
        return run(args);
    } catch (const Failure& f) {
        std::cerr << "tuf-client: " << f.what << ": " << f.message << "\n";
    } catch (const std::exception& e) {
        std::cerr << "tuf-client: " << e.what() << "\n";
    }
    return 1;
}
