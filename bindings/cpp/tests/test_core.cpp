// tuf::Error, result codes, versions, ByteView, string arguments and empty (moved-from)
// objects: every failure is a tuf::Error, never a crash.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <string>
#include <type_traits>

#include <tuf.hpp>

#include "testutil.hpp"

using namespace std::string_literals;
using namespace std::string_view_literals;

namespace {

template <class T>
constexpr bool move_only =
    !std::is_copy_constructible_v<T> && !std::is_copy_assignable_v<T> &&
    std::is_nothrow_move_constructible_v<T> && std::is_nothrow_move_assignable_v<T>;

static_assert(move_only<tuf::UpdaterConfig>);
static_assert(move_only<tuf::Updater>);
static_assert(move_only<tuf::TargetInfo>);
static_assert(move_only<tuf::Verifier>);
static_assert(move_only<tuf::MultiRepoConfig>);
static_assert(move_only<tuf::MultiRepo>);
static_assert(move_only<tuf::MultiRepoTarget>);
static_assert(move_only<tuf::Metadata>);
static_assert(move_only<tuf::TargetFile>);
static_assert(move_only<tuf::Key>);
static_assert(move_only<tuf::Signer>);
static_assert(!std::is_copy_constructible_v<tuf::Sink>);
static_assert(std::is_base_of_v<std::runtime_error, tuf::Error>);
static_assert(std::is_nothrow_copy_constructible_v<tuf::Error>);

}  // namespace

TEST(Core, VersionMatchesTheHeader) {
    char expected[32];
    std::snprintf(expected, sizeof expected, "%d.%d.%d", TUF_VERSION_MAJOR, TUF_VERSION_MINOR,
                  TUF_VERSION_PATCH);
    EXPECT_EQ(tuf::version(), expected);
}

TEST(Core, ResultStrings) {
    EXPECT_EQ(tuf::result_str(tuf::Code::ok), "success");
    EXPECT_EQ(tuf::result_str(tuf::Code::cancelled), ::tuf_result_str(TUF_ERR_CANCELLED));
    EXPECT_NE(tuf::result_str(tuf::Code::expired), tuf::result_str(tuf::Code::bad_version));
    // An unknown code (from a newer library) is still a Code with a description.
    EXPECT_FALSE(tuf::result_str(static_cast<tuf::Code>(9999)).empty());
    EXPECT_EQ(static_cast<std::uint32_t>(tuf::Code::cancelled), 16u);
    EXPECT_EQ(tuf::fetch_not_found, -404);
}

TEST(Core, ErrorCarriesTheFieldsOfTheCError) {
    // Junk instead of a root: libtuf's error, code and message, as a tuf::Error.
    try {
        tuf::Verifier v("not json"sv);
        FAIL() << "accepted junk";
    } catch (const tuf::Error& e) {
        EXPECT_EQ(e.code(), tuf::Code::invalid_metadata);
        EXPECT_FALSE(e.message().empty());
        EXPECT_EQ(e.message(), e.what());
        EXPECT_EQ(e.http_status(), 0u);
        EXPECT_FALSE(e.url().has_value());
        tuf::Error copy = e;  // shares the fields
        EXPECT_EQ(copy.code(), e.code());
        EXPECT_STREQ(copy.what(), e.what());
    }
    tuf::Error made(tuf::Code::download, "m", 404, "https://x/y"s, "timestamp"s);
    EXPECT_EQ(made.code(), tuf::Code::download);
    EXPECT_EQ(made.http_status(), 404u);
    EXPECT_EQ(made.url(), "https://x/y");
    EXPECT_EQ(made.role(), "timestamp");
}

TEST(Core, ByteViewFromContainers) {
    std::vector<std::uint8_t> v{1, 2, 3};
    std::string s = "abcd";
    std::array<unsigned char, 2> a{{9, 8}};
    const char* literal = "xyz";
    tuf::ByteView from_vector(v), from_string(s), from_array(a), from_literal(literal);
    tuf::ByteView from_view("hello"sv), from_pointer(v.data(), 2), empty;
    EXPECT_EQ(from_vector.size(), 3u);
    EXPECT_EQ(from_vector.data(), v.data());
    EXPECT_EQ(from_string.size(), 4u);
    EXPECT_EQ(from_array.size(), 2u);
    EXPECT_EQ(from_literal.size(), 3u);
    EXPECT_EQ(from_view.size(), 5u);
    EXPECT_EQ(from_pointer.to_vector(), (std::vector<std::uint8_t>{1, 2}));
    EXPECT_TRUE(empty.empty());
    EXPECT_EQ(std::string(from_string.begin(), from_string.end()), "abcd");
}

