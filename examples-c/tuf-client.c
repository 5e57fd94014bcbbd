/*
 * tuf-client: a TUF client over libtuf's C API, speaking the standard TUF client test CLI:
 *
 *   tuf-client [-v] --metadata-dir DIR init TRUSTED_ROOT
 *   tuf-client [-v] --metadata-dir DIR --metadata-url URL refresh
 *   tuf-client [-v] --metadata-dir DIR --metadata-url URL --target-name NAME [--target-name NAME ...]
 *              --target-base-url URL --target-dir DIR download
 *
 * Exit status 0 on success, 1 on failure (the reason on stderr), 2 on bad usage. With -v it
 * reports each verification step on stderr and each target on stdout. Like the other
 * benchmark clients it raises the metadata length limits to 1 GiB and the delegation limit to
 * 1024 so that large benchmark repositories load.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tuf.h>

#define MAX_TARGETS 4096

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
};

static void usage(void) {
    fprintf(stderr,
            "usage:\n"
            "  tuf-client [-v] --metadata-dir DIR init TRUSTED_ROOT\n"
            "  tuf-client [-v] --metadata-dir DIR --metadata-url URL refresh\n"
            "  tuf-client [-v] --metadata-dir DIR --metadata-url URL --target-name NAME "
            "[--target-name NAME ...]\n"
            "             --target-base-url URL --target-dir DIR download\n");
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
    if (a->command == NULL || a->metadata_dir == NULL) {
        fprintf(stderr, "tuf-client: a command and --metadata-dir are required\n");
        return -1;
    }
    return 0;
}

static void log_to_stderr(void *userdata, int level, const char *message) {
    (void)userdata;
    fprintf(stderr, "tuf-client: %s%s\n", level >= TUF_LOG_WARN ? "warning: " : "", message);
}

/* Reports a failed call; returns 1 (the exit status). */
static int fail(const char *what, tuf_result r, tuf_error *err) {
    fprintf(stderr, "tuf-client: %s: %s\n", what,
            err != NULL ? tuf_error_message(err) : tuf_result_str(r));
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

static int init(const struct args *a) {
    tuf_updater_config *config = NULL;
    tuf_updater *updater = NULL;
    tuf_error *err = NULL;
    tuf_result r;
    size_t len = 0;
    unsigned char *root;

    if (a->trusted_root == NULL) {
        fprintf(stderr, "tuf-client: init needs TRUSTED_ROOT\n");
        return 2;
    }
    root = read_file(a->trusted_root, &len);
    if (root == NULL) {
        perror(a->trusted_root);
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

static tuf_result make_updater(const struct args *a, tuf_updater **out, tuf_error **err) {
    tuf_updater_config *config = NULL;
    tuf_result r = tuf_updater_config_new(a->metadata_dir, a->metadata_url, &config, err);
    const uint64_t big = (uint64_t)1 << 30;
    if (r == TUF_OK) r = tuf_updater_config_set_max_delegations(config, 1024, err);
    if (r == TUF_OK) r = tuf_updater_config_set_root_max_length(config, big, err);
    if (r == TUF_OK) r = tuf_updater_config_set_timestamp_max_length(config, big, err);
    if (r == TUF_OK) r = tuf_updater_config_set_snapshot_max_length(config, big, err);
    if (r == TUF_OK) r = tuf_updater_config_set_targets_max_length(config, big, err);
    if (r == TUF_OK && a->target_dir != NULL)
        r = tuf_updater_config_set_targets_dir(config, a->target_dir, err);
    if (r == TUF_OK && a->target_base_url != NULL)
        r = tuf_updater_config_set_targets_base_url(config, a->target_base_url, err);
    if (r == TUF_OK && a->verbose)
        r = tuf_updater_config_set_log_callback(config, log_to_stderr, NULL, err);
    if (r == TUF_OK) r = tuf_updater_new(config, out, err);
    tuf_updater_config_free(config);
    return r;
}

static int download(const struct args *a, tuf_updater *updater) {
    size_t i;
    for (i = 0; i < a->n_targets; i++) {
        tuf_target_info *info = NULL;
        tuf_error *err = NULL;
        char *path = NULL;
        int cached;
        tuf_result r = tuf_updater_get_target_info(updater, a->targets[i], &info, &err);
        if (r != TUF_OK) {
            return fail(a->targets[i], r, err);
        }
        r = tuf_updater_find_cached_target(updater, info, NULL, &path, &err);
        cached = r == TUF_OK && path != NULL;
        if (r == TUF_OK && !cached) {
            r = tuf_updater_download_target(updater, info, NULL, NULL, &path, &err);
        }
        if (r != TUF_OK) {
            tuf_target_info_free(info);
            return fail(a->targets[i], r, err);
        }
        if (a->verbose) {
            printf("%s: %llu bytes, %s %.16s..., listed by %s, %s %s\n", a->targets[i],
                   (unsigned long long)tuf_target_info_length(info),
                   tuf_target_info_hash_algorithm(info, 0), tuf_target_info_hash_hex(info, 0),
                   tuf_target_info_role(info), cached ? "already in" : "verified and saved to",
                   path);
        }
        tuf_string_free(path);
        tuf_target_info_free(info);
    }
    return 0;
}

int main(int argc, char **argv) {
    struct args a;
    tuf_updater *updater = NULL;
    tuf_error *err = NULL;
    tuf_result r;
    int status;

    if (parse_args(argc, argv, &a) != 0) {
        usage();
        return 2;
    }
    if (strcmp(a.command, "init") == 0) {
        return init(&a);
    }
    if (strcmp(a.command, "refresh") != 0 && strcmp(a.command, "download") != 0) {
        fprintf(stderr, "tuf-client: unknown command %s\n", a.command);
        usage();
        return 2;
    }
    if (a.metadata_url == NULL) {
        fprintf(stderr, "tuf-client: --metadata-url is required\n");
        return 2;
    }
    if (strcmp(a.command, "download") == 0 &&
        (a.n_targets == 0 || a.target_base_url == NULL || a.target_dir == NULL)) {
        fprintf(stderr, "tuf-client: download needs --target-name, --target-base-url and "
                        "--target-dir\n");
        return 2;
    }
    r = make_updater(&a, &updater, &err);
    if (r != TUF_OK) {
        return fail("cannot create the updater", r, err);
    }
    r = tuf_updater_refresh(updater, &err);
    if (r != TUF_OK) {
        tuf_updater_free(updater);
        return fail("refresh", r, err);
    }
    status = strcmp(a.command, "download") == 0 ? download(&a, updater) : 0;
    tuf_updater_free(updater);
    return status;
}
