// UpdaterConfig, Updater and TargetInfo against the demo repository over file://.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include <tuf.hpp>

#include "testutil.hpp"

using namespace std::string_literals;
using namespace std::string_view_literals;
namespace fs = std::filesystem;

namespace {

const std::int64_t year_2100 = 4102444800;  // after every expiry of the demo repository

class UpdaterTest : public ::testing::Test {
protected:
    tuf::UpdaterConfig config(const fs::path& repo = testutil::demo_repo()) {
        tuf::UpdaterConfig c(tmp / "metadata", testutil::file_url(repo / "metadata"));
        c.set_bootstrap_root(testutil::read_file(repo / "root.json"))
            .set_targets_base_url(testutil::file_url(repo / "targets"))
            .set_targets_dir(tmp / "targets");
        return c;
    }
    testutil::TempDir tmp;
};

std::vector<std::uint8_t> demo_target(const std::string& prefixed_name) {
    return testutil::read_file(testutil::demo_repo() / "targets" / prefixed_name);
}

const char* const hello_file =
    "93a92c4b9f80ef6fe400b265c6a9347652a05cb712d439e338d83f43b061811c.hello.txt";

}  // namespace

TEST_F(UpdaterTest, RefreshLookUpAndDownload) {
    tuf::Updater updater(config());
    updater.refresh();
    EXPECT_TRUE(fs::exists(tmp.path() / "metadata" / "timestamp.json"));

    std::optional<tuf::TargetInfo> hello = updater.get_target_info("hello.txt");
    ASSERT_TRUE(hello);
    EXPECT_EQ(hello->path(), "hello.txt");
    EXPECT_EQ(hello->role(), "targets");
    EXPECT_EQ(hello->length(), 39u);
    ASSERT_EQ(hello->hash_count(), 1u);
    EXPECT_EQ(hello->hash_algorithm(0), "sha256");
    EXPECT_EQ(hello->hash_hex(0),
              "93a92c4b9f80ef6fe400b265c6a9347652a05cb712d439e338d83f43b061811c");
    EXPECT_THROW(hello->hash_hex(1), std::out_of_range);
    EXPECT_THROW(hello->hash_algorithm(1), std::out_of_range);
    std::vector<tuf::Hash> hashes = hello->hashes();
    ASSERT_EQ(hashes.size(), 1u);
    EXPECT_EQ(hashes[0].algorithm, "sha256");
    EXPECT_EQ(hashes[0].hex, hello->hash_hex(0));
    EXPECT_FALSE(hello->custom_json().has_value());

    // Bytes checked against length and hashes (5.7.3).
    std::vector<std::uint8_t> content = demo_target(hello_file);
    hello->verify_bytes(content);
    content[0] ^= 1;
    try {
        hello->verify_bytes(content);
        FAIL() << "a tampered target verified";
    } catch (const tuf::Error& e) {
        EXPECT_EQ(e.code(), tuf::Code::length_or_hash_mismatch);
    }

    // Not there yet, downloaded, then found in the cache.
    EXPECT_EQ(updater.find_cached_target(*hello), std::nullopt);
    std::string path = updater.download_target(*hello);
    EXPECT_EQ(fs::path(path), tmp.path() / "targets" / "hello.txt");
    EXPECT_EQ(testutil::read_file(path), demo_target(hello_file));
    EXPECT_EQ(updater.find_cached_target(*hello), path);
    // A file elsewhere: written there, and found there.
    std::string elsewhere = tmp / "copy.txt";
    EXPECT_EQ(updater.find_cached_target(*hello, elsewhere), std::nullopt);
    EXPECT_EQ(updater.download_target(*hello, elsewhere), elsewhere);
    EXPECT_EQ(updater.find_cached_target(*hello, elsewhere), elsewhere);
    // From another base URL (here: the same repository).
    std::string third = tmp / "third.txt";
    EXPECT_EQ(updater.download_target(
                  *hello, third, testutil::file_url(testutil::demo_repo() / "targets")),
              third);

    // A delegated role, and a target nobody lists.
    std::optional<tuf::TargetInfo> app = updater.get_target_info("apps/app-1.0.tar.gz");
    ASSERT_TRUE(app);
    EXPECT_EQ(app->role(), "apps");
    EXPECT_EQ(updater.get_target_info("nothing-here.txt"), std::nullopt);
    EXPECT_EQ(updater.get_target_info("apps/nothing.tar.gz"), std::nullopt);
}

