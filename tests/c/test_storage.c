/*
 * test_storage: where an updater keeps its metadata cache, and offline mode.
 *
 * - tuf_storage over a key-value table in memory (a stand-in for a flash key-value store):
 *   the documented names, every write and removal between lock and unlock, a second updater
 *   starting from the storage's root.json, a metadata directory that never comes to exist;
 *   failing read, write and lock callbacks; a value over the limit; a callback calling into
 *   an updater on the same storage gets TUF_ERR_STATE instead of a deadlock.
 * - tuf_updater_config_set_offline: refresh and lookups from the cache with a fetch callback
 *   that is never called; what the cache lacks is TUF_ERR_STATE naming it; downloads are
 *   refused; expired metadata is TUF_ERR_EXPIRED unless
 *   tuf_updater_config_set_offline_accept_expired_unsafe.
 * - tuf_updater_config_set_in_memory: nothing written anywhere; a bootstrap root required.
 * - Argument errors of the new setters.
 *
 *   test_storage DEMO_REPO_DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tuf.h>

#include "testutil.h"

#define MAX_ENTRIES 32
#define HELLO "hello.txt"
#define APP "apps/app-1.0.tar.gz"

struct entry {
    char *name;
    unsigned char *data;
    size_t len;
};

/* A key-value store in memory, with counters and switches for the tests. */
struct kv {
    struct entry entries[MAX_ENTRIES];
    int locked;
    int lock_calls;
    int unlocks;
    int unlocked_changes; /* writes and removals without the lock: must stay 0 */
    int fail_reads, fail_writes, fail_lock;
    int length_exceeded; /* reads whose value tuf_sink_write refused as too long */
    /* Re-entry: a write callback calls into an updater on the same storage. */
    tuf_updater_config *reenter_config;
    tuf_updater *reenter_updater;
    tuf_result reenter_codes[2];
    int reentered;
};

static struct entry *kv_find(struct kv *kv, const char *name) {
    int i;
    for (i = 0; i < MAX_ENTRIES; i++) {
        if (kv->entries[i].name != NULL && strcmp(kv->entries[i].name, name) == 0) {
            return &kv->entries[i];
        }
    }
    return NULL;
}

static void kv_clear(struct kv *kv) {
    int i;
    for (i = 0; i < MAX_ENTRIES; i++) {
        free(kv->entries[i].name);
        free(kv->entries[i].data);
        kv->entries[i].name = NULL;
        kv->entries[i].data = NULL;
    }
}

static int kv_count(struct kv *kv) {
    int i, n = 0;
    for (i = 0; i < MAX_ENTRIES; i++) {
        n += kv->entries[i].name != NULL;
    }
    return n;
}

static int kv_read(void *userdata, const char *name, uint64_t max_length, tuf_sink *sink) {
    struct kv *kv = userdata;
    struct entry *e;
    (void)max_length;
    if (kv->fail_reads) {
        return -5;
    }
    e = kv_find(kv, name);
    if (e == NULL) {
        return TUF_STORAGE_NOT_FOUND;
    }
    /* Written whole, whatever max_length says: libtuf enforces it. */
    switch (tuf_sink_write(sink, e->data, e->len)) {
    case TUF_OK:
        return 0;
    case TUF_ERR_LENGTH_EXCEEDED:
        kv->length_exceeded++;
        return -1;
    default:
        return -1;
    }
}

static void kv_reenter(struct kv *kv) {
    tuf_updater *nested = NULL;
    tuf_error *err = NULL;
    kv->reentered = 1;
    /* The same updater: in a call. */
    kv->reenter_codes[0] = tuf_updater_refresh(kv->reenter_updater, &err);
    tuf_error_free(err);
    err = NULL;
    /* A new updater on the same storage needs its lock, which this thread holds. */
    kv->reenter_codes[1] = tuf_updater_new(kv->reenter_config, &nested, &err);
    tuf_error_free(err);
    tuf_updater_free(nested);
}

static int kv_write(void *userdata, const char *name, const uint8_t *data, size_t len,
                    bool durable) {
    struct kv *kv = userdata;
    struct entry *e;
    unsigned char *copy;
    int i;
    if (!kv->locked) {
        kv->unlocked_changes++;
    }
    if (kv->reenter_updater != NULL && !kv->reentered) {
        kv_reenter(kv);
    }
    (void)durable; /* every write of this table is as durable as it gets */
    if (kv->fail_writes) {
        return 1;
    }
    copy = malloc(len + 1);
    if (copy == NULL) {
        return -1;
    }
    memcpy(copy, data, len);
    e = kv_find(kv, name);
    if (e == NULL) {
        for (i = 0; i < MAX_ENTRIES && kv->entries[i].name != NULL; i++) {
        }
        if (i == MAX_ENTRIES) {
            free(copy);
            return -1;
        }
        e = &kv->entries[i];
        e->name = tu_format("%s", name);
    } else {
        free(e->data);
    }
    /* The value is replaced in one step: readers see the old or the new one. */
    e->data = copy;
    e->len = len;
    return 0;
}

