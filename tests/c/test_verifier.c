/*
 * test_verifier: the metadata verifier over the demo repository's files, as a program with
 * its own transport would use it: the workflow in order, the order enforced, tampered bytes
 * rejected, expiry against the reference time, the version accessors, and the delegation
 * search with a loader callback.
 *
 *   test_verifier DEMO_REPO_DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tuf.h>

#include "testutil.h"

struct blob {
    unsigned char *data;
    size_t len;
};

struct repo {
    struct blob root, ts, snap, targets, apps;
};

static struct blob load(const char *demo, const char *name) {
    struct blob b;
    char *path = tu_format("%s/%s", demo, name);
    b.len = 0;
    b.data = tu_read_file(path, &b.len);
    CHECK(b.data != NULL);
    free(path);
    return b;
}

/* A copy of `b` with its first "2099" made "2098" (in the signed part of every demo file). */
static struct blob tampered(const struct blob *b) {
    struct blob t;
    char *p;
    t.len = b->len;
    t.data = malloc(b->len + 1);
    memcpy(t.data, b->data, b->len + 1);
    p = strstr((char *)t.data, "2099");
    CHECK(p != NULL);
    p[3] = '8';
    return t;
}

static tuf_verifier *new_verifier(const struct repo *r, const int64_t *now) {
    tuf_verifier *v = NULL;
    CHECK_OK(tuf_verifier_new(r->root.data, r->root.len, now, 0, &v, &err));
    CHECK(v != NULL);
    return v;
}

/* A verifier with timestamp, snapshot and top-level targets trusted. */
static tuf_verifier *loaded_verifier(const struct repo *r) {
    tuf_verifier *v = new_verifier(r, NULL);
    CHECK_OK(tuf_verifier_update_timestamp(v, r->ts.data, r->ts.len, NULL, &err));
    CHECK_OK(tuf_verifier_update_snapshot(v, r->snap.data, r->snap.len, false, &err));
    CHECK_OK(tuf_verifier_update_targets(v, r->targets.data, r->targets.len, &err));
    return v;
}

static void test_new(const struct repo *r) {
    tuf_verifier *v = TU_SENTINEL;
    struct blob bad = tampered(&r->root);
    int64_t t;
    bool updated = true;

    /* System clock, a fixed time, strict keyids. */
    v = new_verifier(r, NULL);
    tuf_verifier_free(v);
    t = 1700000000; /* 2023-11-14 */
    v = new_verifier(r, &t);
    CHECK_OK(tuf_verifier_update_timestamp(v, r->ts.data, r->ts.len, &updated, &err));
    CHECK(updated);
    tuf_verifier_free(v);
    v = NULL;
    CHECK_OK(tuf_verifier_new(r->root.data, r->root.len, NULL, TUF_VERIFY_STRICT_KEYIDS, &v, &err));
    tuf_verifier_free(v);

    /* A reference time after the metadata's expiry (2099-01-01): the root is accepted, its
     * expiry checked at the timestamp step (5.3.10). */
    t = INT64_C(4102444800); /* 2100-01-01 */
    v = new_verifier(r, &t);
    CHECK_CODE(TUF_ERR_EXPIRED, tuf_verifier_update_timestamp(v, r->ts.data, r->ts.len, &updated, &err));
    tuf_verifier_free(v);
    t = INT64_C(4070908800); /* 2099-01-01T00:00:00Z: expired at that second */
    v = new_verifier(r, &t);
    CHECK_CODE(TUF_ERR_EXPIRED, tuf_verifier_update_timestamp(v, r->ts.data, r->ts.len, NULL, &err));
    tuf_verifier_free(v);
    t = INT64_C(4070908799);
    v = new_verifier(r, &t);
    CHECK_OK(tuf_verifier_update_timestamp(v, r->ts.data, r->ts.len, NULL, &err));
    tuf_verifier_free(v);

    /* Tampered or wrong roots. */
    v = TU_SENTINEL;
    CHECK_CODE(TUF_ERR_BAD_SIGNATURE, tuf_verifier_new(bad.data, bad.len, NULL, 0, &v, &err));
    CHECK_CODE(TUF_ERR_INVALID_METADATA,
               tuf_verifier_new(r->root.data, r->root.len / 2, NULL, 0, &v, &err));
    CHECK_CODE(TUF_ERR_INVALID_METADATA,
               tuf_verifier_new(r->ts.data, r->ts.len, NULL, 0, &v, &err));
    CHECK(v == TU_SENTINEL);
    free(bad.data);
}

