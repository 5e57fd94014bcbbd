/*
 * test_threads: several threads at once, each with its own updaters, refreshing and
 * downloading from a copy of the demo repository over file://. Half of them have their own
 * metadata and targets directories, the other half share one of each (the cache's lock and
 * atomic writes). One tuf_target_info, created by the main thread, is read (and used for
 * downloads) by all threads at once. Callbacks must run on the calling thread.
 *
 *   test_threads DEMO_REPO_DIR
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tuf.h>

#include "testutil.h"

#define N_THREADS 8
#define N_SHARED 4  /* threads N_THREADS - N_SHARED .. N_THREADS - 1 share directories */
#define ROUNDS 2    /* updaters created, refreshed and used by each thread */
#define READS 200   /* reads of the shared target info per round */

struct shared {
    const char *repo;
    const char *tmp;
    const unsigned char *root;
    size_t root_len;
    const tuf_target_info *hello; /* read from every thread */
    char hello_path[64];
    char hello_role[64];
    char hello_algorithm[64];
    char hello_hex[130];
    uint64_t hello_length;
    const unsigned char *hello_data;
    size_t hello_data_len;
};

struct worker {
    int index;
    pthread_t thread; /* written by the main thread */
    pthread_t self;   /* written by the worker itself, compared in its callbacks */
    const struct shared *shared;
    unsigned log_messages;
    unsigned log_wrong_thread;
    unsigned progress_calls;
    unsigned progress_wrong_thread;
    /* The first failure. */
    int failed;
    int line;
    char what[256];
};

/* Worker threads do not use CHECK (it counts in a global); they record their first failure,
 * which the main thread reports. */
