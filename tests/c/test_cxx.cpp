// test_cxx: tuf.h from C++ (extern "C" linkage): a C++11 program calling libtuf.
//
//   test_cxx DEMO_REPO_DIR
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <tuf.h>

static int passed = 0;

#define CHECK(expr)                                                                          \
    do {                                                                                     \
        if (!(expr)) {                                                                       \
            std::fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #expr);   \
            std::printf("%d passed, 1 failed\n", passed);                                    \
            return 1;                                                                        \
        }                                                                                    \
        passed++;                                                                            \
    } while (0)

int main(int argc, char **argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: test_cxx DEMO_REPO_DIR\n");
        return 2;
    }
    std::ifstream in((std::string(argv[1]) + "/root.json").c_str(), std::ios::binary);
    std::vector<unsigned char> root((std::istreambuf_iterator<char>(in)),
                                    std::istreambuf_iterator<char>());
    CHECK(!root.empty());

    char expected[32];
    std::snprintf(expected, sizeof expected, "%d.%d.%d", TUF_VERSION_MAJOR, TUF_VERSION_MINOR,
                  TUF_VERSION_PATCH);
    CHECK(std::strcmp(tuf_version(), expected) == 0);
    CHECK(std::strcmp(tuf_result_str(TUF_OK), "success") == 0);

    tuf_verifier *v = nullptr;
    tuf_error *err = nullptr;
    CHECK(tuf_verifier_new(root.data(), root.size(), nullptr, 0, &v, &err) == TUF_OK);
    CHECK(err == nullptr);
    CHECK(tuf_verifier_root_version(v) == 1);
    CHECK(tuf_verifier_update_targets(v, root.data(), root.size(), &err) == TUF_ERR_STATE);
    CHECK(tuf_error_code(err) == TUF_ERR_STATE);
    tuf_error_free(err);
    tuf_verifier_free(v);

    std::printf("%d passed, 0 failed\n", passed);
    return 0;
}
