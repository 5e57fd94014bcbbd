/*
 * test_multirepo: several repositories that must agree on targets (TAP 4), over file:// with
 * the repositories of examples-c/multirepo-demo (found beside the demo repository given as
 * argv[1]), copied to a temporary directory: vendor and distro agree on app-1.0.tar.gz and
 * disagree on readme.txt; only vendor lists vendor-only.txt; rogue lists another
 * app-1.0.tar.gz.
 *
 * Threshold met and not met; a compromised repository refused when it matters and outvoted
 * otherwise; mappings in order, terminating or not; mirrors falling back; a repository whose
 * metadata fails verification; map file and configuration errors; the updater settings
 * (reference time, fetch callback) applied to every repository; re-entrance from a callback.
 *
 *   test_multirepo DEMO_REPO_DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tuf.h>

#include "testutil.h"

#define APP "app-1.0.tar.gz"
#define APP_CONTENT "(pretend this is the release archive of app 1.0)\n"

static char *tmp;  /* temporary directory */
static char *demo; /* tmp/demo: the copy of the multi-repository demo */

static char *read_root(const char *name, size_t *len) {
    char *path = tu_format("%s/%s/root.json", demo, name);
    char *data = (char *)tu_read_file(path, len);
    CHECK(data != NULL);
    free(path);
    return data;
}

/* A configuration for `map` (a map file with "@" standing for file://DEMO) over a new parent
 * directory, with the trusted root of each repository of `names` (NULL-terminated; an entry
 * "alias=name" gives repository alias the root of name). */
static tuf_multirepo_config *config_for(const char *map, const char *const *names) {
    tuf_multirepo_config *cfg = NULL;
    char *parent = tu_mkdtemp();
    char *url = tu_format("file://%s", demo);
    size_t n = 0, i, url_len = strlen(url);
    char *text = malloc(strlen(map) * (url_len + 1) + 1);
    const char *p;
    CHECK(text != NULL);
    for (p = map; *p != '\0'; p++) {
        if (*p == '@') {
            memcpy(text + n, url, url_len);
            n += url_len;
        } else {
            text[n++] = *p;
        }
    }
    text[n] = '\0';
    CHECK_OK(tuf_multirepo_config_new(parent, (const uint8_t *)text, n, &cfg, &err));
    for (i = 0; names[i] != NULL; i++) {
        const char *eq = strchr(names[i], '=');
        char *repo = eq != NULL ? tu_format("%.*s", (int)(eq - names[i]), names[i])
                                : tu_format("%s", names[i]);
        size_t len;
        char *root = read_root(eq != NULL ? eq + 1 : names[i], &len);
        CHECK_OK(tuf_multirepo_config_set_trusted_root(cfg, repo, (const uint8_t *)root, len,
                                                       &err));
        free(root);
        free(repo);
    }
    free(text);
    free(url);
    free(parent);
    return cfg;
}

static tuf_multirepo *client_for(const char *map, const char *const *names) {
    tuf_multirepo_config *cfg = config_for(map, names);
    tuf_multirepo *m = NULL;
    CHECK_OK(tuf_multirepo_new(cfg, &m, &err));
    tuf_multirepo_config_free(cfg);
    return m;
}

/* Looks up `path`, expecting `code`; returns the message of the error (malloc'd) or NULL. */
static char *lookup_error(tuf_multirepo *m, const char *path, tuf_result code) {
    tuf_multirepo_target *t = TU_SENTINEL;
    tuf_error *e = NULL;
    char *msg;
    CHECK(tuf_multirepo_get_target_info(m, path, &t, &e) == code);
    CHECK(t == TU_SENTINEL);
    CHECK(e != NULL && tuf_error_code(e) == code);
    msg = tu_format("%s", tuf_error_message(e));
    tuf_error_free(e);
    return msg;
}

static void check_contains(const char *msg, const char *part) {
    if (strstr(msg, part) == NULL) {
        char *detail = tu_format("\"%s\" not in \"%s\"", part, msg);
        tu_fail(__FILE__, __LINE__, "strstr(msg, part) != NULL", detail);
    }
    tu_pass();
}

#define VENDOR_DISTRO(threshold, terminating)                                                 \
    "{\"repositories\": {\"vendor\": [\"@/vendor\"], \"distro\": [\"@/distro\"]},"           \
    " \"mapping\": [{\"paths\": [\"*\"], \"repositories\": [\"vendor\", \"distro\"],"        \
    " \"threshold\": " #threshold ", \"terminating\": " #terminating "}]}"

