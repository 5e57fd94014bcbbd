// Callbacks as std::function: a custom fetcher serving the demo repository from memory, log
// and progress functions, cancellation, and exceptions thrown inside callbacks: caught in the
// trampoline, the C call failed or cancelled, the exception rethrown to the caller, and the
// updater usable afterwards.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <sstream>
#include <mutex>
#include <string>
#include <thread>

#include <tuf.hpp>

#include "testutil.hpp"

using namespace std::string_view_literals;
namespace fs = std::filesystem;

namespace {

const std::string base = "https://repo.invalid";

/// An exception of the test's own type, to check that exactly it comes back.
struct Boom : std::runtime_error {
    explicit Boom(const std::string& where) : std::runtime_error("boom: " + where) {}
};

/// The demo repository in memory, served by URL path; counts requests.
struct MemoryRepo {
    std::map<std::string, std::vector<std::uint8_t>> files =
        testutil::load_repository(testutil::demo_repo());
    std::vector<std::string> requests;

    tuf::FetchFunction fetcher() {
        return [this](std::string_view url, std::uint64_t max_length, tuf::Sink& sink) {
            return serve(url, max_length, sink);
        };
    }
    int serve(std::string_view url, std::uint64_t, tuf::Sink& sink) {
        std::string u(url);
        requests.push_back(u);
        if (u.compare(0, base.size(), base) != 0) {
            return -1;
        }
        auto it = files.find(u.substr(base.size()));
        if (it == files.end()) {
            return tuf::fetch_not_found;
        }
        sink.write(it->second);
        return 200;
    }
    std::size_t count(const std::string& needle) const {
        std::size_t n = 0;
        for (const std::string& r : requests) {
            n += r.find(needle) != std::string::npos ? 1 : 0;
        }
        return n;
    }
};

class CallbackTest : public ::testing::Test {
protected:
    tuf::UpdaterConfig config(const std::string& dir = "metadata") {
        tuf::UpdaterConfig c(tmp / dir, base + "/metadata/");
        c.set_bootstrap_root(testutil::read_file(testutil::demo_repo() / "root.json"))
            .set_targets_base_url(base + "/targets/")
            .set_targets_dir(tmp / "targets");
        return c;
    }
    testutil::TempDir tmp;
    MemoryRepo repo;
};

}  // namespace

TEST_F(CallbackTest, CustomFetcherServesTheRepositoryFromMemory) {
    tuf::UpdaterConfig c = config();
    c.set_fetcher(repo.fetcher());
    tuf::Updater updater(c);
    updater.refresh();
    EXPECT_EQ(repo.count("/metadata/timestamp.json"), 1u);
    EXPECT_EQ(repo.count("/metadata/2.root.json"), 1u);
    std::optional<tuf::TargetInfo> app = updater.get_target_info("apps/app-1.0.tar.gz");
    ASSERT_TRUE(app);
    EXPECT_EQ(repo.count("/metadata/1.apps.json"), 1u);
    std::string path = updater.download_target(*app);
    std::vector<std::uint8_t> bytes = testutil::read_file(path);
    app->verify_bytes(bytes);
    EXPECT_EQ(repo.count("/targets/apps/"), 1u);

    // A target whose file the fetcher does not have: 404 from fetch_not_found.
    repo.files.erase("/targets/apps/"
                     "08b5328a7e493ccc5ffb5fe0bb94877b76cb2e9968c13a17843891648c98b677.app-1.1."
                     "tar.gz");
    std::optional<tuf::TargetInfo> newer = updater.get_target_info("apps/app-1.1.tar.gz");
    ASSERT_TRUE(newer);
    tuf::Error e = testutil::expect_throw<tuf::Error>([&] { updater.download_target(*newer); });
    EXPECT_EQ(e.code(), tuf::Code::download);
    EXPECT_EQ(e.http_status(), 404u);
    EXPECT_EQ(e.url(), base + "/targets/apps/"
                              "08b5328a7e493ccc5ffb5fe0bb94877b76cb2e9968c13a17843891648c98b677."
                              "app-1.1.tar.gz");
}

