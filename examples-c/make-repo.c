/*
 * make-repo: writes a complete TUF repository with libtuf's Metadata API, in C alone.
 *
 *   make-repo OUT_DIR
 *
 * It generates keys, then writes into OUT_DIR/metadata/ and OUT_DIR/targets/:
 *   - root version 1, and version 2 after a rotation of the root key (signed by the old and
 *     the new key, as clients require); 1.root.json is the trusted root to ship with clients;
 *   - targets with three targets, delegating "projects/ *" to the role "projects", which
 *     lists a target of its own (signed with an ECDSA key);
 *   - snapshot and timestamp;
 *   - consistent snapshots: VERSION.ROLE.json metadata, and every target file also as
 *     DIR/HASH.NAME for each of its hashes (SHA-256 and SHA-512).
 * Every file is verified (tuf_metadata_verify_delegate) before it is written. Exit status 0 on
 * success, 1 on failure (the reason on stderr), 2 on bad usage.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <tuf.h>

#define DAY INT64_C(86400)

static const char *out_dir;

/* Exits with libtuf's message if `r` is an error. */
static void check(tuf_result r, tuf_error *err, const char *what) {
    if (r != TUF_OK) {
        fprintf(stderr, "make-repo: %s: %s (%s)\n", what, tuf_error_message(err),
                tuf_result_str(r));
        tuf_error_free(err);
        exit(1);
    }
}

/* snprintf into `buf` (`size` bytes); exits if the result does not fit. */
static void format(char *buf, size_t size, const char *fmt, ...) {
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= size) {
        fprintf(stderr, "make-repo: path too long\n");
        exit(1);
    }
}

/* mkdir -p OUT_DIR/rel. */
static void make_dirs(const char *rel) {
    char path[4096];
    char *p;
    format(path, sizeof path, "%s/%s", out_dir, rel);
    for (p = path + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char c = *p;
            *p = '\0';
            if (mkdir(path, 0755) != 0 && errno != EEXIST) {
                fprintf(stderr, "make-repo: cannot create %s: %s\n", path, strerror(errno));
                exit(1);
            }
            *p = c;
            if (c == '\0') {
                break;
            }
        }
    }
}

/* Writes OUT_DIR/rel. */
static void write_file(const char *rel, const void *data, size_t len) {
    char path[4096];
    FILE *f;
    format(path, sizeof path, "%s/%s", out_dir, rel);
    f = fopen(path, "wb");
    if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "make-repo: cannot write %s: %s\n", path, strerror(errno));
        exit(1);
    }
}

static tuf_signer *new_key(const char *scheme, const char *what) {
    tuf_signer *s = NULL;
    tuf_error *err = NULL;
    check(tuf_signer_generate(scheme, &s, &err), err, what);
    printf("key  %-10s %-20s keyid %.16s...\n", what, scheme, tuf_key_keyid(tuf_signer_key(s)));
    return s;
}

static tuf_metadata *new_md(tuf_role_type role, int64_t expires) {
    tuf_metadata *md = NULL;
    tuf_error *err = NULL;
    check(tuf_metadata_new(role, expires, &md, &err), err, "tuf_metadata_new");
    return md;
}

/* Signs `md` with `signer` (replacing other signatures unless `append`). */
static void sign(tuf_metadata *md, const tuf_signer *signer, bool append) {
    tuf_error *err = NULL;
    check(tuf_metadata_sign(md, signer, append, &err), err, "tuf_metadata_sign");
}

/* Verifies that `delegator` gives `role` to the signers of `md`. */
static void verify(const tuf_metadata *delegator, const char *role, const tuf_metadata *md) {
    tuf_error *err = NULL;
    check(tuf_metadata_verify_delegate(delegator, role, md, &err), err, role);
}

/* Writes `md` (python-tuf's format) as metadata/NAME for each NAME in `names` (NULL-ended);
 * returns the bytes (free with tuf_bytes_free) and their length. */
static uint8_t *publish(const tuf_metadata *md, const char *const *names, size_t *len) {
    uint8_t *bytes = NULL;
    tuf_error *err = NULL;
    char rel[512];
    check(tuf_metadata_to_bytes(md, TUF_FORMAT_PRETTY, &bytes, len, &err), err, "to_bytes");
    for (; *names != NULL; names++) {
        format(rel, sizeof rel, "metadata/%s", *names);
        write_file(rel, bytes, *len);
        printf("wrote %-26s version %llu, %zu bytes, %zu signature(s)\n", rel,
               (unsigned long long)tuf_metadata_version(md), *len,
               tuf_metadata_signature_count(md));
    }
    return bytes;
}

