#define _XOPEN_SOURCE 700

#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char tu_sentinel_storage;

static unsigned long passed;

void tu_pass(void) {
    passed++;
}

void tu_fail(const char *file, int line, const char *expr, const char *detail) {
    fflush(stdout);
    fprintf(stderr, "%s:%d: CHECK failed: %s\n", file, line, expr);
    if (detail != NULL) {
        fprintf(stderr, "    %s\n", detail);
    }
    printf("%lu passed, 1 failed\n", passed);
    fflush(stdout);
    exit(1);
}

void tu_check_str(const char *file, int line, const char *expr, const char *a, const char *b) {
    char detail[512];
    if (a != NULL && b != NULL && strcmp(a, b) == 0) {
        tu_pass();
        return;
    }
    snprintf(detail, sizeof detail, "\"%s\" vs \"%s\"", a != NULL ? a : "(NULL)",
             b != NULL ? b : "(NULL)");
    tu_fail(file, line, expr, detail);
}

void tu_check_code(const char *file, int line, const char *expr, tuf_result expected,
                   tuf_result got, tuf_error *err) {
    char detail[1024];
    if (err == (tuf_error *)TU_SENTINEL) {
        tu_fail(file, line, expr, "*err was not written");
    }
    if (got != expected) {
        snprintf(detail, sizeof detail, "expected %u (%s), got %u (%s): %s", (unsigned)expected,
                 tuf_result_str(expected), (unsigned)got, tuf_result_str(got),
                 err != NULL ? tuf_error_message(err) : "(no error object)");
        tuf_error_free(err);
        tu_fail(file, line, expr, detail);
    }
    if (got == TUF_OK) {
        if (err != NULL) {
            tuf_error_free(err);
            tu_fail(file, line, expr, "*err is not NULL after success");
        }
    } else {
        if (err == NULL) {
            tu_fail(file, line, expr, "*err is NULL after a failure");
        }
        if (tuf_error_code(err) != got || tuf_error_message(err) == NULL ||
            tuf_error_message(err)[0] == '\0') {
            tuf_error_free(err);
            tu_fail(file, line, expr, "the error object does not match the result");
        }
        tuf_error_free(err);
    }
    tu_pass();
}

int tu_finish(void) {
    printf("%lu passed, 0 failed\n", passed);
    fflush(stdout);
    return 0;
}

const char *tu_demo_repo(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s DEMO_REPO_DIR\n", argv[0]);
        exit(2);
    }
    return argv[1];
}

char *tu_format(const char *fmt, ...) {
    va_list ap;
    int n;
    char *s;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || (s = malloc((size_t)n + 1)) == NULL) {
        fprintf(stderr, "tu_format: out of memory\n");
        exit(1);
    }
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

/* Temporary directories still to remove at exit (also after a failed check). */
#define MAX_TEMP_DIRS 16
static char *temp_dirs[MAX_TEMP_DIRS];

static void remove_temp_dirs(void) {
    int i;
    for (i = 0; i < MAX_TEMP_DIRS; i++) {
        if (temp_dirs[i] != NULL) {
            tu_rmtree(temp_dirs[i]);
            free(temp_dirs[i]);
            temp_dirs[i] = NULL;
        }
    }
}

char *tu_mkdtemp(void) {
    static int registered;
    const char *base = getenv("TMPDIR");
    char *path = tu_format("%s/libtuf-ctest-XXXXXX", base != NULL && base[0] ? base : "/tmp");
    int i;
    if (mkdtemp(path) == NULL) {
        fprintf(stderr, "mkdtemp %s: %s\n", path, strerror(errno));
        exit(1);
    }
    if (!registered) {
        atexit(remove_temp_dirs);
        registered = 1;
    }
    for (i = 0; i < MAX_TEMP_DIRS && temp_dirs[i] != NULL; i++) {
    }
    if (i == MAX_TEMP_DIRS) {
        fprintf(stderr, "tu_mkdtemp: too many temporary directories\n");
        exit(1);
    }
    temp_dirs[i] = tu_format("%s", path);
    return path;
}

static int rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw) {
    (void)st;
    (void)ftw;
    if (type == FTW_DP) {
        return rmdir(path);
    }
    return unlink(path);
}

