/*
 * test_fetcher: the custom fetcher callback. A fetcher serving the demo repository from memory
 * (its files in a table keyed by URL, 404 for anything else) drives a full refresh and
 * downloads; hostile fetchers (too many bytes, wrong bytes, HTTP 500 and other failures,
 * tampered metadata) make the operations fail with the right code and leave no file behind;
 * userdata comes back unchanged. The return values: 0 and any 2xx are success,
 * TUF_FETCH_NOT_FOUND is 404; with retries, transient failures are tried again and nothing
 * else is.
 *
 *   test_fetcher DEMO_REPO_DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tuf.h>

#include "testutil.h"

#define BASE_URL "https://repo.test"
#define METADATA_URL BASE_URL "/metadata"
#define TARGETS_URL BASE_URL "/targets"
#define HELLO_URL                                                                             \
    TARGETS_URL "/93a92c4b9f80ef6fe400b265c6a9347652a05cb712d439e338d83f43b061811c.hello.txt"
#define APP_URL                                                                               \
    TARGETS_URL "/apps/08b5328a7e493ccc5ffb5fe0bb94877b76cb2e9968c13a17843891648c98b677."     \
                "app-1.1.tar.gz"

#define MAX_FILES 32
#define MAX_REQUESTS 64
#define MAGIC 0x7e57f37c

/* What the fetcher does with the URL it was told to attack (`victim`). */
enum mode {
    SERVE,          /* serve the repository as it is */
    OVERLONG,       /* write max_length + 1 bytes, ignore the sink's error, return 0 */
    WRONG_BYTES,    /* the right length, one byte changed */
    SHORT,          /* the first half only */
    STATUS,         /* return `status` without writing */
    TAMPER,         /* the file with its first "2099" made "2098" (signed part changed) */
    EMPTY,          /* nothing, return 0 */
    SUBSTITUTE,     /* the contents of the URL `substitute` instead */
    FAIL_TIMES,     /* return `status` for the first `fail_times` requests, then serve */
    PARTIAL_FAIL,   /* write the first half, then return `status` */
};

struct file {
    char *url;
    unsigned char *data;
    size_t len;
};

struct request {
    char *url;
    uint64_t max_length;
};

struct server {
    unsigned magic;
    struct server *self;
    struct file files[MAX_FILES];
    size_t n_files;
    struct request requests[MAX_REQUESTS];
    size_t n_requests;
    enum mode mode;
    const char *victim;
    const char *substitute;
    int status;
    unsigned fail_times;
    int ok_code;      /* returned after serving a file (0 by default) */
    int missing_code; /* returned for a URL without a file (404 by default) */
    unsigned bad_userdata;
    tuf_result overlong_first_error; /* sink result of the write that passed the limit */
    tuf_result overlong_next_error;  /* sink result of a write after that */
};

static void add_file(void *userdata, const char *rel, const char *full) {
    struct server *s = userdata;
    struct file *f;
    CHECK(s->n_files < MAX_FILES);
    f = &s->files[s->n_files++];
    f->url = tu_format("%s/%s", BASE_URL, rel);
    f->data = tu_read_file(full, &f->len);
    CHECK(f->data != NULL);
}

static void server_init(struct server *s, const char *repo) {
    memset(s, 0, sizeof *s);
    s->magic = MAGIC;
    s->self = s;
    CHECK(tu_walk(repo, add_file, s) == 0);
    CHECK(s->n_files >= 9);
}

/* Back to serving the repository, forgetting the requests seen. */
static void server_reset(struct server *s, enum mode mode, const char *victim) {
    size_t i;
    for (i = 0; i < s->n_requests; i++) {
        free(s->requests[i].url);
    }
    s->n_requests = 0;
    s->mode = mode;
    s->victim = victim;
    s->substitute = NULL;
    s->status = 0;
    s->fail_times = 0;
    s->ok_code = 0;
    s->missing_code = 404;
    s->overlong_first_error = TUF_OK;
    s->overlong_next_error = TUF_OK;
}

static void server_free(struct server *s) {
    size_t i;
    server_reset(s, SERVE, NULL);
    for (i = 0; i < s->n_files; i++) {
        free(s->files[i].url);
        free(s->files[i].data);
    }
}

