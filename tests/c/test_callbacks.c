/*
 * test_callbacks: the callback contract of tuf.h, rule by rule.
 *
 * - A fetch, log or progress callback that calls into its own updater gets TUF_ERR_STATE (and
 *   the outer call completes), instead of a deadlock or two mutable borrows of one updater.
 * - A fetch, log or progress callback that creates and refreshes another updater on the same
 *   metadata directory, or on another one, succeeds: no callback runs while the directory's
 *   lock is held, so it never waits for its own caller's lock.
 * - Freeing the updater from its own callback does nothing (no use after free).
 * - A verifier loader that calls into its verifier gets TUF_ERR_STATE (getters return 0); the
 *   versioned loader is told the role's version and length limit, so it never needs to.
 * - A second thread calling an updater that is in a call gets TUF_ERR_STATE.
 * - *err is overwritten, never read or freed: a garbage pointer there is harmless.
 * - The transfer progress callback sees metadata and targets; a non-zero return cancels with
 *   TUF_ERR_CANCELLED, and the cache stays usable.
 *
 *   test_callbacks DEMO_REPO_DIR
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tuf.h>

#include "testutil.h"

#define MAX_CODES 16

struct ctx {
    const char *demo;
    char *metadata_dir; /* the updater's metadata directory */
    char *other_dir;    /* another, empty metadata directory */
    tuf_updater *updater;
    tuf_result codes[MAX_CODES]; /* what the nested calls returned, in order */
    int n_codes;
    int calls;
    /* for the thread test */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int in_fetch;
    int release;
};

static void record(struct ctx *c, tuf_result r) {
    if (c->n_codes < MAX_CODES) {
        c->codes[c->n_codes++] = r;
    }
}

static char *file_url(const char *demo, const char *sub) {
    return tu_format("file://%s/%s", demo, sub);
}

static tuf_updater_config *new_config(struct ctx *c, const char *metadata_dir) {
    tuf_updater_config *cfg = NULL;
    char *url = file_url(c->demo, "metadata");
    char *targets_url = file_url(c->demo, "targets");
    char *root_path = tu_format("%s/root.json", c->demo);
    size_t len = 0;
    unsigned char *root = tu_read_file(root_path, &len);
    CHECK(root != NULL);
    CHECK_OK(tuf_updater_config_new(metadata_dir, url, &cfg, &err));
    CHECK_OK(tuf_updater_config_set_bootstrap_root(cfg, root, len, &err));
    CHECK_OK(tuf_updater_config_set_targets_base_url(cfg, targets_url, &err));
    free(url);
    free(targets_url);
    free(root_path);
    free(root);
    return cfg;
}

/* Creates an updater on `dir` (bootstrapped) and refreshes it; returns the first failure. */
static tuf_result nested_updater(struct ctx *c, const char *dir) {
    tuf_updater_config *cfg = new_config(c, dir);
    tuf_updater *u = NULL;
    tuf_error *err = NULL;
    tuf_result r = tuf_updater_new(cfg, &u, &err);
    tuf_error_free(err);
    err = NULL;
    if (r == TUF_OK) {
        r = tuf_updater_refresh(u, &err);
        tuf_error_free(err);
    }
    tuf_updater_free(u);
    tuf_updater_config_free(cfg);
    return r;
}

/* Serves file:// URLs from the file system. */
static int serve_file(const char *url, tuf_sink *sink) {
    size_t len = 0;
    unsigned char *data;
    tuf_result r;
    if (strncmp(url, "file://", 7) != 0) {
        return -1;
    }
    data = tu_read_file(url + 7, &len);
    if (data == NULL) {
        return 404;
    }
    r = tuf_sink_write(sink, data, len);
    free(data);
    return r == TUF_OK ? 0 : -1;
}

/* A fetcher that, on its first call, calls into its own updater and into a new updater on the
 * same metadata directory, and on another one. */
static int reentering_fetch(void *userdata, const char *url, uint64_t max_length, tuf_sink *sink) {
    struct ctx *c = userdata;
    (void)max_length;
    if (c->calls++ == 0) {
        tuf_error *err = NULL;
        record(c, tuf_updater_refresh(c->updater, &err));
        tuf_error_free(err);
        record(c, nested_updater(c, c->metadata_dir));
        record(c, nested_updater(c, c->other_dir));
        tuf_updater_free(c->updater); /* refused: the updater is in a call */
    }
    return serve_file(url, sink);
}

