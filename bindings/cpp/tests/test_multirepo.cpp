// MultiRepoConfig, MultiRepo and MultiRepoTarget over the bundled multirepo-demo (file://):
// vendor and distro agree on app-1.0.tar.gz and disagree on readme.txt; only vendor lists
// vendor-only.txt. Updater settings with C++ callbacks reach every repository.
#include <gtest/gtest.h>

#include <string>

#include <tuf.hpp>

#include "testutil.hpp"

namespace fs = std::filesystem;

namespace {

const std::string app = "app-1.0.tar.gz";
const std::string app_content = "(pretend this is the release archive of app 1.0)\n";

std::string map_file(const std::string& repositories, const std::string& mapping_repositories,
                     int threshold) {
    return R"({"repositories": {)" + repositories + R"(}, "mapping": [{"paths": ["*"], )" +
           R"("repositories": [)" + mapping_repositories + R"(], "threshold": )" +
           std::to_string(threshold) + R"(, "terminating": true}]})";
}

std::string repo_url(const std::string& name) {
    return "\"" + name + "\": [\"" + testutil::file_url(testutil::multirepo_demo() / name) +
           "\"]";
}

std::vector<std::uint8_t> root_of(const std::string& name) {
    return testutil::read_file(testutil::multirepo_demo() / name / "root.json");
}

const std::string vendor_and_distro =
    map_file(repo_url("vendor") + ", " + repo_url("distro"), R"("vendor", "distro")", 2);

struct Boom : std::runtime_error {
    Boom() : std::runtime_error("multirepo boom") {}
};

}  // namespace

TEST(MultiRepo, RepositoriesMustAgree) {
    testutil::TempDir tmp;
    tuf::MultiRepoConfig config(tmp / "parent", vendor_and_distro);
    config.set_trusted_root("vendor", root_of("vendor")).set_trusted_root("distro", root_of("distro"));
    tuf::MultiRepo multi(config);
    multi.refresh();

    std::optional<tuf::MultiRepoTarget> t = multi.get_target_info(app);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->info().path(), app);
    EXPECT_EQ(t->info().length(), app_content.size());
    EXPECT_EQ(t->mapping(), 0u);
    EXPECT_EQ(t->agreed_count(), 2u);
    ASSERT_EQ(t->repository_count(), 2u);
    EXPECT_EQ(t->repository_name(0), "vendor");
    EXPECT_EQ(t->repository_name(1), "distro");
    EXPECT_TRUE(t->repository_agreed(0));
    EXPECT_TRUE(t->repository_agreed(1));
    ASSERT_TRUE(t->repository_info(1));
    EXPECT_EQ(t->repository_info(1)->length(), t->info().length());
    EXPECT_EQ(t->repository_error(0), std::nullopt);
    EXPECT_THROW(t->repository_name(2), std::out_of_range);
    EXPECT_THROW(t->repository_agreed(2), std::out_of_range);
    EXPECT_THROW(t->repository_info(2), std::out_of_range);
    EXPECT_THROW(t->repository_error(2), std::out_of_range);

    std::string dest = tmp / "app.out";
    EXPECT_EQ(multi.download_target(*t, dest), dest);
    EXPECT_EQ(testutil::read_text(dest), app_content);
    std::string default_path = multi.download_target(*t);
    EXPECT_EQ(fs::path(default_path), tmp.path() / "parent" / "targets" / app);

    // Disagreement on a terminating mapping, and a target nobody lists.
    try {
        multi.get_target_info("readme.txt");
        FAIL() << "disagreeing repositories accepted";
    } catch (const tuf::Error& e) {
        EXPECT_EQ(e.code(), tuf::Code::repository);
        EXPECT_NE(std::string(e.what()).find("disagreeing: distro"), std::string::npos)
            << e.what();
    }
    EXPECT_THROW(multi.get_target_info("vendor-only.txt"), tuf::Error);
    EXPECT_EQ(multi.get_target_info("nowhere.txt"), std::nullopt);
}

TEST(MultiRepo, ConfigurationFromAFileLayoutAndTargetsDirectory) {
    testutil::TempDir tmp;
    std::string map = map_file(repo_url("vendor") + ", " + repo_url("distro"),
                               R"("vendor", "distro")", 1);
    testutil::write_file(tmp.path() / "map.json", {map.begin(), map.end()});
    tuf::MultiRepoConfig config = tuf::MultiRepoConfig::from_file(tmp / "parent", tmp / "map.json");
    config.set_trusted_root("vendor", root_of("vendor"))
        .set_trusted_root("distro", root_of("distro"))
        .set_layout("metadata", "targets")
        .set_layout(std::nullopt, std::nullopt)
        .set_targets_dir(tmp / "downloads");
    EXPECT_THROW(config.set_layout("../up", std::nullopt), tuf::Error);
    EXPECT_THROW(config.set_trusted_root("nobody", root_of("vendor")), tuf::Error);
    tuf::MultiRepo multi(config);
    std::optional<tuf::MultiRepoTarget> only = multi.get_target_info("vendor-only.txt");
    ASSERT_TRUE(only);
    EXPECT_EQ(only->agreed_count(), 1u);
    EXPECT_EQ(only->repository_info(1), std::nullopt);  // distro does not list it
    EXPECT_EQ(fs::path(multi.download_target(*only)), tmp.path() / "downloads" / "vendor-only.txt");

    EXPECT_THROW(tuf::MultiRepoConfig::from_file(tmp / "p", tmp / "no-map.json"), tuf::Error);
    try {
        tuf::MultiRepoConfig bad(tmp / "p", std::string(R"({"repositories": {}})"));
        FAIL();
    } catch (const tuf::Error& e) {
        EXPECT_EQ(e.code(), tuf::Code::invalid_argument);
    }
    // No trusted root and none cached: refused when the client is made.
    tuf::MultiRepoConfig rootless(tmp / "p2", vendor_and_distro);
    EXPECT_THROW(tuf::MultiRepo{rootless}, tuf::Error);
}