#define WCHECK(w, expr)                                                                       \
    do {                                                                                      \
        if (!(expr)) {                                                                        \
            wfail((w), __LINE__, #expr, NULL);                                                \
            return 0;                                                                         \
        }                                                                                     \
    } while (0)

/* The call must return TUF_OK; `err` is a variable of the enclosing function. */
#define WCHECK_OK(w, call)                                                                    \
    do {                                                                                      \
        err = NULL;                                                                           \
        if ((call) != TUF_OK) {                                                               \
            wfail((w), __LINE__, #call, err != NULL ? tuf_error_message(err) : "(no error)"); \
            tuf_error_free(err);                                                              \
            return 0;                                                                         \
        }                                                                                     \
        WCHECK((w), err == NULL);                                                             \
    } while (0)

static void wfail(struct worker *w, int line, const char *expr, const char *detail) {
    if (w->failed) {
        return;
    }
    w->failed = 1;
    w->line = line;
    snprintf(w->what, sizeof w->what, "%s%s%s", expr, detail != NULL ? ": " : "",
             detail != NULL ? detail : "");
}

static void on_log(void *userdata, int level, const char *message) {
    struct worker *w = userdata;
    (void)level;
    (void)message;
    w->log_messages++;
    if (!pthread_equal(pthread_self(), w->self)) {
        w->log_wrong_thread++;
    }
}

static void on_progress(void *userdata, uint64_t received, uint64_t total) {
    struct worker *w = userdata;
    (void)received;
    (void)total;
    w->progress_calls++;
    if (!pthread_equal(pthread_self(), w->self)) {
        w->progress_wrong_thread++;
    }
}

static int file_is(const char *path, const unsigned char *data, size_t len) {
    size_t n = 0;
    unsigned char *got = tu_read_file(path, &n);
    int same = got != NULL && n == len && memcmp(got, data, len) == 0;
    free(got);
    return same;
}

/* Reads the shared target info, as every thread does at the same time. */
static int read_shared_info(struct worker *w) {
    const struct shared *s = w->shared;
    int i;
    for (i = 0; i < READS; i++) {
        WCHECK(w, strcmp(tuf_target_info_path(s->hello), s->hello_path) == 0);
        WCHECK(w, strcmp(tuf_target_info_role(s->hello), s->hello_role) == 0);
        WCHECK(w, tuf_target_info_length(s->hello) == s->hello_length);
        WCHECK(w, tuf_target_info_hash_count(s->hello) == 1);
        WCHECK(w, strcmp(tuf_target_info_hash_algorithm(s->hello, 0), s->hello_algorithm) == 0);
        WCHECK(w, strcmp(tuf_target_info_hash_hex(s->hello, 0), s->hello_hex) == 0);
        WCHECK(w, tuf_target_info_hash_hex(s->hello, 1) == NULL);
        WCHECK(w, tuf_target_info_custom_json(s->hello) == NULL);
    }
    return 1;
}

static int one_round(struct worker *w, int round) {
    const struct shared *s = w->shared;
    tuf_error *err = NULL;
    tuf_updater_config *cfg = NULL;
    tuf_updater *u = NULL;
    tuf_target_info *app = NULL;
    char *cached = NULL, *path = NULL;
    int shared_dirs = w->index >= N_THREADS - N_SHARED;
    char *meta = shared_dirs ? tu_format("%s/shared/metadata", s->tmp)
                             : tu_format("%s/own%d/metadata", s->tmp, w->index);
    char *targets = shared_dirs ? tu_format("%s/shared/targets", s->tmp)
                                : tu_format("%s/own%d/targets", s->tmp, w->index);
    char *metadata_url = tu_format("file://%s/metadata", s->repo);
    char *targets_url = tu_format("file://%s/targets", s->repo);
    char *explicit_path = tu_format("%s/hello-%d-%d.txt", targets, w->index, round);

    WCHECK_OK(w, tuf_updater_config_new(meta, metadata_url, &cfg, &err));
    WCHECK_OK(w, tuf_updater_config_set_targets_dir(cfg, targets, &err));
    WCHECK_OK(w, tuf_updater_config_set_targets_base_url(cfg, targets_url, &err));
    WCHECK_OK(w, tuf_updater_config_set_bootstrap_root(cfg, s->root, s->root_len, &err));
    WCHECK_OK(w, tuf_updater_config_set_log_callback(cfg, on_log, w, &err));
    WCHECK_OK(w, tuf_updater_new(cfg, &u, &err));
    tuf_updater_config_free(cfg);
    WCHECK_OK(w, tuf_updater_set_progress_callback(u, on_progress, w, &err));

    WCHECK_OK(w, tuf_updater_refresh(u, &err));
    WCHECK(w, read_shared_info(w));

    /* A target of the delegated role, with this thread's own target info. */
    WCHECK_OK(w, tuf_updater_get_target_info(u, "apps/app-1.1.tar.gz", &app, &err));
    WCHECK(w, strcmp(tuf_target_info_role(app), "apps") == 0);
    WCHECK_OK(w, tuf_updater_download_target(u, app, NULL, NULL, &path, &err));
    WCHECK(w, path != NULL);
    tuf_string_free(path);
    path = NULL;

    /* The shared target info with this thread's updater. */
    WCHECK_OK(w, tuf_updater_download_target(u, s->hello, NULL, NULL, &path, &err));
    WCHECK(w, file_is(path, s->hello_data, s->hello_data_len));
    WCHECK_OK(w, tuf_updater_find_cached_target(u, s->hello, NULL, &cached, &err));
    WCHECK(w, cached != NULL && strcmp(cached, path) == 0);
    tuf_string_free(cached);
    tuf_string_free(path);
    path = NULL;
    WCHECK_OK(w, tuf_updater_download_target(u, s->hello, explicit_path, NULL, &path, &err));
    WCHECK(w, file_is(explicit_path, s->hello_data, s->hello_data_len));
    tuf_string_free(path);

    WCHECK(w, read_shared_info(w));
    tuf_target_info_free(app);
    tuf_updater_free(u);
    free(meta);
    free(targets);
    free(metadata_url);
    free(targets_url);
    free(explicit_path);
    return 1;
}

static void *run_worker(void *arg) {
    struct worker *w = arg;
    int round;
    w->self = pthread_self();
    for (round = 0; round < ROUNDS && !w->failed; round++) {
        one_round(w, round);
    }
    return NULL;
}

int main(int argc, char **argv) {
    const char *demo = tu_demo_repo(argc, argv);
    struct shared s;
    struct worker workers[N_THREADS];
    tuf_updater_config *cfg = NULL;
    tuf_updater *u = NULL;
    tuf_target_info *hello = NULL;
    char *tmp = tu_mkdtemp();
    char *repo = tu_format("%s/repo", tmp);
    char *root_path = tu_format("%s/root.json", repo);
    char *meta = tu_format("%s/main/metadata", tmp);
    char *metadata_url = tu_format("file://%s/metadata", repo);
    char *hello_path = tu_format(
        "%s/targets/93a92c4b9f80ef6fe400b265c6a9347652a05cb712d439e338d83f43b061811c.hello.txt",
        repo);
    unsigned char *root;
    size_t root_len = 0;
    int i;

    CHECK(tu_copytree(demo, repo) == 0);
    root = tu_read_file(root_path, &root_len);
    CHECK(root != NULL);

    /* The shared target info, from an updater of the main thread. */
    CHECK_OK(tuf_updater_config_new(meta, metadata_url, &cfg, &err));
    CHECK_OK(tuf_updater_config_set_bootstrap_root(cfg, root, root_len, &err));
    CHECK_OK(tuf_updater_new(cfg, &u, &err));
    CHECK_OK(tuf_updater_refresh(u, &err));
    CHECK_OK(tuf_updater_get_target_info(u, "hello.txt", &hello, &err));
    tuf_updater_free(u); /* the target info outlives its updater */
    tuf_updater_config_free(cfg);

    memset(&s, 0, sizeof s);
    s.repo = repo;
    s.tmp = tmp;
    s.root = root;
    s.root_len = root_len;
    s.hello = hello;
    snprintf(s.hello_path, sizeof s.hello_path, "%s", tuf_target_info_path(hello));
    snprintf(s.hello_role, sizeof s.hello_role, "%s", tuf_target_info_role(hello));
    snprintf(s.hello_algorithm, sizeof s.hello_algorithm, "%s",
             tuf_target_info_hash_algorithm(hello, 0));
    snprintf(s.hello_hex, sizeof s.hello_hex, "%s", tuf_target_info_hash_hex(hello, 0));
    s.hello_length = tuf_target_info_length(hello);
    CHECK_STR(s.hello_path, "hello.txt");
    CHECK(s.hello_length == 39);
    s.hello_data = tu_read_file(hello_path, &s.hello_data_len);
    CHECK(s.hello_data != NULL && s.hello_data_len == 39);

    memset(workers, 0, sizeof workers);
    for (i = 0; i < N_THREADS; i++) {
        workers[i].index = i;
        workers[i].shared = &s;
    }
    for (i = 0; i < N_THREADS; i++) {
        CHECK(pthread_create(&workers[i].thread, NULL, run_worker, &workers[i]) == 0);
    }
    for (i = 0; i < N_THREADS; i++) {
        CHECK(pthread_join(workers[i].thread, NULL) == 0);
    }
    for (i = 0; i < N_THREADS; i++) {
        struct worker *w = &workers[i];
        if (w->failed) {
            fprintf(stderr, "thread %d: test_threads.c:%d: %s\n", i, w->line, w->what);
        }
        CHECK(!w->failed);
        CHECK(w->log_messages > 0);
        CHECK(w->log_wrong_thread == 0);
        CHECK(w->progress_calls >= 3 * ROUNDS);
        CHECK(w->progress_wrong_thread == 0);
    }
    /* The shared directories hold the targets once each, and no temporary files. */
    {
        char *shared_targets = tu_format("%s/shared/targets", tmp);
        CHECK(tu_count_entries(shared_targets) == 2 + N_SHARED * ROUNDS);
        free(shared_targets);
    }

    tuf_target_info_free(hello);
    free((void *)s.hello_data);
    free(root);
    tu_rmtree(tmp);
    free(tmp);
    free(repo);
    free(root_path);
    free(meta);
    free(metadata_url);
    free(hello_path);
    return tu_finish();
}
