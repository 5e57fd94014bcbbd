// Updater::download_targets: parallel downloads over file:// with one result per target (one
// failing target stops no other), targets already present, cancellation through the transfer
// progress function, an exception from it rethrown, downloads through a fetch function, and
// the max_connections and resume settings. Updater::download_target_paths: looked up and
// downloaded in one call, nothing downloaded when a path is not found.
#include <gtest/gtest.h>

#include <atomic>
#include <string>

#include <tuf.hpp>

#include "testutil.hpp"

namespace fs = std::filesystem;

namespace {

struct Boom : std::runtime_error {
    explicit Boom(const std::string& where) : std::runtime_error("boom: " + where) {}
};

const std::vector<std::string> names = {"hello.txt", "apps/app-1.0.tar.gz", "docs/README.txt"};
const std::vector<std::string> local_names = {"hello.txt", "apps%2Fapp-1.0.tar.gz",
                                              "docs%2FREADME.txt"};

class DownloadsTest : public ::testing::Test {
protected:
    tuf::UpdaterConfig config(const fs::path& targets_repo = testutil::demo_repo() / "targets") {
        tuf::UpdaterConfig c(tmp / "metadata",
                             testutil::file_url(testutil::demo_repo() / "metadata"));
        c.set_bootstrap_root(testutil::read_file(testutil::demo_repo() / "root.json"))
            .set_targets_base_url(testutil::file_url(targets_repo) + "/")
            .set_targets_dir(tmp / "targets");
        return c;
    }
    static std::vector<tuf::TargetInfo> look_up(tuf::Updater& updater) {
        std::vector<tuf::TargetInfo> infos;
        for (const std::string& name : names) {
            std::optional<tuf::TargetInfo> info = updater.get_target_info(name);
            EXPECT_TRUE(info) << name;
            if (info) {
                infos.push_back(std::move(*info));
            }
        }
        return infos;
    }
    /// The demo repository's target file of `index` (prefixed with its hash).
    static fs::path demo_target(std::size_t index) {
        fs::path dir = testutil::demo_repo() / "targets" / fs::path(names[index]).parent_path();
        std::string file = fs::path(names[index]).filename().string();
        for (const auto& entry : fs::directory_iterator(dir)) {
            std::string n = entry.path().filename().string();
            std::size_t at = n.size() - file.size();
            if (n.size() > file.size() && n.compare(at, file.size(), file) == 0 &&
                n[at - 1] == '.') {
                return entry.path();
            }
        }
        throw std::runtime_error("no demo target " + names[index]);
    }
    testutil::TempDir tmp;
};

}  // namespace

TEST_F(DownloadsTest, ParallelDownloadsWithOneFailingTarget) {
    // A copy of the repository's targets without apps/app-1.0.tar.gz.
    fs::path repo = tmp.path() / "repo-targets";
    fs::copy(testutil::demo_repo() / "targets", repo, fs::copy_options::recursive);
    ASSERT_TRUE(fs::remove(repo / fs::relative(demo_target(1), testutil::demo_repo() / "targets")));

    tuf::UpdaterConfig c = config(repo);
    c.set_max_connections(2);
    tuf::Updater updater(c);
    updater.refresh();
    std::vector<tuf::TargetInfo> infos = look_up(updater);
    ASSERT_EQ(infos.size(), 3u);

    std::vector<tuf::DownloadResult> results = updater.download_targets(infos);
    ASSERT_EQ(results.size(), 3u);
    for (std::size_t i : {0, 2}) {
        ASSERT_TRUE(results[i].ok()) << names[i] << ": " << results[i].error->what();
        EXPECT_EQ(results[i].code(), tuf::Code::ok);
        ASSERT_TRUE(results[i].path);
        EXPECT_EQ(fs::path(*results[i].path), tmp.path() / "targets" / local_names[i]);
        EXPECT_EQ(testutil::read_file(*results[i].path), testutil::read_file(demo_target(i)));
    }
    ASSERT_FALSE(results[1].ok());
    EXPECT_FALSE(results[1].path);
    EXPECT_EQ(results[1].code(), tuf::Code::download);
    EXPECT_EQ(results[1].error->http_status(), 404u);
    ASSERT_TRUE(results[1].error->url());
    EXPECT_NE(results[1].error->url()->find("app-1.0.tar.gz"), std::string::npos);
    EXPECT_FALSE(fs::exists(tmp.path() / "targets" / local_names[1]));

    // Again into another directory from the complete repository, as views: every target in
    // place; then once more, where all are already present.
    std::vector<tuf::TargetInfoView> views(infos.begin(), infos.end());
    fs::path other = tmp.path() / "other";
    fs::create_directories(other);
    std::string base = testutil::file_url(testutil::demo_repo() / "targets") + "/";
    for (int round = 0; round < 2; round++) {
        results = updater.download_targets(views, other.string(), base);
        ASSERT_EQ(results.size(), 3u);
        for (std::size_t i = 0; i < 3; i++) {
            ASSERT_TRUE(results[i].ok()) << round << " " << names[i];
            EXPECT_EQ(fs::path(*results[i].path), other / local_names[i]);
        }
    }
    EXPECT_TRUE(updater.download_targets(std::vector<tuf::TargetInfo>{}).empty());
}