static const char *const VENDOR_AND_DISTRO[] = {"vendor", "distro", NULL};

static void test_threshold_met_and_not_met(void) {
    tuf_multirepo *m = client_for(VENDOR_DISTRO(2, true), VENDOR_AND_DISTRO);
    tuf_multirepo_target *t = NULL;
    const tuf_target_info *info;
    char *out_path = NULL, *dest, *msg;
    unsigned char *data;
    size_t len;

    CHECK_OK(tuf_multirepo_refresh(m, &err));
    CHECK_OK(tuf_multirepo_get_target_info(m, APP, &t, &err));
    info = tuf_multirepo_target_info(t);
    CHECK_STR(tuf_target_info_path(info), APP);
    CHECK(tuf_target_info_length(info) == strlen(APP_CONTENT));
    CHECK(tuf_multirepo_target_mapping(t) == 0);
    CHECK(tuf_multirepo_target_agreed_count(t) == 2);
    CHECK(tuf_multirepo_target_repository_count(t) == 2);
    CHECK_STR(tuf_multirepo_target_repository_name(t, 0), "vendor");
    CHECK_STR(tuf_multirepo_target_repository_name(t, 1), "distro");
    CHECK(tuf_multirepo_target_repository_name(t, 2) == NULL);
    CHECK(tuf_multirepo_target_repository_agreed(t, 0));
    CHECK(tuf_multirepo_target_repository_agreed(t, 1));
    CHECK(!tuf_multirepo_target_repository_agreed(t, 2));
    CHECK(tuf_target_info_length(tuf_multirepo_target_repository_info(t, 1)) ==
          tuf_target_info_length(info));
    CHECK(tuf_multirepo_target_repository_info(t, 2) == NULL);
    CHECK(tuf_multirepo_target_repository_error(t, 0) == NULL);

    /* Download: to a file, and into PARENT/targets by default. */
    dest = tu_format("%s/app.out", tmp);
    CHECK_OK(tuf_multirepo_download_target(m, t, dest, &out_path, &err));
    CHECK_STR(out_path, dest);
    data = tu_read_file(dest, &len);
    CHECK(data != NULL && len == strlen(APP_CONTENT) && memcmp(data, APP_CONTENT, len) == 0);
    free(data);
    tuf_string_free(out_path);
    CHECK_OK(tuf_multirepo_download_target(m, t, NULL, &out_path, &err));
    CHECK(strstr(out_path, "/targets/" APP) != NULL);
    CHECK(tu_exists(out_path));
    tuf_string_free(out_path);
    CHECK_OK(tuf_multirepo_download_target(m, t, dest, NULL, &err));
    free(dest);
    tuf_multirepo_target_free(t);

    /* They disagree on readme.txt; distro does not list vendor-only.txt; nobody lists
     * nowhere.txt. */
    msg = lookup_error(m, "readme.txt", TUF_ERR_REPOSITORY);
    check_contains(msg, "mapping[0]");
    check_contains(msg, "disagreeing: distro");
    free(msg);
    msg = lookup_error(m, "vendor-only.txt", TUF_ERR_REPOSITORY);
    check_contains(msg, "1 of 2 required repositories agree (vendor)");
    check_contains(msg, "not listing it: distro");
    free(msg);
    free(lookup_error(m, "nowhere.txt", TUF_ERR_TARGET_NOT_FOUND));
    tuf_multirepo_free(m);

    /* Threshold 1: vendor alone is enough for vendor-only.txt. */
    m = client_for(VENDOR_DISTRO(1, true), VENDOR_AND_DISTRO);
    CHECK_OK(tuf_multirepo_get_target_info(m, "vendor-only.txt", &t, &err));
    CHECK(tuf_multirepo_target_agreed_count(t) == 1);
    CHECK(tuf_multirepo_target_repository_info(t, 1) == NULL);
    tuf_multirepo_target_free(t);
    tuf_multirepo_free(m);
}

#define THREE(threshold)                                                                      \
    "{\"repositories\": {\"vendor\": [\"@/vendor\"], \"distro\": [\"@/distro\"],"            \
    " \"rogue\": [\"@/rogue\"]}, \"mapping\": [{\"paths\": [\"*\"],"                         \
    " \"repositories\": [\"vendor\", \"rogue\", \"distro\"], \"threshold\": " #threshold     \
    ", \"terminating\": true}]}"

