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
// --no-resume (interrupted downloads are not continued).
//
// Exit status 0 on success, 1 on failure (the reason on stderr, after "tuf-client: "), 2 on
// bad usage (an unknown option or command, a command without what it needs, --help: the
// reason and the usage on stderr), as the end-to-end tests (tests/client_e2e.rs) expect of
// every client. With -v it reports each verification step on stderr and each target on
// stdout. Like the other benchmark clients it raises the metadata length limits to 1 GiB and
// the delegation limit to 1024 so that large benchmark repositories load.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

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
    "Download options:\n"
    "  --max-connections N     download several --target-name in parallel over at most N\n"
    "                          connections (1-64, default 6; HTTP/2 servers share them);\n"
    "                          one failing target stops no other, and the exit status is 1\n"
    "                          if any failed\n"
    "  --no-resume             do not keep what an interrupted download received (by default\n"
    "                          it stays in TARGET_DIR/.NAME.ID.partial and the next download\n"
    "                          asks only for the rest, then verifies the whole file)\n"
    "Other options:\n"
    "  -v, --verbose           report each verification step and each target\n"
    "  -h, --help              print this help (exit status 2)\n"
    "\n"
    "Exit status: 0 on success, 1 on failure, 2 on bad usage.\n";

struct Args {
    std::optional<std::string> metadata_dir, metadata_url, target_base_url, target_dir;
    std::optional<std::string> command, trusted_root;
    std::vector<std::string> targets;
    bool verbose = false;
    std::optional<std::string> ca_file, client_cert, client_key, client_key_password, proxy;
    std::vector<std::string> headers;
    std::optional<std::string> retries, retry_backoff_ms;
    bool offline = false, offline_accept_expired_unsafe = false, in_memory = false;
    std::optional<std::string> max_connections;
    bool no_resume = false;
};

/// A usage error: its message ("" for --help).
struct Usage {
    std::string message;
};

Args parse_args(int argc, char** argv) {
    Args a;
    for (int i = 1; i < argc; i++) {
        std::string s = argv[i];
        std::optional<std::string>* slot = nullptr;
        std::vector<std::string>* list = nullptr;
        if (s == "-v" || s == "--verbose") {
            a.verbose = true;
            continue;
        } else if (s == "-h" || s == "--help") {
            throw Usage{""};
        } else if (s == "--offline") {
            a.offline = true;
            continue;
        } else if (s == "--offline-accept-expired-unsafe") {
            a.offline_accept_expired_unsafe = true;
            continue;
        } else if (s == "--in-memory") {
            a.in_memory = true;
            continue;
        } else if (s == "--no-resume") {
            a.no_resume = true;
            continue;
        } else if (s == "--max-connections") {
            slot = &a.max_connections;
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
        if (++i == argc) {
            throw Usage{s + " needs a value"};
        }
        if (slot != nullptr) {
            *slot = argv[i];
        } else {
            list->push_back(argv[i]);
        }
    }
    // What each command needs, in this order.
    if (!a.command) {
        throw Usage{"a command is required"};
    }
    const std::string& command = *a.command;
    std::vector<std::pair<const char*, bool>> required{{"--metadata-dir", a.metadata_dir.has_value()}};
    if (command == "init") {
        required.emplace_back("TRUSTED_ROOT", a.trusted_root.has_value());
    } else if (command == "refresh" || command == "download") {
        // Offline, the URLs are never used.
        required.emplace_back("--metadata-url", a.metadata_url.has_value() || a.offline);
        if (command == "download") {
            required.emplace_back("--target-name", !a.targets.empty());
            required.emplace_back("--target-base-url",
                                  a.target_base_url.has_value() || a.offline);
            required.emplace_back("--target-dir", a.target_dir.has_value());
        }
        if (a.trusted_root) {
            throw Usage{"unexpected argument " + *a.trusted_root};
        }
    } else {
        throw Usage{"unknown command " + command};
    }
    for (const auto& [name, present] : required) {
        if (!present) {
            throw Usage{command + " needs " + name};
        }
    }
    if (a.offline_accept_expired_unsafe && !a.offline) {
        throw Usage{"--offline-accept-expired-unsafe needs --offline"};
    }
    if (a.in_memory && a.offline) {
        throw Usage{"--in-memory has no cache to use --offline with"};
    }
    return a;
}

/// A failure reported as "tuf-client: WHAT: MESSAGE" (exit status 1).
struct Failure {
    std::string what, message;
};

std::vector<std::uint8_t> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw Failure{path, std::strerror(errno)};
    }
    return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in),
                                     std::istreambuf_iterator<char>());
}