/* Removes an entry as the table's owner (not a callback). Returns whether it was there. */
static int kv_drop(struct kv *kv, const char *name) {
    struct entry *e = kv_find(kv, name);
    if (e == NULL) {
        return 0;
    }
    free(e->name);
    free(e->data);
    e->name = NULL;
    e->data = NULL;
    return 1;
}

static int kv_remove(void *userdata, const char *name) {
    struct kv *kv = userdata;
    if (!kv->locked) {
        kv->unlocked_changes++;
    }
    return kv_drop(kv, name) ? 0 : TUF_STORAGE_NOT_FOUND;
}

static int kv_lock(void *userdata) {
    struct kv *kv = userdata;
    if (kv->fail_lock) {
        return -1;
    }
    CHECK(!kv->locked); /* never taken twice */
    kv->locked = 1;
    kv->lock_calls++;
    return 0;
}

static void kv_unlock(void *userdata) {
    struct kv *kv = userdata;
    CHECK(kv->locked);
    kv->locked = 0;
    kv->unlocks++;
}

static const tuf_storage kv_callbacks = {kv_read, kv_write, kv_remove, kv_lock, kv_unlock};

/* ---- a fetch callback serving file:// URLs, counting its calls ---------------------------- */

struct fetches {
    int calls;
    char last[512];
};

static int serve_file(void *userdata, const char *url, uint64_t max_length, tuf_sink *sink) {
    struct fetches *f = userdata;
    size_t len = 0;
    unsigned char *data;
    tuf_result r;
    (void)max_length;
    f->calls++;
    snprintf(f->last, sizeof f->last, "%s", url);
    if (strncmp(url, "file://", 7) != 0) {
        return -1;
    }
    data = tu_read_file(url + 7, &len);
    if (data == NULL) {
        return TUF_FETCH_NOT_FOUND;
    }
    r = tuf_sink_write(sink, data, len);
    free(data);
    return r == TUF_OK ? 0 : -1;
}

/* ---- setup ------------------------------------------------------------------------------ */

struct env {
    const char *demo;
    char *tmp;
    char *no_dir; /* a metadata directory that must never come to exist */
    unsigned char *root;
    size_t root_len;
};

/* A configuration over the demo repository with `fetches` as its fetcher; bootstrapped with
 * the demo's root when `bootstrap`. */
static tuf_updater_config *new_config(const struct env *env, struct fetches *fetches,
                                      int bootstrap) {
    tuf_updater_config *cfg = NULL;
    char *url = tu_format("file://%s/metadata", env->demo);
    char *targets_url = tu_format("file://%s/targets", env->demo);
    CHECK_OK(tuf_updater_config_new(env->no_dir, url, &cfg, &err));
    CHECK_OK(tuf_updater_config_set_targets_base_url(cfg, targets_url, &err));
    CHECK_OK(tuf_updater_config_set_fetcher(cfg, serve_file, fetches, &err));
    if (bootstrap) {
        CHECK_OK(tuf_updater_config_set_bootstrap_root(cfg, env->root, env->root_len, &err));
    }
    free(url);
    free(targets_url);
    return cfg;
}

/* Looks up `path` with `u`; returns the result code (the info is freed). */
static tuf_result lookup(tuf_updater *u, const char *path) {
    tuf_target_info *info = NULL;
    tuf_error *err = NULL;
    tuf_result r = tuf_updater_get_target_info(u, path, &info, &err);
    tuf_error_free(err);
    tuf_target_info_free(info);
    return r;
}

/* Refreshes `u` and checks the code and that the message contains `needle` (if not NULL). */
static void check_refresh(tuf_updater *u, tuf_result expected, const char *needle) {
    tuf_error *e = NULL;
    tuf_result r = tuf_updater_refresh(u, &e);
    CHECK(r == expected);
    if (r != TUF_OK) {
        CHECK(e != NULL && tuf_error_code(e) == expected);
        if (needle != NULL && e != NULL && strstr(tuf_error_message(e), needle) == NULL) {
            tu_fail(__FILE__, __LINE__, "message names the missing file",
                    tuf_error_message(e));
        }
    }
    tuf_error_free(e);
}

/* ---- tests -------------------------------------------------------------------------------- */