TEST_F(DownloadsTest, PathsLookedUpAndDownloadedInOneCall) {
    tuf::UpdaterConfig c = config();
    c.set_max_connections(2);
    tuf::Updater updater(c);

    // A path not found: every path looked up, nothing downloaded.
    std::vector<tuf::PathDownloadResult> results =
        updater.download_target_paths({names[0], names[1], std::string("no/such/target")});
    ASSERT_EQ(results.size(), 3u);
    for (std::size_t i : {0, 1}) {
        ASSERT_TRUE(results[i].found()) << names[i];
        EXPECT_EQ(results[i].info->path(), names[i]);
        EXPECT_FALSE(results[i].ok());
        EXPECT_FALSE(results[i].error);
        EXPECT_EQ(results[i].code(), tuf::Code::ok);
    }
    EXPECT_FALSE(results[2].found());
    EXPECT_EQ(results[2].code(), tuf::Code::target_not_found);
    EXPECT_FALSE(fs::exists(tmp.path() / "targets" / local_names[0]));

    // Every path found: every target in place.
    results = updater.download_target_paths(names);
    ASSERT_EQ(results.size(), 3u);
    for (std::size_t i = 0; i < 3; i++) {
        ASSERT_TRUE(results[i].ok()) << names[i] << ": " << results[i].error->what();
        ASSERT_TRUE(results[i].found());
        EXPECT_EQ(fs::path(*results[i].path), tmp.path() / "targets" / local_names[i]);
        EXPECT_EQ(testutil::read_file(*results[i].path), testutil::read_file(demo_target(i)));
    }
    EXPECT_TRUE(updater.download_target_paths(std::vector<std::string>{}).empty());
}

TEST_F(DownloadsTest, CancelledThroughTheProgressFunction) {
    std::atomic<int> calls{0};
    bool cancel = false;
    tuf::UpdaterConfig c = config();
    c.set_progress_callback([&](std::string_view url, std::uint64_t, std::uint64_t) {
        calls++;
        return !(cancel && url.find("/targets/") != std::string_view::npos);
    });
    tuf::Updater updater(c);
    updater.refresh();
    std::vector<tuf::TargetInfo> infos = look_up(updater);
    ASSERT_EQ(infos.size(), 3u);

    cancel = true;
    int before = calls;
    std::vector<tuf::DownloadResult> results = updater.download_targets(infos);
    ASSERT_EQ(results.size(), 3u);
    EXPECT_GT(calls, before);
    for (std::size_t i = 0; i < 3; i++) {
        EXPECT_EQ(results[i].code(), tuf::Code::cancelled) << names[i];
        EXPECT_FALSE(fs::exists(tmp.path() / "targets" / local_names[i])) << names[i];
    }
    // The cancelled downloads did not break the updater.
    cancel = false;
    results = updater.download_targets(infos);
    for (std::size_t i = 0; i < 3; i++) {
        EXPECT_TRUE(results[i].ok()) << names[i];
    }
}

