// Helpers of the C++ binding's tests.
#include "testutil.hpp"

#include <stdlib.h>

#include <fstream>
#include <iterator>
#include <stdexcept>
#include <system_error>

namespace testutil {

TempDir::TempDir() {
    std::string pattern = (fs::temp_directory_path() / "libtuf-cpp-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
        throw std::runtime_error("mkdtemp failed for " + pattern);
    }
    path_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
}

std::vector<std::uint8_t> read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot read " + path.string());
    }
    return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in),
                                     std::istreambuf_iterator<char>());
}

std::string read_text(const fs::path& path) {
    std::vector<std::uint8_t> data = read_file(path);
    return std::string(data.begin(), data.end());
}

void write_file(const fs::path& path, const std::vector<std::uint8_t>& data) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data.data()),
              static_cast<std::streamsize>(data.size()));
    if (!out) {
        throw std::runtime_error("cannot write " + path.string());
    }
}

fs::path demo_repo() { return TUF_DEMO_REPO; }
fs::path multirepo_demo() { return TUF_MULTIREPO_DEMO; }
fs::path test_keys() { return TUF_TEST_KEYS; }

std::string file_url(const fs::path& dir) { return "file://" + dir.string(); }

std::map<std::string, std::vector<std::uint8_t>> load_repository(const fs::path& dir) {
    std::map<std::string, std::vector<std::uint8_t>> files;
    for (const char* sub : {"metadata", "targets"}) {
        for (const auto& entry : fs::recursive_directory_iterator(dir / sub)) {
            if (entry.is_regular_file()) {
                files["/" + fs::relative(entry.path(), dir).generic_string()] =
                    read_file(entry.path());
            }
        }
    }
    return files;
}

}  // namespace testutil
