/*
 * test_downloads: many lookups at once, parallel and resumable target downloads from C, over
 * file:// against a copy of the demo repository. tuf_updater_get_target_infos writes one info,
 * result and error per path in order (a path not found is TUF_ERR_TARGET_NOT_FOUND, and the
 * first such path the return value), and nothing on argument errors or a failed refresh.
 * tuf_updater_download_targets writes one result, error and path per
 * target, skips files already there, reports a failing target alone (and the first failure as
 * its return value), leaves the output arrays untouched on argument errors, and cancels every
 * transfer when the progress callback says so. tuf_updater_config_set_max_connections and
 * tuf_updater_config_set_resume are validated; an interrupted download keeps its partial file
 * and the next download continues it from there (the progress callback sees it start at the
 * partial file's length), unless resuming is off. tuf_updater_download_target_paths looks up
 * and downloads every path, writing one info, result, error and path per path; when a path is
 * not found it downloads nothing (the others TUF_OK with a NULL path, the first missing one
 * the return value); argument errors write nothing.
 *
 *   test_downloads DEMO_REPO_DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tuf.h>

#include "testutil.h"

#define N 3

static const char *const NAMES[N] = {"hello.txt", "apps/app-1.1.tar.gz", "docs/README.txt"};
/* Their files in the repository, under targets/. */
static const char *const REMOTE[N] = {
    "93a92c4b9f80ef6fe400b265c6a9347652a05cb712d439e338d83f43b061811c.hello.txt",
    "apps/08b5328a7e493ccc5ffb5fe0bb94877b76cb2e9968c13a17843891648c98b677.app-1.1.tar.gz",
    "docs/f90dd677762b5949425ab47b5eef559aab37cc3965ddf850411f41f29c3afe32.README.txt",
};
/* Their local names: the percent-encoded target path. */
static const char *const LOCAL[N] = {"hello.txt", "apps%2Fapp-1.1.tar.gz",
                                     "docs%2FREADME.txt"};

static tuf_updater_config *new_config(const struct tu_demo *env, const char *name) {
    tuf_updater_config *cfg = NULL;
    char *metadata = tu_format("%s/%s-metadata", env->tmp, name);
    char *targets = tu_format("%s/%s-targets", env->tmp, name);
    CHECK_OK(tuf_updater_config_new(metadata, env->metadata_url, &cfg, &err));
    CHECK_OK(tuf_updater_config_set_targets_dir(cfg, targets, &err));
    CHECK_OK(tuf_updater_config_set_targets_base_url(cfg, env->targets_url, &err));
    CHECK_OK(tuf_updater_config_set_bootstrap_root(cfg, env->root, env->root_len, &err));
    free(metadata);
    free(targets);
    return cfg;
}

static tuf_updater *new_updater(tuf_updater_config *cfg) {
    tuf_updater *u = NULL;
    CHECK_OK(tuf_updater_new(cfg, &u, &err));
    return u;
}

static void get_infos(tuf_updater *u, tuf_target_info *infos[N]) {
    size_t i;
    for (i = 0; i < N; i++) {
        infos[i] = NULL;
        CHECK_OK(tuf_updater_get_target_info(u, NAMES[i], &infos[i], &err));
    }
}

static void free_infos(tuf_target_info *infos[N]) {
    size_t i;
    for (i = 0; i < N; i++) tuf_target_info_free(infos[i]);
}

/* Whether the local file `local` in `dir` has the bytes of the repository's `remote`. */
static int same_as_remote(const struct tu_demo *env, const char *dir, const char *local,
                          const char *remote) {
    char *a = tu_format("%s/%s", dir, local);
    char *b = tu_format("%s/targets/%s", env->repo, remote);
    size_t la = 0, lb = 0;
    unsigned char *da = tu_read_file(a, &la), *db = tu_read_file(b, &lb);
    int same = da != NULL && db != NULL && la == lb && memcmp(da, db, la) == 0;
    free(da);
    free(db);
    free(a);
    free(b);
    return same;
}