static void test_fetch_callback(struct ctx *c) {
    tuf_updater_config *cfg = new_config(c, c->metadata_dir);
    c->n_codes = 0;
    c->calls = 0;
    CHECK_OK(tuf_updater_config_set_fetcher(cfg, reentering_fetch, c, &err));
    CHECK_OK(tuf_updater_new(cfg, &c->updater, &err));
    CHECK_OK(tuf_updater_refresh(c->updater, &err));
    CHECK(c->n_codes == 3);
    CHECK(c->codes[0] == TUF_ERR_STATE); /* its own updater */
    CHECK(c->codes[1] == TUF_OK);        /* the same metadata directory: not locked now */
    CHECK(c->codes[2] == TUF_OK);        /* another directory */
    /* The updater was not freed from its callback: it still works. */
    CHECK_OK(tuf_updater_refresh(c->updater, &err));
    tuf_updater_free(c->updater);
    c->updater = NULL;
    tuf_updater_config_free(cfg);
}

static void reentering_log(void *userdata, int level, const char *message) {
    struct ctx *c = userdata;
    (void)level;
    (void)message;
    if (c->updater != NULL && c->calls++ == 0) {
        tuf_target_info *info = NULL;
        tuf_error *err = NULL;
        record(c, tuf_updater_get_target_info(c->updater, "hello.txt", &info, &err));
        tuf_error_free(err);
        tuf_target_info_free(info);
        record(c, nested_updater(c, c->metadata_dir));
    }
}

static void test_log_callback(struct ctx *c) {
    tuf_updater_config *cfg = new_config(c, c->metadata_dir);
    c->n_codes = 0;
    c->calls = 0;
    c->updater = NULL;
    CHECK_OK(tuf_updater_config_set_log_callback(cfg, reentering_log, c, &err));
    CHECK_OK(tuf_updater_new(cfg, &c->updater, &err));
    CHECK_OK(tuf_updater_refresh(c->updater, &err));
    CHECK(c->n_codes == 2);
    CHECK(c->codes[0] == TUF_ERR_STATE); /* its own updater */
    CHECK(c->codes[1] == TUF_OK);        /* the same metadata directory: not locked now */
    tuf_updater_free(c->updater);
    c->updater = NULL;
    tuf_updater_config_free(cfg);
}

static void reentering_progress(void *userdata, uint64_t received, uint64_t total) {
    struct ctx *c = userdata;
    (void)received;
    (void)total;
    if (c->calls++ == 0) {
        tuf_error *err = NULL;
        record(c, tuf_updater_refresh(c->updater, &err));
        tuf_error_free(err);
        /* No lock of the metadata directory is held during a target download. */
        record(c, nested_updater(c, c->metadata_dir));
    }
}

static void test_progress_callback(struct ctx *c) {
    tuf_updater_config *cfg = new_config(c, c->metadata_dir);
    tuf_target_info *info = NULL;
    char *dest = tu_format("%s/hello.txt", c->other_dir);
    c->n_codes = 0;
    c->calls = 0;
    CHECK_OK(tuf_updater_new(cfg, &c->updater, &err));
    CHECK_OK(tuf_updater_set_progress_callback(c->updater, reentering_progress, c, &err));
    CHECK_OK(tuf_updater_get_target_info(c->updater, "hello.txt", &info, &err));
    CHECK_OK(tuf_updater_download_target(c->updater, info, dest, NULL, NULL, &err));
    CHECK(c->n_codes == 2);
    CHECK(c->codes[0] == TUF_ERR_STATE);
    CHECK(c->codes[1] == TUF_OK);
    CHECK(tu_exists(dest));
    tuf_target_info_free(info);
    tuf_updater_free(c->updater);
    c->updater = NULL;
    tuf_updater_config_free(cfg);
    free(dest);
}

/* ---- the verifier's loaders ---------------------------------------------------------- */

struct loader_ctx {
    const char *demo;
    tuf_verifier *verifier;
    uint64_t version_told;
    uint64_t max_length_told;
    tuf_result update_code;
    uint64_t root_version_seen;
    int calls;
};

static int load_file(const struct loader_ctx *l, const char *role, uint64_t version,
                     tuf_sink *sink) {
    char *path = tu_format("%s/metadata/%llu.%s.json", l->demo, (unsigned long long)version, role);
    size_t len = 0;
    unsigned char *data = tu_read_file(path, &len);
    tuf_result r = data != NULL ? tuf_sink_write(sink, data, len) : TUF_ERR_IO;
    free(path);
    free(data);
    return r == TUF_OK ? 0 : -1;
}

static int versioned_loader(void *userdata, const char *role, uint64_t version,
                            uint64_t max_length, tuf_sink *sink) {
    struct loader_ctx *l = userdata;
    tuf_error *err = NULL;
    l->calls++;
    l->version_told = version;
    l->max_length_told = max_length;
    l->update_code = tuf_verifier_update_targets(l->verifier, (const uint8_t *)"{}", 2, &err);
    tuf_error_free(err);
    l->root_version_seen = tuf_verifier_root_version(l->verifier);
    tuf_verifier_free(l->verifier); /* refused: the verifier is in a call */
    return load_file(l, role, version, sink);
}

