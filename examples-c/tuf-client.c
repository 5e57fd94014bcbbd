/*
 * tuf-client: a TUF client over libtuf's C API, speaking the standard TUF client test CLI:
 *
 *   tuf-client [-v] --metadata-dir DIR init TRUSTED_ROOT
 *   tuf-client [-v] --metadata-dir DIR --metadata-url URL refresh
 *   tuf-client [-v] --metadata-dir DIR --metadata-url URL --target-name NAME [--target-name NAME ...]
 *              --target-base-url URL --target-dir DIR download
 *
 * Transport options, before the command (see --help): --ca-file, --client-cert,
 * --client-key, --client-key-password, --proxy, --header (repeatable), --retries,
 * --retry-backoff-ms. Cache options: --offline (refresh and download from the metadata
 * cache only, no network request), --offline-accept-expired-unsafe (with --offline: accept
 * expired metadata, giving up freeze-attack protection), --in-memory (write nothing to the
 * metadata directory: the trusted root is read from DIR/root.json, put there by init).
 * Download options: --max-connections (several --target-name are downloaded in parallel
 * over at most that many connections), --no-resume (interrupted downloads are not
 * continued). Time and cancellation options: --reference-time SECONDS (check expiry against
 * this Unix time, set on the live updater), --timeout-ms N (the deadline of every transfer),
 * --lock-timeout-ms N (the longest wait for the metadata directory's lock), --progress (every
 * transfer's progress on stderr), --cancel-after-bytes N (cancel once N bytes arrived). A
 * progress callback is always installed: after SIGINT (Ctrl-C) or SIGTERM it cancels the
 * running call, which fails with TUF_ERR_CANCELLED and leaves the cache valid.
 *
 * Exit status 0 on success, 1 on failure (the reason on stderr, with the HTTP status, URL and
 * role of the failure when it has them; a cancelled call is a failure), 2 on bad usage
 * (a number out of range included; the usage is printed). --help prints the usage and every
 * option on stdout and exits 0. With -v it
 * reports each verification step on stderr and each target on stdout. Like the other
 * benchmark clients it raises the metadata length limits to 1 GiB and the delegation limit to
 * 1024 so that large benchmark repositories load.
 */
#define _POSIX_C_SOURCE 200809L /* sigaction */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tuf.h>

#define MAX_TARGETS 4096
#define MAX_HEADERS 64

struct args {
    const char *metadata_dir;
    const char *metadata_url;
    const char *target_base_url;
    const char *target_dir;
    const char *command;
    const char *trusted_root;
    const char *targets[MAX_TARGETS];
    size_t n_targets;
    int verbose;
    int help;
    /* Transport options (NULL: not given). */
    const char *ca_file;
    const char *client_cert;
    const char *client_key;
    const char *client_key_password;
    const char *proxy;
    const char *headers[MAX_HEADERS]; /* "Name: value" */
    size_t n_headers;
    const char *retries;
    const char *retry_backoff_ms;
    /* Cache options. */
    int offline;
    int offline_accept_expired_unsafe;
    int in_memory;
    /* Download options. */
    const char *max_connections;
    int no_resume;
    /* Time and cancellation options (numbers checked by check_usage). */
    const char *reference_time;
    const char *timeout_ms;
    const char *lock_timeout_ms;
    const char *cancel_after_bytes;
    int progress;
    int64_t reference_seconds;
    uint64_t timeout, lock_timeout, cancel_after;
};

static void usage(FILE *out) {
    fprintf(out,
            "usage:\n"
            "  tuf-client [-v] --metadata-dir DIR init TRUSTED_ROOT\n"
            "  tuf-client [-v] [OPTIONS] --metadata-dir DIR --metadata-url URL refresh\n"
            "  tuf-client [-v] [OPTIONS] --metadata-dir DIR --metadata-url URL --target-name NAME "
            "[--target-name NAME ...]\n"
            "             --target-base-url URL --target-dir DIR download\n"
            "  (with --offline, --metadata-url and --target-base-url are not needed)\n"
            "  tuf-client --help\n");
}