TEST(MultiRepo, AFailingRepositoryIsNamed) {
    testutil::TempDir tmp;
    std::string map = map_file(repo_url("vendor") + R"(, "broken": [")" +
                                   testutil::file_url(tmp.path() / "nowhere") + R"("])",
                               R"("broken", "vendor")", 1);
    tuf::MultiRepoConfig config(tmp / "parent", map);
    config.set_trusted_root("vendor", root_of("vendor"))
        .set_trusted_root("broken", root_of("distro"));
    tuf::MultiRepo multi(config);
    try {
        multi.refresh();
        FAIL() << "refresh of a missing repository succeeded";
    } catch (const tuf::Error& e) {
        EXPECT_NE(std::string(e.what()).find("broken"), std::string::npos) << e.what();
    }
    std::optional<tuf::MultiRepoTarget> t = multi.get_target_info(app);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->repository_name(0), "broken");
    EXPECT_FALSE(t->repository_agreed(0));
    EXPECT_TRUE(t->repository_error(0).has_value());
    EXPECT_EQ(t->repository_info(0), std::nullopt);
}

TEST(MultiRepo, UpdaterSettingsWithCallbacks) {
    testutil::TempDir tmp;
    std::vector<std::string> fetched;
    bool fail = false;
    tuf::MultiRepoConfig config(tmp / "parent", vendor_and_distro);
    {
        // The settings' functions outlive the configuration they were set on.
        tuf::UpdaterConfig settings(tmp / "unused", "file:///unused/");
        settings.set_fetcher([&](std::string_view url, std::uint64_t, tuf::Sink& sink) {
            fetched.emplace_back(url);
            if (fail) {
                throw Boom();
            }
            const std::string prefix = "file://";
            if (url.substr(0, prefix.size()) != prefix) {
                return -1;
            }
            std::error_code ec;
            fs::path path(std::string(url.substr(prefix.size())));
            if (!fs::exists(path, ec)) {
                return 404;
            }
            sink.write(testutil::read_file(path));
            return 0;
        });
        config.set_updater_settings(settings);
    }
    config.set_trusted_root("vendor", root_of("vendor")).set_trusted_root("distro", root_of("distro"));
    tuf::MultiRepo multi(config);
    multi.refresh();
    EXPECT_FALSE(fetched.empty());
    std::optional<tuf::MultiRepoTarget> t = multi.get_target_info(app);
    ASSERT_TRUE(t);
    fetched.clear();
    EXPECT_EQ(testutil::read_text(multi.download_target(*t, tmp / "out")), app_content);
    ASSERT_EQ(fetched.size(), 1u);
    EXPECT_NE(fetched[0].find(app), std::string::npos);

    // A throwing fetcher: the exception comes back from the multi-repository call.
    fail = true;
    EXPECT_THROW(multi.download_target(*t, tmp / "out2"), Boom);
    EXPECT_FALSE(fs::exists(tmp.path() / "out2"));
    tuf::MultiRepo second(config);
    EXPECT_THROW(second.refresh(), Boom);
    fail = false;
    second.refresh();
}

TEST(MultiRepo, FetchFunctionReturnValuesAsForAnUpdater) {
    // tuf.h: the settings' callbacks "are called as for a tuf_updater made from settings": a
    // 2xx status is success and tuf::fetch_not_found is 404 (which ends the root update).
    testutil::TempDir tmp;
    tuf::UpdaterConfig settings(tmp / "unused", "file:///unused/");
    settings.set_fetcher([&](std::string_view url, std::uint64_t, tuf::Sink& sink) {
        fs::path path(std::string(url.substr(std::string("file://").size())));
        std::error_code ec;
        if (!fs::exists(path, ec)) {
            return tuf::fetch_not_found;
        }
        sink.write(testutil::read_file(path));
        return 200;
    });
    tuf::MultiRepoConfig config(tmp / "parent", vendor_and_distro);
    config.set_updater_settings(settings)
        .set_trusted_root("vendor", root_of("vendor"))
        .set_trusted_root("distro", root_of("distro"));
    tuf::MultiRepo multi(config);
    multi.refresh();
    EXPECT_TRUE(multi.get_target_info(app));
}