TEST_F(CallbackTest, SinkLimitIsLibtufsError) {
    // Metadata longer than its limit: the sink refuses the bytes, and the call fails with
    // libtuf's own error (naming the URL), not the sink's.
    repo.files["/metadata/timestamp.json"].resize(20000, ' ');
    tuf::UpdaterConfig c = config();
    bool sink_threw = false;
    c.set_fetcher([&](std::string_view url, std::uint64_t max, tuf::Sink& sink) {
        try {
            return repo.serve(url, max, sink);
        } catch (const tuf::Error& e) {
            sink_threw = e.code() == tuf::Code::length_exceeded;
            throw;
        }
    });
    tuf::Updater updater(c);
    tuf::Error e = testutil::expect_throw<tuf::Error>([&] { updater.refresh(); });
    EXPECT_TRUE(sink_threw);
    EXPECT_EQ(e.code(), tuf::Code::length_exceeded);
    EXPECT_EQ(e.url(), base + "/metadata/timestamp.json");
}

TEST_F(CallbackTest, FetcherExceptionIsRethrownAndTheUpdaterStaysUsable) {
    tuf::UpdaterConfig c = config();
    bool fail = true;
    int timestamp_calls = 0;
    c.set_fetcher([&](std::string_view url, std::uint64_t max, tuf::Sink& sink) {
        if (url.find("timestamp") != std::string_view::npos) {
            timestamp_calls++;
            if (fail) {
                throw Boom("fetcher");
            }
        }
        return repo.serve(url, max, sink);
    });
    c.set_retries(3, 0);  // a failure without a status would be retried: not after a throw
    tuf::Updater updater(c);
    Boom b = testutil::expect_throw<Boom>([&] { updater.refresh(); });
    EXPECT_STREQ(b.what(), "boom: fetcher");
    EXPECT_EQ(timestamp_calls, 1);
    EXPECT_FALSE(fs::exists(tmp.path() / "metadata" / "timestamp.json"));
    // Nothing is left over from the failed call.
    fail = false;
    updater.refresh();
    EXPECT_TRUE(updater.get_target_info("hello.txt"));
}

TEST_F(CallbackTest, ProgressCancelsAndItsExceptionIsRethrown) {
    tuf::UpdaterConfig c = config();
    c.set_fetcher(repo.fetcher());
    std::vector<std::string> urls;
    enum { go_on, cancel, boom } mode = cancel;
    c.set_progress_callback([&](std::string_view url, std::uint64_t received,
                                std::uint64_t total) {
        urls.emplace_back(url);
        EXPECT_LE(received, total);
        if (url.find("snapshot") != std::string_view::npos) {
            if (mode == boom) {
                throw Boom("progress");
            }
            return mode != cancel;
        }
        return true;
    });
    tuf::Updater updater(c);
    tuf::Error e = testutil::expect_throw<tuf::Error>([&] { updater.refresh(); });
    EXPECT_EQ(e.code(), tuf::Code::cancelled);
    EXPECT_FALSE(urls.empty());
    EXPECT_FALSE(fs::exists(tmp.path() / "metadata" / "snapshot.json"));

    mode = boom;
    EXPECT_THROW(updater.refresh(), Boom);
    EXPECT_FALSE(fs::exists(tmp.path() / "metadata" / "snapshot.json"));

    mode = go_on;
    urls.clear();
    updater.refresh();
    EXPECT_NE(std::find(urls.begin(), urls.end(), base + "/metadata/1.snapshot.json"),
              urls.end());
}