void tu_rmtree(const char *path) {
    struct stat st;
    if (path == NULL || lstat(path, &st) != 0) {
        return;
    }
    if (nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS) != 0) {
        fprintf(stderr, "warning: could not remove all of %s\n", path);
    }
}

unsigned char *tu_read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    long size;
    if (f == NULL) {
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        buf = malloc((size_t)size + 1);
        if (buf != NULL && fread(buf, 1, (size_t)size, f) != (size_t)size) {
            free(buf);
            buf = NULL;
        }
        if (buf != NULL) {
            buf[size] = '\0';
            *len = (size_t)size;
        }
    }
    fclose(f);
    return buf;
}

int tu_write_file(const char *path, const void *data, size_t len) {
    FILE *f = fopen(path, "wb");
    int rc;
    if (f == NULL) {
        return -1;
    }
    rc = fwrite(data, 1, len, f) == len ? 0 : -1;
    if (fclose(f) != 0) {
        rc = -1;
    }
    return rc;
}

int tu_exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

int tu_count_entries(const char *dir) {
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    if (d == NULL) {
        return -1;
    }
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            n++;
        }
    }
    closedir(d);
    return n;
}

int tu_copytree(const char *src, const char *dst) {
    DIR *d;
    struct dirent *e;
    int rc = 0;
    if (mkdir(dst, 0700) != 0 && errno != EEXIST) {
        return -1;
    }
    d = opendir(src);
    if (d == NULL) {
        return -1;
    }
    while (rc == 0 && (e = readdir(d)) != NULL) {
        char *from, *to;
        struct stat st;
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
            continue;
        }
        from = tu_format("%s/%s", src, e->d_name);
        to = tu_format("%s/%s", dst, e->d_name);
        if (stat(from, &st) != 0) {
            rc = -1;
        } else if (S_ISDIR(st.st_mode)) {
            rc = tu_copytree(from, to);
        } else {
            size_t len = 0;
            unsigned char *data = tu_read_file(from, &len);
            rc = data != NULL ? tu_write_file(to, data, len) : -1;
            free(data);
        }
        free(from);
        free(to);
    }
    closedir(d);
    return rc;
}

static int walk(const char *dir, const char *rel,
                void (*fn)(void *userdata, const char *rel, const char *full), void *userdata) {
    DIR *d = opendir(dir);
    struct dirent *e;
    int rc = 0;
    if (d == NULL) {
        return -1;
    }
    while (rc == 0 && (e = readdir(d)) != NULL) {
        char *full, *sub;
        struct stat st;
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
            continue;
        }
        full = tu_format("%s/%s", dir, e->d_name);
        sub = rel[0] != '\0' ? tu_format("%s/%s", rel, e->d_name) : tu_format("%s", e->d_name);
        if (stat(full, &st) != 0) {
            rc = -1;
        } else if (S_ISDIR(st.st_mode)) {
            rc = walk(full, sub, fn, userdata);
        } else if (S_ISREG(st.st_mode)) {
            fn(userdata, sub, full);
        }
        free(full);
        free(sub);
    }
    closedir(d);
    return rc;
}

int tu_walk(const char *dir, void (*fn)(void *userdata, const char *rel, const char *full),
            void *userdata) {
    return walk(dir, "", fn, userdata);
}

void tu_demo_copy(const char *demo, struct tu_demo *d) {
    char *root_path;

    memset(d, 0, sizeof *d);
    d->tmp = tu_mkdtemp();
    d->repo = tu_format("%s/repo", d->tmp);
    CHECK(tu_copytree(demo, d->repo) == 0);
    d->metadata_url = tu_format("file://%s/metadata", d->repo);
    d->targets_url = tu_format("file://%s/targets", d->repo);
    root_path = tu_format("%s/root.json", d->repo);
    d->root = tu_read_file(root_path, &d->root_len);
    CHECK(d->root != NULL);
    free(root_path);
}

void tu_demo_free(struct tu_demo *d) {
    tu_rmtree(d->tmp);
    free(d->tmp);
    free(d->repo);
    free(d->metadata_url);
    free(d->targets_url);
    free(d->root);
    memset(d, 0, sizeof *d);
}