TEST_F(UpdaterTest, EveryConfigurationSetter) {
    tuf::UpdaterConfig c = config();
    c.set_max_root_rotations(10)
        .set_max_delegations(8)
        .set_root_max_length(1 << 20)
        .set_timestamp_max_length(1 << 14)
        .set_snapshot_max_length(1 << 21)
        .set_targets_max_length(1 << 22)
        .set_prefix_targets_with_hash(true)
        .set_strict_keyids(false)
        .set_sync_all_writes(true)
        .set_reference_time(std::nullopt)
        .set_user_agent("cpp-test/1.0")
        .set_user_agent(std::nullopt)
        .set_connect_timeout_ms(5000)
        .set_min_speed(1, 30)
        .set_max_redirects(2)
        .set_timeout_ms(0)
        .set_timeout_ms(600000)
        .set_lock_timeout_ms(0)
        .set_lock_timeout_ms(30000)
        .set_ca_file(std::nullopt)
        .set_ca_blob(tuf::ByteView())
        .set_client_cert(std::nullopt)
        .set_client_cert_blob(tuf::ByteView())
        .set_proxy(""sv)
        .set_proxy(std::nullopt)
        .add_header("X-Test", "yes")
        .clear_headers()
        .set_retries(2, 10)
        .set_fetcher(nullptr)
        .set_log_callback(nullptr)
        .set_progress_callback(nullptr)
        .set_targets_base_url(std::nullopt)
        .set_targets_base_url(testutil::file_url(testutil::demo_repo() / "targets"));
    tuf::Updater updater(c);
    updater.refresh();
    ASSERT_TRUE(updater.get_target_info("docs/README.txt"));
}

TEST_F(UpdaterTest, RefusedSettingsThrowAndChangeNothing) {
    tuf::UpdaterConfig c = config();
    auto code_of = [](auto&& f) {
        try {
            f();
        } catch (const tuf::Error& e) {
            return e.code();
        }
        return tuf::Code::ok;
    };
    const tuf::Code bad = tuf::Code::invalid_argument;
    EXPECT_EQ(code_of([&] { c.set_max_root_rotations(0); }), bad);
    EXPECT_EQ(code_of([&] { c.set_max_delegations(0); }), bad);
    EXPECT_EQ(code_of([&] { c.set_ca_blob("not a PEM"sv); }), bad);
    EXPECT_EQ(code_of([&] { c.set_ca_file(""sv); }), bad);
    EXPECT_EQ(code_of([&] { c.set_client_cert(std::nullopt, "key.pem"sv); }), bad);
    EXPECT_EQ(code_of([&] { c.set_client_cert(""sv); }), bad);
    EXPECT_EQ(code_of([&] { c.set_client_cert_blob("junk"sv); }), bad);
    EXPECT_EQ(code_of([&] { c.set_client_cert_blob({}, {}, "password"sv); }), bad);
    EXPECT_EQ(code_of([&] { c.set_proxy("ftp://proxy.example"sv); }), bad);
    EXPECT_EQ(code_of([&] { c.add_header("Host", "example.org"); }), bad);
    EXPECT_EQ(code_of([&] { c.add_header("X-Bad", "a\r\nInjected: yes"); }), bad);
    EXPECT_EQ(code_of([&] { c.set_retries(101, 0); }), bad);
    EXPECT_EQ(code_of([&] { c.set_retries(1, 30001); }), bad);
    EXPECT_EQ(code_of([&] { c.set_reference_time(std::int64_t{1} << 62); }), bad);
    // The metadata URL's scheme is checked when the updater is made.
    EXPECT_EQ(code_of([&] { tuf::Updater u(tuf::UpdaterConfig(tmp / "g", "gopher://x/")); }), bad);
    // Files are checked when the updater is made.
    c.set_ca_file((tmp / "no-such-ca.pem"));
    EXPECT_EQ(code_of([&] { tuf::Updater u(c); }), bad);
    c.set_ca_file(std::nullopt);
    c.set_client_cert((tmp / "no-such-cert.pem"));
    EXPECT_EQ(code_of([&] { tuf::Updater u(c); }), bad);
    c.set_client_cert(std::nullopt);
    tuf::Updater ok(c);
    ok.refresh();
}

TEST_F(UpdaterTest, ExpiryAgainstAReferenceTime) {
    tuf::UpdaterConfig c = config();
    c.set_reference_time(year_2100);
    tuf::Updater late(c);
    try {
        late.refresh();
        FAIL() << "expired metadata accepted";
    } catch (const tuf::Error& e) {
        EXPECT_EQ(e.code(), tuf::Code::expired);
        ASSERT_TRUE(e.role().has_value());
        EXPECT_FALSE(e.role()->empty());
    }
    // The live updater's clock moved back: accepted from the next refresh on.
    late.set_reference_time(std::nullopt);
    late.refresh();
    late.set_reference_time(year_2100);
    EXPECT_THROW(late.refresh(), tuf::Error);
    EXPECT_THROW(late.set_reference_time(std::int64_t{1} << 62), tuf::Error);
}