static void test_workflow(const struct repo *r) {
    tuf_verifier *v = new_verifier(r, NULL);
    bool updated = false;

    CHECK(tuf_verifier_root_version(v) == 1);
    CHECK(tuf_verifier_timestamp_version(v) == 0);
    CHECK(tuf_verifier_snapshot_version(v) == 0);
    CHECK(tuf_verifier_role_version(v, "targets") == 0);
    CHECK(tuf_verifier_consistent_snapshot(v));
    CHECK(!tuf_verifier_timestamp_snapshot_keys_rotated(v));

    /* No newer root: N+1 is the same root. */
    CHECK_CODE(TUF_ERR_BAD_VERSION, tuf_verifier_update_root(v, r->root.data, r->root.len, &err));
    CHECK(tuf_verifier_root_version(v) == 1);

    CHECK_OK(tuf_verifier_update_timestamp(v, r->ts.data, r->ts.len, &updated, &err));
    CHECK(updated);
    CHECK(tuf_verifier_timestamp_version(v) == 1);
    CHECK(tuf_verifier_snapshot_version(v) == 1);
    /* The same version again: kept, not an error, `updated` false. */
    updated = true;
    CHECK_OK(tuf_verifier_update_timestamp(v, r->ts.data, r->ts.len, &updated, &err));
    CHECK(!updated);
    CHECK(tuf_verifier_timestamp_version(v) == 1);

    CHECK_OK(tuf_verifier_update_snapshot(v, r->snap.data, r->snap.len, false, &err));
    CHECK(tuf_verifier_role_version(v, "targets") == 1);
    CHECK(tuf_verifier_role_version(v, "apps") == 1);
    CHECK(tuf_verifier_role_version(v, "nope") == 0);
    CHECK(tuf_verifier_role_version(v, "") == 0);

    CHECK_OK(tuf_verifier_update_targets(v, r->targets.data, r->targets.len, &err));
    CHECK_OK(tuf_verifier_update_delegated_targets(v, r->apps.data, r->apps.len, "apps",
                                                   "targets", &err));
    CHECK(tuf_verifier_root_version(v) == 1);
    CHECK(tuf_verifier_timestamp_version(v) == 1);
    CHECK(tuf_verifier_snapshot_version(v) == 1);
    CHECK(!tuf_verifier_timestamp_snapshot_keys_rotated(v));
    tuf_verifier_free(v);

    /* Snapshot bytes from the caller's own verified cache (`trusted`). */
    v = new_verifier(r, NULL);
    CHECK_OK(tuf_verifier_update_timestamp(v, r->ts.data, r->ts.len, NULL, &err));
    CHECK_OK(tuf_verifier_update_snapshot(v, r->snap.data, r->snap.len, true, &err));
    tuf_verifier_free(v);
}

