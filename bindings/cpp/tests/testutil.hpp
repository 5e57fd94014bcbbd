// Helpers of the C++ binding's tests: scratch directories, files, the demo repositories,
// expected exceptions.
#ifndef TUF_CPP_TESTUTIL_HPP
#define TUF_CPP_TESTUTIL_HPP

#include <cstdint>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace testutil {

namespace fs = std::filesystem;

/// A new empty directory under the system's temporary directory, removed with its content
/// when the object is destroyed.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const fs::path& path() const { return path_; }
    /// path() / name, as a string.
    std::string operator/(const std::string& name) const { return (path_ / name).string(); }

private:
    fs::path path_;
};

/// The bytes of a file; the test fails (an exception) if it cannot be read.
std::vector<std::uint8_t> read_file(const fs::path& path);
std::string read_text(const fs::path& path);
void write_file(const fs::path& path, const std::vector<std::uint8_t>& data);

/// examples-c/demo-repo, examples-c/multirepo-demo, tests/data/keys.
fs::path demo_repo();
fs::path multirepo_demo();
fs::path test_keys();

/// file://DIR
std::string file_url(const fs::path& dir);

/// Every file of a repository directory (DIR/metadata and DIR/targets), by URL path
/// ("/metadata/1.root.json", "/targets/HASH.hello.txt", ...), to serve from memory.
std::map<std::string, std::vector<std::uint8_t>> load_repository(const fs::path& dir);

/// Runs `f`, which must throw an E, and returns that exception; any other outcome fails the
/// test (and throws std::logic_error, ending it).
template <class E, class F>
E expect_throw(F&& f) {
    try {
        f();
    } catch (const E& e) {
        return e;
    }
    ADD_FAILURE() << "no exception of the expected type";
    throw std::logic_error("expected an exception");
}

}  // namespace testutil

#endif  // TUF_CPP_TESTUTIL_HPP