static void test_compromised_repository(void) {
    static const char *const all[] = {"vendor", "distro", "rogue", NULL};
    tuf_multirepo *m = client_for(THREE(2), all);
    tuf_multirepo_target *t = NULL;
    const tuf_target_info *rogue;
    char *dest = tu_format("%s/outvoted.out", tmp);
    unsigned char *data;
    size_t len;
    char *msg;

    /* 2 of 3: vendor and distro outvote rogue, whose own info is readable. */
    CHECK_OK(tuf_multirepo_get_target_info(m, APP, &t, &err));
    CHECK(tuf_multirepo_target_agreed_count(t) == 2);
    CHECK_STR(tuf_multirepo_target_repository_name(t, 1), "rogue");
    CHECK(!tuf_multirepo_target_repository_agreed(t, 1));
    rogue = tuf_multirepo_target_repository_info(t, 1);
    CHECK(rogue != NULL);
    CHECK(strcmp(tuf_target_info_hash_hex(rogue, 0),
                 tuf_target_info_hash_hex(tuf_multirepo_target_info(t), 0)) != 0);
    CHECK_OK(tuf_multirepo_download_target(m, t, dest, NULL, &err));
    data = tu_read_file(dest, &len);
    CHECK(data != NULL && len == strlen(APP_CONTENT) && memcmp(data, APP_CONTENT, len) == 0);
    free(data);
    free(dest);
    tuf_multirepo_target_free(t);
    tuf_multirepo_free(m);

    /* 3 of 3: refused, naming rogue. */
    m = client_for(THREE(3), all);
    msg = lookup_error(m, APP, TUF_ERR_REPOSITORY);
    check_contains(msg, "disagreeing: rogue");
    free(msg);
    tuf_multirepo_free(m);
}

static void test_mappings_in_order(void) {
    tuf_multirepo *m;
    tuf_multirepo_target *t = NULL;
    char *msg;
#define ORDERED(terminating)                                                                  \
    "{\"repositories\": {\"vendor\": [\"@/vendor\"], \"distro\": [\"@/distro\"]},"           \
    " \"mapping\": [{\"paths\": [\"readme.*\"], \"repositories\": [\"vendor\", \"distro\"],"  \
    " \"threshold\": 2, \"terminating\": " #terminating "},"                                  \
    " {\"paths\": [\"readme.txt\", \"app-*\"], \"repositories\": [\"distro\"],"              \
    " \"threshold\": 1, \"terminating\": false}]}"

    /* Not terminating: readme.txt goes on to mapping 1, where distro alone decides. */
    m = client_for(ORDERED(false), VENDOR_AND_DISTRO);
    CHECK_OK(tuf_multirepo_get_target_info(m, "readme.txt", &t, &err));
    CHECK(tuf_multirepo_target_mapping(t) == 1);
    CHECK_STR(tuf_multirepo_target_repository_name(t, 0), "distro");
    tuf_multirepo_target_free(t);
    /* A path only mapping 1 matches, and one no mapping matches. */
    CHECK_OK(tuf_multirepo_get_target_info(m, APP, &t, &err));
    CHECK(tuf_multirepo_target_mapping(t) == 1);
    tuf_multirepo_target_free(t);
    free(lookup_error(m, "vendor-only.txt", TUF_ERR_TARGET_NOT_FOUND));
    tuf_multirepo_free(m);

    /* Terminating: the search ends at mapping 0. */
    m = client_for(ORDERED(true), VENDOR_AND_DISTRO);
    msg = lookup_error(m, "readme.txt", TUF_ERR_REPOSITORY);
    check_contains(msg, "mapping[0]");
    free(msg);
    tuf_multirepo_free(m);
#undef ORDERED
}

static void test_mirrors(void) {
    /* vendor's first mirror does not exist: its second is used, for metadata and targets. */
    tuf_multirepo *m = client_for(
        "{\"repositories\": {\"vendor\": [\"file:///nonexistent-libtuf-mirror\", \"@/vendor\"],"
        " \"distro\": [\"@/distro\"]}, \"mapping\": [{\"paths\": [\"*\"], \"repositories\":"
        " [\"vendor\", \"distro\"], \"threshold\": 2, \"terminating\": true}]}",
        VENDOR_AND_DISTRO);
    tuf_multirepo_target *t = NULL;
    char *dest = tu_format("%s/mirror.out", tmp);
    CHECK_OK(tuf_multirepo_refresh(m, &err));
    CHECK_OK(tuf_multirepo_get_target_info(m, APP, &t, &err));
    CHECK_OK(tuf_multirepo_download_target(m, t, dest, NULL, &err));
    CHECK(tu_exists(dest));
    free(dest);
    tuf_multirepo_target_free(t);
    tuf_multirepo_free(m);
}