static const struct file *lookup(const struct server *s, const char *url) {
    size_t i;
    for (i = 0; i < s->n_files; i++) {
        if (strcmp(s->files[i].url, url) == 0) {
            return &s->files[i];
        }
    }
    return NULL;
}

/* How many requests were made for `url`. */
static unsigned requests_for(const struct server *s, const char *url) {
    size_t i;
    unsigned n = 0;
    for (i = 0; i < s->n_requests; i++) {
        n += strcmp(s->requests[i].url, url) == 0;
    }
    return n;
}

static const struct request *requested(const struct server *s, const char *url) {
    size_t i;
    for (i = 0; i < s->n_requests; i++) {
        if (strcmp(s->requests[i].url, url) == 0) {
            return &s->requests[i];
        }
    }
    return NULL;
}

/* Writes `data` in small chunks, as a network transfer would. */
static int write_chunks(tuf_sink *sink, const unsigned char *data, size_t len) {
    size_t off = 0;
    while (off < len) {
        size_t n = len - off < 100 ? len - off : 100;
        if (tuf_sink_write(sink, data + off, n) != TUF_OK) {
            return 1;
        }
        off += n;
    }
    return 0;
}

static int fetch(void *userdata, const char *url, uint64_t max_length, tuf_sink *sink) {
    struct server *s = userdata;
    const struct file *f;
    unsigned char *copy;
    int rc;

    if (s == NULL || s->magic != MAGIC || s->self != s) {
        /* Cannot record it in the server: fail loudly instead. */
        fprintf(stderr, "fetch: userdata changed\n");
        exit(1);
    }
    if (url == NULL || sink == NULL) {
        s->bad_userdata++;
        return -1;
    }
    if (s->n_requests < MAX_REQUESTS) {
        s->requests[s->n_requests].url = tu_format("%s", url);
        s->requests[s->n_requests].max_length = max_length;
        s->n_requests++;
    }
    f = lookup(s, url);
    if (s->mode == FAIL_TIMES && s->victim != NULL && strcmp(url, s->victim) == 0 &&
        requests_for(s, url) <= s->fail_times) {
        return s->status;
    }
    if (s->mode == SERVE || s->mode == FAIL_TIMES || s->victim == NULL ||
        strcmp(url, s->victim) != 0) {
        if (f == NULL) {
            return s->missing_code;
        }
        return write_chunks(sink, f->data, f->len) == 0 ? s->ok_code : 1;
    }
    switch (s->mode) {
    case OVERLONG: {
        /* The real bytes (or filler) up to the limit, then one more. */
        size_t limit = (size_t)max_length;
        unsigned char *buf = malloc(limit + 1);
        tuf_result r;
        memset(buf, 'x', limit + 1);
        if (f != NULL) {
            memcpy(buf, f->data, f->len < limit ? f->len : limit);
        }
        r = tuf_sink_write(sink, buf, limit);
        CHECK(r == TUF_OK);
        s->overlong_first_error = tuf_sink_write(sink, buf + limit, 1);
        s->overlong_next_error = tuf_sink_write(sink, buf, 1);
        free(buf);
        return 0; /* as if all went well */
    }
    case STATUS:
        return s->status;
    case PARTIAL_FAIL:
        CHECK(f != NULL);
        return write_chunks(sink, f->data, f->len / 2) == 0 ? s->status : 1;
    case EMPTY:
        return 0;
    case SUBSTITUTE: {
        const struct file *other = lookup(s, s->substitute);
        CHECK(other != NULL);
        return write_chunks(sink, other->data, other->len);
    }
    default:
        break;
    }
    CHECK(f != NULL);
    copy = malloc(f->len + 1);
    memcpy(copy, f->data, f->len);
    copy[f->len] = '\0';
    if (s->mode == WRONG_BYTES) {
        copy[f->len / 2] ^= 0x20;
        rc = write_chunks(sink, copy, f->len);
    } else if (s->mode == SHORT) {
        rc = write_chunks(sink, copy, f->len / 2);
    } else { /* TAMPER */
        char *p = strstr((char *)copy, "2099");
        CHECK(p != NULL);
        p[3] = '8';
        rc = write_chunks(sink, copy, f->len);
    }
    free(copy);
    return rc;
}

