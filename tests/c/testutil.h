/*
 * A tiny test helper for the C tests: CHECK macros that count passed checks and, on the first
 * failure, print file:line and the failing expression and exit 1; temporary directories;
 * file helpers. Every test ends with tu_finish(), which prints "N passed, 0 failed".
 *
 * Used from one thread: worker threads record their own failures (see test_threads.c).
 */
#ifndef TUF_TESTUTIL_H
#define TUF_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

#include <tuf.h>

/* A pointer value that is never a real libtuf object: written into out-parameters before a
 * call so that the test can tell whether the call wrote them. */
extern char tu_sentinel_storage;
#define TU_SENTINEL ((void *)&tu_sentinel_storage)

/* CHECK(expr): expr must be true. */
#define CHECK(expr)                                                                           \
    do {                                                                                      \
        if (expr) {                                                                           \
            tu_pass();                                                                        \
        } else {                                                                              \
            tu_fail(__FILE__, __LINE__, #expr, NULL);                                         \
        }                                                                                     \
    } while (0)

/* CHECK_STR(a, b): two strings are equal (NULL fails). */
#define CHECK_STR(a, b) tu_check_str(__FILE__, __LINE__, #a " == " #b, (a), (b))

/* CHECK_CODE(expected, call): `call` returns `expected`. The macro declares a
 * `tuf_error *err` (set to a sentinel first) for `call` to use as `&err`, and checks the error
 * contract: NULL after success; after failure, an error whose code is the result and whose
 * message is not empty. The error is freed. */
#define CHECK_CODE(expected, call)                                                            \
    do {                                                                                      \
        tuf_error *err = (tuf_error *)TU_SENTINEL;                                            \
        tuf_result tu_rc_ = (call);                                                           \
        tu_check_code(__FILE__, __LINE__, #call, (expected), tu_rc_, err);                    \
    } while (0)

#define CHECK_OK(call) CHECK_CODE(TUF_OK, call)

void tu_pass(void);
void tu_fail(const char *file, int line, const char *expr, const char *detail);
void tu_check_str(const char *file, int line, const char *expr, const char *a, const char *b);
void tu_check_code(const char *file, int line, const char *expr, tuf_result expected,
                   tuf_result got, tuf_error *err);
/* Prints "N passed, 0 failed" and returns 0 (the exit status of main). */
int tu_finish(void);

/* The demo repository given as argv[1] (exits with a usage message when missing). */
const char *tu_demo_repo(int argc, char **argv);

/* A new empty directory under $TMPDIR (or /tmp); returns a malloc'd path. The directory is
 * removed when the program exits, also after a failed check. */
char *tu_mkdtemp(void);
/* Removes a directory tree (no error if it does not exist). */
void tu_rmtree(const char *path);
/* Copies the directory tree `src` to `dst` (created). Returns 0 on success. */
int tu_copytree(const char *src, const char *dst);
/* Calls `fn(userdata, relative_path, full_path)` for every regular file under `dir` (relative
 * paths use '/'). Returns 0 on success. */
int tu_walk(const char *dir, void (*fn)(void *userdata, const char *rel, const char *full),
            void *userdata);
/* Reads a whole file; returns a malloc'd buffer (NUL-terminated, not counted in *len) or
 * NULL. */
unsigned char *tu_read_file(const char *path, size_t *len);
/* Writes a whole file. Returns 0 on success. */
int tu_write_file(const char *path, const void *data, size_t len);
/* Whether `path` exists. */
int tu_exists(const char *path);
/* Number of entries (other than . and ..) in a directory, or -1. */
int tu_count_entries(const char *dir);
/* A copy of the demo repository in a temporary directory, served over file://. */
struct tu_demo {
    char *tmp;          /* temporary directory, removed by tu_demo_free */
    char *repo;         /* tmp/repo: the copy of the demo repository */
    char *metadata_url; /* file://tmp/repo/metadata */
    char *targets_url;  /* file://tmp/repo/targets */
    unsigned char *root; /* the bytes of repo/root.json, the trusted root */
    size_t root_len;
};
/* Copies the demo repository `demo` into a new temporary directory and fills `d` (a failed
 * copy is a failed check). */
void tu_demo_copy(const char *demo, struct tu_demo *d);
/* Removes the temporary directory and frees what tu_demo_copy allocated. */
void tu_demo_free(struct tu_demo *d);
/* snprintf into a malloc'd string. */
char *tu_format(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

#endif