static void help(void) {
    usage(stdout);
    printf("\n"
           "Transport options (refresh and download):\n"
           "  --ca-file FILE          trust only the CA certificates of this PEM file for "
           "HTTPS,\n"
           "                          in place of the system's trust store\n"
           "  --client-cert FILE      present this PEM client certificate to HTTPS servers "
           "that\n"
           "                          ask for one (mutual TLS)\n"
           "  --client-key FILE       its PEM private key (default: in the --client-cert "
           "file)\n"
           "  --client-key-password P the password of an encrypted --client-key\n"
           "  --proxy URL             send every request through this proxy (http://, "
           "https://,\n"
           "                          socks4://, socks4a://, socks5://, socks5h://); \"\" for "
           "no\n"
           "                          proxy; default: the http_proxy, https_proxy, "
           "all_proxy and\n"
           "                          no_proxy environment variables\n"
           "  --header 'NAME: VALUE'  add this header to every request, e.g. Authorization "
           "for a\n"
           "                          private repository (repeatable; never sent after a "
           "redirect\n"
           "                          to another scheme, host or port)\n"
           "  --retries N             try a download that failed for a transient reason\n"
           "                          (connection error, HTTP 429 or 5xx) up to N more times "
           "(0-100,\n"
           "                          default 0)\n"
           "  --retry-backoff-ms MS   wait MS milliseconds before the first retry, twice as "
           "long\n"
           "                          before each next one, at most 30000 (0-30000, default "
           "1000)\n"
           "\n"
           "Cache options (refresh and download):\n"
           "  --offline               use only the metadata cache in --metadata-dir, with "
           "every\n"
           "                          check (signatures, versions, expiry), and make no "
           "network\n"
           "                          request at all; fails, naming the file, when the cache "
           "lacks\n"
           "                          metadata (refresh online first); download only finds "
           "targets\n"
           "                          already in --target-dir\n"
           "  --offline-accept-expired-unsafe\n"
           "                          with --offline, accept expired metadata. UNSAFE: this "
           "gives\n"
           "                          up the protection against freeze attacks (old, validly "
           "signed\n"
           "                          metadata, replayed or just never refreshed, keeps the "
           "client\n"
           "                          on old targets indefinitely)\n"
           "  --in-memory             keep the metadata cache in memory: nothing is written to "
           "the\n"
           "                          metadata directory; the trusted root is read from its\n"
           "                          root.json (run init first); not with --offline\n"
           "\n");
    printf("Download options:\n"
           "  --max-connections N     download several --target-name in parallel over at "
           "most N\n"
           "                          connections (1-64, default 6; HTTP/2 servers share "
           "them);\n"
           "                          each target is verified and saved as on its own, one "
           "failing\n"
           "                          target stops no other, and the exit status is 1 if any "
           "failed\n"
           "  --no-resume             do not keep what an interrupted download received (by "
           "default\n"
           "                          it stays in TARGET_DIR/.NAME.ID.partial and the next "
           "download\n"
           "                          asks only for the rest, then verifies the whole file)\n"
           "\n"
           "Time and cancellation options (refresh and download):\n"
           "  --reference-time SECONDS\n"
           "                          check expiry against this time (seconds since\n"
           "                          1970-01-01T00:00:00Z, may be negative; years 1 to 9999) "
           "instead\n"
           "                          of the system clock; set on the live updater before "
           "refresh\n"
           "  --timeout-ms N          the deadline of every transfer in milliseconds, "
           "connection\n"
           "                          included (default 3600000; 0: none); a transfer still "
           "running\n"
           "                          then fails as too slow\n"
           "  --lock-timeout-ms N     wait at most N milliseconds for the metadata "
           "directory's lock\n"
           "                          (default 60000; 0: fail at once when another process "
           "holds it)\n"
           "  --progress              print the progress of every transfer (metadata and "
           "targets)\n"
           "                          on stderr\n"
           "  --cancel-after-bytes N  cancel the running call once N bytes arrived over all\n"
           "                          transfers together (0: at the first transfer), as "
           "Ctrl-C does\n"
           "\n");
    printf("  Ctrl-C (SIGINT) or SIGTERM cancels the running transfer: the client exits with "
           "status 1\n"
           "  and a \"cancelled\" message; the cache stays valid (nothing unverified is kept; "
           "what a\n"
           "  target download received stays in its partial file for the next download to "
           "resume).\n"
           "\n"
           "Failure messages name the HTTP status, the URL and the role of the failure when "
           "there\n"
           "is one, e.g. \"(HTTP 404, URL https://..., role snapshot)\".\n"
           "\n"
           "Other options:\n"
           "  -v, --verbose           report each verification step on stderr and each "
           "target on\n"
           "                          stdout\n"
           "  -h, --help              print this help\n"
           "\n"
           "Exit status: 0 on success (and for --help), 1 on failure (cancellation included), 2 "
           "on bad\n"
           "usage (a bad number included).\n");
}

/* Parses a decimal number of at most `max`; -1 if `s` is not one. */
static long parse_number(const char *s, long max) {
    char *end = NULL;
    long v;
    if (s == NULL || *s < '0' || *s > '9') {
        return -1;
    }
    v = strtol(s, &end, 10);
    return *end == '\0' && v >= 0 && v <= max ? v : -1;
}

/* Parses a decimal number of at most `max` into `*out`; 0 if `s` is not one. */
static int parse_u64(const char *s, uint64_t max, uint64_t *out) {
    char *end = NULL;
    unsigned long long v;
    if (s == NULL || *s < '0' || *s > '9') {
        return 0;
    }
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0' || v > max) {
        return 0;
    }
    *out = (uint64_t)v;
    return 1;
}

/* Parses a decimal number, optionally negative, from `min` to `max` into `*out`; 0 if `s` is
 * not one. */
static int parse_i64(const char *s, int64_t min, int64_t max, int64_t *out) {
    char *end = NULL;
    long long v;
    const char *digits = s != NULL && *s == '-' ? s + 1 : s;
    if (digits == NULL || *digits < '0' || *digits > '9') {
        return 0;
    }
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max) {
        return 0;
    }
    *out = (int64_t)v;
    return 1;
}

/* The Unix times libtuf accepts as a reference time: years 1 to 9999, UTC. */
#define MIN_REFERENCE_TIME (-62135596800LL) /* 0001-01-01T00:00:00Z */
#define MAX_REFERENCE_TIME 253402300799LL   /* 9999-12-31T23:59:59Z */