/* Changes the first "2099" of `path` to "2098": the signed part no longer verifies. */
static void tamper(const char *path) {
    size_t len;
    unsigned char *data = tu_read_file(path, &len);
    char *at;
    CHECK(data != NULL);
    at = strstr((char *)data, "2099");
    CHECK(at != NULL);
    at[3] = '8';
    CHECK(tu_write_file(path, data, len) == 0);
    free(data);
}

static void test_failing_repository(void) {
    /* A copy of distro whose timestamp does not verify, as "broken". */
    static const char *const names[] = {"vendor", "broken=distro", "vendor2=vendor", NULL};
    char *src = tu_format("%s/distro", demo), *dst = tu_format("%s/broken", demo);
    char *ts = tu_format("%s/metadata/timestamp.json", dst);
    tuf_multirepo *m;
    tuf_multirepo_target *t = NULL;
    tuf_error *e = NULL;
    char *msg;
    CHECK(tu_copytree(src, dst) == 0);
    tamper(ts);
#define WITH_BROKEN(threshold)                                                                \
    "{\"repositories\": {\"vendor\": [\"@/vendor\"], \"broken\": [\"@/broken\"],"            \
    " \"vendor2\": [\"@/vendor\"]}, \"mapping\": [{\"paths\": [\"*\"], \"repositories\":"    \
    " [\"vendor\", \"broken\", \"vendor2\"], \"threshold\": " #threshold                     \
    ", \"terminating\": true}]}"

    /* The refresh reports broken (and only it), with the error's code and role. */
    m = client_for(WITH_BROKEN(3), names);
    CHECK(tuf_multirepo_refresh(m, &e) == TUF_ERR_BAD_SIGNATURE);
    CHECK(tuf_error_code(e) == TUF_ERR_BAD_SIGNATURE);
    CHECK_STR(tuf_error_role(e), "timestamp");
    check_contains(tuf_error_message(e), "refresh failed for 1 of 3 repositories: broken: ");
    CHECK(strstr(tuf_error_message(e), "vendor") == NULL);
    tuf_error_free(e);
    /* Threshold 3 needs it: refused, naming it as failed. */
    msg = lookup_error(m, APP, TUF_ERR_REPOSITORY);
    check_contains(msg, "failed: broken (refresh failed: ");
    free(msg);
    tuf_multirepo_free(m);

    /* Threshold 2: the other two suffice; broken's error is readable. */
    m = client_for(WITH_BROKEN(2), names);
    CHECK_OK(tuf_multirepo_get_target_info(m, APP, &t, &err));
    CHECK(tuf_multirepo_target_agreed_count(t) == 2);
    CHECK(!tuf_multirepo_target_repository_agreed(t, 1));
    CHECK(tuf_multirepo_target_repository_info(t, 1) == NULL);
    CHECK(tuf_multirepo_target_repository_error(t, 1) != NULL);
    check_contains(tuf_multirepo_target_repository_error(t, 1), "signature");
    tuf_multirepo_target_free(t);
    tuf_multirepo_free(m);
#undef WITH_BROKEN
    free(src);
    free(dst);
    free(ts);
}

static void check_map_error(const char *map, const char *part) {
    tuf_multirepo_config *cfg = TU_SENTINEL;
    tuf_error *e = NULL;
    CHECK(tuf_multirepo_config_new(tmp, (const uint8_t *)map, strlen(map), &cfg, &e) ==
          TUF_ERR_INVALID_ARGUMENT);
    CHECK(cfg == TU_SENTINEL);
    check_contains(tuf_error_message(e), part);
    tuf_error_free(e);
}