/// A decimal number from 0 to `max`, or nullopt.
std::optional<std::uint32_t> parse_number(const std::string& s, std::uint32_t max) {
    if (s.empty() || s.size() > 9 || s.find_first_not_of("0123456789") != std::string::npos) {
        return std::nullopt;
    }
    unsigned long v = std::stoul(s);
    if (v > max) {
        return std::nullopt;
    }
    return static_cast<std::uint32_t>(v);
}

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
        std::optional<std::uint32_t> count = a.retries ? parse_number(*a.retries, 100) : 0;
        std::optional<std::uint32_t> backoff =
            a.retry_backoff_ms ? parse_number(*a.retry_backoff_ms, 30000) : 1000;
        if (!count || !backoff) {
            throw Failure{"--retries", "takes 0 to 100, and --retry-backoff-ms 0 to 30000"};
        }
        config.set_retries(*count, *backoff);
    }
}

int init(const Args& a) {
    std::vector<std::uint8_t> root = read_file(*a.trusted_root);
    try {
        // The updater verifies the root's own signatures and stores it; no network request.
        tuf::UpdaterConfig config(*a.metadata_dir, "file:///nonexistent/");
        config.set_bootstrap_root(root);
        tuf::Updater updater(config);
    } catch (const tuf::Error& e) {
        throw Failure{"init", e.what()};
    }
    if (a.verbose) {
        std::cerr << "tuf-client: trusted root " << *a.trusted_root << " stored in "
                  << *a.metadata_dir << "\n";
    }
    return 0;
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

void set_downloads(const Args& a, tuf::UpdaterConfig& config) {
    if (a.max_connections) {
        std::optional<std::uint32_t> n = parse_number(*a.max_connections, 64);
        if (!n || *n < 1) {
            throw Failure{"--max-connections", "takes 1 to 64"};
        }
        config.set_max_connections(*n);
    }
    if (a.no_resume) {
        config.set_resume(false);
    }
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
    set_downloads(a, config);
    return tuf::Updater(config);
}

/// Prints what became of a target (with -v).
void report(const Args& a, const std::string& name, const tuf::TargetInfoView& info, bool cached,
            const std::string& path) {
    if (a.verbose) {
        std::cout << name << ": " << info.length() << " bytes, " << info.hash_algorithm(0) << " "
                  << info.hash_hex(0).substr(0, 16) << "..., listed by " << info.role() << ", "
                  << (cached ? "already in " : "verified and saved to ") << path << "\n";
    }
}

tuf::TargetInfo look_up(tuf::Updater& updater, const std::string& name) {
    try {
        std::optional<tuf::TargetInfo> info = updater.get_target_info(name);
        if (!info) {
            throw Failure{name, "target not found: no trusted role lists it"};
        }
        return std::move(*info);
    } catch (const tuf::Error& e) {
        throw Failure{name, e.what()};
    }
}

/// One target: looked up, then downloaded unless its file is already there.
int download_one(const Args& a, tuf::Updater& updater) {
    const std::string& name = a.targets[0];
    tuf::TargetInfo info = look_up(updater, name);
    try {
        std::optional<std::string> path = updater.find_cached_target(info);
        bool cached = path.has_value();
        if (!cached) {
            path = updater.download_target(info);
        }
        report(a, name, info, cached, *path);
    } catch (const tuf::Error& e) {
        throw Failure{name, e.what()};
    }
    return 0;
}

/// Several targets: looked up in order up to the first that is not found (as the sequential
/// clients stop there), then those found before it are downloaded at once; files already
/// there are not downloaded again. Exit status 1 if any failed.
int download(const Args& a, tuf::Updater& updater) {
    if (a.targets.size() == 1) {
        return download_one(a, updater);
    }
    std::vector<tuf::TargetInfo> infos;
    std::vector<bool> cached;
    std::optional<Failure> lookup_failure;
    for (const std::string& name : a.targets) {
        try {
            infos.push_back(look_up(updater, name));
        } catch (const Failure& f) {
            lookup_failure = f;
            break;
        }
        bool found = false;
        if (a.verbose) {
            try {
                found = updater.find_cached_target(infos.back()).has_value();
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
        throw Failure{"download", e.what()};
    }
    int status = 0;
    for (std::size_t i = 0; i < results.size(); i++) {
        if (results[i].ok()) {
            report(a, a.targets[i], infos[i], cached[i], *results[i].path);
        } else {
            std::cerr << "tuf-client: " << a.targets[i] << ": " << results[i].error->what()
                      << "\n";
            status = 1;
        }
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
    std::optional<tuf::Updater> updater;
    try {
        updater.emplace(make_updater(a));
    } catch (const tuf::Error& e) {
        throw Failure{"cannot create the updater", e.what()};
    }
    try {
        updater->refresh();
    } catch (const tuf::Error& e) {
        throw Failure{"refresh", e.what()};
    }
    return *a.command == "download" ? download(a, *updater) : 0;
}

}  // namespace

int main(int argc, char** argv) {
    Args args;
    try {
        args = parse_args(argc, argv);
    } catch (const Usage& u) {
        if (!u.message.empty()) {
            std::cerr << "tuf-client: " << u.message << "\n";
        }
        std::cerr << usage_text;
        return 2;
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