TEST_F(CallbackTest, LogReceivesMessagesAndItsExceptionIsRethrown) {
    tuf::UpdaterConfig c = config();
    c.set_fetcher(repo.fetcher());
    std::vector<std::pair<tuf::LogLevel, std::string>> logged;
    c.set_log_callback([&](tuf::LogLevel level, std::string_view message) {
        logged.emplace_back(level, message);
    });
    {
        tuf::Updater updater(c);
        updater.refresh();
        ASSERT_FALSE(logged.empty());
        for (const auto& [level, message] : logged) {
            EXPECT_GE(static_cast<int>(level), static_cast<int>(tuf::LogLevel::debug));
            EXPECT_LE(static_cast<int>(level), static_cast<int>(tuf::LogLevel::warn));
            EXPECT_FALSE(message.empty());
        }
    }
    // A log function cannot fail the call by itself: the call is cancelled at its next
    // transfer (here by libcurl over file://: the progress trampoline the configuration has
    // for its log function), and no callback of that call runs again.
    logged.clear();
    testutil::TempDir other;
    tuf::UpdaterConfig fresh(other / "md", testutil::file_url(testutil::demo_repo() / "metadata"));
    fresh.set_bootstrap_root(testutil::read_file(testutil::demo_repo() / "root.json"));
    fresh.set_log_callback([&](tuf::LogLevel level, std::string_view message) {
        logged.emplace_back(level, message);
        throw Boom("log");
    });
    tuf::Updater updater(fresh);
    EXPECT_THROW(updater.refresh(), Boom);
    ASSERT_EQ(logged.size(), 1u);
    EXPECT_NE(logged[0].second.find("timestamp"), std::string::npos) << logged[0].second;
    EXPECT_TRUE(fs::exists(other.path() / "md" / "timestamp.json"));
    EXPECT_FALSE(fs::exists(other.path() / "md" / "snapshot.json"));
}

TEST_F(CallbackTest, DownloadProgressExceptionIsRethrown) {
    tuf::UpdaterConfig c = config();
    c.set_fetcher(repo.fetcher());
    tuf::Updater updater(c);
    updater.set_progress_callback([](std::uint64_t, std::uint64_t) { throw Boom("download"); });
    std::optional<tuf::TargetInfo> hello = updater.get_target_info("hello.txt");
    ASSERT_TRUE(hello);
    // It cannot fail the download by itself (it is told of bytes already received): the
    // exception comes back when the download returns.
    EXPECT_THROW(updater.download_target(*hello), Boom);
    updater.set_progress_callback(nullptr);
    std::string path = updater.download_target(*hello);
    hello->verify_bytes(testutil::read_file(path));
}

TEST_F(CallbackTest, FunctionsOutliveTheConfigurationAndSettersDoNotChangeUpdaters) {
    MemoryRepo other_repo;
    std::optional<tuf::Updater> first, second;
    {
        tuf::UpdaterConfig c = config("first");
        c.set_fetcher(repo.fetcher());
        first.emplace(c);
        c.set_fetcher(other_repo.fetcher());
        tuf::UpdaterConfig moved = std::move(c);
        second.emplace(moved);
    }  // the configurations are gone; the updaters keep their functions
    first->refresh();
    EXPECT_EQ(repo.count("timestamp.json"), 1u);
    EXPECT_EQ(other_repo.count("timestamp.json"), 0u);
    second->refresh();
    EXPECT_EQ(other_repo.count("timestamp.json"), 1u);
    EXPECT_EQ(repo.count("timestamp.json"), 1u);
}

TEST_F(CallbackTest, ACallbackCallingItsOwnUpdaterGetsStateError) {
    tuf::UpdaterConfig c = config();
    tuf::Updater* self = nullptr;
    std::optional<tuf::Code> nested;
    c.set_fetcher([&](std::string_view url, std::uint64_t max, tuf::Sink& sink) {
        if (!nested) {
            try {
                self->refresh();
                nested = tuf::Code::ok;
            } catch (const tuf::Error& e) {
                nested = e.code();
            }
        }
        return repo.serve(url, max, sink);
    });
    tuf::Updater updater(c);
    self = &updater;
    updater.refresh();  // the outer call completes
    EXPECT_EQ(nested, tuf::Code::state);
}

