// Updater::get_target_infos: many targets looked up at once over file:// (the delegated
// metadata fetched ahead) and through a fetch function (one after the other), one result per
// path in order (a path not found is a result, not an exception), any container of strings,
// no paths, the failures before looking up thrown (the refresh that had to run first, a NUL
// byte, an empty handle, a call during a call), cancellation through the transfer progress
// function, and the exceptions of progress, log and fetch functions rethrown.
#include <gtest/gtest.h>

#include <array>
#include <string>
#include <string_view>

#include <tuf.hpp>

#include "testutil.hpp"

using namespace std::string_literals;
using namespace std::string_view_literals;
namespace fs = std::filesystem;

namespace {

const std::int64_t year_2100 = 4102444800;  // after every expiry of the demo repository

struct Boom : std::runtime_error {
    explicit Boom(const std::string& where) : std::runtime_error("boom: " + where) {}
};

/// Every target of the demo repository: two in the top-level targets role, two delegated to
/// the role "apps".
const std::vector<std::string> everything = {"hello.txt", "apps/app-1.0.tar.gz",
                                             "docs/README.txt", "apps/app-1.1.tar.gz"};

class LookupsTest : public ::testing::Test {
protected:
    tuf::UpdaterConfig config(const std::string& dir = "metadata") {
        tuf::UpdaterConfig c(tmp / dir, testutil::file_url(testutil::demo_repo() / "metadata"));
        c.set_bootstrap_root(testutil::read_file(testutil::demo_repo() / "root.json"))
            .set_targets_base_url(testutil::file_url(testutil::demo_repo() / "targets") + "/")
            .set_targets_dir(tmp / "targets");
        return c;
    }
    /// Checks that `results` found exactly the targets of `paths` (in order) that
    /// get_target_info finds, with the same description, and that the others are
    /// Code::target_not_found naming their path.
    static void expect_as_one_by_one(tuf::Updater& updater, const std::vector<std::string>& paths,
                                     const std::vector<tuf::LookupResult>& results) {
        ASSERT_EQ(results.size(), paths.size());
        for (std::size_t i = 0; i < paths.size(); i++) {
            std::optional<tuf::TargetInfo> one = updater.get_target_info(paths[i]);
            const tuf::LookupResult& r = results[i];
            if (one) {
                ASSERT_TRUE(r.found()) << paths[i] << ": " << r.error->what();
                EXPECT_TRUE(r.ok()) << paths[i];
                EXPECT_EQ(r.code(), tuf::Code::ok) << paths[i];
                EXPECT_FALSE(r.error) << paths[i];
                EXPECT_EQ(r.info->path(), paths[i]);
                EXPECT_EQ(r.info->role(), one->role()) << paths[i];
                EXPECT_EQ(r.info->length(), one->length()) << paths[i];
                EXPECT_EQ(r.info->hash_hex(0), one->hash_hex(0)) << paths[i];
            } else {
                EXPECT_FALSE(r.found()) << paths[i];
                EXPECT_FALSE(r.ok()) << paths[i];
                EXPECT_FALSE(r.info) << paths[i];
                ASSERT_TRUE(r.error) << paths[i];
                EXPECT_EQ(r.code(), tuf::Code::target_not_found) << paths[i];
                EXPECT_EQ(r.error->code(), tuf::Code::target_not_found) << paths[i];
                EXPECT_NE(std::string(r.error->what()).find(paths[i]), std::string::npos)
                    << r.error->what();
            }
        }
    }
    testutil::TempDir tmp;
};

}  // namespace

TEST_F(LookupsTest, FoundAndNotFoundInOrder) {
    tuf::UpdaterConfig c = config();
    c.set_max_connections(2);
    tuf::Updater updater(c);
    // No refresh: the call refreshes first.
    const std::vector<std::string> paths = {"hello.txt",           "nothing-here.txt",
                                            "apps/app-1.0.tar.gz", "apps/nothing.tar.gz",
                                            "docs/README.txt",     "hello.txt"};
    std::vector<tuf::LookupResult> results = updater.get_target_infos(paths);
    EXPECT_TRUE(fs::exists(tmp.path() / "metadata" / "timestamp.json"));
    ASSERT_EQ(results.size(), paths.size());
    for (std::size_t i : {0, 2, 4, 5}) {
        ASSERT_TRUE(results[i].found()) << paths[i];
        EXPECT_EQ(results[i].info->path(), paths[i]);
    }
    EXPECT_EQ(results[0].info->role(), "targets");
    EXPECT_EQ(results[2].info->role(), "apps");
    EXPECT_EQ(results[0].info->length(), 39u);
    for (std::size_t i : {1, 3}) {
        EXPECT_FALSE(results[i].found()) << paths[i];
        EXPECT_EQ(results[i].code(), tuf::Code::target_not_found) << paths[i];
    }
    // The delegated role was fetched ahead and cached, verified.
    EXPECT_TRUE(fs::exists(tmp.path() / "metadata" / "apps.json"));
    expect_as_one_by_one(updater, paths, results);

    // The targets found are ordinary TargetInfos: downloaded.
    std::vector<tuf::TargetInfoView> found;
    for (std::size_t i : {0, 2, 4}) {
        found.emplace_back(*results[i].info);
    }
    std::vector<tuf::DownloadResult> downloads = updater.download_targets(found);
    ASSERT_EQ(downloads.size(), 3u);
    for (const tuf::DownloadResult& d : downloads) {
        EXPECT_TRUE(d.ok()) << d.error->what();
    }
}