/* Usage errors (exit 2), in the order the Rust tuf-client reports them: no or an unknown
 * command, a command without what it needs, options that do not go together, numbers out of
 * range. Prints the reason; -1 on error. */
static int check_usage(struct args *a) {
    const char *c = a->command;
    if (c == NULL) {
        fprintf(stderr, "tuf-client: a command is required\n");
        return -1;
    }
    if (strcmp(c, "init") != 0 && strcmp(c, "refresh") != 0 && strcmp(c, "download") != 0) {
        fprintf(stderr, "tuf-client: unknown command %s\n", c);
        return -1;
    }
    if (strcmp(c, "init") != 0 && a->trusted_root != NULL) {
        fprintf(stderr, "tuf-client: unexpected argument %s\n", a->trusted_root);
        return -1;
    }
    if (a->metadata_dir == NULL) {
        fprintf(stderr, "tuf-client: %s needs --metadata-dir\n", c);
        return -1;
    }
    if (strcmp(c, "init") == 0) {
        if (a->trusted_root == NULL) {
            fprintf(stderr, "tuf-client: init needs TRUSTED_ROOT\n");
            return -1;
        }
        return 0;
    }
    if (a->metadata_url == NULL && !a->offline) {
        fprintf(stderr, "tuf-client: %s needs --metadata-url (or --offline)\n", c);
        return -1;
    }
    if (strcmp(c, "download") == 0) {
        const char *missing = a->n_targets == 0                              ? "--target-name"
                              : a->target_base_url == NULL && !a->offline ? "--target-base-url"
                              : a->target_dir == NULL                      ? "--target-dir"
                                                                           : NULL;
        if (missing != NULL) {
            fprintf(stderr, "tuf-client: download needs %s%s\n", missing,
                    strcmp(missing, "--target-base-url") == 0 ? " (or --offline)" : "");
            return -1;
        }
    }
    if (a->offline_accept_expired_unsafe && !a->offline) {
        fprintf(stderr, "tuf-client: --offline-accept-expired-unsafe needs --offline\n");
        return -1;
    }
    if (a->in_memory && a->offline) {
        fprintf(stderr, "tuf-client: --in-memory has no cache to use --offline with\n");
        return -1;
    }
    if ((a->retries != NULL && parse_number(a->retries, 100) < 0) ||
        (a->retry_backoff_ms != NULL && parse_number(a->retry_backoff_ms, 30000) < 0)) {
        fprintf(stderr, "tuf-client: --retries takes 0 to 100 and --retry-backoff-ms 0 to "
                        "30000\n");
        return -1;
    }
    if (a->max_connections != NULL && parse_number(a->max_connections, 64) < 1) {
        fprintf(stderr, "tuf-client: --max-connections takes 1 to 64\n");
        return -1;
    }
    if (a->reference_time != NULL &&
        !parse_i64(a->reference_time, MIN_REFERENCE_TIME, MAX_REFERENCE_TIME,
                   &a->reference_seconds)) {
        fprintf(stderr,
                "tuf-client: --reference-time takes seconds since 1970-01-01T00:00:00Z, "
                "from %lld (year 1) to %lld (year 9999), not %s\n",
                MIN_REFERENCE_TIME, MAX_REFERENCE_TIME, a->reference_time);
        return -1;
    }
    if (a->timeout_ms != NULL && !parse_u64(a->timeout_ms, UINT64_MAX, &a->timeout)) {
        fprintf(stderr, "tuf-client: --timeout-ms takes a number of milliseconds, not %s\n",
                a->timeout_ms);
        return -1;
    }
    if (a->lock_timeout_ms != NULL &&
        !parse_u64(a->lock_timeout_ms, UINT64_MAX, &a->lock_timeout)) {
        fprintf(stderr,
                "tuf-client: --lock-timeout-ms takes a number of milliseconds, not %s\n",
                a->lock_timeout_ms);
        return -1;
    }
    if (a->cancel_after_bytes != NULL &&
        !parse_u64(a->cancel_after_bytes, UINT64_MAX, &a->cancel_after)) {
        fprintf(stderr, "tuf-client: --cancel-after-bytes takes a number of bytes, not %s\n",
                a->cancel_after_bytes);
        return -1;
    }
    return 0;
}