TEST_F(CallbackTest, AnExceptionFromANestedCallTravelsThroughBothTrampolines) {
    // The outer fetcher refreshes a second updater (another directory), whose fetcher throws:
    // the inner refresh rethrows it inside the outer fetcher, which lets it go; the outer
    // refresh rethrows it in turn.
    tuf::UpdaterConfig inner_config = config("inner");
    inner_config.set_fetcher(
        [](std::string_view, std::uint64_t, tuf::Sink&) -> int { throw Boom("inner"); });
    tuf::Updater inner(inner_config);
    tuf::UpdaterConfig outer_config = config("outer");
    bool inner_threw = false;
    outer_config.set_fetcher([&](std::string_view url, std::uint64_t max, tuf::Sink& sink) {
        if (url.find("timestamp") != std::string_view::npos) {
            try {
                inner.refresh();
            } catch (const Boom&) {
                inner_threw = true;
                throw;
            }
        }
        return repo.serve(url, max, sink);
    });
    tuf::Updater outer(outer_config);
    Boom b = testutil::expect_throw<Boom>([&] { outer.refresh(); });
    EXPECT_TRUE(inner_threw);
    EXPECT_STREQ(b.what(), "boom: inner");
}

TEST_F(CallbackTest, EachThreadGetsItsOwnException) {
    // One configuration and one fetcher, shared by updaters that refresh at the same time on
    // four threads (distinct updaters may share a metadata directory): each refresh rethrows
    // the exception its own thread's fetch threw.
    std::mutex mu;
    auto thread_name = [] {
        std::ostringstream id;
        id << std::this_thread::get_id();
        return id.str();
    };
    tuf::UpdaterConfig c = config();
    c.set_fetcher([&](std::string_view url, std::uint64_t max, tuf::Sink& sink) -> int {
        if (url.find("timestamp") != std::string_view::npos) {
            throw Boom(thread_name());
        }
        std::lock_guard<std::mutex> lock(mu);
        return repo.serve(url, max, sink);
    });
    const std::size_t n = 4;
    std::vector<tuf::Updater> updaters;
    for (std::size_t i = 0; i < n; i++) {
        updaters.emplace_back(c);
    }
    std::vector<std::string> caught(n), expected(n);
    std::vector<int> rounds(n, 0);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < n; i++) {
        threads.emplace_back([&, i] {
            expected[i] = "boom: " + thread_name();
            for (; rounds[i] < 20; rounds[i]++) {
                try {
                    updaters[i].refresh();
                    caught[i] = "no exception";
                } catch (const Boom& b) {
                    caught[i] = b.what();
                } catch (const std::exception& e) {
                    caught[i] = std::string("other: ") + e.what();
                }
                if (caught[i] != expected[i]) {
                    return;
                }
            }
        });
    }
    for (std::thread& t : threads) {
        t.join();
    }
    for (std::size_t i = 0; i < n; i++) {
        EXPECT_EQ(caught[i], expected[i]);
        EXPECT_EQ(rounds[i], 20);
    }
}

TEST_F(CallbackTest, EmptyFunctionsMeanNone) {
    tuf::UpdaterConfig c(tmp / "md", testutil::file_url(testutil::demo_repo() / "metadata"));
    c.set_bootstrap_root(testutil::read_file(testutil::demo_repo() / "root.json"));
    c.set_fetcher(repo.fetcher());
    c.set_fetcher(nullptr);  // back to libcurl, over file://
    c.set_log_callback(tuf::LogFunction());
    c.set_progress_callback(tuf::TransferProgressFunction());
    tuf::Updater updater(c);
    updater.refresh();
    EXPECT_TRUE(repo.requests.empty());
}