TEST_F(UpdaterTest, DownloadErrorsNameStatusAndUrl) {
    // A copy of the demo repository without the file of hello.txt.
    fs::path repo = tmp.path() / "repo";
    fs::copy(testutil::demo_repo(), repo, fs::copy_options::recursive);
    fs::remove(repo / "targets" / hello_file);
    tuf::Updater updater(config(repo));
    std::optional<tuf::TargetInfo> hello = updater.get_target_info("hello.txt");
    ASSERT_TRUE(hello);
    try {
        updater.download_target(*hello);
        FAIL() << "downloaded a missing file";
    } catch (const tuf::Error& e) {
        EXPECT_EQ(e.code(), tuf::Code::download);
        EXPECT_EQ(e.http_status(), 404u);
        ASSERT_TRUE(e.url().has_value());
        EXPECT_NE(e.url()->find("hello.txt"), std::string::npos) << *e.url();
    }
    EXPECT_FALSE(fs::exists(tmp.path() / "targets" / "hello.txt"));

    // Tampered metadata: the role is named.
    std::string ts = testutil::read_text(repo / "metadata" / "timestamp.json");
    std::string::size_type at = ts.find("2099-01-01");
    ASSERT_NE(at, std::string::npos);
    ts.replace(at, 10, "2098-01-01");
    testutil::write_file(repo / "metadata" / "timestamp.json", {ts.begin(), ts.end()});
    testutil::TempDir other;
    tuf::UpdaterConfig c(other / "md", testutil::file_url(repo / "metadata"));
    c.set_bootstrap_root(testutil::read_file(repo / "root.json"));
    tuf::Updater fresh(c);
    try {
        fresh.refresh();
        FAIL() << "tampered timestamp accepted";
    } catch (const tuf::Error& e) {
        EXPECT_EQ(e.code(), tuf::Code::bad_signature);
        EXPECT_EQ(e.role(), "timestamp");
    }
}

TEST_F(UpdaterTest, DownloadProgressAndMoves) {
    tuf::Updater first(config());
    tuf::Updater updater = std::move(first);  // the callbacks and the handle move along
    std::vector<std::pair<std::uint64_t, std::uint64_t>> seen;
    updater.set_progress_callback(
        [&](std::uint64_t received, std::uint64_t total) { seen.emplace_back(received, total); });
    std::optional<tuf::TargetInfo> app = updater.get_target_info("apps/app-1.1.tar.gz");
    ASSERT_TRUE(app);
    updater.download_target(*app);
    ASSERT_FALSE(seen.empty());
    EXPECT_EQ(seen.back().first, app->length());
    EXPECT_EQ(seen.back().second, app->length());
    // Removed: not called again.
    updater.set_progress_callback(nullptr);
    seen.clear();
    updater.download_target(*app, tmp / "again.tar.gz");
    EXPECT_TRUE(seen.empty());
    EXPECT_THROW(first.refresh(), tuf::Error);  // NOLINT(bugprone-use-after-move)
}

TEST_F(UpdaterTest, TheConfigurationIsCopied) {
    tuf::UpdaterConfig c = config();
    tuf::Updater updater(c);
    // Changing or destroying the configuration afterwards changes nothing for the updater.
    c.set_reference_time(year_2100);
    { tuf::UpdaterConfig gone = std::move(c); }
    updater.refresh();
    ASSERT_TRUE(updater.get_target_info("hello.txt"));
}

TEST_F(UpdaterTest, TransferDeadlineReachesAFetchFunction) {
    // A deadline of 1 ms: a fetch function that is slower sees Sink::write refused, and the
    // call fails with libtuf's Code::slow_retrieval.
    tuf::UpdaterConfig c(tmp / "md", "https://slow.invalid/metadata/");
    c.set_bootstrap_root(testutil::read_file(testutil::demo_repo() / "root.json"));
    c.set_timeout_ms(1);
    std::optional<tuf::Code> sink_code;
    c.set_fetcher([&](std::string_view, std::uint64_t, tuf::Sink& sink) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        try {
            sink.write("{}"sv);
        } catch (const tuf::Error& e) {
            sink_code = e.code();
            throw;
        }
        return 0;
    });
    tuf::Updater updater(c);
    try {
        updater.refresh();
        FAIL() << "the deadline did not apply";
    } catch (const tuf::Error& e) {
        EXPECT_EQ(e.code(), tuf::Code::slow_retrieval);
    }
    EXPECT_EQ(sink_code, tuf::Code::slow_retrieval);
}