TEST_F(LookupsTest, EveryPathFoundFromAnyContainerOfStrings) {
    tuf::Updater updater(config());
    updater.refresh();
    std::vector<tuf::LookupResult> results = updater.get_target_infos(everything);
    expect_as_one_by_one(updater, everything, results);
    for (const tuf::LookupResult& r : results) {
        EXPECT_TRUE(r.ok());
    }

    // std::vector<std::string_view>, an array of const char*, a braced list: the same.
    std::vector<std::string_view> views(everything.begin(), everything.end());
    expect_as_one_by_one(updater, everything, updater.get_target_infos(views));
    const std::array<const char*, 4> pointers = {"hello.txt", "apps/app-1.0.tar.gz",
                                                 "docs/README.txt", "apps/app-1.1.tar.gz"};
    expect_as_one_by_one(updater, everything, updater.get_target_infos(pointers));
    expect_as_one_by_one(updater, everything,
                         updater.get_target_infos({"hello.txt", "apps/app-1.0.tar.gz",
                                                   "docs/README.txt"s, "apps/app-1.1.tar.gz"sv}));
    // One path.
    results = updater.get_target_infos({"apps/app-1.1.tar.gz"});
    ASSERT_EQ(results.size(), 1u);
    ASSERT_TRUE(results[0].found());
    EXPECT_EQ(results[0].info->role(), "apps");
    // A result owns its target info: moved out, it outlives the results.
    tuf::TargetInfo kept = std::move(*results[0].info);
    results.clear();
    EXPECT_EQ(kept.path(), "apps/app-1.1.tar.gz");
}

TEST_F(LookupsTest, NoPaths) {
    tuf::Updater updater(config());
    updater.refresh();
    EXPECT_TRUE(updater.get_target_infos({}).empty());
    EXPECT_TRUE(updater.get_target_infos(std::vector<std::string>{}).empty());
    EXPECT_TRUE(updater.get_target_infos(std::vector<std::string_view>{}).empty());
}

TEST_F(LookupsTest, TheRefreshThatHadToRunFirstThrows) {
    tuf::UpdaterConfig c = config();
    c.set_reference_time(year_2100);
    tuf::Updater updater(c);
    tuf::Error e = testutil::expect_throw<tuf::Error>(
        [&] { updater.get_target_infos({"hello.txt", "nothing-here.txt"}); });
    EXPECT_EQ(e.code(), tuf::Code::expired);
    ASSERT_TRUE(e.role());
    EXPECT_FALSE(e.role()->empty());
    // Also for no paths: the refresh runs first all the same.
    e = testutil::expect_throw<tuf::Error>([&] { updater.get_target_infos({}); });
    EXPECT_EQ(e.code(), tuf::Code::expired);
    // The updater goes on: with the clock back, the lookups refresh and run.
    updater.set_reference_time(std::nullopt);
    std::vector<tuf::LookupResult> results =
        updater.get_target_infos({"hello.txt", "nothing-here.txt"});
    ASSERT_EQ(results.size(), 2u);
    EXPECT_TRUE(results[0].found());
    EXPECT_EQ(results[1].code(), tuf::Code::target_not_found);
}

TEST_F(LookupsTest, FailuresBeforeLookingUpThrow) {
    // A NUL byte inside a path: refused before the C call.
    tuf::Updater updater(config());
    tuf::Error e = testutil::expect_throw<tuf::Error>(
        [&] { updater.get_target_infos({"hello.txt"sv, "bad\0path"sv}); });
    EXPECT_EQ(e.code(), tuf::Code::invalid_argument);

    // A call while the updater is in a call (here from its own progress function):
    // Code::state, thrown to the progress function; the outer call is not disturbed.
    tuf::UpdaterConfig c = config("metadata-2");
    tuf::Updater* self = nullptr;
    std::optional<tuf::Code> inner;
    c.set_progress_callback([&](std::string_view, std::uint64_t, std::uint64_t) {
        if (self != nullptr && !inner) {
            try {
                self->get_target_infos({"hello.txt"});
                inner = tuf::Code::ok;
            } catch (const tuf::Error& error) {
                inner = error.code();
            }
        }
        return true;
    });
    tuf::Updater busy(c);
    self = &busy;
    std::vector<tuf::LookupResult> results = busy.get_target_infos(everything);
    self = nullptr;
    EXPECT_EQ(inner, tuf::Code::state);
    expect_as_one_by_one(busy, everything, results);

    // An empty (moved-from) updater.
    tuf::Updater moved(std::move(updater));
    e = testutil::expect_throw<tuf::Error>([&] {
        updater.get_target_infos({"hello.txt"});  // NOLINT(bugprone-use-after-move): on purpose
    });
    EXPECT_EQ(e.code(), tuf::Code::invalid_argument);
    ASSERT_EQ(moved.get_target_infos({"hello.txt"}).size(), 1u);
}

