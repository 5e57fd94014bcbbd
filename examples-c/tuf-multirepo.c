/*
 * tuf-multirepo: accept a target only when several TUF repositories agree on it (TAP 4).
 *
 *   tuf-multirepo MAP_FILE PARENT_DIR NAME=ROOT_FILE... -- TARGET...
 *
 * MAP_FILE is a TAP 4 map file (which repositories exist, their mirror URLs, and which of them
 * must agree on which target paths); each NAME=ROOT_FILE gives the trusted root of a
 * repository of the map; PARENT_DIR holds each repository's metadata cache
 * (PARENT_DIR/metadata/NAME) and the downloaded targets (PARENT_DIR/targets).
 *
 * For each TARGET it prints either "TARGET: accepted by NAME, NAME -> PATH" (the target was
 * downloaded and verified against the agreed length and hashes) or "TARGET: refused: WHY".
 * Exit status: 0 if every target was accepted, 1 if any was refused, 2 on any other error.
 *
 * With the bundled demo (examples-c/multirepo-demo, whose map.json.in the build turns into
 * multirepo-map.json), app-1.0.tar.gz is accepted: vendor and distro list the same file;
 * readme.txt is refused: they list different files; vendor-only.txt is refused: only one of
 * the two required repositories lists it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tuf.h>

static unsigned char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    unsigned char *data = NULL;
    long size;
    if (f == NULL) {
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        data = malloc((size_t)size + 1);
        if (data != NULL && fread(data, 1, (size_t)size, f) != (size_t)size) {
            free(data);
            data = NULL;
        }
        *len = (size_t)size;
    }
    fclose(f);
    return data;
}

static int fail(const char *what, tuf_result rc, tuf_error *err) {
    fprintf(stderr, "tuf-multirepo: %s: %s (%s)\n", what,
            err != NULL ? tuf_error_message(err) : "", tuf_result_str(rc));
    tuf_error_free(err);
    return 2;
}

/* Sets the trusted root of NAME from "NAME=ROOT_FILE". */
static int set_root(tuf_multirepo_config *cfg, const char *arg) {
    const char *eq = strchr(arg, '=');
    char name[128];
    unsigned char *root;
    size_t len = 0, name_len;
    tuf_error *err = NULL;
    tuf_result rc;
    if (eq == NULL || (name_len = (size_t)(eq - arg)) == 0 || name_len >= sizeof name) {
        fprintf(stderr, "tuf-multirepo: expected NAME=ROOT_FILE, got %s\n", arg);
        return 2;
    }
    memcpy(name, arg, name_len);
    name[name_len] = '\0';
    root = read_file(eq + 1, &len);
    if (root == NULL) {
        fprintf(stderr, "tuf-multirepo: cannot read %s\n", eq + 1);
        return 2;
    }
    rc = tuf_multirepo_config_set_trusted_root(cfg, name, root, len, &err);
    free(root);
    return rc == TUF_OK ? 0 : fail(name, rc, err);
}

/* Looks up and downloads one target; returns 0 (accepted), 1 (refused) or 2 (error). */
static int fetch_target(tuf_multirepo *multi, const char *path) {
    tuf_multirepo_target *target = NULL;
    tuf_error *err = NULL;
    char *written = NULL;
    size_t i, n;
    tuf_result rc = tuf_multirepo_get_target_info(multi, path, &target, &err);
    if (rc == TUF_ERR_TARGET_NOT_FOUND || rc == TUF_ERR_REPOSITORY) {
        /* Not listed, or not agreed on by enough repositories: refused, not an error. */
        printf("%s: refused: %s\n", path, tuf_error_message(err));
        tuf_error_free(err);
        return 1;
    }
    if (rc != TUF_OK) {
        return fail(path, rc, err);
    }
    rc = tuf_multirepo_download_target(multi, target, NULL, &written, &err);
    if (rc != TUF_OK) {
        tuf_multirepo_target_free(target);
        return fail(path, rc, err);
    }
    printf("%s: accepted by", path);
    n = tuf_multirepo_target_repository_count(target);
    for (i = 0; i < n; i++) {
        if (tuf_multirepo_target_repository_agreed(target, i)) {
            printf(" %s", tuf_multirepo_target_repository_name(target, i));
        }
    }
    printf(" -> %s\n", written);
    tuf_string_free(written);
    tuf_multirepo_target_free(target);
    return 0;
}

int main(int argc, char **argv) {
    tuf_multirepo_config *cfg = NULL;
    tuf_multirepo *multi = NULL;
    tuf_error *err = NULL;
    tuf_result rc;
    int i, status = 0, targets = 0;

    if (argc < 5) {
        fprintf(stderr, "usage: tuf-multirepo MAP_FILE PARENT_DIR NAME=ROOT_FILE... -- "
                        "TARGET...\n");
        return 2;
    }
    rc = tuf_multirepo_config_new_from_file(argv[2], argv[1], &cfg, &err);
    if (rc != TUF_OK) {
        return fail(argv[1], rc, err);
    }
    for (i = 3; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (set_root(cfg, argv[i]) != 0) {
            tuf_multirepo_config_free(cfg);
            return 2;
        }
    }
    rc = tuf_multirepo_new(cfg, &multi, &err);
    tuf_multirepo_config_free(cfg);
    if (rc != TUF_OK) {
        return fail("creating the client", rc, err);
    }
    /* A repository that cannot be refreshed is reported; the others are still used. */
    rc = tuf_multirepo_refresh(multi, &err);
    if (rc != TUF_OK) {
        fprintf(stderr, "tuf-multirepo: warning: %s\n", tuf_error_message(err));
        tuf_error_free(err);
    }
    for (i = i + 1; i < argc; i++) {
        int r = fetch_target(multi, argv[i]);
        targets++;
        if (r > status) {
            status = r;
        }
    }
    tuf_multirepo_free(multi);
    if (targets == 0) {
        fprintf(stderr, "tuf-multirepo: no TARGET given after --\n");
        return 2;
    }
    return status;
}