struct ctx {
    char *tmp;
    unsigned char *root;
    size_t root_len;
    struct server server;
    unsigned case_no;
    char *targets_dir; /* of the latest updater */
    uint32_t retries;  /* for the next updaters (backoff 0) */
};

/* A new updater with its own metadata and targets directories, fetching through the
 * server. */
static tuf_updater *new_updater(struct ctx *c) {
    tuf_updater_config *cfg = NULL;
    tuf_updater *u = NULL;
    char *meta = tu_format("%s/case%u/metadata", c->tmp, c->case_no);
    free(c->targets_dir);
    c->targets_dir = tu_format("%s/case%u/targets", c->tmp, c->case_no);
    c->case_no++;
    CHECK_OK(tuf_updater_config_new(meta, METADATA_URL, &cfg, &err));
    CHECK_OK(tuf_updater_config_set_targets_dir(cfg, c->targets_dir, &err));
    CHECK_OK(tuf_updater_config_set_targets_base_url(cfg, TARGETS_URL, &err));
    CHECK_OK(tuf_updater_config_set_bootstrap_root(cfg, c->root, c->root_len, &err));
    CHECK_OK(tuf_updater_config_set_fetcher(cfg, fetch, &c->server, &err));
    CHECK_OK(tuf_updater_config_set_retries(cfg, c->retries, 0, &err));
    CHECK_OK(tuf_updater_new(cfg, &u, &err));
    tuf_updater_config_free(cfg);
    free(meta);
    return u;
}

static tuf_target_info *target_info(tuf_updater *u, const char *path) {
    tuf_target_info *info = NULL;
    CHECK_OK(tuf_updater_get_target_info(u, path, &info, &err));
    CHECK(info != NULL);
    return info;
}

static int file_has(const char *path, const struct file *f) {
    size_t len = 0;
    unsigned char *data = tu_read_file(path, &len);
    int same = data != NULL && len == f->len && memcmp(data, f->data, len) == 0;
    free(data);
    return same;
}

static void test_full_workflow(struct ctx *c) {
    struct server *s = &c->server;
    tuf_updater *u;
    tuf_target_info *hello, *app;
    char *path = NULL;
    const struct request *r;

    server_reset(s, SERVE, NULL);
    u = new_updater(c);
    CHECK(s->n_requests == 0); /* tuf_updater_new makes no request */
    CHECK_OK(tuf_updater_refresh(u, &err));
    /* Root update ended on 404 for 2.root.json; then timestamp, snapshot, targets. */
    CHECK(requested(s, METADATA_URL "/2.root.json") != NULL);
    r = requested(s, METADATA_URL "/timestamp.json");
    CHECK(r != NULL && r->max_length == 16384);
    r = requested(s, METADATA_URL "/1.snapshot.json");
    CHECK(r != NULL && r->max_length == 722); /* the length timestamp lists */
    r = requested(s, METADATA_URL "/1.targets.json");
    CHECK(r != NULL && r->max_length == 1206);
    CHECK(requested(s, METADATA_URL "/1.apps.json") == NULL); /* fetched only when needed */

    hello = target_info(u, "hello.txt");
    app = target_info(u, "apps/app-1.1.tar.gz");
    r = requested(s, METADATA_URL "/1.apps.json");
    CHECK(r != NULL && r->max_length == 702);
    CHECK_STR(tuf_target_info_role(app), "apps");

    CHECK_OK(tuf_updater_download_target(u, hello, NULL, NULL, &path, &err));
    r = requested(s, HELLO_URL);
    CHECK(r != NULL && r->max_length == 39);
    CHECK(file_has(path, lookup(s, HELLO_URL)));
    tuf_string_free(path);
    path = NULL;
    CHECK_OK(tuf_updater_download_target(u, app, NULL, NULL, &path, &err));
    CHECK(requested(s, APP_URL) != NULL);
    CHECK(file_has(path, lookup(s, APP_URL)));
    tuf_string_free(path);
    CHECK(s->bad_userdata == 0);

    /* A second refresh of the same updater, and a new updater over the same cache. */
    CHECK_OK(tuf_updater_refresh(u, &err));
    tuf_target_info_free(hello);
    tuf_target_info_free(app);
    tuf_updater_free(u);
}