/* The unversioned loader: it must not ask the verifier, so it knows the demo's version 1. */
static int plain_loader(void *userdata, const char *role, uint64_t max_length, tuf_sink *sink) {
    struct loader_ctx *l = userdata;
    tuf_error *err = NULL;
    (void)max_length;
    l->calls++;
    l->update_code = tuf_verifier_update_targets(l->verifier, (const uint8_t *)"{}", 2, &err);
    tuf_error_free(err);
    l->root_version_seen = tuf_verifier_root_version(l->verifier);
    return load_file(l, role, 1, sink);
}

static tuf_verifier *demo_verifier(const char *demo) {
    static const char *const files[] = {"metadata/timestamp.json", "metadata/1.snapshot.json",
                                        "metadata/1.targets.json"};
    char *root_path = tu_format("%s/root.json", demo);
    size_t len = 0;
    unsigned char *root = tu_read_file(root_path, &len);
    tuf_verifier *v = NULL;
    size_t i;
    CHECK_OK(tuf_verifier_new(root, len, NULL, 0, &v, &err));
    for (i = 0; i < 3; i++) {
        char *p = tu_format("%s/%s", demo, files[i]);
        unsigned char *data = tu_read_file(p, &len);
        CHECK(data != NULL);
        if (i == 0) {
            CHECK_OK(tuf_verifier_update_timestamp(v, data, len, NULL, &err));
        } else if (i == 1) {
            CHECK_OK(tuf_verifier_update_snapshot(v, data, len, false, &err));
        } else {
            CHECK_OK(tuf_verifier_update_targets(v, data, len, &err));
        }
        free(p);
        free(data);
    }
    free(root_path);
    free(root);
    return v;
}

static void test_loaders(const char *demo) {
    struct loader_ctx l;
    tuf_target_info *info = NULL;
    uint64_t apps_version;

    memset(&l, 0, sizeof l);
    l.demo = demo;
    l.verifier = demo_verifier(demo);
    apps_version = tuf_verifier_role_version(l.verifier, "apps");
    CHECK(apps_version == 1);
    CHECK_OK(tuf_verifier_find_target_versioned(l.verifier, "apps/app-1.1.tar.gz", 0,
                                                versioned_loader, &l, &info, &err));
    CHECK_STR(tuf_target_info_role(info), "apps");
    CHECK(l.calls == 1);
    CHECK(l.version_told == apps_version);
    CHECK(l.max_length_told == 702); /* the length the demo's snapshot gives apps.json */
    CHECK(l.update_code == TUF_ERR_STATE);
    CHECK(l.root_version_seen == 0);
    /* The verifier was not freed by the loader, and is usable again after the call. */
    CHECK(tuf_verifier_root_version(l.verifier) == 1);
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_verifier_find_target_versioned(l.verifier, "x", 0, NULL, &l, &info, &err));
    tuf_target_info_free(info);
    tuf_verifier_free(l.verifier);

    memset(&l, 0, sizeof l);
    l.demo = demo;
    l.verifier = demo_verifier(demo);
    info = NULL;
    CHECK_OK(tuf_verifier_find_target(l.verifier, "apps/app-1.1.tar.gz", 0, plain_loader, &l,
                                      &info, &err));
    CHECK(l.calls == 1);
    CHECK(l.update_code == TUF_ERR_STATE);
    CHECK(l.root_version_seen == 0);
    tuf_target_info_free(info);
    tuf_verifier_free(l.verifier);
}

/* ---- two threads, one updater ------------------------------------------------------------ */

/* A fetcher that blocks in its first call until the main thread releases it. */
static int blocking_fetch(void *userdata, const char *url, uint64_t max_length, tuf_sink *sink) {
    struct ctx *c = userdata;
    (void)max_length;
    pthread_mutex_lock(&c->mu);
    if (c->in_fetch == 0) {
        c->in_fetch = 1;
        pthread_cond_broadcast(&c->cv);
        while (!c->release) {
            pthread_cond_wait(&c->cv, &c->mu);
        }
    }
    pthread_mutex_unlock(&c->mu);
    return serve_file(url, sink);
}

static void *refresh_thread(void *arg) {
    struct ctx *c = arg;
    tuf_error *err = NULL;
    tuf_result r = tuf_updater_refresh(c->updater, &err);
    tuf_error_free(err);
    return (void *)(uintptr_t)r;
}