static void test_custom_storage(const struct env *env) {
    struct kv kv;
    struct fetches fetches;
    tuf_updater_config *cfg;
    tuf_updater *u = NULL;
    const char *names[] = {"root.json",     "root_history/1.root.json", "timestamp.json",
                           "snapshot.json", "targets.json",             "apps.json"};
    size_t i;
    memset(&kv, 0, sizeof kv);
    memset(&fetches, 0, sizeof fetches);
    cfg = new_config(env, &fetches, 1);
    CHECK_OK(tuf_updater_config_set_storage(cfg, &kv_callbacks, &kv, &err));
    CHECK_OK(tuf_updater_new(cfg, &u, &err));
    CHECK_OK(tuf_updater_refresh(u, &err));
    CHECK(lookup(u, HELLO) == TUF_OK);
    CHECK(lookup(u, APP) == TUF_OK);
    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (kv_find(&kv, names[i]) == NULL) {
            tu_fail(__FILE__, __LINE__, "the storage holds the documented names", names[i]);
        }
    }
    CHECK(kv_count(&kv) == 6);
    CHECK(kv.unlocked_changes == 0);
    CHECK(!kv.locked && kv.lock_calls > 0 && kv.lock_calls == kv.unlocks);
    CHECK(!tu_exists(env->no_dir));
    tuf_updater_free(u);
    u = NULL;
    tuf_updater_config_free(cfg);

    /* A second updater on the same storage, without a bootstrap root, starts from its
     * root.json and downloads only the root probe and the timestamp. */
    fetches.calls = 0;
    cfg = new_config(env, &fetches, 0);
    CHECK_OK(tuf_updater_config_set_storage(cfg, &kv_callbacks, &kv, &err));
    CHECK_OK(tuf_updater_new(cfg, &u, &err));
    CHECK_OK(tuf_updater_refresh(u, &err));
    CHECK(lookup(u, APP) == TUF_OK);
    CHECK(fetches.calls == 2);
    CHECK(strstr(fetches.last, "timestamp.json") != NULL);
    tuf_updater_free(u);
    u = NULL;

    /* Failing callbacks. A read that fails: online the file is fetched again. */
    kv.fail_reads = 1;
    CHECK_CODE(TUF_ERR_IO, tuf_updater_new(cfg, &u, &err)); /* root.json cannot be read */
    kv.fail_reads = 0;
    tuf_updater_config_free(cfg);
    cfg = new_config(env, &fetches, 1);
    CHECK_OK(tuf_updater_config_set_storage(cfg, &kv_callbacks, &kv, &err));
    CHECK_OK(tuf_updater_new(cfg, &u, &err));
    kv.fail_reads = 1;
    fetches.calls = 0;
    CHECK_OK(tuf_updater_refresh(u, &err));
    CHECK(fetches.calls == 4); /* root probe, timestamp, snapshot, targets */
    kv.fail_reads = 0;
    /* A write that fails fails the refresh (the timestamp is written again: the read before
     * found nothing), and the lock is released. */
    CHECK(kv_drop(&kv, "timestamp.json"));
    kv.fail_writes = 1;
    check_refresh(u, TUF_ERR_IO, "storage write callback");
    CHECK(!kv.locked);
    kv.fail_writes = 0;
    /* A lock that fails (the refresh has a timestamp to write). */
    kv.fail_lock = 1;
    check_refresh(u, TUF_ERR_IO, "storage lock callback");
    kv.fail_lock = 0;
    CHECK_OK(tuf_updater_refresh(u, &err));

    /* A value over the limit is not used: the sink refused it, and the file is fetched. */
    {
        struct entry *e = kv_find(&kv, "timestamp.json");
        unsigned char *big = calloc(1, 20000);
        CHECK(e != NULL && big != NULL);
        free(e->data);
        e->data = big;
        e->len = 20000;
        fetches.calls = 0;
        CHECK_OK(tuf_updater_refresh(u, &err));
        CHECK(kv.length_exceeded > 0);
        CHECK(fetches.calls == 2); /* root probe, timestamp */
        CHECK(kv_find(&kv, "timestamp.json")->len < 20000);
    }

    /* Re-entry from a storage callback: its own updater, and a new updater on the same
     * storage that needs the lock this thread holds, get TUF_ERR_STATE. */
    CHECK(kv_drop(&kv, "timestamp.json"));
    kv.reenter_config = cfg;
    kv.reenter_updater = u;
    kv.reentered = 0;
    CHECK_OK(tuf_updater_refresh(u, &err));
    CHECK(kv.reentered);
    CHECK(kv.reenter_codes[0] == TUF_ERR_STATE);
    CHECK(kv.reenter_codes[1] == TUF_ERR_STATE);
    kv.reenter_updater = NULL;
    CHECK(!kv.locked && kv.unlocked_changes == 0);
    tuf_updater_free(u);
    tuf_updater_config_free(cfg);
    CHECK(!tu_exists(env->no_dir));
    kv_clear(&kv);
}