static int parse_args(int argc, char **argv, struct args *a) {
    int i;
    memset(a, 0, sizeof *a);
    for (i = 1; i < argc; i++) {
        const char *s = argv[i];
        const char **slot = NULL;
        if (strcmp(s, "-v") == 0 || strcmp(s, "--verbose") == 0) {
            a->verbose = 1;
            continue;
        } else if (strcmp(s, "-h") == 0 || strcmp(s, "--help") == 0) {
            a->help = 1;
            return 0;
        } else if (strcmp(s, "--offline") == 0) {
            a->offline = 1;
            continue;
        } else if (strcmp(s, "--offline-accept-expired-unsafe") == 0) {
            a->offline_accept_expired_unsafe = 1;
            continue;
        } else if (strcmp(s, "--in-memory") == 0) {
            a->in_memory = 1;
            continue;
        } else if (strcmp(s, "--ca-file") == 0) {
            slot = &a->ca_file;
        } else if (strcmp(s, "--client-cert") == 0) {
            slot = &a->client_cert;
        } else if (strcmp(s, "--client-key") == 0) {
            slot = &a->client_key;
        } else if (strcmp(s, "--client-key-password") == 0) {
            slot = &a->client_key_password;
        } else if (strcmp(s, "--proxy") == 0) {
            slot = &a->proxy;
        } else if (strcmp(s, "--retries") == 0) {
            slot = &a->retries;
        } else if (strcmp(s, "--retry-backoff-ms") == 0) {
            slot = &a->retry_backoff_ms;
        } else if (strcmp(s, "--max-connections") == 0) {
            slot = &a->max_connections;
        } else if (strcmp(s, "--no-resume") == 0) {
            a->no_resume = 1;
            continue;
        } else if (strcmp(s, "--reference-time") == 0) {
            slot = &a->reference_time;
        } else if (strcmp(s, "--timeout-ms") == 0) {
            slot = &a->timeout_ms;
        } else if (strcmp(s, "--lock-timeout-ms") == 0) {
            slot = &a->lock_timeout_ms;
        } else if (strcmp(s, "--cancel-after-bytes") == 0) {
            slot = &a->cancel_after_bytes;
        } else if (strcmp(s, "--progress") == 0) {
            a->progress = 1;
            continue;
        } else if (strcmp(s, "--header") == 0) {
            if (a->n_headers == MAX_HEADERS) {
                fprintf(stderr, "tuf-client: too many --header\n");
                return -1;
            }
            slot = &a->headers[a->n_headers++];
        } else if (strcmp(s, "--metadata-dir") == 0) {
            slot = &a->metadata_dir;
        } else if (strcmp(s, "--metadata-url") == 0) {
            slot = &a->metadata_url;
        } else if (strcmp(s, "--target-base-url") == 0) {
            slot = &a->target_base_url;
        } else if (strcmp(s, "--target-dir") == 0) {
            slot = &a->target_dir;
        } else if (strcmp(s, "--target-name") == 0) {
            if (a->n_targets == MAX_TARGETS) {
                fprintf(stderr, "tuf-client: too many --target-name\n");
                return -1;
            }
            slot = &a->targets[a->n_targets++];
        } else if (s[0] == '-') {
            fprintf(stderr, "tuf-client: unknown option %s\n", s);
            return -1;
        } else if (a->command == NULL) {
            a->command = s;
            continue;
        } else if (a->trusted_root == NULL) {
            a->trusted_root = s;
            continue;
        } else {
            fprintf(stderr, "tuf-client: unexpected argument %s\n", s);
            return -1;
        }
        if (++i == argc) {
            fprintf(stderr, "tuf-client: %s needs a value\n", s);
            return -1;
        }
        *slot = argv[i];
    }
    return check_usage(a);
}

static void log_to_stderr(void *userdata, int level, const char *message) {
    (void)userdata;
    fprintf(stderr, "tuf-client: %s%s\n", level >= TUF_LOG_WARN ? "warning: " : "", message);
}

/* Set by the SIGINT and SIGTERM handler; the progress callback then cancels the running
 * call. */
static volatile sig_atomic_t signalled;

static void on_signal(int sig) {
    signalled = sig;
}

/* Ctrl-C (SIGINT) and SIGTERM cancel the running call through the progress callback, which
 * libtuf calls at least once a second during a transfer, so that the process exits with
 * TUF_ERR_CANCELLED reported and a valid cache instead of dying mid-write. No SA_RESTART: the
 * signal interrupts a blocking wait, and libtuf retries it. */
static int install_signal_handlers(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    if (sigaction(SIGINT, &sa, NULL) != 0 || sigaction(SIGTERM, &sa, NULL) != 0) {
        fprintf(stderr, "tuf-client: sigaction: %s\n", strerror(errno));
        return -1;
    }
    return 0;
}

/* What each transfer received so far, to count the bytes of all transfers together. */
struct transfer {
    char *url;
    uint64_t received;
};

/* The progress callback's state (one per process: the updater runs on the main thread). */
struct progress {
    int print;              /* --progress */
    int cancel_after_set;   /* --cancel-after-bytes given */
    uint64_t cancel_after;  /* its value */
    uint64_t bytes;         /* received by every transfer together */
    int cancelled_by_bytes; /* the callback cancelled because of --cancel-after-bytes */
    struct transfer *transfers;
    size_t n_transfers, cap_transfers;
};

static struct progress progress;

/* The transfer of `url`, added with nothing received if new (*added = 1); NULL when out of
 * memory. */
static struct transfer *find_transfer(struct progress *p, const char *url, int *added) {
    size_t i;
    *added = 0;
    for (i = p->n_transfers; i > 0; i--) {
        if (strcmp(p->transfers[i - 1].url, url) == 0) {
            return &p->transfers[i - 1];
        }
    }
    if (p->n_transfers == p->cap_transfers) {
        size_t cap = p->cap_transfers ? 2 * p->cap_transfers : 16;
        struct transfer *t = realloc(p->transfers, cap * sizeof *t);
        if (t == NULL) {
            return NULL;
        }
        p->transfers = t;
        p->cap_transfers = cap;
    }
    p->transfers[p->n_transfers].url = malloc(strlen(url) + 1);
    if (p->transfers[p->n_transfers].url == NULL) {
        return NULL;
    }
    strcpy(p->transfers[p->n_transfers].url, url);
    p->transfers[p->n_transfers].received = 0;
    *added = 1;
    return &p->transfers[p->n_transfers++];
}