/* The fetcher writes past max_length and returns 0: the sink refuses and the operation fails
 * with TUF_ERR_LENGTH_EXCEEDED. */
static void test_overlong(struct ctx *c) {
    struct server *s = &c->server;
    tuf_updater *u;
    tuf_target_info *hello;
    char *path = TU_SENTINEL;

    /* Metadata: timestamp.json. */
    server_reset(s, OVERLONG, METADATA_URL "/timestamp.json");
    u = new_updater(c);
    CHECK_CODE(TUF_ERR_LENGTH_EXCEEDED, tuf_updater_refresh(u, &err));
    CHECK(s->overlong_first_error == TUF_ERR_LENGTH_EXCEEDED);
    CHECK(s->overlong_next_error == TUF_ERR_LENGTH_EXCEEDED); /* and every later write */
    tuf_updater_free(u);

    /* Metadata with a length from its parent: the snapshot. */
    server_reset(s, OVERLONG, METADATA_URL "/1.snapshot.json");
    u = new_updater(c);
    CHECK_CODE(TUF_ERR_LENGTH_EXCEEDED, tuf_updater_refresh(u, &err));
    CHECK(s->overlong_first_error == TUF_ERR_LENGTH_EXCEEDED);
    tuf_updater_free(u);

    /* A target: the right 39 bytes and one more. */
    server_reset(s, OVERLONG, HELLO_URL);
    u = new_updater(c);
    CHECK_OK(tuf_updater_refresh(u, &err));
    hello = target_info(u, "hello.txt");
    CHECK_CODE(TUF_ERR_LENGTH_EXCEEDED, tuf_updater_download_target(u, hello, NULL, NULL, &path, &err));
    CHECK(s->overlong_first_error == TUF_ERR_LENGTH_EXCEEDED);
    CHECK(s->overlong_next_error == TUF_ERR_LENGTH_EXCEEDED);
    CHECK(path == TU_SENTINEL);
    CHECK(tu_count_entries(c->targets_dir) == 0); /* no file, no temporary file */
    tuf_target_info_free(hello);
    tuf_updater_free(u);
}

/* Wrong or short target bytes: TUF_ERR_LENGTH_OR_HASH_MISMATCH and nothing left behind. */
static void test_bad_target(struct ctx *c) {
    static const enum mode modes[] = {WRONG_BYTES, SHORT, EMPTY};
    struct server *s = &c->server;
    size_t i;
    for (i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        tuf_updater *u;
        tuf_target_info *hello;
        char *path = TU_SENTINEL;
        char *cached = TU_SENTINEL;
        server_reset(s, modes[i], HELLO_URL);
        u = new_updater(c);
        hello = target_info(u, "hello.txt");
        CHECK_CODE(TUF_ERR_LENGTH_OR_HASH_MISMATCH,
                   tuf_updater_download_target(u, hello, NULL, NULL, &path, &err));
        CHECK(path == TU_SENTINEL);
        CHECK(tu_count_entries(c->targets_dir) == 0);
        CHECK_OK(tuf_updater_find_cached_target(u, hello, NULL, &cached, &err));
        CHECK(cached == NULL);
        /* The same updater succeeds once the server behaves. */
        server_reset(s, SERVE, NULL);
        CHECK_OK(tuf_updater_download_target(u, hello, NULL, NULL, NULL, &err));
        CHECK(tu_count_entries(c->targets_dir) == 1);
        tuf_target_info_free(hello);
        tuf_updater_free(u);
    }
}