static void test_map_and_configuration_errors(void) {
    static const char *const distro_only[] = {"distro", NULL};
    tuf_multirepo_config *cfg = NULL;
    tuf_multirepo *m = TU_SENTINEL;
    char *path = tu_format("%s/map.json", tmp);
    const char *ok = "{\"repositories\": {\"a\": [\"file:///a\"]}, \"mapping\": [{\"paths\":"
                     " [\"*\"], \"repositories\": [\"a\"], \"threshold\": 1,"
                     " \"terminating\": true}]}";
    size_t len;
    char *root;

    check_map_error("{\"repositories\": {\"a\": [\"file:///a\"]}, \"mapping\": [{\"paths\":"
                    " [\"*\"], \"repositories\": [\"b\"], \"threshold\": 1,"
                    " \"terminating\": true}]}",
                    "mapping[0].repositories[0]: unknown repository \"b\"");
    check_map_error("{\"repositories\": {\"a\": [\"file:///a\"]}, \"mapping\": [{\"paths\":"
                    " [\"*\"], \"repositories\": [\"a\"], \"threshold\": 0,"
                    " \"terminating\": true}]}",
                    "mapping[0].threshold: must be between 1 and the number of repositories");
    check_map_error("{\"repositories\": {\"a\": [\"file:///a\"]}, \"mapping\": [{\"paths\":"
                    " [\"*\"], \"repositories\": [\"a\"], \"threshold\": 2,"
                    " \"terminating\": true}]}",
                    "mapping[0].threshold");
    check_map_error("{\"repositories\": {\"a\": [\"file:///a\"]}, \"mapping\": [{\"paths\":"
                    " [], \"repositories\": [\"a\"], \"threshold\": 1,"
                    " \"terminating\": true}]}",
                    "mapping[0].paths: must list at least one pattern");
    check_map_error("{\"repositories\": {\"a\": [\"file:///a\"], \"a\": [\"file:///b\"]},"
                    " \"mapping\": []}",
                    "repositories.a: duplicate repository name");
    check_map_error("{\"repositories\": {\"../a\": [\"file:///a\"]}, \"mapping\": []}",
                    "repositories.../a");
    check_map_error("not json", "map file");

    /* From a file; a missing file. */
    CHECK(tu_write_file(path, ok, strlen(ok)) == 0);
    CHECK_OK(tuf_multirepo_config_new_from_file(tmp, path, &cfg, &err));
    /* A trusted root for a repository the map does not list. */
    root = read_root("vendor", &len);
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_multirepo_config_set_trusted_root(cfg, "vendor", (const uint8_t *)root, len,
                                                     &err));
    /* Layout paths: ".." refused, NULL back to the defaults. */
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_multirepo_config_set_layout(cfg, "../up", NULL, &err));
    CHECK_OK(tuf_multirepo_config_set_layout(cfg, "", "files", &err));
    CHECK_OK(tuf_multirepo_config_set_layout(cfg, NULL, NULL, &err));
    CHECK_OK(tuf_multirepo_config_set_targets_dir(cfg, tmp, &err));
    CHECK_OK(tuf_multirepo_config_set_targets_dir(cfg, NULL, &err));
    /* No trusted root for "a" and none cached: the client cannot be created. */
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_multirepo_new(cfg, &m, &err));
    CHECK(m == TU_SENTINEL);
    tuf_multirepo_config_free(cfg);
    free(path);
    path = tu_format("%s/no-such-map.json", tmp);
    cfg = TU_SENTINEL;
    CHECK_CODE(TUF_ERR_IO, tuf_multirepo_config_new_from_file(tmp, path, &cfg, &err));
    CHECK(cfg == TU_SENTINEL);
    free(path);
    free(root);

    /* An invalid trusted root is refused by tuf_multirepo_new, naming the repository. */
    cfg = config_for(VENDOR_DISTRO(2, true), distro_only);
    CHECK_OK(tuf_multirepo_config_set_trusted_root(cfg, "vendor", (const uint8_t *)"{}", 2, &err));
    {
        tuf_error *e = NULL;
        CHECK(tuf_multirepo_new(cfg, &m, &e) == TUF_ERR_INVALID_ARGUMENT);
        check_contains(tuf_error_message(e), "repository vendor: trusted root: ");
        tuf_error_free(e);
    }
    tuf_multirepo_config_free(cfg);
}

/* ---- the updater settings: a fetch callback, the reference time, re-entrance ------------- */

struct fetch_state {
    char *demo;
    tuf_multirepo *multi; /* set after creation, for the re-entrance checks */
    unsigned calls;
    tuf_result reentered_refresh;
    int reentered_once;
};

/* Serves https://NAME.test/PATH from DEMO/NAME/PATH, with the return values of a
 * tuf_fetch_callback as for an updater: 200 (any 2xx) on success, TUF_FETCH_NOT_FOUND for a
 * missing file (which ends the root update, 5.3.3). */