static void free_progress(struct progress *p) {
    size_t i;
    for (i = 0; i < p->n_transfers; i++) {
        free(p->transfers[i].url);
    }
    free(p->transfers);
    p->transfers = NULL;
    p->n_transfers = p->cap_transfers = 0;
}

/* The progress callback of every transfer (metadata and targets): prints it with --progress,
 * and cancels the running call (TUF_ERR_CANCELLED) after SIGINT or SIGTERM, or once
 * --cancel-after-bytes bytes arrived over all transfers together. */
static int on_progress(void *userdata, const char *url, uint64_t received, uint64_t total) {
    struct progress *p = userdata;
    int added = 0;
    struct transfer *t = find_transfer(p, url, &added);
    /* A transfer that starts again (a retry) counts again from 0. */
    uint64_t delta = t != NULL && received >= t->received ? received - t->received : received;
    if (t != NULL) {
        t->received = received;
    }
    p->bytes += delta;
    if (p->print && (added || delta > 0 || t == NULL)) {
        fprintf(stderr, "tuf-client: progress: %s: %llu of %llu bytes\n", url,
                (unsigned long long)received, (unsigned long long)total);
    }
    if (signalled) {
        return 1;
    }
    if (p->cancel_after_set && p->bytes >= p->cancel_after) {
        p->cancelled_by_bytes = 1;
        return 1;
    }
    return 0;
}

/* Reports a failed call, with the HTTP status, URL and role of the error when it has them
 * and why a cancelled call was cancelled; returns 1 (the exit status). */
static int fail(const char *what, tuf_result r, tuf_error *err) {
    uint32_t status = tuf_error_http_status(err);
    const char *url = tuf_error_url(err);
    const char *role = tuf_error_role(err);
    const char *sep = " (";
    fprintf(stderr, "tuf-client: %s: %s", what,
            err != NULL ? tuf_error_message(err) : tuf_result_str(r));
    if (status != 0) {
        fprintf(stderr, "%sHTTP %u", sep, (unsigned)status);
        sep = ", ";
    }
    if (url != NULL) {
        fprintf(stderr, "%sURL %s", sep, url);
        sep = ", ";
    }
    if (role != NULL) {
        fprintf(stderr, "%srole %s", sep, role);
        sep = ", ";
    }
    if (sep[0] == ',') {
        fputc(')', stderr);
    }
    if (r == TUF_ERR_CANCELLED) {
        if (signalled) {
            fprintf(stderr, " (interrupted by %s)", signalled == SIGINT ? "SIGINT" : "SIGTERM");
        } else if (progress.cancelled_by_bytes) {
            fprintf(stderr, " (--cancel-after-bytes %llu reached)",
                    (unsigned long long)progress.cancel_after);
        }
    }
    fputc('\n', stderr);
    tuf_error_free(err);
    return 1;
}

static unsigned char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    long size;
    if (f == NULL) {
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        buf = malloc(size > 0 ? (size_t)size : 1);
        if (buf != NULL && fread(buf, 1, (size_t)size, f) != (size_t)size) {
            free(buf);
            buf = NULL;
        }
        *len = (size_t)size;
    }
    fclose(f);
    return buf;
}


/* Applies the transport options to `config`. */
static tuf_result set_transport(const struct args *a, tuf_updater_config *config,
                                tuf_error **err) {
    tuf_result r = TUF_OK;
    size_t i;
    if (a->ca_file != NULL) r = tuf_updater_config_set_ca_file(config, a->ca_file, err);
    if (r == TUF_OK && a->client_cert != NULL)
        r = tuf_updater_config_set_client_cert(config, a->client_cert, a->client_key,
                                               a->client_key_password, err);
    if (r == TUF_OK && a->proxy != NULL) r = tuf_updater_config_set_proxy(config, a->proxy, err);
    for (i = 0; r == TUF_OK && i < a->n_headers; i++) {
        /* "Name: value": the name up to the first colon, the value without surrounding
         * spaces. */
        const char *colon = strchr(a->headers[i], ':');
        const char *value;
        size_t end;
        char *name;
        if (colon == NULL) {
            fprintf(stderr, "tuf-client: --header %s: expected 'NAME: VALUE'\n", a->headers[i]);
            return TUF_ERR_INVALID_ARGUMENT;
        }
        name = malloc((size_t)(colon - a->headers[i]) + 1);
        if (name == NULL) {
            return TUF_ERR_IO;
        }
        memcpy(name, a->headers[i], (size_t)(colon - a->headers[i]));
        name[colon - a->headers[i]] = '\0';
        value = colon + 1;
        while (*value == ' ' || *value == '\t') value++;
        end = strlen(value);
        while (end > 0 && (value[end - 1] == ' ' || value[end - 1] == '\t')) end--;
        {
            char *v = malloc(end + 1);
            if (v == NULL) {
                free(name);
                return TUF_ERR_IO;
            }
            memcpy(v, value, end);
            v[end] = '\0';
            r = tuf_updater_config_add_header(config, name, v, err);
            free(v);
        }
        free(name);
    }
    if (r == TUF_OK && (a->retries != NULL || a->retry_backoff_ms != NULL)) {
        long count = a->retries != NULL ? parse_number(a->retries, 100) : 0;
        long backoff = a->retry_backoff_ms != NULL ? parse_number(a->retry_backoff_ms, 30000)
                                                   : 1000;
        if (count < 0 || backoff < 0) {
            fprintf(stderr, "tuf-client: --retries takes 0 to 100 and --retry-backoff-ms 0 to "
                            "30000\n");
            return TUF_ERR_INVALID_ARGUMENT;
        }
        r = tuf_updater_config_set_retries(config, (uint32_t)count, (uint32_t)backoff, err);
    }
    return r;
}