/* Writes the target `path` with `data` as targets/PATH and, for consistent snapshots, as
 * targets/DIR/HASH.NAME for each hash of its entry; returns the entry. */
static tuf_target_file *add_target(tuf_metadata *targets, const char *path, const char *data,
                                   const char *custom_json) {
    tuf_target_file *tf = NULL;
    tuf_error *err = NULL;
    char rel[4096], local[4096], dir[512];
    const char *slash = strrchr(path, '/');
    size_t i, dir_len = slash != NULL ? (size_t)(slash - path) + 1 : 0;

    format(dir, sizeof dir, "targets/%.*s", (int)dir_len, path);
    make_dirs(dir);
    format(rel, sizeof rel, "targets/%s", path);
    write_file(rel, data, strlen(data));
    /* The entry (length, SHA-256, SHA-512) from the file just written. */
    format(local, sizeof local, "%s/%s", out_dir, rel);
    check(tuf_target_file_from_file(path, local, &tf, &err), err, path);
    if (custom_json != NULL) {
        check(tuf_target_file_set_custom(tf, custom_json, &err), err, path);
    }
    for (i = 0; i < tuf_target_file_hash_count(tf); i++) {
        format(rel, sizeof rel, "%s%s.%s", dir, tuf_target_file_hash_hex(tf, i),
                 path + dir_len);
        write_file(rel, data, strlen(data));
    }
    check(tuf_metadata_targets_add(targets, tf, &err), err, path);
    printf("target %-24s %llu bytes, as targets/%s and %zu hash-prefixed copies\n", path,
           (unsigned long long)tuf_target_file_length(tf), path, tuf_target_file_hash_count(tf));
    return tf;
}

