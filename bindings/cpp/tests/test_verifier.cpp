// Verifier: the demo repository's metadata fed in the order of the client workflow, target
// search with both loaders, loader failures and exceptions.
#include <gtest/gtest.h>

#include <string>

#include <tuf.hpp>

#include "testutil.hpp"

using namespace std::string_view_literals;

namespace {

std::vector<std::uint8_t> md(const std::string& name) {
    return testutil::read_file(testutil::demo_repo() / "metadata" / name);
}

struct Boom : std::runtime_error {
    Boom() : std::runtime_error("loader boom") {}
};

/// A verifier that trusts the demo repository's top-level metadata.
tuf::Verifier trusted(bool with_targets = true) {
    tuf::Verifier v(md("1.root.json"));
    EXPECT_TRUE(v.update_timestamp(md("timestamp.json")));
    v.update_snapshot(md("1.snapshot.json"));
    if (with_targets) {
        v.update_targets(md("1.targets.json"));
    }
    return v;
}

}  // namespace

TEST(Verifier, TheClientWorkflow) {
    tuf::Verifier v(md("1.root.json"), std::nullopt, tuf::verify_strict_keyids);
    EXPECT_EQ(v.root_version(), 1u);
    EXPECT_TRUE(v.consistent_snapshot());
    EXPECT_EQ(v.timestamp_version(), 0u);
    EXPECT_EQ(v.snapshot_version(), 0u);
    EXPECT_EQ(v.role_version("targets"), 0u);

    EXPECT_TRUE(v.update_timestamp(md("timestamp.json")));
    EXPECT_EQ(v.timestamp_version(), 1u);
    EXPECT_EQ(v.snapshot_version(), 1u);
    EXPECT_FALSE(v.update_timestamp(md("timestamp.json")));  // same version: kept
    v.update_snapshot(md("1.snapshot.json"));
    EXPECT_EQ(v.role_version("targets"), 1u);
    EXPECT_EQ(v.role_version("apps"), 1u);
    EXPECT_EQ(v.role_version("nobody"), 0u);
    v.update_targets(md("1.targets.json"));
    v.update_delegated_targets(md("1.apps.json"), "apps", "targets");
    EXPECT_FALSE(v.timestamp_snapshot_keys_rotated());

    // Everything is trusted: no loader call.
    int calls = 0;
    std::optional<tuf::TargetInfo> app = v.find_target_versioned(
        "apps/app-1.0.tar.gz", [&](std::string_view, std::uint64_t, std::uint64_t, tuf::Sink&) {
            calls++;
            return false;
        });
    ASSERT_TRUE(app);
    EXPECT_EQ(app->role(), "apps");
    EXPECT_EQ(app->length(), 47u);
    EXPECT_EQ(calls, 0);
}

TEST(Verifier, RejectedFilesThrow) {
    tuf::Verifier v(md("1.root.json"));
    try {
        v.update_targets(md("1.targets.json"));  // before snapshot
        FAIL();
    } catch (const tuf::Error& e) {
        EXPECT_EQ(e.code(), tuf::Code::state);
    }
    try {
        v.update_root(md("1.root.json"));  // not version 2
        FAIL();
    } catch (const tuf::Error& e) {
        EXPECT_EQ(e.code(), tuf::Code::bad_version);
    }
    try {
        v.update_timestamp(md("1.snapshot.json"));  // wrong type
        FAIL();
    } catch (const tuf::Error& e) {
        EXPECT_EQ(e.code(), tuf::Code::invalid_metadata);
    }
    EXPECT_THROW(v.update_delegated_targets(md("1.apps.json"), "apps", "targets"), tuf::Error);
    // Expired at a later reference time.
    tuf::Verifier late(md("1.root.json"), std::int64_t{4102444800});
    try {
        late.update_timestamp(md("timestamp.json"));
        FAIL();
    } catch (const tuf::Error& e) {
        EXPECT_EQ(e.code(), tuf::Code::expired);
        EXPECT_TRUE(e.role().has_value());
    }
    EXPECT_THROW(tuf::Verifier(md("1.root.json"), std::nullopt, 0xffff0000u), tuf::Error);
    EXPECT_THROW(tuf::Verifier(tuf::ByteView()), tuf::Error);
}