TEST_F(DownloadsTest, AProgressExceptionIsRethrown) {
    bool boom = false;
    tuf::UpdaterConfig c = config();
    c.set_progress_callback([&](std::string_view url, std::uint64_t, std::uint64_t) -> bool {
        if (boom && url.find("/targets/") != std::string_view::npos) {
            throw Boom(std::string(url));
        }
        return true;
    });
    tuf::Updater updater(c);
    updater.refresh();
    std::vector<tuf::TargetInfo> infos = look_up(updater);
    boom = true;
    EXPECT_THROW(updater.download_targets(infos), Boom);
    for (const std::string& name : local_names) {
        EXPECT_FALSE(fs::exists(tmp.path() / "targets" / name)) << name;
    }
    boom = false;
    std::vector<tuf::DownloadResult> results = updater.download_targets(infos);
    EXPECT_TRUE(results.at(0).ok() && results.at(1).ok() && results.at(2).ok());
}

TEST_F(DownloadsTest, ThroughAFetchFunctionOneAfterTheOther) {
    auto files = testutil::load_repository(testutil::demo_repo());
    const std::string base = "https://repo.invalid";
    std::vector<std::string> requests;
    tuf::UpdaterConfig c(tmp / "metadata", base + "/metadata/");
    c.set_bootstrap_root(testutil::read_file(testutil::demo_repo() / "root.json"))
        .set_targets_base_url(base + "/targets/")
        .set_targets_dir(tmp / "targets")
        .set_fetcher([&](std::string_view url, std::uint64_t, tuf::Sink& sink) {
            requests.emplace_back(url);
            if (url.find("README") != std::string_view::npos) {
                throw Boom("fetch");
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
    std::vector<tuf::TargetInfo> infos = look_up(updater);
    infos.pop_back();  // docs/README.txt: its fetch throws
    std::vector<tuf::DownloadResult> results = updater.download_targets(infos);
    ASSERT_EQ(results.size(), 2u);
    EXPECT_TRUE(results[0].ok() && results[1].ok());

    std::optional<tuf::TargetInfo> readme = updater.get_target_info("docs/README.txt");
    ASSERT_TRUE(readme);
    std::vector<tuf::TargetInfoView> one{*readme};
    auto e = [&]() -> std::string {
        try {
            updater.download_targets(one);
        } catch (const Boom& b) {
            return b.what();
        }
        return "no exception";
    }();
    EXPECT_EQ(e, "boom: fetch");
    EXPECT_FALSE(fs::exists(tmp.path() / "targets" / local_names[2]));
}

TEST_F(DownloadsTest, ConnectionsAndResumeSettings) {
    tuf::UpdaterConfig c = config();
    for (std::uint32_t bad : {0u, 65u}) {
        try {
            c.set_max_connections(bad);
            ADD_FAILURE() << bad << " connections accepted";
        } catch (const tuf::Error& e) {
            EXPECT_EQ(e.code(), tuf::Code::invalid_argument) << bad;
        }
    }
    c.set_max_connections(1).set_max_connections(64).set_resume(false).set_resume(true);
    c.set_resume(false).set_max_connections(1);
    tuf::Updater updater(c);
    updater.refresh();
    std::vector<tuf::TargetInfo> infos = look_up(updater);
    std::vector<tuf::DownloadResult> results = updater.download_targets(infos);
    for (std::size_t i = 0; i < results.size(); i++) {
        EXPECT_TRUE(results[i].ok()) << names[i];
    }
}

TEST_F(DownloadsTest, AnEmptyUpdaterThrows) {
    tuf::Updater updater(config());
    tuf::Updater moved(std::move(updater));
    std::vector<tuf::TargetInfo> none;
    try {
        updater.download_targets(none);  // NOLINT(bugprone-use-after-move): on purpose
        ADD_FAILURE() << "a moved-from updater downloaded";
    } catch (const tuf::Error& e) {
        EXPECT_EQ(e.code(), tuf::Code::invalid_argument);
    }
}
