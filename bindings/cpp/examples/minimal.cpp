#include <iostream>
#include <tuf.hpp>

// Updates metadata from a repository, then downloads one target, verified.
int main(int argc, char** argv) {
    if (argc != 5) {
        std::cerr << "usage: " << argv[0] << " METADATA_DIR METADATA_URL TARGETS_URL TARGET\n";
        return 2;
    }
    try {
        // METADATA_DIR must hold the trusted root.json (or set a bootstrap root).
        tuf::UpdaterConfig config(argv[1], argv[2]);
        config.set_targets_base_url(argv[3]).set_targets_dir(".");
        tuf::Updater updater(config);
        updater.refresh();
        std::optional<tuf::TargetInfo> info = updater.get_target_info(argv[4]);
        if (!info) {
            std::cerr << argv[4] << ": no such target\n";
            return 1;
        }
        updater.download_target(*info);
        std::cout << argv[4] << ": " << info->length() << " bytes, verified\n";
        return 0;
    } catch (const tuf::Error& e) {
        std::cerr << "error " << static_cast<unsigned>(e.code()) << " ("
                  << tuf::result_str(e.code()) << "): " << e.what() << "\n";
        return 1;
    }
}