static void test_settings(void) {
    tuf_updater_config *cfg = NULL;
    CHECK_OK(tuf_updater_config_new("/nonexistent", "file:///x", &cfg, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_max_connections(NULL, 4, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_max_connections(cfg, 0, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_max_connections(cfg, 65, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_config_set_max_connections(cfg, UINT32_MAX, &err));
    CHECK_OK(tuf_updater_config_set_max_connections(cfg, 1, &err));
    CHECK_OK(tuf_updater_config_set_max_connections(cfg, 64, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_resume(NULL, true, &err));
    CHECK_OK(tuf_updater_config_set_resume(cfg, false, &err));
    CHECK_OK(tuf_updater_config_set_resume(cfg, true, &err));
    tuf_updater_config_free(cfg);
}

/* A transfer progress callback that cancels transfers of the delegated role apps. */
static int cancel_apps(void *userdata, const char *url, uint64_t received, uint64_t total) {
    unsigned *calls = userdata;
    (void)received;
    (void)total;
    if (strstr(url, "apps.json") != NULL) {
        (*calls)++;
        return 1;
    }
    return 0;
}

static void test_lookups(const struct tu_demo *env) {
    enum { M = 5 };
    static const char *const PATHS[M] = {"hello.txt", "apps/app-1.1.tar.gz", "apps/none.tar.gz",
                                         "docs/README.txt", "apps/app-1.0.tar.gz"};
    static const char *const ROLES[M] = {"targets", "apps", NULL, "targets", "apps"};
    tuf_updater_config *cfg = new_config(env, "lookups");
    tuf_updater *u = new_updater(cfg);
    tuf_target_info *infos[M];
    tuf_result results[M];
    tuf_error *errors[M];
    const char *bad[M];
    tuf_error *e = NULL;
    unsigned calls = 0;
    size_t i;

    /* Argument errors write nothing. */
    for (i = 0; i < M; i++) {
        infos[i] = TU_SENTINEL;
        results[i] = 999;
        errors[i] = TU_SENTINEL;
        bad[i] = PATHS[i];
    }
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_get_target_infos(NULL, PATHS, M, infos, results, errors, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_get_target_infos(u, NULL, M, infos, results, errors, &err));
    bad[2] = NULL;
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_get_target_infos(u, bad, M, infos, results, errors, &err));
    bad[2] = "\xff\xfe";
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_get_target_infos(u, bad, M, infos, results, errors, &err));
    for (i = 0; i < M; i++) {
        CHECK(infos[i] == TU_SENTINEL && results[i] == 999 && errors[i] == TU_SENTINEL);
    }
    CHECK_OK(tuf_updater_get_target_infos(u, NULL, 0, NULL, NULL, NULL, &err));

    /* One info, result and error per path, in order; the first path not found is the
     * return value. */
    CHECK(tuf_updater_get_target_infos(u, PATHS, M, infos, results, errors, &e) ==
          TUF_ERR_TARGET_NOT_FOUND);
    CHECK(e != NULL && tuf_error_code(e) == TUF_ERR_TARGET_NOT_FOUND);
    CHECK(strstr(tuf_error_message(e), "1 of 5") != NULL);
    CHECK(strstr(tuf_error_message(e), "apps/none.tar.gz") != NULL);
    tuf_error_free(e);
    e = NULL;
    for (i = 0; i < M; i++) {
        if (ROLES[i] == NULL) {
            CHECK(infos[i] == NULL);
            CHECK(results[i] == TUF_ERR_TARGET_NOT_FOUND);
            CHECK(errors[i] != NULL && tuf_error_code(errors[i]) == TUF_ERR_TARGET_NOT_FOUND);
        } else {
            CHECK(infos[i] != NULL && results[i] == TUF_OK && errors[i] == NULL);
            CHECK_STR(tuf_target_info_path(infos[i]), PATHS[i]);
            CHECK_STR(tuf_target_info_role(infos[i]), ROLES[i]);
        }
        tuf_target_info_free(infos[i]);
        tuf_error_free(errors[i]);
    }

    /* Every output optional. */
    CHECK(tuf_updater_get_target_infos(u, PATHS, M, NULL, results, NULL, NULL) ==
          TUF_ERR_TARGET_NOT_FOUND);
    CHECK(results[0] == TUF_OK && results[2] == TUF_ERR_TARGET_NOT_FOUND);
    CHECK_OK(tuf_updater_get_target_infos(u, PATHS, 2, NULL, NULL, NULL, &err));
    tuf_updater_free(u);
    tuf_updater_config_free(cfg);

    /* Cancelled by the progress callback: the lookups that needed apps fail with
     * TUF_ERR_CANCELLED, the others are answered. */
    cfg = new_config(env, "lookups-cancel");
    CHECK_OK(tuf_updater_config_set_progress_callback(cfg, cancel_apps, &calls, &err));
    u = new_updater(cfg);
    CHECK(tuf_updater_get_target_infos(u, PATHS, M, infos, results, errors, &e) ==
          TUF_ERR_CANCELLED);
    tuf_error_free(e);
    e = NULL;
    CHECK(calls >= 1);
    for (i = 0; i < M; i++) {
        if (ROLES[i] != NULL && strcmp(ROLES[i], "targets") == 0) {
            CHECK(results[i] == TUF_OK && infos[i] != NULL);
        } else {
            CHECK(results[i] == TUF_ERR_CANCELLED && infos[i] == NULL);
        }
        tuf_target_info_free(infos[i]);
        tuf_error_free(errors[i]);
    }
    tuf_updater_free(u);
    tuf_updater_config_free(cfg);

    /* A refresh that fails fails the call, and writes nothing. */
    {
        char *metadata = tu_format("%s/lookups-norepo-metadata", env->tmp);
        cfg = NULL;
        CHECK_OK(tuf_updater_config_new(metadata, "file:///nonexistent/metadata/", &cfg, &err));
        CHECK_OK(tuf_updater_config_set_bootstrap_root(cfg, env->root, env->root_len, &err));
        free(metadata);
    }
    u = new_updater(cfg);
    for (i = 0; i < M; i++) results[i] = 999;
    CHECK(tuf_updater_get_target_infos(u, PATHS, M, NULL, results, NULL, &e) ==
          TUF_ERR_DOWNLOAD);
    tuf_error_free(e);
    for (i = 0; i < M; i++) CHECK(results[i] == 999);
    tuf_updater_free(u);
    tuf_updater_config_free(cfg);
}

static void test_parallel(const struct tu_demo *env) {
    tuf_updater_config *cfg = new_config(env, "parallel");
    tuf_updater *u;
    tuf_target_info *infos[N];
    const tuf_target_info *list[N];
    tuf_result results[N];
    tuf_error *errors[N];
    char *paths[N];
    char *dir = tu_format("%s/parallel-targets", env->tmp);
    char *missing = tu_format("%s/targets/%s", env->repo, REMOTE[2]);
    char *moved = tu_format("%s/moved", env->tmp);
    size_t i;

    CHECK_OK(tuf_updater_config_set_max_connections(cfg, 2, &err));
    u = new_updater(cfg);
    get_infos(u, infos);
    for (i = 0; i < N; i++) list[i] = infos[i];

    /* Argument errors write nothing. */
    for (i = 0; i < N; i++) {
        results[i] = 999;
        errors[i] = TU_SENTINEL;
        paths[i] = TU_SENTINEL;
    }
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_download_targets(NULL, list, N, NULL, NULL,
                                                                      results, errors, paths,
                                                                      &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_download_targets(u, NULL, N, NULL, NULL,
                                                                      results, errors, paths,
                                                                      &err));
    list[1] = NULL;
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_download_targets(u, list, N, NULL, NULL,
                                                                      results, errors, paths,
                                                                      &err));
    list[1] = infos[1];
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_download_targets(u, list, N, "\xff\xfe", NULL, results, errors,
                                            paths, &err));
    for (i = 0; i < N; i++) {
        CHECK(results[i] == 999 && errors[i] == TU_SENTINEL && paths[i] == TU_SENTINEL);
    }
    CHECK_OK(tuf_updater_download_targets(u, NULL, 0, NULL, NULL, NULL, NULL, NULL, &err));

    /* Every target, in parallel. */
    CHECK_OK(tuf_updater_download_targets(u, list, N, NULL, NULL, results, errors, paths, &err));
    for (i = 0; i < N; i++) {
        char *expected = tu_format("%s/%s", dir, LOCAL[i]);
        CHECK(results[i] == TUF_OK);
        CHECK(errors[i] == NULL);
        CHECK_STR(paths[i], expected);
        CHECK(same_as_remote(env, dir, LOCAL[i], REMOTE[i]));
        tuf_string_free(paths[i]);
        free(expected);
    }
    CHECK(tu_count_entries(dir) == N);

    /* Present already: not downloaded again, even with the repository's file gone. */
    CHECK(rename(missing, moved) == 0);
    CHECK_OK(tuf_updater_download_targets(u, list, N, NULL, NULL, results, NULL, NULL, &err));
    for (i = 0; i < N; i++) CHECK(results[i] == TUF_OK);

    /* Into another directory (the repository's file is missing there): one target fails
     * alone, and the call returns its code. */
    {
        char *other = tu_format("%s/other-targets", env->tmp);
        tuf_error *e = NULL;
        tuf_result r = tuf_updater_download_targets(u, list, N, other, env->targets_url,
                                                    results, errors, paths, &e);
        CHECK(r == TUF_ERR_DOWNLOAD);
        CHECK(e != NULL && tuf_error_code(e) == TUF_ERR_DOWNLOAD);
        CHECK(strstr(tuf_error_message(e), "1 of 3") != NULL);
        CHECK(strstr(tuf_error_message(e), "docs/README.txt") != NULL);
        CHECK(tuf_error_http_status(e) == 404);
        tuf_error_free(e);
        CHECK(results[0] == TUF_OK && results[1] == TUF_OK && results[2] == TUF_ERR_DOWNLOAD);
        CHECK(errors[0] == NULL && errors[1] == NULL && errors[2] != NULL);
        CHECK(tuf_error_code(errors[2]) == TUF_ERR_DOWNLOAD);
        CHECK(tuf_error_http_status(errors[2]) == 404);
        CHECK(paths[0] != NULL && paths[1] != NULL && paths[2] == NULL);
        CHECK(same_as_remote(env, other, LOCAL[0], REMOTE[0]));
        CHECK(tu_count_entries(other) == 2);
        for (i = 0; i < N; i++) {
            tuf_error_free(errors[i]);
            tuf_string_free(paths[i]);
        }
        free(other);
    }
    CHECK(rename(moved, missing) == 0);

    free_infos(infos);
    tuf_updater_free(u);
    tuf_updater_config_free(cfg);
    free(dir);
    free(missing);
    free(moved);
}

/* Looked up and downloaded in one call. */
static void test_paths(const struct tu_demo *env) {
    tuf_updater_config *cfg = new_config(env, "paths");
    tuf_updater *u;
    tuf_target_info *infos[N];
    tuf_result results[N];
    tuf_error *errors[N];
    char *paths[N];
    const char *names[N];
    char *dir = tu_format("%s/paths-targets", env->tmp);
    char *apps = tu_format("%s/paths-metadata/apps.json", env->tmp);
    size_t i;

    CHECK_OK(tuf_updater_config_set_max_connections(cfg, 2, &err));
    u = new_updater(cfg);
    for (i = 0; i < N; i++) names[i] = NAMES[i];

    /* Argument errors write nothing. */
    for (i = 0; i < N; i++) {
        infos[i] = TU_SENTINEL;
        results[i] = 999;
        errors[i] = TU_SENTINEL;
        paths[i] = TU_SENTINEL;
    }
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_download_target_paths(NULL, names, N, NULL, NULL, infos, results,
                                                 errors, paths, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_download_target_paths(u, NULL, N, NULL, NULL, infos, results, errors,
                                                 paths, &err));
    names[1] = NULL;
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_download_target_paths(u, names, N, NULL, NULL, infos, results, errors,
                                                 paths, &err));
    names[1] = NAMES[1];
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_download_target_paths(u, names, N, "\xff\xfe", NULL, infos, results,
                                                 errors, paths, &err));
    for (i = 0; i < N; i++) {
        CHECK(infos[i] == TU_SENTINEL && results[i] == 999 && errors[i] == TU_SENTINEL &&
              paths[i] == TU_SENTINEL);
    }
    CHECK_OK(tuf_updater_download_target_paths(u, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL,
                                               &err));

    /* A path not found: every path looked up, nothing downloaded. */
    names[2] = "no/such/target";
    {
        tuf_error *e = NULL;
        tuf_result r = tuf_updater_download_target_paths(u, names, N, NULL, NULL, infos,
                                                         results, errors, paths, &e);
        CHECK(r == TUF_ERR_TARGET_NOT_FOUND);
        CHECK(e != NULL && strstr(tuf_error_message(e), "no/such/target") != NULL);
        tuf_error_free(e);
    }
    CHECK(results[0] == TUF_OK && results[1] == TUF_OK && results[2] == TUF_ERR_TARGET_NOT_FOUND);
    CHECK(errors[0] == NULL && errors[1] == NULL && errors[2] != NULL);
    CHECK(tuf_error_code(errors[2]) == TUF_ERR_TARGET_NOT_FOUND);
    CHECK(infos[0] != NULL && infos[1] != NULL && infos[2] == NULL);
    CHECK_STR(tuf_target_info_path(infos[1]), NAMES[1]);
    CHECK_STR(tuf_target_info_role(infos[1]), "apps");
    CHECK(paths[0] == NULL && paths[1] == NULL && paths[2] == NULL);
    CHECK(tu_count_entries(dir) <= 0);
    /* The delegated role the lookups fetched is cached all the same. */
    CHECK(tu_exists(apps));
    for (i = 0; i < N; i++) {
        tuf_target_info_free(infos[i]);
        tuf_error_free(errors[i]);
    }
    names[2] = NAMES[2];

    /* Every path found: every target downloaded. */
    CHECK_OK(tuf_updater_download_target_paths(u, names, N, NULL, NULL, infos, results, errors,
                                               paths, &err));
    for (i = 0; i < N; i++) {
        char *expected = tu_format("%s/%s", dir, LOCAL[i]);
        CHECK(results[i] == TUF_OK);
        CHECK(errors[i] == NULL);
        CHECK(infos[i] != NULL);
        CHECK_STR(tuf_target_info_path(infos[i]), NAMES[i]);
        CHECK_STR(paths[i], expected);
        CHECK(same_as_remote(env, dir, LOCAL[i], REMOTE[i]));
        tuf_target_info_free(infos[i]);
        tuf_string_free(paths[i]);
        free(expected);
    }
    CHECK(tu_count_entries(dir) == N);

    tuf_updater_free(u);
    tuf_updater_config_free(cfg);
    free(dir);
    free(apps);
}