static void test_offline(const struct env *env) {
    struct kv kv;
    struct fetches fetches;
    tuf_updater_config *cfg;
    tuf_updater *u = NULL;
    tuf_target_info *info = NULL;
    char *path = NULL;
    const int64_t in_2100 = 4102444800; /* the demo's metadata expires in 2099 */
    char *dest = tu_format("%s/offline-hello.txt", env->tmp);
    memset(&kv, 0, sizeof kv);
    memset(&fetches, 0, sizeof fetches);

    /* Fill the storage online. */
    cfg = new_config(env, &fetches, 1);
    CHECK_OK(tuf_updater_config_set_storage(cfg, &kv_callbacks, &kv, &err));
    CHECK_OK(tuf_updater_new(cfg, &u, &err));
    CHECK_OK(tuf_updater_refresh(u, &err));
    CHECK(lookup(u, APP) == TUF_OK);
    tuf_updater_free(u);
    u = NULL;

    /* Offline: the fetch callback is never called. */
    CHECK_OK(tuf_updater_config_set_offline(cfg, true, &err));
    fetches.calls = 0;
    CHECK_OK(tuf_updater_new(cfg, &u, &err));
    CHECK_OK(tuf_updater_refresh(u, &err));
    CHECK(lookup(u, APP) == TUF_OK);
    CHECK_OK(tuf_updater_get_target_info(u, HELLO, &info, &err));
    CHECK_CODE(TUF_ERR_STATE, tuf_updater_download_target(u, info, dest, NULL, &path, &err));
    CHECK(path == NULL);
    CHECK(!tu_exists(dest));
    tuf_target_info_free(info);
    CHECK(fetches.calls == 0);
    tuf_updater_free(u);
    u = NULL;

    /* Expired: refused, unless accepted explicitly (and unsafely). */
    CHECK_OK(tuf_updater_config_set_reference_time(cfg, &in_2100, &err));
    CHECK_OK(tuf_updater_new(cfg, &u, &err));
    check_refresh(u, TUF_ERR_EXPIRED, "root");
    tuf_updater_free(u);
    u = NULL;
    CHECK_OK(tuf_updater_config_set_offline_accept_expired_unsafe(cfg, true, &err));
    CHECK_OK(tuf_updater_new(cfg, &u, &err));
    CHECK_OK(tuf_updater_refresh(u, &err));
    CHECK(lookup(u, APP) == TUF_OK);
    tuf_updater_free(u);
    u = NULL;
    CHECK_OK(tuf_updater_config_set_offline_accept_expired_unsafe(cfg, false, &err));
    CHECK_OK(tuf_updater_config_set_reference_time(cfg, NULL, &err));

    /* An incomplete cache: the error names what is missing. (Marked locked from here on: an
     * offline updater never takes the lock, which kv_lock would report.) */
    kv.locked = 1;
    CHECK(kv_drop(&kv, "apps.json"));
    CHECK_OK(tuf_updater_new(cfg, &u, &err));
    CHECK_OK(tuf_updater_refresh(u, &err));
    CHECK(lookup(u, HELLO) == TUF_OK);
    CHECK(lookup(u, APP) == TUF_ERR_STATE);
    CHECK(kv_drop(&kv, "snapshot.json"));
    check_refresh(u, TUF_ERR_STATE, "snapshot.json");
    /* A read that fails is the error offline. */
    kv.fail_reads = 1;
    check_refresh(u, TUF_ERR_IO, "storage read callback");
    kv.fail_reads = 0;
    kv.locked = 0;
    CHECK(fetches.calls == 0);
    tuf_updater_free(u);
    tuf_updater_config_free(cfg);
    kv_clear(&kv);

    /* The file cache offline, with a metadata directory never filled. */
    cfg = new_config(env, &fetches, 1);
    CHECK_OK(tuf_updater_config_set_offline(cfg, true, &err));
    CHECK_OK(tuf_updater_new(cfg, &u, &err));
    check_refresh(u, TUF_ERR_STATE, "timestamp.json");
    CHECK(fetches.calls == 0);
    tuf_updater_free(u);
    tuf_updater_config_free(cfg);
    tu_rmtree(env->no_dir);
    free(dest);
}

