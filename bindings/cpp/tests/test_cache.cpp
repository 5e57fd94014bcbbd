// The metadata cache: offline mode (from a cache filled online; an empty cache; expired
// metadata accepted only when asked), in-memory storage (nothing written), and an
// application's storage as a tuf::Storage / tuf::LockingStorage, also one that throws.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include <tuf.hpp>

#include "testutil.hpp"

namespace fs = std::filesystem;

namespace {

const std::int64_t year_2100 = 4102444800;  // after every expiry of the demo repository

struct Boom : std::runtime_error {
    explicit Boom(const std::string& where) : std::runtime_error("boom: " + where) {}
};

/// Every file under `dir` with its bytes ("" for a directory).
std::map<std::string, std::vector<std::uint8_t>> snapshot_dir(const fs::path& dir) {
    std::map<std::string, std::vector<std::uint8_t>> out;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
        std::string name = fs::relative(entry.path(), dir).string();
        out[name] = entry.is_regular_file() ? testutil::read_file(entry.path())
                                            : std::vector<std::uint8_t>{};
    }
    return out;
}

/// A storage in a std::map, with a lock it counts.
class MapStorage : public tuf::LockingStorage {
public:
    std::optional<std::vector<std::uint8_t>> read(std::string_view name,
                                                  std::uint64_t) override {
        reads.insert(std::string(name));
        auto it = values.find(std::string(name));
        if (it == values.end()) {
            return std::nullopt;
        }
        return it->second;
    }
    void write(std::string_view name, tuf::ByteView data, bool durable) override {
        EXPECT_TRUE(locked) << "write without the lock: " << name;
        values[std::string(name)] = data.to_vector();
        if (durable) {
            durable_writes.insert(std::string(name));
        }
    }
    bool remove(std::string_view name) override {
        EXPECT_TRUE(locked) << "remove without the lock: " << name;
        return values.erase(std::string(name)) > 0;
    }
    void lock() override {
        EXPECT_FALSE(locked);
        locked = true;
        locks++;
    }
    void unlock() override {
        EXPECT_TRUE(locked);
        locked = false;
        unlocks++;
    }

    std::map<std::string, std::vector<std::uint8_t>> values;
    std::set<std::string> reads, durable_writes;
    bool locked = false;
    int locks = 0, unlocks = 0;
};

/// A MapStorage whose `read`, `write` or `lock` throws Boom while `fail` says so.
class ThrowingStorage : public MapStorage {
public:
    std::string fail;  // "read", "write", "lock" or ""
    std::optional<std::vector<std::uint8_t>> read(std::string_view name,
                                                  std::uint64_t max) override {
        if (fail == "read") {
            throw Boom("read " + std::string(name));
        }
        return MapStorage::read(name, max);
    }
    void write(std::string_view name, tuf::ByteView data, bool durable) override {
        if (fail == "write") {
            throw Boom("write " + std::string(name));
        }
        MapStorage::write(name, data, durable);
    }
    void lock() override {
        if (fail == "lock") {
            throw Boom("lock");
        }
        MapStorage::lock();
    }
};

class CacheTest : public ::testing::Test {
protected:
    tuf::UpdaterConfig config(const std::string& metadata_url = demo_url("metadata")) {
        tuf::UpdaterConfig c(tmp / "metadata", metadata_url);
        c.set_bootstrap_root(testutil::read_file(testutil::demo_repo() / "root.json"))
            .set_targets_base_url(demo_url("targets"))
            .set_targets_dir(tmp / "targets");
        return c;
    }
    static std::string demo_url(const std::string& dir) {
        return testutil::file_url(testutil::demo_repo() / dir);
    }
    /// Refreshes online, looks up a delegated target and downloads hello.txt.
    void fill_cache() {
        tuf::Updater online(config());
        online.refresh();
        ASSERT_TRUE(online.get_target_info("apps/app-1.0.tar.gz"));
        std::optional<tuf::TargetInfo> hello = online.get_target_info("hello.txt");
        ASSERT_TRUE(hello);
        online.download_target(*hello);
    }
    testutil::TempDir tmp;
};

}  // namespace

TEST_F(CacheTest, OfflineRefreshesFromACacheFilledOnline) {
    fill_cache();
    auto before = snapshot_dir(tmp.path() / "metadata");

    // No bootstrap root (the cached root.json) and a URL that would fail if it were used.
    tuf::UpdaterConfig c(tmp / "metadata", "file:///nonexistent/metadata/");
    c.set_targets_base_url("file:///nonexistent/targets/").set_targets_dir(tmp / "targets");
    c.set_offline(true);
    tuf::Updater offline(c);
    offline.refresh();
    std::optional<tuf::TargetInfo> hello = offline.get_target_info("hello.txt");
    ASSERT_TRUE(hello);
    EXPECT_EQ(hello->length(), 39u);
    ASSERT_TRUE(offline.get_target_info("apps/app-1.0.tar.gz"));  // apps.json from the cache
    EXPECT_FALSE(offline.get_target_info("nothing.txt"));
    std::optional<std::string> cached = offline.find_cached_target(*hello);
    ASSERT_TRUE(cached);
    EXPECT_EQ(fs::path(*cached), tmp.path() / "targets" / "hello.txt");

    // A download needs the network: refused, naming why.
    std::optional<tuf::TargetInfo> readme = offline.get_target_info("docs/README.txt");
    ASSERT_TRUE(readme);
    auto e = testutil::expect_throw<tuf::Error>([&] { offline.download_target(*readme); });
    EXPECT_EQ(e.code(), tuf::Code::state);
    EXPECT_FALSE(fs::exists(tmp.path() / "targets" / "docs%2FREADME.txt"));

    // Offline writes no metadata.
    EXPECT_EQ(snapshot_dir(tmp.path() / "metadata"), before);
}