/* A transfer progress callback that cancels on its first call for a target. */
static int cancel_targets(void *userdata, const char *url, uint64_t received, uint64_t total) {
    unsigned *calls = userdata;
    (void)received;
    (void)total;
    if (strstr(url, "/targets/") != NULL) {
        (*calls)++;
        return 1;
    }
    return 0;
}

static void test_cancel(const struct tu_demo *env) {
    tuf_updater_config *cfg = new_config(env, "cancel");
    tuf_updater *u;
    tuf_target_info *infos[N];
    const tuf_target_info *list[N];
    tuf_result results[N];
    unsigned calls = 0;
    char *dir = tu_format("%s/cancel-targets", env->tmp);
    size_t i;

    CHECK_OK(tuf_updater_config_set_progress_callback(cfg, cancel_targets, &calls, &err));
    u = new_updater(cfg);
    get_infos(u, infos);
    for (i = 0; i < N; i++) list[i] = infos[i];
    CHECK_CODE(TUF_ERR_CANCELLED, tuf_updater_download_targets(u, list, N, NULL, NULL, results,
                                                               NULL, NULL, &err));
    CHECK(calls >= 1);
    for (i = 0; i < N; i++) CHECK(results[i] == TUF_ERR_CANCELLED);
    /* Nothing arrived: nothing stays. */
    CHECK(tu_count_entries(dir) <= 0);
    free_infos(infos);
    tuf_updater_free(u);
    tuf_updater_config_free(cfg);
    free(dir);
}

