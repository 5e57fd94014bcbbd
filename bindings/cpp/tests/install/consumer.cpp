// A program built against an installed libtuf's C++ binding (by check_install.sh, with
// find_package(tuf) and tuf::tuf_cpp, and with pkg-config): its version matches the header,
// it verifies the demo root, and a junk root is a tuf::Error.
//
//   consumer ROOT_JSON
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include <tuf.hpp>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: consumer ROOT_JSON\n";
        return 2;
    }
    std::string expected = std::to_string(TUF_VERSION_MAJOR) + "." +
                           std::to_string(TUF_VERSION_MINOR) + "." +
                           std::to_string(TUF_VERSION_PATCH);
    if (tuf::version() != expected) {
        std::cerr << "consumer: library " << tuf::version() << ", header " << expected << "\n";
        return 1;
    }
    std::ifstream in(argv[1], std::ios::binary);
    std::vector<std::uint8_t> root((std::istreambuf_iterator<char>(in)),
                                   std::istreambuf_iterator<char>());
    try {
        tuf::Verifier v(root);
        std::cout << "consumer: libtuf " << tuf::version() << ", trusted root version "
                  << v.root_version() << "\n";
    } catch (const tuf::Error& e) {
        std::cerr << "consumer: " << e.what() << "\n";
        return 1;
    }
    try {
        tuf::Verifier junk(std::string("junk"));
        std::cerr << "consumer: a junk root was accepted\n";
        return 1;
    } catch (const tuf::Error& e) {
        if (e.code() != tuf::Code::invalid_metadata) {
            std::cerr << "consumer: unexpected error " << e.what() << "\n";
            return 1;
        }
    }
    return 0;
}