static int fetch_from_demo(void *userdata, const char *url, uint64_t max_length,
                           tuf_sink *sink) {
    struct fetch_state *s = userdata;
    const char *prefix = "https://", *rest, *slash;
    char *path;
    unsigned char *data;
    size_t len;
    int rc = 0;
    (void)max_length;
    s->calls++;
    if (s->multi != NULL && !s->reentered_once) {
        s->reentered_once = 1;
        s->reentered_refresh = tuf_multirepo_refresh(s->multi, NULL);
        tuf_multirepo_free(s->multi); /* refused while in use: does nothing */
    }
    if (strncmp(url, prefix, strlen(prefix)) != 0) {
        return 404;
    }
    rest = url + strlen(prefix);
    slash = strchr(rest, '/');
    if (slash == NULL || slash - rest < 6 || strncmp(slash - 5, ".test", 5) != 0) {
        return 404;
    }
    path = tu_format("%s/%.*s%s", s->demo, (int)(slash - rest - 5), rest, slash);
    data = tu_read_file(path, &len);
    free(path);
    if (data == NULL) {
        return TUF_FETCH_NOT_FOUND;
    }
    rc = 200;
    if (tuf_sink_write(sink, data, len) != TUF_OK) {
        rc = -1;
    }
    free(data);
    return rc;
}

static void test_updater_settings(void) {
    struct fetch_state state;
    tuf_updater_config *settings = NULL;
    tuf_multirepo_config *cfg;
    tuf_multirepo *m = NULL;
    tuf_multirepo_target *t = NULL;
    tuf_error *e = NULL;
    const int64_t far_future = 4200000000; /* 2103: after every expiry */
    const char *map = "{\"repositories\": {\"vendor\": [\"https://vendor.test\"],"
                      " \"distro\": [\"https://distro.test\"]}, \"mapping\": [{\"paths\":"
                      " [\"*\"], \"repositories\": [\"vendor\", \"distro\"], \"threshold\": 2,"
                      " \"terminating\": true}]}";

    memset(&state, 0, sizeof state);
    state.demo = demo;
    CHECK_OK(tuf_updater_config_new(tmp, "file:///unused", &settings, &err));
    CHECK_OK(tuf_updater_config_set_fetcher(settings, fetch_from_demo, &state, &err));
    CHECK_OK(tuf_updater_config_set_reference_time(settings, &far_future, &err));
    cfg = config_for(map, VENDOR_AND_DISTRO);
    CHECK_OK(tuf_multirepo_config_set_updater_settings(cfg, settings, &err));
    tuf_updater_config_free(settings); /* copied */

    /* Every repository's metadata is expired at that reference time. */
    CHECK_OK(tuf_multirepo_new(cfg, &m, &err));
    CHECK(tuf_multirepo_refresh(m, &e) == TUF_ERR_EXPIRED);
    check_contains(tuf_error_message(e), "refresh failed for 2 of 2 repositories");
    tuf_error_free(e);
    CHECK(state.calls > 0);
    tuf_multirepo_free(m);

    /* With the clock: served by the callback; a call on the client from inside the callback
     * fails with TUF_ERR_STATE, and freeing it there does nothing. */
    CHECK_OK(tuf_updater_config_new(tmp, "file:///unused", &settings, &err));
    CHECK_OK(tuf_updater_config_set_fetcher(settings, fetch_from_demo, &state, &err));
    CHECK_OK(tuf_multirepo_config_set_updater_settings(cfg, settings, &err));
    tuf_updater_config_free(settings);
    CHECK_OK(tuf_multirepo_new(cfg, &m, &err));
    state.multi = m;
    state.calls = 0;
    CHECK_OK(tuf_multirepo_refresh(m, &err));
    CHECK(state.reentered_once);
    CHECK(state.reentered_refresh == TUF_ERR_STATE);
    CHECK(state.calls >= 8);
    state.multi = NULL;
    CHECK_OK(tuf_multirepo_get_target_info(m, APP, &t, &err));
    CHECK(tuf_multirepo_target_agreed_count(t) == 2);
    tuf_multirepo_target_free(t);
    tuf_multirepo_free(m);
    tuf_multirepo_config_free(cfg);
}

int main(int argc, char **argv) {
    const char *demo_repo = tu_demo_repo(argc, argv);
    char *src = tu_format("%s/../multirepo-demo", demo_repo);
    tmp = tu_mkdtemp();
    demo = tu_format("%s/demo", tmp);
    CHECK(tu_copytree(src, demo) == 0);
    free(src);

    test_threshold_met_and_not_met();
    test_compromised_repository();
    test_mappings_in_order();
    test_mirrors();
    test_failing_repository();
    test_map_and_configuration_errors();
    test_updater_settings();

    tu_rmtree(tmp);
    free(tmp);
    free(demo);
    return tu_finish();
}