/* A fetch callback that serves files of the repository copy, the first time only half of the
 * first target it is asked for, then failing. */
struct half_server {
    const struct tu_demo *env;
    int served_half;
};

static int half_fetch(void *userdata, const char *url, uint64_t max_length, tuf_sink *sink) {
    struct half_server *s = userdata;
    const char *prefix = "file://";
    size_t len = 0;
    unsigned char *data;
    int rc = 0;
    (void)max_length;
    if (strncmp(url, prefix, strlen(prefix)) != 0) return -1;
    data = tu_read_file(url + strlen(prefix), &len);
    if (data == NULL) return TUF_FETCH_NOT_FOUND;
    if (strstr(url, "/targets/") != NULL && !s->served_half) {
        s->served_half = 1;
        len /= 2;
        rc = -1;
    }
    if (tuf_sink_write(sink, data, len) != TUF_OK) rc = -1;
    free(data);
    return rc;
}

/* A transfer progress callback recording the first position reported for hello.txt. */
struct first_report {
    int seen;
    uint64_t first;
};

static int record_first(void *userdata, const char *url, uint64_t received, uint64_t total) {
    struct first_report *f = userdata;
    (void)total;
    if (strstr(url, "hello.txt") != NULL && !f->seen) {
        f->seen = 1;
        f->first = received;
    }
    return 0;
}