TEST(Core, StringsWithANulByteAreRefused) {
    testutil::TempDir tmp;
    try {
        tuf::UpdaterConfig config(tmp / "md\0evil"s, "file:///x/");
        FAIL() << "accepted a NUL byte";
    } catch (const tuf::Error& e) {
        EXPECT_EQ(e.code(), tuf::Code::invalid_argument);
    }
    tuf::UpdaterConfig config(tmp / "md", "file:///x/");
    EXPECT_THROW(config.set_user_agent("a\0b"sv), tuf::Error);
    EXPECT_THROW(tuf::Key::from_json("{}\0"sv), tuf::Error);
    // Invalid UTF-8 is refused by libtuf.
    try {
        config.set_user_agent("\xff\xfe");
        FAIL() << "accepted invalid UTF-8";
    } catch (const tuf::Error& e) {
        EXPECT_EQ(e.code(), tuf::Code::invalid_argument);
    }
}

TEST(Core, MovedFromObjectsThrowInsteadOfCrashing) {
    testutil::TempDir tmp;
    std::vector<std::uint8_t> root = testutil::read_file(testutil::demo_repo() / "root.json");

    tuf::Verifier v(root);
    tuf::Verifier w = std::move(v);
    EXPECT_EQ(w.root_version(), 1u);
    EXPECT_EQ(v.root_version(), 0u);  // NOLINT(bugprone-use-after-move): on purpose
    try {
        v.update_root(root);  // NOLINT(bugprone-use-after-move)
        FAIL();
    } catch (const tuf::Error& e) {
        EXPECT_EQ(e.code(), tuf::Code::invalid_argument);
    }

    tuf::UpdaterConfig config(tmp / "md", testutil::file_url(testutil::demo_repo() / "metadata"));
    tuf::UpdaterConfig moved = std::move(config);
    EXPECT_THROW(config.set_max_delegations(3), tuf::Error);  // NOLINT(bugprone-use-after-move)
    EXPECT_THROW(tuf::Updater{config}, tuf::Error);
    moved.set_bootstrap_root(root);
    tuf::Updater updater(moved);
    updater.refresh();
    std::optional<tuf::TargetInfo> info = updater.get_target_info("hello.txt");
    ASSERT_TRUE(info.has_value());
    tuf::TargetInfo owned = std::move(*info);
    EXPECT_EQ(owned.path(), "hello.txt");
    EXPECT_THROW(info->path(), tuf::Error);
    EXPECT_EQ(info->length(), 0u);
    EXPECT_EQ(info->hash_count(), 0u);
    EXPECT_THROW(info->hash_hex(0), std::out_of_range);
    EXPECT_THROW(info->verify_bytes("x"sv), tuf::Error);
    owned = std::move(owned);  // self-move keeps it
    EXPECT_EQ(owned.path(), "hello.txt");

    tuf::Key key = tuf::Key::from_pem(testutil::read_text(testutil::test_keys() / "p256.spki.pem"));
    tuf::Key other = std::move(key);
    EXPECT_EQ(other.keytype(), "ecdsa");
    EXPECT_THROW(key.keyid(), tuf::Error);  // NOLINT(bugprone-use-after-move)
    EXPECT_FALSE(key.is_supported());

    tuf::Signer signer = tuf::Signer::generate("ed25519");
    tuf::Signer signer2 = std::move(signer);
    EXPECT_THROW(signer.key(), tuf::Error);  // NOLINT(bugprone-use-after-move)
    EXPECT_THROW(signer.sign("x"sv), tuf::Error);
    EXPECT_EQ(signer2.key().scheme(), "ed25519");

    tuf::Metadata md = tuf::Metadata::create(tuf::Role::targets, 4102444800);
    tuf::Metadata md2 = std::move(md);
    EXPECT_THROW(md.bump_version(), tuf::Error);  // NOLINT(bugprone-use-after-move)
    EXPECT_THROW(md.spec_version(), tuf::Error);
    EXPECT_TRUE(md.is_expired(0));  // fail closed
    EXPECT_EQ(md2.version(), 1u);
}

TEST(Core, NativeHandlesAreTheCHandles) {
    std::vector<std::uint8_t> root = testutil::read_file(testutil::demo_repo() / "root.json");
    tuf::Verifier v(root);
    ASSERT_NE(v.native_handle(), nullptr);
    EXPECT_EQ(::tuf_verifier_root_version(v.native_handle()), 1u);
}