static int init(const struct args *a) {
    tuf_updater_config *config = NULL;
    tuf_updater *updater = NULL;
    tuf_error *err = NULL;
    tuf_result r;
    size_t len = 0;
    unsigned char *root;

    errno = 0;
    root = read_file(a->trusted_root, &len);
    if (root == NULL) {
        fprintf(stderr, "tuf-client: %s: %s\n", a->trusted_root,
                errno != 0 ? strerror(errno) : "cannot read");
        return 1;
    }
    /* The updater verifies the root's own signatures and stores it; no network request. */
    r = tuf_updater_config_new(a->metadata_dir, "file:///nonexistent/", &config, &err);
    if (r == TUF_OK) {
        r = tuf_updater_config_set_bootstrap_root(config, root, len, &err);
    }
    if (r == TUF_OK) {
        r = tuf_updater_new(config, &updater, &err);
    }
    free(root);
    tuf_updater_config_free(config);
    tuf_updater_free(updater);
    if (r != TUF_OK) {
        return fail("init", r, err);
    }
    if (a->verbose) {
        fprintf(stderr, "tuf-client: trusted root %s stored in %s\n", a->trusted_root,
                a->metadata_dir);
    }
    return 0;
}

/* Applies the cache options to `config`. */
static tuf_result set_cache(const struct args *a, tuf_updater_config *config, tuf_error **err) {
    tuf_result r = TUF_OK;
    if (a->offline) r = tuf_updater_config_set_offline(config, true, err);
    if (r == TUF_OK && a->offline_accept_expired_unsafe) {
        fprintf(stderr, "tuf-client: warning: accepting expired metadata "
                        "(--offline-accept-expired-unsafe): no protection against freeze "
                        "attacks\n");
        r = tuf_updater_config_set_offline_accept_expired_unsafe(config, true, err);
    }
    if (r == TUF_OK && a->in_memory) {
        /* The trusted root init stored; nothing is written back. */
        char *path = malloc(strlen(a->metadata_dir) + sizeof "/root.json");
        unsigned char *root;
        size_t len = 0;
        if (path == NULL) {
            return TUF_ERR_IO;
        }
        strcpy(path, a->metadata_dir);
        strcat(path, "/root.json");
        errno = 0;
        root = read_file(path, &len);
        if (root == NULL) {
            fprintf(stderr, "tuf-client: %s: %s\n", path,
                    errno != 0 ? strerror(errno) : "cannot read");
            free(path);
            return TUF_ERR_INVALID_ARGUMENT;
        }
        free(path);
        r = tuf_updater_config_set_bootstrap_root(config, root, len, err);
        free(root);
        if (r == TUF_OK) r = tuf_updater_config_set_in_memory(config, true, err);
    }
    return r;
}

