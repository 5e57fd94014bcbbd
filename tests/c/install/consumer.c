/*
 * A program built against an installed libtuf (by check_install.sh, with pkg-config and with
 * find_package(tuf)): its version matches the header, and it verifies the demo root.
 *
 *   consumer ROOT_JSON
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tuf.h>

int main(int argc, char **argv) {
    char expected[32];
    unsigned char buf[65536];
    size_t len;
    FILE *f;
    tuf_verifier *v = NULL;
    tuf_error *err = NULL;
    tuf_result r;

    if (argc != 2) {
        fprintf(stderr, "usage: consumer ROOT_JSON\n");
        return 2;
    }
    snprintf(expected, sizeof expected, "%d.%d.%d", TUF_VERSION_MAJOR, TUF_VERSION_MINOR,
             TUF_VERSION_PATCH);
    if (strcmp(tuf_version(), expected) != 0) {
        fprintf(stderr, "consumer: library %s, header %s\n", tuf_version(), expected);
        return 1;
    }
    f = fopen(argv[1], "rb");
    if (f == NULL) {
        perror(argv[1]);
        return 1;
    }
    len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    r = tuf_verifier_new(buf, len, NULL, 0, &v, &err);
    if (r != TUF_OK) {
        fprintf(stderr, "consumer: %s\n", tuf_error_message(err));
        tuf_error_free(err);
        return 1;
    }
    printf("consumer: libtuf %s, trusted root version %llu\n", tuf_version(),
           (unsigned long long)tuf_verifier_root_version(v));
    tuf_verifier_free(v);
    return 0;
}