static void test_order(const struct repo *r) {
    tuf_verifier *v = new_verifier(r, NULL);

    /* Nothing but a root yet. */
    CHECK_CODE(TUF_ERR_STATE, tuf_verifier_update_snapshot(v, r->snap.data, r->snap.len, false, &err));
    CHECK_CODE(TUF_ERR_STATE, tuf_verifier_update_targets(v, r->targets.data, r->targets.len, &err));
    CHECK_CODE(TUF_ERR_STATE, tuf_verifier_update_delegated_targets(v, r->apps.data, r->apps.len,
                                                                    "apps", "targets", &err));
    CHECK_OK(tuf_verifier_update_timestamp(v, r->ts.data, r->ts.len, NULL, &err));
    /* No root update after timestamp; no targets before snapshot. */
    CHECK_CODE(TUF_ERR_STATE, tuf_verifier_update_root(v, r->root.data, r->root.len, &err));
    CHECK_CODE(TUF_ERR_STATE, tuf_verifier_update_targets(v, r->targets.data, r->targets.len, &err));
    CHECK_OK(tuf_verifier_update_snapshot(v, r->snap.data, r->snap.len, false, &err));
    /* No timestamp after snapshot. */
    CHECK_CODE(TUF_ERR_STATE, tuf_verifier_update_timestamp(v, r->ts.data, r->ts.len, NULL, &err));
    CHECK_OK(tuf_verifier_update_targets(v, r->targets.data, r->targets.len, &err));
    /* No snapshot after targets. */
    CHECK_CODE(TUF_ERR_STATE, tuf_verifier_update_snapshot(v, r->snap.data, r->snap.len, false, &err));
    /* A delegated role through a delegator that is not trusted, or that does not delegate
     * to it. */
    CHECK_CODE(TUF_ERR_STATE, tuf_verifier_update_delegated_targets(v, r->apps.data, r->apps.len,
                                                                    "apps", "nope", &err));
    CHECK_CODE(TUF_ERR_REPOSITORY, tuf_verifier_update_delegated_targets(
                                       v, r->apps.data, r->apps.len, "nope", "targets", &err));
    CHECK_OK(tuf_verifier_update_delegated_targets(v, r->apps.data, r->apps.len, "apps",
                                                   "targets", &err));
    tuf_verifier_free(v);
}