TEST(Verifier, FindTargetAsksTheLoadersForDelegatedRoles) {
    std::vector<std::pair<std::string, std::uint64_t>> asked;
    tuf::VersionedLoadFunction versioned = [&](std::string_view role, std::uint64_t version,
                                               std::uint64_t max_length, tuf::Sink& sink) {
        asked.emplace_back(role, version);
        EXPECT_GT(max_length, 0u);
        sink.write(md(std::to_string(version) + "." + std::string(role) + ".json"));
        return true;
    };
    tuf::Verifier v = trusted();
    std::optional<tuf::TargetInfo> app = v.find_target_versioned("apps/app-1.1.tar.gz", versioned);
    ASSERT_TRUE(app);
    EXPECT_EQ(app->role(), "apps");
    ASSERT_EQ(asked.size(), 1u);
    EXPECT_EQ(asked[0], std::make_pair(std::string("apps"), std::uint64_t{1}));
    // Now trusted: not asked again; not found is nullopt.
    EXPECT_TRUE(v.find_target_versioned("apps/app-1.0.tar.gz", versioned));
    EXPECT_EQ(v.find_target_versioned("apps/none.tar.gz", versioned), std::nullopt);
    EXPECT_EQ(v.find_target_versioned("nothing.txt", versioned, 1), std::nullopt);
    EXPECT_EQ(asked.size(), 1u);

    // The plain loader, also for "targets" itself when it is not trusted yet.
    std::vector<std::string> plain;
    tuf::Verifier w = trusted(false);
    std::optional<tuf::TargetInfo> hello = w.find_target(
        "hello.txt", [&](std::string_view role, std::uint64_t, tuf::Sink& sink) {
            plain.emplace_back(role);
            sink.write(md("1." + std::string(role) + ".json"));
            return true;
        });
    ASSERT_TRUE(hello);
    EXPECT_EQ(hello->role(), "targets");
    EXPECT_EQ(plain, std::vector<std::string>{"targets"});
}

TEST(Verifier, LoaderFailuresAndExceptions) {
    tuf::Verifier v = trusted();
    // false: the search fails with a download error.
    try {
        v.find_target("apps/app-1.0.tar.gz",
                      [](std::string_view, std::uint64_t, tuf::Sink&) { return false; });
        FAIL();
    } catch (const tuf::Error& e) {
        EXPECT_EQ(e.code(), tuf::Code::download);
    }
    // Wrong bytes: rejected by verification.
    EXPECT_THROW(v.find_target_versioned("apps/app-1.0.tar.gz",
                                         [](std::string_view, std::uint64_t, std::uint64_t,
                                            tuf::Sink& sink) {
                                             sink.write(md("1.targets.json"));
                                             return true;
                                         }),
                 tuf::Error);
    // An exception comes back as itself, from either loader.
    EXPECT_THROW(v.find_target("apps/app-1.0.tar.gz",
                               [](std::string_view, std::uint64_t, tuf::Sink&) -> bool {
                                   throw Boom();
                               }),
                 Boom);
    EXPECT_THROW(v.find_target_versioned(
                     "apps/app-1.0.tar.gz",
                     [](std::string_view, std::uint64_t, std::uint64_t, tuf::Sink&) -> bool {
                         throw Boom();
                     }),
                 Boom);
    // A loader calling its verifier gets Code::state (and getters 0).
    std::optional<tuf::Code> nested;
    std::uint64_t version_inside = 99;
    v.find_target("apps/app-1.0.tar.gz",
                  [&](std::string_view role, std::uint64_t, tuf::Sink& sink) {
                      version_inside = v.root_version();
                      try {
                          v.update_timestamp(md("timestamp.json"));
                      } catch (const tuf::Error& e) {
                          nested = e.code();
                      }
                      sink.write(md("1." + std::string(role) + ".json"));
                      return true;
                  });
    EXPECT_EQ(nested, tuf::Code::state);
    EXPECT_EQ(version_inside, 0u);
    // The verifier is fine afterwards.
    EXPECT_EQ(v.root_version(), 1u);
    EXPECT_TRUE(v.find_target_versioned(
        "apps/app-1.0.tar.gz",
        [](std::string_view, std::uint64_t, std::uint64_t, tuf::Sink&) { return false; }));
}