/* HTTP errors and other failures of the callback: TUF_ERR_DOWNLOAD. */
static void test_failures(struct ctx *c) {
    static const int statuses[] = {500, -1, 403, 7};
    struct server *s = &c->server;
    size_t i;
    for (i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
        tuf_updater *u;
        tuf_target_info *hello;

        server_reset(s, STATUS, METADATA_URL "/timestamp.json");
        s->status = statuses[i];
        u = new_updater(c);
        CHECK_CODE(TUF_ERR_DOWNLOAD, tuf_updater_refresh(u, &err));
        tuf_updater_free(u);

        server_reset(s, STATUS, HELLO_URL);
        s->status = statuses[i];
        u = new_updater(c);
        hello = target_info(u, "hello.txt");
        CHECK_CODE(TUF_ERR_DOWNLOAD, tuf_updater_download_target(u, hello, NULL, NULL, NULL, &err));
        CHECK(tu_count_entries(c->targets_dir) == 0);
        tuf_target_info_free(hello);
        tuf_updater_free(u);
    }

    /* 404 and 403 on the next root end the root update normally; 500 does not. */
    server_reset(s, STATUS, METADATA_URL "/2.root.json");
    s->status = 403;
    {
        tuf_updater *u = new_updater(c);
        CHECK_OK(tuf_updater_refresh(u, &err));
        tuf_updater_free(u);
    }
    server_reset(s, STATUS, METADATA_URL "/2.root.json");
    s->status = 500;
    {
        tuf_updater *u = new_updater(c);
        CHECK_CODE(TUF_ERR_DOWNLOAD, tuf_updater_refresh(u, &err));
        tuf_updater_free(u);
    }
    /* A missing target is a download error too. */
    server_reset(s, STATUS, HELLO_URL);
    s->status = 404;
    {
        tuf_updater *u = new_updater(c);
        tuf_target_info *hello = target_info(u, "hello.txt");
        CHECK_CODE(TUF_ERR_DOWNLOAD, tuf_updater_download_target(u, hello, NULL, NULL, NULL, &err));
        tuf_target_info_free(hello);
        tuf_updater_free(u);
    }
}

/* The HTTP status of the error of `tuf_updater_refresh(u)` (which must fail with `code`), or of
 * downloading `info` when not NULL. */
static uint32_t failed_status(tuf_updater *u, tuf_target_info *info, tuf_result code) {
    tuf_error *e = NULL;
    tuf_result r = info == NULL ? tuf_updater_refresh(u, &e)
                                : tuf_updater_download_target(u, info, NULL, NULL, NULL, &e);
    uint32_t status = tuf_error_http_status(e);
    CHECK(r == code);
    CHECK(e != NULL && tuf_error_code(e) == code);
    tuf_error_free(e);
    return status;
}

/* Success is 0 or any 2xx; TUF_FETCH_NOT_FOUND is 404: it ends the root update normally and
 * fails a target download with TUF_ERR_DOWNLOAD and HTTP status 404. */
static void test_return_values(struct ctx *c) {
    static const int ok_codes[] = {200, 204, 299};
    struct server *s = &c->server;
    tuf_updater *u;
    tuf_target_info *hello;
    size_t i;

    CHECK(TUF_FETCH_NOT_FOUND < 0 && TUF_FETCH_NOT_FOUND != -1);
    for (i = 0; i < sizeof ok_codes / sizeof ok_codes[0]; i++) {
        char *path = NULL;
        server_reset(s, SERVE, NULL);
        s->ok_code = ok_codes[i];
        s->missing_code = TUF_FETCH_NOT_FOUND;
        u = new_updater(c);
        CHECK_OK(tuf_updater_refresh(u, &err));
        CHECK(requested(s, METADATA_URL "/2.root.json") != NULL);
        hello = target_info(u, "hello.txt");
        CHECK_OK(tuf_updater_download_target(u, hello, NULL, NULL, &path, &err));
        CHECK(file_has(path, lookup(s, HELLO_URL)));
        tuf_string_free(path);
        tuf_target_info_free(hello);
        tuf_updater_free(u);
    }
    /* A 3xx or 1xx status is not success. */
    server_reset(s, STATUS, METADATA_URL "/timestamp.json");
    s->status = 302;
    u = new_updater(c);
    CHECK(failed_status(u, NULL, TUF_ERR_DOWNLOAD) == 302);
    tuf_updater_free(u);

    server_reset(s, STATUS, HELLO_URL);
    s->status = TUF_FETCH_NOT_FOUND;
    u = new_updater(c);
    hello = target_info(u, "hello.txt");
    CHECK(failed_status(u, hello, TUF_ERR_DOWNLOAD) == 404);
    CHECK(tu_count_entries(c->targets_dir) == 0);
    tuf_target_info_free(hello);
    tuf_updater_free(u);
    /* -1 is a failure without a status. */
    server_reset(s, STATUS, METADATA_URL "/timestamp.json");
    s->status = -1;
    u = new_updater(c);
    CHECK(failed_status(u, NULL, TUF_ERR_DOWNLOAD) == 0);
    tuf_updater_free(u);
}