TEST_F(CacheTest, OfflineWithAnEmptyCacheThrowsStateNamingTheFile) {
    tuf::UpdaterConfig c = config();
    c.set_offline(true);
    tuf::Updater updater(c);
    auto e = testutil::expect_throw<tuf::Error>([&] { updater.refresh(); });
    EXPECT_EQ(e.code(), tuf::Code::state);
    EXPECT_NE(std::string(e.what()).find("timestamp.json"), std::string::npos) << e.what();
    // A lookup refreshes first, and fails the same way.
    auto lookup = testutil::expect_throw<tuf::Error>([&] { updater.get_target_info("hello.txt"); });
    EXPECT_EQ(lookup.code(), tuf::Code::state);
}

TEST_F(CacheTest, OfflineExpiredMetadataOnlyWhenAcceptedUnsafely) {
    fill_cache();
    tuf::UpdaterConfig c = config("file:///nonexistent/");
    c.set_reference_time(year_2100);
    // Only in offline mode; refused settings change nothing.
    auto refused = testutil::expect_throw<tuf::Error>([&] { c.set_offline_accept_expired_unsafe(true); });
    EXPECT_EQ(refused.code(), tuf::Code::invalid_argument);
    c.set_offline(true);
    {
        tuf::Updater updater(c);
        auto e = testutil::expect_throw<tuf::Error>([&] { updater.refresh(); });
        EXPECT_EQ(e.code(), tuf::Code::expired);
    }
    c.set_offline_accept_expired_unsafe(true);
    // Offline cannot be turned off while expired metadata is accepted.
    auto still_offline = testutil::expect_throw<tuf::Error>([&] { c.set_offline(false); });
    EXPECT_EQ(still_offline.code(), tuf::Code::invalid_argument);
    std::vector<std::string> warnings;
    c.set_log_callback([&](tuf::LogLevel level, std::string_view message) {
        if (level == tuf::LogLevel::warn) {
            warnings.emplace_back(message);
        }
    });
    tuf::Updater updater(c);
    updater.refresh();
    EXPECT_TRUE(updater.get_target_info("hello.txt"));
    EXPECT_FALSE(warnings.empty()) << "each expired role accepted is logged as a warning";
}

TEST_F(CacheTest, InMemoryWritesNothing) {
    tuf::UpdaterConfig c = config();
    c.set_in_memory(true);
    // In memory there is no cache to be offline with.
    auto e = testutil::expect_throw<tuf::Error>([&] { c.set_offline(true); });
    EXPECT_EQ(e.code(), tuf::Code::invalid_argument);
    {
        tuf::Updater updater(c);
        updater.refresh();
        updater.refresh();  // from what the first refresh verified, in memory
        std::optional<tuf::TargetInfo> app = updater.get_target_info("apps/app-1.0.tar.gz");
        ASSERT_TRUE(app);
        std::string path = updater.download_target(*app);
        EXPECT_TRUE(fs::exists(path));  // target downloads still write where they are told
    }
    EXPECT_FALSE(fs::exists(tmp.path() / "metadata"));

    // In memory needs the bootstrap root.
    tuf::UpdaterConfig no_root(tmp / "metadata", demo_url("metadata"));
    no_root.set_in_memory(true);
    auto needs_root = testutil::expect_throw<tuf::Error>([&] { tuf::Updater u(no_root); });
    EXPECT_EQ(needs_root.code(), tuf::Code::invalid_argument);
    // false goes back to the file cache.
    c.set_in_memory(false);
    tuf::Updater on_disk(c);
    on_disk.refresh();
    EXPECT_TRUE(fs::exists(tmp.path() / "metadata" / "timestamp.json"));
}