static void test_tampered(const struct repo *r) {
    struct blob ts = tampered(&r->ts), snap = tampered(&r->snap);
    struct blob targets = tampered(&r->targets), apps = tampered(&r->apps);
    tuf_verifier *v = new_verifier(r, NULL);

    CHECK_CODE(TUF_ERR_BAD_SIGNATURE, tuf_verifier_update_timestamp(v, ts.data, ts.len, NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_METADATA,
               tuf_verifier_update_timestamp(v, r->ts.data, r->ts.len - 2, NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_METADATA,
               tuf_verifier_update_timestamp(v, r->snap.data, r->snap.len, NULL, &err));
    CHECK(tuf_verifier_timestamp_version(v) == 0);
    /* Roots: another role's file, and a root whose signed part changed. */
    CHECK_CODE(TUF_ERR_INVALID_METADATA, tuf_verifier_update_root(v, r->ts.data, r->ts.len, &err));
    {
        struct blob root = tampered(&r->root);
        CHECK_CODE(TUF_ERR_BAD_SIGNATURE, tuf_verifier_update_root(v, root.data, root.len, &err));
        free(root.data);
    }
    CHECK(tuf_verifier_root_version(v) == 1);
    CHECK_OK(tuf_verifier_update_timestamp(v, r->ts.data, r->ts.len, NULL, &err));

    /* Snapshot: its hashes are in timestamp; trusted bytes still need the signature. */
    CHECK_CODE(TUF_ERR_LENGTH_OR_HASH_MISMATCH,
               tuf_verifier_update_snapshot(v, snap.data, snap.len, false, &err));
    CHECK_CODE(TUF_ERR_BAD_SIGNATURE,
               tuf_verifier_update_snapshot(v, snap.data, snap.len, true, &err));
    CHECK_OK(tuf_verifier_update_snapshot(v, r->snap.data, r->snap.len, false, &err));

    CHECK_CODE(TUF_ERR_LENGTH_OR_HASH_MISMATCH,
               tuf_verifier_update_targets(v, targets.data, targets.len, &err));
    CHECK_OK(tuf_verifier_update_targets(v, r->targets.data, r->targets.len, &err));
    CHECK_CODE(TUF_ERR_LENGTH_OR_HASH_MISMATCH,
               tuf_verifier_update_delegated_targets(v, apps.data, apps.len, "apps", "targets", &err));
    /* The right bytes for the wrong role. */
    CHECK_CODE(TUF_ERR_LENGTH_OR_HASH_MISMATCH,
               tuf_verifier_update_delegated_targets(v, r->targets.data, r->targets.len, "apps",
                                                     "targets", &err));
    CHECK_OK(tuf_verifier_update_delegated_targets(v, r->apps.data, r->apps.len, "apps",
                                                   "targets", &err));
    tuf_verifier_free(v);
    free(ts.data);
    free(snap.data);
    free(targets.data);
    free(apps.data);
}

/* ---- the delegation search ----------------------------------------------------------------- */

enum loader_mode { LOAD_OK, LOAD_FAIL, LOAD_TAMPERED, LOAD_OVERLONG, LOAD_NOTHING };

struct loader {
    const struct repo *repo;
    enum loader_mode mode;
    unsigned calls;
    char role[64];
    uint64_t max_length;
    tuf_result overlong;
};

static int load_role(void *userdata, const char *role, uint64_t max_length, tuf_sink *sink) {
    struct loader *l = userdata;
    struct blob t;
    int rc;
    l->calls++;
    snprintf(l->role, sizeof l->role, "%s", role);
    l->max_length = max_length;
    if (strcmp(role, "targets") == 0 && l->mode == LOAD_OK) {
        return tuf_sink_write(sink, l->repo->targets.data, l->repo->targets.len) == TUF_OK ? 0 : 1;
    }
    if (strcmp(role, "apps") != 0) {
        return -1;
    }
    switch (l->mode) {
    case LOAD_OK:
        return tuf_sink_write(sink, l->repo->apps.data, l->repo->apps.len) == TUF_OK ? 0 : 1;
    case LOAD_FAIL:
        return 1;
    case LOAD_TAMPERED:
        t = tampered(&l->repo->apps);
        rc = tuf_sink_write(sink, t.data, t.len) == TUF_OK ? 0 : 1;
        free(t.data);
        return rc;
    case LOAD_OVERLONG:
        CHECK(tuf_sink_write(sink, l->repo->apps.data, l->repo->apps.len) == TUF_OK);
        l->overlong = tuf_sink_write(sink, (const uint8_t *)"\n", 1);
        return 0;
    case LOAD_NOTHING:
        return 0;
    }
    return 1;
}

static void test_find_target(const struct repo *r) {
    tuf_verifier *v = loaded_verifier(r);
    tuf_target_info *info = NULL;
    struct loader l;

    memset(&l, 0, sizeof l);
    l.repo = r;

    /* Listed by the top-level targets: the loader is not needed. */
    CHECK_OK(tuf_verifier_find_target(v, "hello.txt", 0, load_role, &l, &info, &err));
    CHECK(l.calls == 0);
    CHECK_STR(tuf_target_info_path(info), "hello.txt");
    CHECK_STR(tuf_target_info_role(info), "targets");
    CHECK(tuf_target_info_length(info) == 39);
    tuf_target_info_free(info);

    /* Not listed, and outside the delegation's paths: not found, loader not asked. */
    info = TU_SENTINEL;
    CHECK_CODE(TUF_ERR_TARGET_NOT_FOUND,
               tuf_verifier_find_target(v, "nope.txt", 0, load_role, &l, &info, &err));
    CHECK(info == TU_SENTINEL);
    CHECK(l.calls == 0);

    /* A loader failure is an error, and the role stays untrusted. */
    l.mode = LOAD_FAIL;
    CHECK_CODE(TUF_ERR_DOWNLOAD,
               tuf_verifier_find_target(v, "apps/app-1.0.tar.gz", 0, load_role, &l, &info, &err));
    CHECK(info == TU_SENTINEL);
    CHECK(l.calls == 1);
    CHECK_STR(l.role, "apps");
    CHECK(l.max_length == 702); /* the length snapshot lists for apps.json */
    l.mode = LOAD_NOTHING;
    CHECK_CODE(TUF_ERR_LENGTH_OR_HASH_MISMATCH,
               tuf_verifier_find_target(v, "apps/app-1.0.tar.gz", 0, load_role, &l, &info, &err));
    l.mode = LOAD_TAMPERED;
    CHECK_CODE(TUF_ERR_LENGTH_OR_HASH_MISMATCH,
               tuf_verifier_find_target(v, "apps/app-1.0.tar.gz", 0, load_role, &l, &info, &err));
    l.mode = LOAD_OVERLONG;
    CHECK_CODE(TUF_ERR_LENGTH_EXCEEDED,
               tuf_verifier_find_target(v, "apps/app-1.0.tar.gz", 0, load_role, &l, &info, &err));
    CHECK(l.overlong == TUF_ERR_LENGTH_EXCEEDED);
    CHECK(info == TU_SENTINEL);

    /* Found in the delegated role, loaded once. */
    l.mode = LOAD_OK;
    l.calls = 0;
    info = NULL;
    CHECK_OK(tuf_verifier_find_target(v, "apps/app-1.0.tar.gz", 0, load_role, &l, &info, &err));
    CHECK(l.calls == 1);
    CHECK_STR(tuf_target_info_path(info), "apps/app-1.0.tar.gz");
    CHECK_STR(tuf_target_info_role(info), "apps");
    CHECK(tuf_target_info_length(info) == 47);
    CHECK_STR(tuf_target_info_hash_hex(info, 0),
              "9ffdb40bf20432f7690745dc1bc9528fdb29dde7be023ac7aff393079781d2ae");
    tuf_target_info_free(info);
    info = NULL;
    CHECK_OK(tuf_verifier_find_target(v, "apps/app-1.1.tar.gz", 1, load_role, &l, &info, &err));
    CHECK(l.calls == 1); /* already trusted */
    tuf_target_info_free(info);
    /* In the delegation's paths but not listed; the delegation is terminating. */
    info = TU_SENTINEL;
    CHECK_CODE(TUF_ERR_TARGET_NOT_FOUND,
               tuf_verifier_find_target(v, "apps/app-9.tar.gz", 0, load_role, &l, &info, &err));
    CHECK(info == TU_SENTINEL);
    tuf_verifier_free(v);

    /* Top-level targets not trusted yet: the loader is asked for it too, and it is verified
     * like any other role. Without a trusted snapshot nothing could be verified, so the
     * loader is not even asked. */
    v = new_verifier(r, NULL);
    l.calls = 0;
    info = TU_SENTINEL;
    CHECK_CODE(TUF_ERR_STATE,
               tuf_verifier_find_target(v, "hello.txt", 0, load_role, &l, &info, &err));
    CHECK(l.calls == 0);
    CHECK(info == TU_SENTINEL);
    CHECK_OK(tuf_verifier_update_timestamp(v, r->ts.data, r->ts.len, NULL, &err));
    CHECK_OK(tuf_verifier_update_snapshot(v, r->snap.data, r->snap.len, false, &err));
    l.calls = 0;
    info = NULL;
    CHECK_OK(tuf_verifier_find_target(v, "apps/app-1.1.tar.gz", 0, load_role, &l, &info, &err));
    CHECK(l.calls == 2); /* targets, then apps */
    CHECK_STR(tuf_target_info_role(info), "apps");
    tuf_target_info_free(info);
    CHECK(tuf_verifier_role_version(v, "targets") == 1);
    /* Now trusted: no more loads, and the snapshot can no longer change. */
    info = NULL;
    CHECK_OK(tuf_verifier_find_target(v, "hello.txt", 0, load_role, &l, &info, &err));
    CHECK(l.calls == 2);
    tuf_target_info_free(info);
    CHECK_CODE(TUF_ERR_STATE, tuf_verifier_update_snapshot(v, r->snap.data, r->snap.len, false, &err));
    tuf_verifier_free(v);
}

int main(int argc, char **argv) {
    const char *demo = tu_demo_repo(argc, argv);
    struct repo r;

    r.root = load(demo, "root.json");
    r.ts = load(demo, "metadata/timestamp.json");
    r.snap = load(demo, "metadata/1.snapshot.json");
    r.targets = load(demo, "metadata/1.targets.json");
    r.apps = load(demo, "metadata/1.apps.json");

    test_new(&r);
    test_workflow(&r);
    test_order(&r);
    test_tampered(&r);
    test_find_target(&r);

    free(r.root.data);
    free(r.ts.data);
    free(r.snap.data);
    free(r.targets.data);
    free(r.apps.data);
    return tu_finish();
}