/* With retries, 429, 5xx and failures without a status are tried again; other statuses and
 * verification failures are not. */
static void test_retries(struct ctx *c) {
    static const int transient[] = {503, 429, 500, -1};
    const char *ts = METADATA_URL "/timestamp.json";
    struct server *s = &c->server;
    tuf_updater *u;
    tuf_target_info *hello;
    size_t i;

    c->retries = 3;
    for (i = 0; i < sizeof transient / sizeof transient[0]; i++) {
        server_reset(s, FAIL_TIMES, ts);
        s->status = transient[i];
        s->fail_times = 2;
        u = new_updater(c);
        CHECK_OK(tuf_updater_refresh(u, &err));
        CHECK(requests_for(s, ts) == 3);
        tuf_updater_free(u);
    }
    /* A target too. */
    server_reset(s, FAIL_TIMES, HELLO_URL);
    s->status = 503;
    s->fail_times = 3;
    u = new_updater(c);
    hello = target_info(u, "hello.txt");
    CHECK_OK(tuf_updater_download_target(u, hello, NULL, NULL, NULL, &err));
    CHECK(requests_for(s, HELLO_URL) == 4);
    tuf_target_info_free(hello);
    tuf_updater_free(u);

    /* Retries run out: the last status. */
    server_reset(s, FAIL_TIMES, ts);
    s->status = 502;
    s->fail_times = 100;
    u = new_updater(c);
    CHECK(failed_status(u, NULL, TUF_ERR_DOWNLOAD) == 502);
    CHECK(requests_for(s, ts) == 4);
    tuf_updater_free(u);

    /* Not transient: tried once. */
    server_reset(s, STATUS, ts);
    s->status = 404;
    u = new_updater(c);
    CHECK(failed_status(u, NULL, TUF_ERR_DOWNLOAD) == 404);
    CHECK(requests_for(s, ts) == 1);
    tuf_updater_free(u);
    server_reset(s, STATUS, ts);
    s->status = TUF_FETCH_NOT_FOUND;
    u = new_updater(c);
    CHECK(failed_status(u, NULL, TUF_ERR_DOWNLOAD) == 404);
    CHECK(requests_for(s, ts) == 1);
    tuf_updater_free(u);
    server_reset(s, TAMPER, ts);
    u = new_updater(c);
    CHECK_CODE(TUF_ERR_BAD_SIGNATURE, tuf_updater_refresh(u, &err));
    CHECK(requests_for(s, ts) == 1);
    tuf_updater_free(u);
    server_reset(s, OVERLONG, ts);
    u = new_updater(c);
    CHECK_CODE(TUF_ERR_LENGTH_EXCEEDED, tuf_updater_refresh(u, &err));
    CHECK(requests_for(s, ts) == 1);
    tuf_updater_free(u);
    /* Bytes delivered before a failure: not retried. */
    server_reset(s, PARTIAL_FAIL, ts);
    s->status = 503;
    u = new_updater(c);
    CHECK(failed_status(u, NULL, TUF_ERR_DOWNLOAD) == 503);
    CHECK(requests_for(s, ts) == 1);
    tuf_updater_free(u);
    c->retries = 0;
}