static void test_in_memory(const struct env *env) {
    struct fetches fetches;
    tuf_updater_config *cfg;
    tuf_updater *u = NULL;
    tuf_target_info *info = NULL;
    char *path = NULL;
    char *dest = tu_format("%s/hello.txt", env->tmp);
    memset(&fetches, 0, sizeof fetches);
    cfg = new_config(env, &fetches, 1);
    CHECK_OK(tuf_updater_config_set_in_memory(cfg, true, &err));
    /* Offline needs a cache to read. */
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_offline(cfg, true, &err));
    CHECK_OK(tuf_updater_new(cfg, &u, &err));
    CHECK_OK(tuf_updater_refresh(u, &err));
    CHECK(lookup(u, APP) == TUF_OK);
    CHECK_OK(tuf_updater_get_target_info(u, HELLO, &info, &err));
    CHECK_OK(tuf_updater_download_target(u, info, dest, NULL, &path, &err));
    CHECK_STR(path, dest);
    tuf_string_free(path);
    tuf_target_info_free(info);
    /* The second refresh starts from memory: root probe and timestamp only. */
    fetches.calls = 0;
    CHECK_OK(tuf_updater_refresh(u, &err));
    CHECK(lookup(u, APP) == TUF_OK);
    CHECK(fetches.calls == 2);
    tuf_updater_free(u);
    u = TU_SENTINEL;
    CHECK(!tu_exists(env->no_dir));
    tuf_updater_config_free(cfg);

    /* Without a bootstrap root there is nothing to start from. */
    cfg = new_config(env, &fetches, 0);
    CHECK_OK(tuf_updater_config_set_in_memory(cfg, true, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_new(cfg, &u, &err));
    CHECK(u == TU_SENTINEL);
    CHECK(!tu_exists(env->no_dir));
    tuf_updater_config_free(cfg);
    free(dest);
}

static int dummy_read(void *userdata, const char *name, uint64_t max_length, tuf_sink *sink) {
    (void)userdata;
    (void)name;
    (void)max_length;
    (void)sink;
    return TUF_STORAGE_NOT_FOUND;
}

static void test_arguments(const struct env *env) {
    struct fetches fetches;
    tuf_updater_config *cfg;
    tuf_storage cbs = kv_callbacks;
    memset(&fetches, 0, sizeof fetches);
    cfg = new_config(env, &fetches, 1);
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_config_set_storage(NULL, &kv_callbacks, NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_offline(NULL, true, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_config_set_offline_accept_expired_unsafe(NULL, true, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_in_memory(NULL, true, &err));
    /* Required callbacks; lock and unlock go together. */
    cbs.read = NULL;
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_storage(cfg, &cbs, NULL, &err));
    cbs = kv_callbacks;
    cbs.write = NULL;
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_storage(cfg, &cbs, NULL, &err));
    cbs = kv_callbacks;
    cbs.remove = NULL;
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_storage(cfg, &cbs, NULL, &err));
    cbs = kv_callbacks;
    cbs.unlock = NULL;
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_storage(cfg, &cbs, NULL, &err));
    cbs.lock = NULL;
    cbs.read = dummy_read;
    CHECK_OK(tuf_updater_config_set_storage(cfg, &cbs, NULL, &err)); /* no locking */
    CHECK_OK(tuf_updater_config_set_storage(cfg, NULL, NULL, &err)); /* back to files */
    /* The unsafe option only in offline mode, and offline stays on while it is. */
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_config_set_offline_accept_expired_unsafe(cfg, true, &err));
    CHECK_OK(tuf_updater_config_set_offline(cfg, true, &err));
    CHECK_OK(tuf_updater_config_set_offline_accept_expired_unsafe(cfg, true, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_offline(cfg, false, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_in_memory(cfg, true, &err));
    CHECK_OK(tuf_updater_config_set_offline_accept_expired_unsafe(cfg, false, &err));
    CHECK_OK(tuf_updater_config_set_offline(cfg, false, &err));
    tuf_updater_config_free(cfg);
}

int main(int argc, char **argv) {
    struct env env;
    char *root_path;
    env.demo = tu_demo_repo(argc, argv);
    env.tmp = tu_mkdtemp();
    env.no_dir = tu_format("%s/never/metadata", env.tmp);
    root_path = tu_format("%s/root.json", env.demo);
    env.root = tu_read_file(root_path, &env.root_len);
    CHECK(env.root != NULL);
    free(root_path);

    test_custom_storage(&env);
    test_offline(&env);
    test_in_memory(&env);
    test_arguments(&env);

    free(env.root);
    free(env.no_dir);
    free(env.tmp);
    return tu_finish();
}