static void test_two_threads(struct ctx *c) {
    tuf_updater_config *cfg = new_config(c, c->metadata_dir);
    pthread_t t;
    void *result = NULL;
    tuf_target_info *info = NULL;
    CHECK_OK(tuf_updater_config_set_fetcher(cfg, blocking_fetch, c, &err));
    CHECK_OK(tuf_updater_new(cfg, &c->updater, &err));
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cv, NULL);
    c->in_fetch = 0;
    c->release = 0;
    CHECK(pthread_create(&t, NULL, refresh_thread, c) == 0);
    pthread_mutex_lock(&c->mu);
    while (!c->in_fetch) {
        pthread_cond_wait(&c->cv, &c->mu);
    }
    pthread_mutex_unlock(&c->mu);
    /* The other thread is inside tuf_updater_refresh. */
    CHECK_CODE(TUF_ERR_STATE, tuf_updater_refresh(c->updater, &err));
    CHECK_CODE(TUF_ERR_STATE, tuf_updater_get_target_info(c->updater, "hello.txt", &info, &err));
    CHECK(info == NULL);
    pthread_mutex_lock(&c->mu);
    c->release = 1;
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
    CHECK(pthread_join(t, &result) == 0);
    CHECK((tuf_result)(uintptr_t)result == TUF_OK);
    pthread_mutex_destroy(&c->mu);
    pthread_cond_destroy(&c->cv);
    tuf_updater_free(c->updater);
    c->updater = NULL;
    tuf_updater_config_free(cfg);
}

static void test_err_is_only_overwritten(void) {
    /* Garbage in *err is neither read nor freed (valgrind and ASan would see it). */
    tuf_error *err = (tuf_error *)TU_SENTINEL;
    CHECK(tuf_updater_refresh(NULL, &err) == TUF_ERR_INVALID_ARGUMENT);
    CHECK(err != NULL && err != (tuf_error *)TU_SENTINEL);
    CHECK(tuf_error_code(err) == TUF_ERR_INVALID_ARGUMENT);
    tuf_error_free(err);
    /* The variable still holds the freed pointer: reusing it is the intended pattern. */
    CHECK(tuf_updater_refresh(NULL, &err) == TUF_ERR_INVALID_ARGUMENT);
    tuf_error_free(err);
}

/* ---- progress of every transfer, and cancellation ------------------------------------- */

struct progress_ctx {
    const char *cancel_at; /* cancel the first transfer whose URL contains this, or NULL */
    int metadata_reports;
    int target_reports;
    int cancelled;
};

static int transfer_progress(void *userdata, const char *url, uint64_t received, uint64_t total) {
    struct progress_ctx *p = userdata;
    (void)received;
    (void)total;
    if (strstr(url, "/metadata/") != NULL) {
        p->metadata_reports++;
    } else {
        p->target_reports++;
    }
    if (p->cancel_at != NULL && strstr(url, p->cancel_at) != NULL) {
        p->cancelled++;
        return 1;
    }
    return 0;
}

static void test_cancellation(struct ctx *c) {
    char *dir = tu_mkdtemp();
    char *dest = tu_format("%s/hello.txt", c->other_dir);
    tuf_updater_config *cfg = new_config(c, dir);
    struct progress_ctx p;
    tuf_target_info *info = NULL;
    tuf_updater *u = NULL;

    memset(&p, 0, sizeof p);
    p.cancel_at = "snapshot.json";
    CHECK_OK(tuf_updater_config_set_progress_callback(cfg, transfer_progress, &p, &err));
    CHECK_OK(tuf_updater_new(cfg, &u, &err));
    CHECK_CODE(TUF_ERR_CANCELLED, tuf_updater_refresh(u, &err));
    CHECK(p.cancelled == 1);
    CHECK(p.metadata_reports >= 2); /* timestamp, then snapshot */
    p.cancel_at = "hello.txt";
    CHECK_OK(tuf_updater_get_target_info(u, "hello.txt", &info, &err));
    remove(dest);
    CHECK_CODE(TUF_ERR_CANCELLED, tuf_updater_download_target(u, info, dest, NULL, NULL, &err));
    CHECK(!tu_exists(dest));
    CHECK(p.target_reports >= 1);
    p.cancel_at = NULL;
    CHECK_OK(tuf_updater_download_target(u, info, dest, NULL, NULL, &err));
    CHECK(tu_exists(dest));
    /* NULL: no progress callback any more. */
    CHECK_OK(tuf_updater_config_set_progress_callback(cfg, NULL, NULL, &err));
    tuf_target_info_free(info);
    tuf_updater_free(u);
    tuf_updater_config_free(cfg);
    tu_rmtree(dir);
    free(dir);
    free(dest);
}

int main(int argc, char **argv) {
    struct ctx c;
    memset(&c, 0, sizeof c);
    c.demo = tu_demo_repo(argc, argv);
    c.metadata_dir = tu_mkdtemp();
    c.other_dir = tu_mkdtemp();
    test_fetch_callback(&c);
    test_log_callback(&c);
    test_progress_callback(&c);
    test_loaders(c.demo);
    test_two_threads(&c);
    test_err_is_only_overwritten();
    test_cancellation(&c);
    free(c.metadata_dir);
    free(c.other_dir);
    return tu_finish();
}