/* Tampered metadata is rejected, whatever the transport says. */
static void test_tampered(struct ctx *c) {
    struct server *s = &c->server;
    tuf_updater *u;
    tuf_target_info *info = TU_SENTINEL;

    /* Signed part changed: the signature no longer verifies. */
    server_reset(s, TAMPER, METADATA_URL "/timestamp.json");
    u = new_updater(c);
    CHECK_CODE(TUF_ERR_BAD_SIGNATURE, tuf_updater_refresh(u, &err));
    tuf_updater_free(u);

    /* Truncated or empty: not metadata at all. */
    server_reset(s, SHORT, METADATA_URL "/timestamp.json");
    u = new_updater(c);
    CHECK_CODE(TUF_ERR_INVALID_METADATA, tuf_updater_refresh(u, &err));
    tuf_updater_free(u);
    server_reset(s, EMPTY, METADATA_URL "/timestamp.json");
    u = new_updater(c);
    CHECK_CODE(TUF_ERR_INVALID_METADATA, tuf_updater_refresh(u, &err));
    tuf_updater_free(u);

    /* Another role's file in its place. */
    server_reset(s, SUBSTITUTE, METADATA_URL "/timestamp.json");
    s->substitute = METADATA_URL "/1.snapshot.json";
    u = new_updater(c);
    CHECK_CODE(TUF_ERR_INVALID_METADATA, tuf_updater_refresh(u, &err));
    tuf_updater_free(u);

    /* The trusted root served as 2.root.json: signed, but not version 2. */
    server_reset(s, SUBSTITUTE, METADATA_URL "/2.root.json");
    s->substitute = METADATA_URL "/1.root.json";
    u = new_updater(c);
    CHECK_CODE(TUF_ERR_BAD_VERSION, tuf_updater_refresh(u, &err));
    tuf_updater_free(u);

    /* Files whose hashes a trusted parent lists. */
    server_reset(s, TAMPER, METADATA_URL "/1.snapshot.json");
    u = new_updater(c);
    CHECK_CODE(TUF_ERR_LENGTH_OR_HASH_MISMATCH, tuf_updater_refresh(u, &err));
    tuf_updater_free(u);
    server_reset(s, TAMPER, METADATA_URL "/1.targets.json");
    u = new_updater(c);
    CHECK_CODE(TUF_ERR_LENGTH_OR_HASH_MISMATCH, tuf_updater_refresh(u, &err));
    tuf_updater_free(u);
    server_reset(s, TAMPER, METADATA_URL "/1.apps.json");
    u = new_updater(c);
    CHECK_OK(tuf_updater_refresh(u, &err));
    CHECK_CODE(TUF_ERR_LENGTH_OR_HASH_MISMATCH,
               tuf_updater_get_target_info(u, "apps/app-1.1.tar.gz", &info, &err));
    CHECK(info == TU_SENTINEL);
    /* hello.txt does not need the apps role. */
    info = target_info(u, "hello.txt");
    tuf_target_info_free(info);
    tuf_updater_free(u);
}

/* The fetcher got its userdata back unchanged on every call (it checks, and exits if not). */
static void test_userdata(struct ctx *c) {
    struct server *s = &c->server;
    tuf_updater *u;
    server_reset(s, SERVE, NULL);
    u = new_updater(c);
    CHECK_OK(tuf_updater_refresh(u, &err));
    CHECK(s->n_requests >= 4);
    CHECK(s->bad_userdata == 0);
    CHECK(s->self == s && s->magic == MAGIC);
    tuf_updater_free(u);
}

int main(int argc, char **argv) {
    struct ctx c;
    const char *demo = tu_demo_repo(argc, argv);
    char *root_path = tu_format("%s/root.json", demo);

    memset(&c, 0, sizeof c);
    c.tmp = tu_mkdtemp();
    c.root = tu_read_file(root_path, &c.root_len);
    CHECK(c.root != NULL);
    server_init(&c.server, demo);
    CHECK(lookup(&c.server, METADATA_URL "/timestamp.json") != NULL);
    CHECK(lookup(&c.server, HELLO_URL) != NULL);
    CHECK(lookup(&c.server, APP_URL) != NULL);

    test_full_workflow(&c);
    test_overlong(&c);
    test_bad_target(&c);
    test_failures(&c);
    test_tampered(&c);
    test_return_values(&c);
    test_retries(&c);
    test_userdata(&c);

    server_free(&c.server);
    tu_rmtree(c.tmp);
    free(c.tmp);
    free(c.targets_dir);
    free(c.root);
    free(root_path);
    return tu_finish();
}