static void test_resume(const struct tu_demo *env, bool resume) {
    const char *name = resume ? "resume" : "noresume";
    tuf_updater_config *cfg = new_config(env, name);
    tuf_updater *u;
    tuf_target_info *info = NULL;
    struct half_server server = {env, 0};
    struct first_report first = {0, 0};
    char *dir = tu_format("%s/%s-targets", env->tmp, name);
    const tuf_target_info *list[1];
    tuf_result result;

    CHECK_OK(tuf_updater_config_set_resume(cfg, resume, &err));
    CHECK_OK(tuf_updater_config_set_fetcher(cfg, half_fetch, &server, &err));
    u = new_updater(cfg);
    CHECK_OK(tuf_updater_get_target_info(u, "hello.txt", &info, &err));
    CHECK_CODE(TUF_ERR_DOWNLOAD, tuf_updater_download_target(u, info, NULL, NULL, NULL, &err));
    /* Nothing at the destination; the partial file only when resuming. */
    CHECK(!tu_exists(dir) || tu_count_entries(dir) == (resume ? 1 : 0));
    CHECK(resume == (tu_count_entries(dir) == 1));
    tuf_updater_free(u);

    /* The built-in fetcher over file:// continues it from where it stopped. */
    CHECK_OK(tuf_updater_config_set_fetcher(cfg, NULL, NULL, &err));
    CHECK_OK(tuf_updater_config_set_progress_callback(cfg, record_first, &first, &err));
    u = new_updater(cfg);
    list[0] = info;
    CHECK_OK(tuf_updater_download_targets(u, list, 1, NULL, NULL, &result, NULL, NULL, &err));
    CHECK(result == TUF_OK);
    CHECK(first.seen);
    CHECK(first.first == (resume ? 39 / 2 : 0));
    CHECK(tu_count_entries(dir) == 1);
    CHECK(same_as_remote(env, dir, LOCAL[0], REMOTE[0]));
    tuf_target_info_free(info);
    tuf_updater_free(u);
    tuf_updater_config_free(cfg);
    free(dir);
}

int main(int argc, char **argv) {
    struct tu_demo env;
    const char *demo = tu_demo_repo(argc, argv);

    tu_demo_copy(demo, &env);

    test_settings();
    test_lookups(&env);
    test_parallel(&env);
    test_paths(&env);
    test_cancel(&env);
    test_resume(&env, true);
    test_resume(&env, false);

    tu_demo_free(&env);
    return tu_finish();
}