TEST_F(LookupsTest, CancelledLookupsAreResults) {
    bool cancel = true;
    tuf::UpdaterConfig c = config();
    c.set_progress_callback([&](std::string_view url, std::uint64_t, std::uint64_t) {
        return !(cancel && url.find("apps.json") != std::string_view::npos);
    });
    tuf::Updater updater(c);
    updater.refresh();
    std::vector<tuf::LookupResult> results = updater.get_target_infos(everything);
    ASSERT_EQ(results.size(), 4u);
    // The top-level role's targets are found; the lookups that needed "apps" are cancelled.
    EXPECT_TRUE(results[0].found());
    EXPECT_TRUE(results[2].found());
    for (std::size_t i : {1, 3}) {
        EXPECT_FALSE(results[i].found()) << everything[i];
        EXPECT_EQ(results[i].code(), tuf::Code::cancelled) << everything[i];
        ASSERT_TRUE(results[i].error->url()) << everything[i];
        EXPECT_NE(results[i].error->url()->find("apps.json"), std::string::npos)
            << *results[i].error->url();
    }
    // The updater goes on.
    cancel = false;
    expect_as_one_by_one(updater, everything, updater.get_target_infos(everything));
}

TEST_F(LookupsTest, AProgressExceptionIsRethrown) {
    bool boom = true;
    tuf::UpdaterConfig c = config();
    c.set_progress_callback([&](std::string_view url, std::uint64_t, std::uint64_t) -> bool {
        if (boom && url.find("apps.json") != std::string_view::npos) {
            throw Boom(std::string(url));
        }
        return true;
    });
    tuf::Updater updater(c);
    updater.refresh();
    Boom b = testutil::expect_throw<Boom>([&] { updater.get_target_infos(everything); });
    EXPECT_NE(std::string(b.what()).find("apps.json"), std::string::npos) << b.what();
    // The transfer was cancelled: "apps" is neither trusted nor cached, and the next call
    // fetches it again (and throws again, also after a path found without it).
    EXPECT_FALSE(fs::exists(tmp.path() / "metadata" / "apps.json"));
    EXPECT_THROW(updater.get_target_infos({"hello.txt", "apps/app-1.0.tar.gz"}), Boom);
    boom = false;
    expect_as_one_by_one(updater, everything, updater.get_target_infos(everything));
}

TEST_F(LookupsTest, ALogExceptionIsRethrown) {
    bool boom = false;
    tuf::UpdaterConfig c = config();
    c.set_log_callback([&](tuf::LogLevel, std::string_view message) {
        if (boom && message.find("apps") != std::string_view::npos) {
            throw Boom(std::string(message));
        }
    });
    tuf::Updater updater(c);
    updater.refresh();
    boom = true;
    EXPECT_THROW(updater.get_target_infos(everything), Boom);
    boom = false;
    expect_as_one_by_one(updater, everything, updater.get_target_infos(everything));
}

TEST_F(LookupsTest, ThroughAFetchFunction) {
    auto files = testutil::load_repository(testutil::demo_repo());
    const std::string base = "https://repo.invalid";
    std::vector<std::string> requests;
    bool boom = false;
    tuf::UpdaterConfig c(tmp / "metadata", base + "/metadata/");
    c.set_bootstrap_root(testutil::read_file(testutil::demo_repo() / "root.json"))
        .set_fetcher([&](std::string_view url, std::uint64_t, tuf::Sink& sink) {
            requests.emplace_back(url);
            if (boom) {
                throw Boom(std::string(url));
            }
            auto it = files.find(std::string(url.substr(base.size())));
            if (it == files.end()) {
                return tuf::fetch_not_found;
            }
            sink.write(it->second);
            return 200;
        });
    tuf::Updater updater(c);
    updater.refresh();

    // The fetch of the delegated role throws: rethrown.
    boom = true;
    std::size_t before = requests.size();
    Boom b = testutil::expect_throw<Boom>(
        [&] { updater.get_target_infos({"hello.txt", "apps/app-1.0.tar.gz", "nothing"}); });
    EXPECT_EQ(std::string(b.what()), "boom: " + base + "/metadata/1.apps.json");
    EXPECT_EQ(requests.size(), before + 1);

    boom = false;
    const std::vector<std::string> paths = {"apps/nothing.tar.gz", "hello.txt",
                                            "apps/app-1.1.tar.gz", "nothing-here.txt"};
    std::vector<tuf::LookupResult> results = updater.get_target_infos(paths);
    ASSERT_EQ(results.size(), 4u);
    EXPECT_EQ(results[0].code(), tuf::Code::target_not_found);
    EXPECT_TRUE(results[1].found());
    EXPECT_TRUE(results[2].found());
    EXPECT_EQ(results[3].code(), tuf::Code::target_not_found);
    expect_as_one_by_one(updater, paths, results);
}