static tuf_result make_updater(const struct args *a, tuf_updater **out, tuf_error **err) {
    tuf_updater_config *config = NULL;
    /* Offline, the URL is never used. */
    const char *url = a->metadata_url != NULL ? a->metadata_url : "file:///offline/";
    tuf_result r = tuf_updater_config_new(a->metadata_dir, url, &config, err);
    const uint64_t big = (uint64_t)1 << 30;
    if (r == TUF_OK) r = tuf_updater_config_set_max_delegations(config, 1024, err);
    if (r == TUF_OK) r = tuf_updater_config_set_root_max_length(config, big, err);
    if (r == TUF_OK) r = tuf_updater_config_set_timestamp_max_length(config, big, err);
    if (r == TUF_OK) r = tuf_updater_config_set_snapshot_max_length(config, big, err);
    if (r == TUF_OK) r = tuf_updater_config_set_targets_max_length(config, big, err);
    if (r == TUF_OK && a->target_dir != NULL)
        r = tuf_updater_config_set_targets_dir(config, a->target_dir, err);
    if (r == TUF_OK && (a->target_base_url != NULL || a->offline))
        r = tuf_updater_config_set_targets_base_url(
            config, a->target_base_url != NULL ? a->target_base_url : "file:///offline/", err);
    if (r == TUF_OK && a->verbose)
        r = tuf_updater_config_set_log_callback(config, log_to_stderr, NULL, err);
    if (r == TUF_OK) r = set_transport(a, config, err);
    if (r == TUF_OK) r = set_cache(a, config, err);
    if (r == TUF_OK && a->max_connections != NULL) {
        long n = parse_number(a->max_connections, 64);
        if (n < 1) {
            fprintf(stderr, "tuf-client: --max-connections takes 1 to 64\n");
            r = TUF_ERR_INVALID_ARGUMENT;
        } else {
            r = tuf_updater_config_set_max_connections(config, (uint32_t)n, err);
        }
    }
    if (r == TUF_OK && a->no_resume) r = tuf_updater_config_set_resume(config, false, err);
    if (r == TUF_OK && a->timeout_ms != NULL)
        r = tuf_updater_config_set_timeout_ms(config, a->timeout, err);
    if (r == TUF_OK && a->lock_timeout_ms != NULL)
        r = tuf_updater_config_set_lock_timeout_ms(config, a->lock_timeout, err);
    /* Always: it is how SIGINT and SIGTERM cancel. */
    if (r == TUF_OK)
        r = tuf_updater_config_set_progress_callback(config, on_progress, &progress, err);
    if (r == TUF_OK) r = tuf_updater_new(config, out, err);
    /* On the live updater, as a device that learns the time after start-up would. */
    if (r == TUF_OK && a->reference_time != NULL) {
        r = tuf_updater_set_reference_time(*out, &a->reference_seconds, err);
        if (r != TUF_OK) {
            tuf_updater_free(*out);
            *out = NULL;
        }
    }
    tuf_updater_config_free(config);
    return r;
}

/* Prints what became of a target (with -v). */
static void report(const struct args *a, const char *name, const tuf_target_info *info,
                   int cached, const char *path) {
    if (a->verbose) {
        printf("%s: %llu bytes, %s %.16s..., listed by %s, %s %s\n", name,
               (unsigned long long)tuf_target_info_length(info),
               tuf_target_info_hash_algorithm(info, 0), tuf_target_info_hash_hex(info, 0),
               tuf_target_info_role(info), cached ? "already in" : "verified and saved to", path);
    }
}

/* One target, looked up already: downloaded unless its file is already there. */
static int download_one(const struct args *a, tuf_updater *updater, const char *name,
                        const tuf_target_info *info) {
    tuf_error *err = NULL;
    char *path = NULL;
    int cached;
    tuf_result r = tuf_updater_find_cached_target(updater, info, NULL, &path, &err);
    cached = r == TUF_OK && path != NULL;
    if (r == TUF_OK && !cached) {
        r = tuf_updater_download_target(updater, info, NULL, NULL, &path, &err);
    }
    if (r != TUF_OK) {
        return fail(name, r, err);
    }
    report(a, name, info, cached, path);
    tuf_string_free(path);
    return 0;
}

/* Several targets, looked up already: downloaded at once; files already there are not
 * downloaded again. */
static int download_many(const struct args *a, tuf_updater *updater,
                         tuf_target_info *const *infos, size_t n) {
    tuf_result *results = calloc(n, sizeof *results);
    tuf_error **errors = calloc(n, sizeof *errors);
    char **paths = calloc(n, sizeof *paths);
    int *cached = calloc(n, sizeof *cached);
    int status = 0;
    size_t i;
    tuf_error *err = NULL;
    tuf_result r;

    if (results == NULL || errors == NULL || paths == NULL || cached == NULL) {
        fprintf(stderr, "tuf-client: out of memory\n");
        status = 1;
        goto done;
    }
    for (i = 0; a->verbose && i < n; i++) {
        char *found = NULL;
        if (tuf_updater_find_cached_target(updater, infos[i], NULL, &found, NULL) == TUF_OK) {
            cached[i] = found != NULL;
            tuf_string_free(found);
        }
    }
    for (i = 0; i < n; i++) results[i] = UINT32_MAX;
    r = tuf_updater_download_targets(updater, (const tuf_target_info *const *)infos, n, NULL,
                                     NULL, results, errors, paths, &err);
    if (r != TUF_OK && results[0] == UINT32_MAX) {
        /* Failed before downloading: nothing was written to the arrays. */
        status = fail("download", r, err);
        goto done;
    }
    tuf_error_free(err);
    for (i = 0; i < n; i++) {
        if (results[i] == TUF_OK) {
            report(a, a->targets[i], infos[i], cached[i], paths[i]);
        } else {
            fail(a->targets[i], results[i], errors[i]);
            errors[i] = NULL;
            status = 1;
        }
    }
done:
    for (i = 0; i < n; i++) {
        if (errors != NULL) tuf_error_free(errors[i]);
        if (paths != NULL) tuf_string_free(paths[i]);
    }
    free(results);
    free(errors);
    free(paths);
    free(cached);
    return status;
}

/* Several targets, looked up and downloaded in one call: the delegated metadata the lookups
 * fetch is cached while the targets' files are created. When a name is not found, nothing is
 * downloaded: those before it are then downloaded (their metadata is trusted and cached by
 * now), and its failure reported, as one lookup after the other would have done. */