TEST_F(CacheTest, CustomStorageKeepsTheCache) {
    auto storage = std::make_shared<MapStorage>();
    {
        tuf::UpdaterConfig c = config();
        c.set_storage(storage);
        tuf::Updater updater(c);
        updater.refresh();
        ASSERT_TRUE(updater.get_target_info("apps/app-1.0.tar.gz"));
    }
    // The configuration and the updater are gone; the application's storage has the cache.
    for (const char* name :
         {"root.json", "timestamp.json", "snapshot.json", "targets.json", "apps.json"}) {
        EXPECT_EQ(storage->values.count(name), 1u) << name;
    }
    EXPECT_EQ(storage->values["timestamp.json"],
              testutil::read_file(testutil::demo_repo() / "metadata" / "timestamp.json"));
    EXPECT_GT(storage->locks, 0);
    EXPECT_EQ(storage->locks, storage->unlocks);
    EXPECT_FALSE(storage->locked);
    EXPECT_FALSE(fs::exists(tmp.path() / "metadata" / "timestamp.json"));

    // Without a bootstrap root, offline, from the storage alone.
    tuf::UpdaterConfig c(tmp / "metadata", "file:///nonexistent/");
    c.set_storage(storage).set_offline(true);
    tuf::Updater offline(c);
    EXPECT_EQ(storage->reads.count("root.json"), 1u);
    offline.refresh();
    EXPECT_TRUE(offline.get_target_info("apps/app-1.1.tar.gz"));

    // A value over the limit is treated as not stored: offline, the timestamp is missing.
    tuf::UpdaterConfig small(tmp / "metadata", "file:///nonexistent/");
    small.set_storage(storage).set_offline(true).set_timestamp_max_length(10);
    tuf::Updater limited(small);
    try {
        limited.refresh();
        ADD_FAILURE() << "an overlong timestamp.json was used";
    } catch (const tuf::Error& e) {
        EXPECT_EQ(e.code(), tuf::Code::state) << e.what();
        EXPECT_NE(std::string(e.what()).find("timestamp.json"), std::string::npos) << e.what();
    }

    // nullptr: back to the file cache.
    tuf::UpdaterConfig files = config();
    files.set_storage(storage).set_storage(nullptr);
    tuf::Updater on_disk(files);
    on_disk.refresh();
    EXPECT_TRUE(fs::exists(tmp.path() / "metadata" / "timestamp.json"));
}

TEST_F(CacheTest, StorageExceptionsAreRethrownAndTheLockReleased) {
    auto storage = std::make_shared<ThrowingStorage>();
    tuf::UpdaterConfig c = config();
    c.set_storage(storage);

    // The updater stores the bootstrap root when it is made.
    storage->fail = "write";
    auto root = testutil::expect_throw<Boom>([&] { tuf::Updater u(c); });
    EXPECT_NE(std::string(root.what()).find("root"), std::string::npos) << root.what();
    EXPECT_EQ(storage->locks, storage->unlocks);
    storage->fail.clear();
    tuf::Updater updater(c);
    storage->fail = "write";
    auto write = testutil::expect_throw<Boom>([&] { updater.refresh(); });
    EXPECT_NE(std::string(write.what()).find("boom: write"), std::string::npos);
    EXPECT_EQ(storage->locks, storage->unlocks);
    EXPECT_FALSE(storage->locked);

    storage->fail = "lock";
    testutil::expect_throw<Boom>([&] { updater.refresh(); });
    EXPECT_FALSE(storage->locked);

    // A failed read is "not stored" for libtuf, which would fetch the file: the call stops
    // and the exception comes back.
    storage->fail = "read";
    auto read = testutil::expect_throw<Boom>([&] { updater.refresh(); });
    EXPECT_NE(std::string(read.what()).find("boom: read"), std::string::npos);
    EXPECT_EQ(storage->locks, storage->unlocks);

    // The updater is usable once the storage is.
    storage->fail.clear();
    updater.refresh();
    EXPECT_TRUE(updater.get_target_info("hello.txt"));
    EXPECT_EQ(storage->locks, storage->unlocks);

    // A read failing while the updater is created (its trusted root from the storage).
    tuf::UpdaterConfig from_storage(tmp / "metadata", demo_url("metadata"));
    from_storage.set_storage(storage);
    storage->fail = "read";
    testutil::expect_throw<Boom>([&] { tuf::Updater u(from_storage); });
    // And offline, where a failed read fails the call.
    from_storage.set_offline(true);
    storage->fail.clear();
    tuf::Updater offline(from_storage);
    storage->fail = "read";
    testutil::expect_throw<Boom>([&] { offline.refresh(); });
}

TEST_F(CacheTest, PlainStorageHasNoLock) {
    // A Storage that is not a LockingStorage: libtuf takes no lock.
    struct Plain : tuf::Storage {
        std::map<std::string, std::vector<std::uint8_t>> values;
        std::optional<std::vector<std::uint8_t>> read(std::string_view name,
                                                      std::uint64_t) override {
            auto it = values.find(std::string(name));
            return it == values.end() ? std::nullopt : std::make_optional(it->second);
        }
        void write(std::string_view name, tuf::ByteView data, bool) override {
            values[std::string(name)] = data.to_vector();
        }
        bool remove(std::string_view name) override {
            return values.erase(std::string(name)) > 0;
        }
    };
    auto storage = std::make_shared<Plain>();
    tuf::UpdaterConfig c = config();
    c.set_storage(storage);
    tuf::Updater updater(c);
    updater.refresh();
    EXPECT_EQ(storage->values.count("targets.json"), 1u);
}