int main(int argc, char **argv) {
    static const char *const project_paths[1] = {"projects/*"};
    static const char *const root_v1[] = {"1.root.json", NULL};
    static const char *const root_v2[] = {"2.root.json", "root.json", NULL};
    static const char *const targets_names[] = {"1.targets.json", "targets.json", NULL};
    static const char *const projects_names[] = {"1.projects.json", "projects.json", NULL};
    static const char *const snapshot_names[] = {"1.snapshot.json", "snapshot.json", NULL};
    static const char *const timestamp_names[] = {"timestamp.json", NULL};
    tuf_signer *root_a, *root_b, *ts_key, *snap_key, *targets_key, *projects_key;
    tuf_metadata *root, *root2, *targets, *projects, *snapshot, *timestamp;
    tuf_target_file *tf[4];
    tuf_error *err = NULL;
    uint8_t *bytes[6];
    size_t len[6], i;
    int64_t now = (int64_t)time(NULL);

    if (argc != 2) {
        fprintf(stderr, "usage: %s OUT_DIR\n", argv[0]);
        return 2;
    }
    out_dir = argv[1];
    make_dirs("metadata");
    make_dirs("targets");

    /* Keys, from the system's random source. */
    root_a = new_key("ed25519", "root (v1)");
    root_b = new_key("ed25519", "root (v2)");
    ts_key = new_key("ed25519", "timestamp");
    snap_key = new_key("ed25519", "snapshot");
    targets_key = new_key("ed25519", "targets");
    projects_key = new_key("ecdsa-sha2-nistp256", "projects");

    /* Root v1: consistent snapshots (the default), one key per role. */
    root = new_md(TUF_ROLE_ROOT, now + 365 * DAY);
    check(tuf_metadata_root_add_key(root, TUF_ROLE_ROOT, tuf_signer_key(root_a), &err), err, "root");
    check(tuf_metadata_root_add_key(root, TUF_ROLE_TIMESTAMP, tuf_signer_key(ts_key), &err), err,
          "timestamp key");
    check(tuf_metadata_root_add_key(root, TUF_ROLE_SNAPSHOT, tuf_signer_key(snap_key), &err), err,
          "snapshot key");
    check(tuf_metadata_root_add_key(root, TUF_ROLE_TARGETS, tuf_signer_key(targets_key), &err),
          err, "targets key");
    sign(root, root_a, false);
    verify(root, "root", root);
    bytes[0] = publish(root, root_v1, &len[0]);

    /* Root v2: the root key rotated. Signed by the new key and by the old one, so that a
     * client trusting v1 accepts it (spec 5.3.4). */
    check(tuf_metadata_from_bytes(bytes[0], len[0], &root2, &err), err, "root v2");
    check(tuf_metadata_root_revoke_key(root2, TUF_ROLE_ROOT, tuf_key_keyid(tuf_signer_key(root_a)),
                                       &err),
          err, "revoke");
    check(tuf_metadata_root_add_key(root2, TUF_ROLE_ROOT, tuf_signer_key(root_b), &err), err,
          "rotate");
    check(tuf_metadata_bump_version(root2, &err), err, "root v2");
    sign(root2, root_b, false);
    sign(root2, root_a, true);
    verify(root, "root", root2);
    verify(root2, "root", root2);
    bytes[1] = publish(root2, root_v2, &len[1]);

    /* Targets: three targets, and a delegation of projects/ * to "projects". */
    targets = new_md(TUF_ROLE_TARGETS, now + 90 * DAY);
    tf[0] = add_target(targets, "hello.txt", "Hello from a TUF repository made in C.\n", NULL);
    tf[1] = add_target(targets, "docs/README.md", "# Docs\n\nVerified by TUF before use.\n", NULL);
    tf[2] = add_target(targets, "apps/app-1.0.bin", "app 1.0 payload\n",
                       "{\"version\": \"1.0\", \"channel\": \"stable\"}");
    check(tuf_metadata_delegations_add_role(targets, "projects", 1, true, project_paths, 1, NULL, 0,
                                            &err),
          err, "delegation");
    check(tuf_metadata_delegations_add_key(targets, "projects", tuf_signer_key(projects_key), &err),
          err, "delegated key");
    sign(targets, targets_key, false);
    verify(root2, "targets", targets);
    bytes[2] = publish(targets, targets_names, &len[2]);

    /* The delegated role, with its own target. */
    projects = new_md(TUF_ROLE_TARGETS, now + 90 * DAY);
    tf[3] = add_target(projects, "projects/widget.txt", "widget, listed by projects\n", NULL);
    sign(projects, projects_key, false);
    verify(targets, "projects", projects);
    bytes[3] = publish(projects, projects_names, &len[3]);

    /* Snapshot: the version, length and SHA-256 of every targets metadata file. */
    snapshot = new_md(TUF_ROLE_SNAPSHOT, now + 7 * DAY);
    check(tuf_metadata_meta_set_from_bytes(snapshot, "targets.json", 1, bytes[2], len[2], &err),
          err, "snapshot meta");
    check(tuf_metadata_meta_set_from_bytes(snapshot, "projects.json", 1, bytes[3], len[3], &err),
          err, "snapshot meta");
    sign(snapshot, snap_key, false);
    verify(root2, "snapshot", snapshot);
    bytes[4] = publish(snapshot, snapshot_names, &len[4]);

    /* Timestamp: the snapshot's version, length and SHA-256. */
    timestamp = new_md(TUF_ROLE_TIMESTAMP, now + DAY);
    check(tuf_metadata_meta_set_from_bytes(timestamp, "snapshot.json", 1, bytes[4], len[4], &err),
          err, "timestamp meta");
    sign(timestamp, ts_key, false);
    verify(root2, "timestamp", timestamp);
    bytes[5] = publish(timestamp, timestamp_names, &len[5]);

    printf("repository in %s: trusted root to ship with clients: %s/metadata/1.root.json\n",
           out_dir, out_dir);

    for (i = 0; i < 6; i++) {
        tuf_bytes_free(bytes[i]);
    }
    for (i = 0; i < 4; i++) {
        tuf_target_file_free(tf[i]);
    }
    tuf_metadata_free(root);
    tuf_metadata_free(root2);
    tuf_metadata_free(targets);
    tuf_metadata_free(projects);
    tuf_metadata_free(snapshot);
    tuf_metadata_free(timestamp);
    tuf_signer_free(root_a);
    tuf_signer_free(root_b);
    tuf_signer_free(ts_key);
    tuf_signer_free(snap_key);
    tuf_signer_free(targets_key);
    tuf_signer_free(projects_key);
    return 0;
}