static int download_paths(const struct args *a, tuf_updater *updater) {
    size_t n = a->n_targets, i, found;
    tuf_target_info **infos = calloc(n, sizeof *infos);
    tuf_result *results = calloc(n, sizeof *results);
    tuf_error **errors = calloc(n, sizeof *errors);
    char **paths = calloc(n, sizeof *paths);
    tuf_error *err = NULL;
    tuf_result r;
    int status = 0;

    if (infos == NULL || results == NULL || errors == NULL || paths == NULL) {
        fprintf(stderr, "tuf-client: out of memory\n");
        status = 1;
        goto done;
    }
    for (i = 0; i < n; i++) results[i] = UINT32_MAX;
    r = tuf_updater_download_target_paths(updater, (const char *const *)a->targets, n, NULL,
                                          NULL, infos, results, errors, paths, &err);
    if (r != TUF_OK && results[0] == UINT32_MAX) {
        /* Failed before looking up (the refresh, say): nothing was written to the arrays.
         * Reported under the first name, as a lookup of it alone would be. */
        status = fail(a->targets[0], r, err);
        goto done;
    }
    tuf_error_free(err);
    for (found = 0; found < n && infos[found] != NULL; found++) {
    }
    if (found < n) {
        if (found == 1) {
            status = download_one(a, updater, a->targets[0], infos[0]);
        } else if (found > 1) {
            status = download_many(a, updater, infos, found);
        }
        status = fail(a->targets[found], results[found], errors[found]);
        errors[found] = NULL;
        goto done;
    }
    for (i = 0; i < n; i++) {
        if (results[i] != TUF_OK) {
            fail(a->targets[i], results[i], errors[i]);
            errors[i] = NULL;
            status = 1;
        }
    }
done:
    for (i = 0; i < n; i++) {
        if (infos != NULL) tuf_target_info_free(infos[i]);
        if (errors != NULL) tuf_error_free(errors[i]);
        if (paths != NULL) tuf_string_free(paths[i]);
    }
    free(infos);
    free(results);
    free(errors);
    free(paths);
    return status;
}

/* The targets in order. Several without --verbose: download_paths. Otherwise all looked up
 * at once (the delegated metadata the lookups need is fetched several roles at a time); those
 * found before the first that is not are downloaded (several at once), then that lookup's
 * failure is reported. */
static int download(const struct args *a, tuf_updater *updater) {
    tuf_target_info **infos;
    tuf_result *results;
    tuf_error **errors;
    tuf_error *err = NULL;
    tuf_result r;
    size_t i, n;
    int status = 0;

    /* --verbose says whether each file was there already, which needs its info before the
     * download: the lookups and the downloads are then two calls. */
    if (a->n_targets > 1 && !a->verbose) {
        return download_paths(a, updater);
    }
    infos = calloc(a->n_targets, sizeof *infos);
    results = calloc(a->n_targets, sizeof *results);
    errors = calloc(a->n_targets, sizeof *errors);
    if (infos == NULL || results == NULL || errors == NULL) {
        fprintf(stderr, "tuf-client: out of memory\n");
        status = 1;
        goto done;
    }
    for (i = 0; i < a->n_targets; i++) results[i] = UINT32_MAX;
    r = tuf_updater_get_target_infos(updater, (const char *const *)a->targets, a->n_targets,
                                     infos, results, errors, &err);
    if (r != TUF_OK && results[0] == UINT32_MAX) {
        /* Failed before looking up (the refresh, say): nothing was written to the arrays.
         * Reported under the first name, as a lookup of it alone would be. */
        status = fail(a->targets[0], r, err);
        goto done;
    }
    tuf_error_free(err);
    for (n = 0; n < a->n_targets && results[n] == TUF_OK; n++) {
    }
    if (n == 1) {
        status = download_one(a, updater, a->targets[0], infos[0]);
    } else if (n > 1) {
        status = download_many(a, updater, infos, n);
    }
    if (n < a->n_targets) {
        status = fail(a->targets[n], results[n], errors[n]);
        errors[n] = NULL;
    }
done:
    for (i = 0; i < a->n_targets; i++) {
        if (infos != NULL) tuf_target_info_free(infos[i]);
        if (errors != NULL) tuf_error_free(errors[i]);
    }
    free(infos);
    free(results);
    free(errors);
    return status;
}

int main(int argc, char **argv) {
    struct args a;
    tuf_updater *updater = NULL;
    tuf_error *err = NULL;
    tuf_result r;
    int status;

    if (parse_args(argc, argv, &a) != 0) {
        usage(stderr);
        return 2;
    }
    if (a.help) {
        help();
        return 0;
    }
    if (strcmp(a.command, "init") == 0) {
        return init(&a);
    }
    if (install_signal_handlers() != 0) {
        return 1;
    }
    progress.print = a.progress;
    progress.cancel_after_set = a.cancel_after_bytes != NULL;
    progress.cancel_after = a.cancel_after;
    r = make_updater(&a, &updater, &err);
    if (r != TUF_OK) {
        free_progress(&progress);
        return fail("cannot create the updater", r, err);
    }
    r = tuf_updater_refresh(updater, &err);
    if (r != TUF_OK) {
        status = fail("refresh", r, err);
    } else {
        status = strcmp(a.command, "download") == 0 ? download(&a, updater) : 0;
    }
    tuf_updater_free(updater);
    free_progress(&progress);
    return status;
}
