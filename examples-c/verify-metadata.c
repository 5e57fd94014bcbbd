/*
 * verify-metadata: verifies TUF metadata the caller already has, with libtuf's verifier and
 * no network: a trusted root, then the files of a repository's metadata directory (N.root.json
 * for newer roots, timestamp.json, snapshot, targets, and delegated roles as the search needs
 * them), then looks up each TARGET through the delegations.
 *
 *   verify-metadata TRUSTED_ROOT METADATA_DIR [TARGET ...]
 *   verify-metadata --help
 *
 * Exit status 0 when everything verified and every target was found, 1 otherwise.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tuf.h>

struct repo {
    const char *dir;
    tuf_verifier *verifier;
    bool consistent_snapshot; /* of the trusted root, read before the target search */
};

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

/* Reads DIR/NAME where NAME is "ROLE.json", or "V.ROLE.json" under consistent snapshots. */
static unsigned char *read_role(const struct repo *repo, const char *role, uint64_t version,
                                size_t *len) {
    char path[4096];
    if (version > 0 && repo->consistent_snapshot) {
        snprintf(path, sizeof path, "%s/%llu.%s.json", repo->dir, (unsigned long long)version,
                 role);
    } else {
        snprintf(path, sizeof path, "%s/%s.json", repo->dir, role);
    }
    return read_file(path, len);
}

/* The loader the delegation search calls for each delegated role it needs, with the version
 * trusted snapshot lists. It must not call the verifier: the search is using it. */
static int load_role(void *userdata, const char *role, uint64_t version, uint64_t max_length,
                     tuf_sink *sink) {
    const struct repo *repo = userdata;
    size_t len = 0;
    unsigned char *data = read_role(repo, role, version, &len);
    tuf_result r;
    (void)max_length; /* libtuf enforces it in tuf_sink_write */
    if (data == NULL) {
        return -1;
    }
    r = tuf_sink_write(sink, data, len);
    free(data);
    if (r == TUF_OK) {
        printf("%s: verified (delegated role)\n", role);
    }
    return r == TUF_OK ? 0 : -1;
}

static int check(const char *what, tuf_result r, tuf_error *err) {
    if (r == TUF_OK) {
        printf("%s: verified\n", what);
        return 0;
    }
    fprintf(stderr, "verify-metadata: %s: %s\n", what,
            err != NULL ? tuf_error_message(err) : tuf_result_str(r));
    tuf_error_free(err);
    return 1;
}

int main(int argc, char **argv) {
    struct repo repo;
    tuf_error *err = NULL;
    unsigned char *data;
    size_t len = 0;
    uint64_t v;
    int i, status = 0;
    tuf_result r;
    const char *prog = argc > 0 && argv[0][0] != '\0' ? argv[0] : "verify-metadata";

    if (strrchr(prog, '/') != NULL) {
        prog = strrchr(prog, '/') + 1;
    }
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("usage: %s TRUSTED_ROOT METADATA_DIR [TARGET ...]\n"
               "\n"
               "Verifies the TUF metadata in METADATA_DIR (N.root.json, timestamp.json, snapshot,\n"
               "targets and delegated roles) starting from TRUSTED_ROOT, without network access,\n"
               "then looks up each TARGET through the delegations. Exit status: 0 when all\n"
               "verified and every target was found, 1 otherwise, 2 on bad usage.\n",
               prog);
        return 0;
    }
    if (argc < 3) {
        fprintf(stderr, "usage: %s TRUSTED_ROOT METADATA_DIR [TARGET ...]\n", prog);
        return 2;
    }
    repo.dir = argv[2];
    repo.verifier = NULL;
    repo.consistent_snapshot = false;
    data = read_file(argv[1], &len);
    if (data == NULL) {
        perror(argv[1]);
        return 1;
    }
    r = tuf_verifier_new(data, len, NULL, 0, &repo.verifier, &err);
    free(data);
    if (check("trusted root", r, err)) {
        return 1;
    }
    /* 5.3: newer roots, N+1, N+2, ... as long as the directory has them. */
    for (v = tuf_verifier_root_version(repo.verifier) + 1;; v++) {
        char name[64];
        char path[4096];
        snprintf(name, sizeof name, "%llu.root", (unsigned long long)v);
        snprintf(path, sizeof path, "%s/%s.json", repo.dir, name);
        data = read_file(path, &len);
        if (data == NULL) {
            break;
        }
        err = NULL;
        r = tuf_verifier_update_root(repo.verifier, data, len, &err);
        free(data);
        if (check(name, r, err)) {
            status = 1;
            goto out;
        }
    }
    repo.consistent_snapshot = tuf_verifier_consistent_snapshot(repo.verifier);
    data = read_role(&repo, "timestamp", 0, &len);
    r = data != NULL ? tuf_verifier_update_timestamp(repo.verifier, data, len, NULL, &err)
                     : TUF_ERR_IO;
    free(data);
    if (check("timestamp", r, err)) {
        status = 1;
        goto out;
    }
    data = read_role(&repo, "snapshot", tuf_verifier_snapshot_version(repo.verifier), &len);
    r = data != NULL ? tuf_verifier_update_snapshot(repo.verifier, data, len, false, &err)
                     : TUF_ERR_IO;
    free(data);
    if (check("snapshot", r, err)) {
        status = 1;
        goto out;
    }
    data = read_role(&repo, "targets", tuf_verifier_role_version(repo.verifier, "targets"), &len);
    r = data != NULL ? tuf_verifier_update_targets(repo.verifier, data, len, &err) : TUF_ERR_IO;
    free(data);
    if (check("targets", r, err)) {
        status = 1;
        goto out;
    }
    for (i = 3; i < argc; i++) {
        tuf_target_info *info = NULL;
        r = tuf_verifier_find_target_versioned(repo.verifier, argv[i], 0, load_role, &repo, &info,
                                               &err);
        if (r != TUF_OK) {
            fprintf(stderr, "verify-metadata: %s: %s\n", argv[i],
                    err != NULL ? tuf_error_message(err) : tuf_result_str(r));
            tuf_error_free(err);
            status = 1;
            continue;
        }
        printf("%s: %llu bytes, %s %s, listed by %s\n", argv[i],
               (unsigned long long)tuf_target_info_length(info),
               tuf_target_info_hash_algorithm(info, 0), tuf_target_info_hash_hex(info, 0),
               tuf_target_info_role(info));
        tuf_target_info_free(info);
    }
out:
    tuf_verifier_free(repo.verifier);
    return status;
}
