// The Metadata API: keys, signers (also a throwing callback signer), target files, and a small
// repository built in memory, verified by Verifier and downloaded from by an Updater whose
// fetcher serves it.
#include <gtest/gtest.h>

#include <ctime>
#include <map>
#include <string>

#include <tuf.hpp>

#include "testutil.hpp"

using namespace std::string_literals;
using namespace std::string_view_literals;

namespace {

const std::int64_t in_a_year = static_cast<std::int64_t>(std::time(nullptr)) + 365 * 86400;

std::vector<std::uint8_t> unhex(const std::string& hex) {
    std::vector<std::uint8_t> out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
        out.push_back(static_cast<std::uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    }
    return out;
}

std::string tohex(const std::vector<std::uint8_t>& bytes) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (std::uint8_t b : bytes) {
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) {
        s.pop_back();
    }
    return s;
}

std::string key_file(const std::string& name) {
    return testutil::read_text(testutil::test_keys() / name);
}

struct Boom : std::runtime_error {
    Boom() : std::runtime_error("signer boom") {}
};

}  // namespace

TEST(Metadata, Keys) {
    tuf::Key p256 = tuf::Key::from_pem(key_file("p256.spki.pem"));
    EXPECT_EQ(p256.keytype(), "ecdsa");
    EXPECT_EQ(p256.scheme(), "ecdsa-sha2-nistp256");
    EXPECT_EQ(p256.keyid().size(), 64u);
    EXPECT_NE(p256.public_value().find("BEGIN PUBLIC KEY"), std::string::npos);
    EXPECT_TRUE(p256.is_supported());
    tuf::Key again = tuf::Key::from_json(p256.to_json());
    EXPECT_EQ(again.keyid(), p256.keyid());
    tuf::Key listed = tuf::Key::from_json(p256.to_json(), "my-keyid"sv);
    EXPECT_EQ(listed.keyid(), "my-keyid");
    EXPECT_THROW(tuf::Key::from_pem(key_file("rsa2048.spki.pem"), "ed25519"sv), tuf::Error);
    tuf::Key rsa = tuf::Key::from_pem(key_file("rsa2048.spki.pem"), "rsa-pkcs1v15-sha256"sv);
    EXPECT_EQ(rsa.scheme(), "rsa-pkcs1v15-sha256");

    // Ed25519 from its JSON, checking the signature of tests/data/keys/message.txt.
    tuf::Key ed = tuf::Key::from_json(
        R"({"keytype": "ed25519", "scheme": "ed25519", "keyval": {"public": ")" +
        trim(key_file("ed25519.pub.hex")) + R"("}})");
    std::vector<std::uint8_t> message = testutil::read_file(testutil::test_keys() / "message.txt");
    std::vector<std::uint8_t> sig = unhex(trim(key_file("ed25519.sig.hex")));
    ed.verify_signature(message, sig);
    sig[0] ^= 1;
    try {
        ed.verify_signature(message, sig);
        FAIL() << "a bad signature verified";
    } catch (const tuf::Error& e) {
        EXPECT_EQ(e.code(), tuf::Code::bad_signature);
    }
    tuf::Key unknown = tuf::Key::from_json(
        R"({"keytype": "future", "scheme": "future", "keyval": {"public": "x"}})");
    EXPECT_FALSE(unknown.is_supported());
    try {
        tuf::Key::from_json("[]");
        FAIL();
    } catch (const tuf::Error& e) {
        EXPECT_EQ(e.code(), tuf::Code::invalid_metadata);
    }
}

TEST(Metadata, Signers) {
    for (const char* scheme : {"ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384"}) {
        tuf::Signer s = tuf::Signer::generate(scheme);
        EXPECT_EQ(s.key().scheme(), scheme);
        std::vector<std::uint8_t> sig = s.sign("data"sv);
        s.key().verify_signature("data"sv, sig);
        EXPECT_THROW(s.key().verify_signature("other"sv, sig), tuf::Error);
        // Kept as PEM and read back: the same key.
        tuf::Signer back = tuf::Signer::from_pem(s.private_key_pem());
        EXPECT_EQ(back.key().keyid(), s.key().keyid());
    }
    EXPECT_THROW(tuf::Signer::generate("rsassa-pss-sha256"), tuf::Error);

    std::vector<std::uint8_t> seed(32, 7);
    tuf::Signer a = tuf::Signer::from_ed25519_seed(seed), b = tuf::Signer::from_ed25519_seed(seed);
    EXPECT_EQ(a.key().keyid(), b.key().keyid());
    EXPECT_EQ(a.sign("x"sv), b.sign("x"sv));  // deterministic
    seed.pop_back();
    EXPECT_THROW(tuf::Signer::from_ed25519_seed(seed), tuf::Error);

    tuf::Signer rsa = tuf::Signer::from_pem(key_file("rsa2048.pkcs8.pem"));
    EXPECT_EQ(rsa.key().keytype(), "rsa");
    rsa.key().verify_signature("m"sv, rsa.sign("m"sv));
    tuf::Signer p256 = tuf::Signer::from_pem(key_file("p256.pkcs8.pem"));
    EXPECT_EQ(p256.key().keyid(), tuf::Key::from_pem(key_file("p256.spki.pem")).keyid());
    EXPECT_THROW(tuf::Signer::from_pem("junk"), tuf::Error);
}

TEST(Metadata, CallbackSigner) {
    tuf::Signer inner = tuf::Signer::generate("ed25519");
    int calls = 0;
    bool fail = false;
    tuf::Signer outer =
        tuf::Signer::from_callback(inner.key(), [&](tuf::ByteView data) {
            calls++;
            if (fail) {
                throw Boom();
            }
            return inner.sign(data);
        });
    EXPECT_EQ(outer.key().keyid(), inner.key().keyid());
    EXPECT_THROW(outer.private_key_pem(), tuf::Error);  // libtuf does not hold it

    tuf::Metadata root = tuf::Metadata::create(tuf::Role::root, in_a_year);
    root.root_add_key(tuf::Role::root, outer.key());
    root.sign(outer);
    EXPECT_EQ(calls, 1);
    root.verify_delegate("root", root);
    std::vector<std::uint8_t> sig = outer.sign(root.signed_bytes());
    outer.key().verify_signature(root.signed_bytes(), sig);

    // A throwing function: the signing fails, the exception comes back as itself, and the
    // signatures are unchanged.
    fail = true;
    std::string before = root.signature_hex(0);
    root.bump_version();
    EXPECT_THROW(root.sign(outer), Boom);
    EXPECT_THROW(outer.sign("x"sv), Boom);
    ASSERT_EQ(root.signature_count(), 1u);
    EXPECT_EQ(root.signature_hex(0), before);
    // A function returning another key's signature: caught by libtuf's check.
    tuf::Signer stranger = tuf::Signer::generate("ed25519");
    tuf::Signer liar = tuf::Signer::from_callback(
        inner.key(), [&](tuf::ByteView data) { return stranger.sign(data); });
    try {
        root.sign(liar);
        FAIL();
    } catch (const tuf::Error& e) {
        EXPECT_EQ(e.code(), tuf::Code::crypto);
    }
    // Overlong signatures are refused by the sink: libtuf's crypto error.
    tuf::Signer verbose = tuf::Signer::from_callback(
        inner.key(), [](tuf::ByteView) { return std::vector<std::uint8_t>(70000, 1); });
    try {
        root.sign(verbose);
        FAIL();
    } catch (const tuf::Error& e) {
        EXPECT_EQ(e.code(), tuf::Code::crypto);
    }
    EXPECT_THROW(tuf::Signer::from_callback(inner.key(), nullptr), tuf::Error);
}

TEST(Metadata, TargetFiles) {
    tuf::TargetFile file = tuf::TargetFile::from_bytes("dir/a.txt", "hello"sv);
    EXPECT_EQ(file.path(), "dir/a.txt");
    EXPECT_EQ(file.length(), 5u);
    ASSERT_EQ(file.hash_count(), 2u);
    EXPECT_EQ(file.hash_algorithm(0), "sha256");
    EXPECT_EQ(file.hash_hex(0),
              "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    EXPECT_EQ(file.hashes()[1].algorithm, "sha512");
    EXPECT_THROW(file.hash_hex(2), std::out_of_range);
    EXPECT_EQ(file.custom_json(), std::nullopt);
    file.set_custom(R"({"x": 1})"sv);
    EXPECT_EQ(file.custom_json(), R"({"x":1})");
    EXPECT_THROW(file.set_custom("{1.5}"sv), tuf::Error);
    EXPECT_EQ(file.custom_json(), R"({"x":1})");
    file.set_custom(std::nullopt);
    EXPECT_EQ(file.custom_json(), std::nullopt);

    tuf::TargetFile made = tuf::TargetFile::create(
        "b.bin", 3, R"({"sha256": "0000000000000000000000000000000000000000000000000000000000000000"})");
    EXPECT_EQ(made.length(), 3u);
    EXPECT_EQ(made.hash_count(), 1u);
    EXPECT_THROW(tuf::TargetFile::create("b", 1, "{}"), tuf::Error);

    testutil::TempDir tmp;
    testutil::write_file(tmp.path() / "f", {'h', 'e', 'l', 'l', 'o'});
    tuf::TargetFile from_disk = tuf::TargetFile::from_file("f", tmp / "f");
    EXPECT_EQ(from_disk.hash_hex(1), file.hash_hex(1));
    try {
        tuf::TargetFile::from_file("d", tmp.path().string());
        FAIL();
    } catch (const tuf::Error& e) {
        EXPECT_EQ(e.code(), tuf::Code::io);
    }
}

TEST(Metadata, CommonFieldsAndFormats) {
    tuf::Metadata md = tuf::Metadata::create(tuf::Role::snapshot, 4102444800);
    EXPECT_EQ(md.type(), tuf::Role::snapshot);
    EXPECT_EQ(md.version(), 1u);
    md.set_version(5);
    md.bump_version();
    EXPECT_EQ(md.version(), 6u);
    EXPECT_THROW(md.set_version(0), tuf::Error);
    md.set_spec_version("1.0.31");
    EXPECT_EQ(md.spec_version(), "1.0.31");
    EXPECT_THROW(md.set_spec_version("2.0"), tuf::Error);
    EXPECT_EQ(md.expires(), 4102444800);
    EXPECT_FALSE(md.is_expired());
    EXPECT_TRUE(md.is_expired(4102444800));
    md.set_expires(1000);
    EXPECT_TRUE(md.is_expired());
    EXPECT_THROW(md.set_expires(std::int64_t{1} << 62), tuf::Error);

    md.set_unrecognized_fields("/signed", R"({"x-vendor": {"a": [1, 2]}})");
    EXPECT_EQ(md.unrecognized_fields("/signed"), R"({"x-vendor":{"a":[1,2]}})");
    EXPECT_EQ(md.unrecognized_fields(""), "{}");
    EXPECT_THROW(md.set_unrecognized_fields("/signed", R"({"version": 3})"), tuf::Error);
    EXPECT_THROW(md.unrecognized_fields("/nowhere"), tuf::Error);

    std::vector<std::uint8_t> pretty = md.to_bytes();
    std::vector<std::uint8_t> compact = md.to_bytes(tuf::Format::compact);
    std::vector<std::uint8_t> canonical = md.to_bytes(tuf::Format::canonical);
    EXPECT_GT(pretty.size(), compact.size());
    EXPECT_EQ(tuf::Metadata::from_bytes(pretty).to_bytes(), pretty);  // byte for byte
    EXPECT_EQ(tuf::Metadata::from_bytes(compact).to_bytes(tuf::Format::compact), compact);
    EXPECT_EQ(tuf::Metadata::from_bytes(canonical).version(), 6u);
    EXPECT_THROW(md.to_bytes(static_cast<tuf::Format>(77)), tuf::Error);
    try {
        tuf::Metadata::from_bytes("{}"sv);
        FAIL();
    } catch (const tuf::Error& e) {
        EXPECT_EQ(e.code(), tuf::Code::invalid_metadata);
    }
    EXPECT_THROW(tuf::Metadata::create(static_cast<tuf::Role>(9), 0), tuf::Error);

    // Every demo file reads and writes back byte for byte.
    for (const char* name :
         {"1.root.json", "timestamp.json", "1.snapshot.json", "1.targets.json", "1.apps.json"}) {
        std::vector<std::uint8_t> file =
            testutil::read_file(testutil::demo_repo() / "metadata" / name);
        EXPECT_EQ(tuf::Metadata::from_bytes(file).to_bytes(), file) << name;
    }
}

TEST(Metadata, DelegationsAndSuccinctBins) {
    tuf::Signer k1 = tuf::Signer::generate("ed25519"), k2 = tuf::Signer::generate("ed25519");
    tuf::Metadata targets = tuf::Metadata::create(tuf::Role::targets, in_a_year);
    EXPECT_FALSE(targets.has_delegations());
    targets.delegations_add_role("apps", 1, true, std::vector<std::string>{"apps/*", "bin/*"});
    targets.delegations_add_role("bins", 2, false, std::nullopt,
                                 std::vector<std::string>{"00", "ff"});
    targets.delegations_add_role("none", 1, false, std::vector<std::string>{});
    EXPECT_THROW(targets.delegations_add_role("both", 1, false, std::vector<std::string>{"a"},
                                              std::vector<std::string>{"00"}),
                 tuf::Error);
    EXPECT_THROW(targets.delegations_add_role("neither", 1, false, std::nullopt), tuf::Error);
    EXPECT_TRUE(targets.has_delegations());
    ASSERT_EQ(targets.delegated_role_count(), 3u);
    EXPECT_EQ(targets.delegated_role_name(0), "apps");
    EXPECT_EQ(targets.delegated_role_threshold(1), 2u);
    EXPECT_TRUE(targets.delegated_role_terminating(0));
    EXPECT_FALSE(targets.delegated_role_uses_hash_prefixes(0));
    EXPECT_TRUE(targets.delegated_role_uses_hash_prefixes(1));
    ASSERT_EQ(targets.delegated_role_path_count(0), 2u);
    EXPECT_EQ(targets.delegated_role_path_at(0, 1), "bin/*");
    EXPECT_EQ(targets.delegated_role_path_count(2), 0u);
    ASSERT_EQ(targets.delegated_role_hash_prefix_count(1), 2u);
    EXPECT_EQ(targets.delegated_role_hash_prefix_at(1, 1), "ff");
    EXPECT_THROW(targets.delegated_role_name(3), std::out_of_range);
    EXPECT_THROW(targets.delegated_role_path_at(0, 2), std::out_of_range);
    EXPECT_THROW(targets.delegated_role_hash_prefix_at(0, 0), std::out_of_range);

    targets.delegations_add_key("apps"sv, k1.key());
    targets.delegations_add_key("bins"sv, k1.key());
    targets.delegations_add_key("bins"sv, k2.key());
    targets.delegations_set_threshold("apps"sv, 1);
    EXPECT_EQ(targets.delegations_key_count(), 2u);
    std::string id = targets.delegations_keyid_at(0);
    EXPECT_EQ(targets.delegations_get_key(id).keyid(), id);
    EXPECT_THROW(targets.delegations_get_key("unknown"), tuf::Error);
    EXPECT_EQ(targets.delegated_role_keyid_count(1), 2u);
    EXPECT_EQ(targets.delegated_role_keyid_at(0, 0), k1.key().keyid());
    EXPECT_THROW(targets.delegated_role_keyid_at(0, 1), std::out_of_range);
    targets.delegations_revoke_key("bins"sv, k2.key().keyid());
    EXPECT_EQ(targets.delegated_role_keyid_count(1), 1u);
    EXPECT_EQ(targets.delegations_key_count(), 1u);  // k2 no longer used
    targets.delegations_remove_role("none");
    EXPECT_EQ(targets.delegated_role_count(), 2u);
    EXPECT_THROW(targets.delegations_remove_role("none"), tuf::Error);
    EXPECT_THROW(targets.delegations_set_succinct(4, "bins", 1), tuf::Error);  // classic roles
    EXPECT_EQ(targets.succinct_name_prefix(), std::nullopt);

    tuf::Metadata bins = tuf::Metadata::create(tuf::Role::targets, in_a_year);
    bins.delegations_set_succinct(3, "bin", 1);
    bins.delegations_add_key(std::nullopt, k1.key());
    bins.delegations_add_key(std::nullopt, k2.key());
    bins.delegations_set_threshold(std::nullopt, 2);
    EXPECT_EQ(bins.succinct_bit_length(), 3u);
    EXPECT_EQ(bins.succinct_name_prefix(), "bin");
    EXPECT_EQ(bins.succinct_threshold(), 2u);
    EXPECT_EQ(bins.succinct_keyid_count(), 2u);
    EXPECT_FALSE(bins.succinct_keyid_at(1).empty());
    EXPECT_THROW(bins.succinct_keyid_at(2), std::out_of_range);
    EXPECT_EQ(bins.succinct_bin_count(), 8u);
    EXPECT_EQ(bins.succinct_bin_name(0), "bin-0");
    EXPECT_EQ(bins.succinct_bin_name(7), "bin-7");
    EXPECT_THROW(bins.succinct_bin_name(8), tuf::Error);
    std::string bin = bins.succinct_bin_for_target("some/file.txt");
    EXPECT_EQ(bin.rfind("bin-", 0), 0u);
    bins.delegations_revoke_key(std::nullopt, k2.key().keyid());
    EXPECT_EQ(bins.succinct_keyid_count(), 1u);
    EXPECT_EQ(bins.delegated_role_count(), 0u);
    // Signed by the bin's key, a bin verifies from its delegator.
    tuf::Metadata one_bin = tuf::Metadata::create(tuf::Role::targets, in_a_year);
    one_bin.sign(k1);
    bins.delegations_set_threshold(std::nullopt, 1);
    bins.verify_delegate(bin, one_bin);
}

TEST(Metadata, RootMetaAndTargetsAccessors) {
    tuf::Signer k = tuf::Signer::generate("ecdsa-sha2-nistp256");
    tuf::Metadata root = tuf::Metadata::create(tuf::Role::root, in_a_year);
    EXPECT_TRUE(root.root_consistent_snapshot());
    root.root_set_consistent_snapshot(false);
    EXPECT_FALSE(root.root_consistent_snapshot());
    root.root_add_key(tuf::Role::timestamp, k.key());
    root.root_add_key(tuf::Role::snapshot, k.key());
    EXPECT_EQ(root.root_key_count(), 1u);
    EXPECT_EQ(root.root_keyid_at(0), k.key().keyid());
    EXPECT_EQ(root.root_get_key(k.key().keyid()).scheme(), "ecdsa-sha2-nistp256");
    EXPECT_THROW(root.root_get_key("nope"), tuf::Error);
    EXPECT_EQ(root.root_role_keyid_count(tuf::Role::timestamp), 1u);
    EXPECT_EQ(root.root_role_keyid_at(tuf::Role::snapshot, 0), k.key().keyid());
    EXPECT_THROW(root.root_role_keyid_at(tuf::Role::root, 0), std::out_of_range);
    root.root_set_threshold(tuf::Role::timestamp, 2);
    EXPECT_EQ(root.root_role_threshold(tuf::Role::timestamp), 2u);
    EXPECT_THROW(root.root_set_threshold(tuf::Role::timestamp, 0), tuf::Error);
    root.root_revoke_key(tuf::Role::timestamp, k.key().keyid());
    EXPECT_EQ(root.root_key_count(), 1u);  // snapshot still uses it
    root.root_revoke_key(tuf::Role::snapshot, k.key().keyid());
    EXPECT_EQ(root.root_key_count(), 0u);
    EXPECT_THROW(root.root_revoke_key(tuf::Role::snapshot, k.key().keyid()), tuf::Error);
    EXPECT_THROW(root.root_keyid_at(0), std::out_of_range);

    tuf::Metadata snapshot = tuf::Metadata::create(tuf::Role::snapshot, in_a_year);
    ASSERT_EQ(snapshot.meta_count(), 1u);
    EXPECT_EQ(snapshot.meta_name_at(0), "targets.json");
    snapshot.meta_set("a.json", 3, std::uint64_t{10},
                      R"({"sha256": "00000000000000000000000000000000000000000000000000000000000000ff"})"sv);
    snapshot.meta_set_from_bytes("b.json", 4, "content"sv);
    EXPECT_EQ(snapshot.meta_count(), 3u);
    tuf::MetaInfo a = snapshot.meta_get("a.json");
    EXPECT_EQ(a.version, 3u);
    EXPECT_EQ(a.length, 10u);
    EXPECT_EQ(snapshot.meta_get("targets.json").length, std::nullopt);
    EXPECT_EQ(snapshot.meta_hash_count("a.json"), 1u);
    EXPECT_EQ(snapshot.meta_hash_algorithm("a.json", 0), "sha256");
    EXPECT_EQ(snapshot.meta_hash_hex("b.json", 0).size(), 64u);
    EXPECT_THROW(snapshot.meta_hash_hex("a.json", 1), std::out_of_range);
    EXPECT_THROW(snapshot.meta_get("c.json"), tuf::Error);
    snapshot.meta_remove("a.json");
    EXPECT_EQ(snapshot.meta_count(), 2u);
    EXPECT_THROW(snapshot.meta_set("x.json", 0), tuf::Error);

    tuf::Metadata targets = tuf::Metadata::create(tuf::Role::targets, in_a_year);
    targets.targets_add(tuf::TargetFile::from_bytes("b", "2"sv));
    targets.targets_add(tuf::TargetFile::from_bytes("a", "1"sv));
    ASSERT_EQ(targets.targets_count(), 2u);
    EXPECT_EQ(targets.targets_path_at(0), "a");
    std::optional<tuf::TargetFile> got = targets.targets_get("b");
    ASSERT_TRUE(got);
    EXPECT_EQ(got->length(), 1u);
    EXPECT_EQ(targets.targets_get("c"), std::nullopt);
    targets.targets_remove("a");
    try {
        targets.targets_remove("a");
        FAIL();
    } catch (const tuf::Error& e) {
        EXPECT_EQ(e.code(), tuf::Code::target_not_found);
    }
    EXPECT_THROW(root.targets_add(*got), tuf::Error);  // root has no targets

    // Signatures made elsewhere.
    tuf::Metadata ts = tuf::Metadata::create(tuf::Role::timestamp, in_a_year);
    ts.add_signature(k.key().keyid(), tohex(k.sign(ts.signed_bytes())));
    ASSERT_EQ(ts.signature_count(), 1u);
    EXPECT_EQ(ts.signature_keyid(0), k.key().keyid());
    EXPECT_THROW(ts.signature_keyid(1), std::out_of_range);
    EXPECT_THROW(ts.add_signature("k", "xyz"), tuf::Error);
    tuf::Metadata root2 = tuf::Metadata::create(tuf::Role::root, in_a_year);
    root2.root_add_key(tuf::Role::timestamp, k.key());
    root2.verify_delegate("timestamp", ts);
    ts.bump_version();
    EXPECT_THROW(root2.verify_delegate("timestamp", ts), tuf::Error);
}

/// A repository built with the Metadata API, in memory: root, targets with a delegation to
/// "apps", snapshot, timestamp, consistent snapshots and hash-prefixed target files.
struct BuiltRepo {
    std::map<std::string, std::vector<std::uint8_t>> files;  // by URL path
    std::vector<std::uint8_t> root;

    BuiltRepo() {
        tuf::Signer rk = tuf::Signer::generate("ed25519"), tk = tuf::Signer::generate("ed25519");
        tuf::Signer sk = tuf::Signer::generate("ecdsa-sha2-nistp256");
        tuf::Signer tsk = tuf::Signer::generate("ecdsa-sha2-nistp384");
        tuf::Signer ak = tuf::Signer::generate("ed25519");

        tuf::Metadata r = tuf::Metadata::create(tuf::Role::root, in_a_year);
        r.root_add_key(tuf::Role::root, rk.key());
        r.root_add_key(tuf::Role::targets, tk.key());
        r.root_add_key(tuf::Role::snapshot, sk.key());
        r.root_add_key(tuf::Role::timestamp, tsk.key());
        r.sign(rk);
        root = r.to_bytes();
        files["/metadata/1.root.json"] = root;

        tuf::Metadata targets = tuf::Metadata::create(tuf::Role::targets, in_a_year);
        add_target(targets, "hello.txt", "hello from C++\n", R"({"kind": "greeting"})");
        targets.delegations_add_role("apps", 1, true, std::vector<std::string>{"apps/*"});
        targets.delegations_add_key("apps"sv, ak.key());
        targets.sign(tk);
        tuf::Metadata apps = tuf::Metadata::create(tuf::Role::targets, in_a_year);
        add_target(apps, "apps/tool", "#!/bin/sh\necho tool\n", std::nullopt);
        apps.sign(ak);
        std::vector<std::uint8_t> targets_bytes = targets.to_bytes();
        std::vector<std::uint8_t> apps_bytes = apps.to_bytes();
        files["/metadata/1.targets.json"] = targets_bytes;
        files["/metadata/1.apps.json"] = apps_bytes;

        tuf::Metadata snapshot = tuf::Metadata::create(tuf::Role::snapshot, in_a_year);
        snapshot.meta_set_from_bytes("targets.json", 1, targets_bytes);
        snapshot.meta_set_from_bytes("apps.json", 1, apps_bytes);
        snapshot.sign(sk);
        std::vector<std::uint8_t> snapshot_bytes = snapshot.to_bytes();
        files["/metadata/1.snapshot.json"] = snapshot_bytes;

        tuf::Metadata timestamp = tuf::Metadata::create(tuf::Role::timestamp, in_a_year);
        timestamp.meta_set_from_bytes("snapshot.json", 1, snapshot_bytes);
        timestamp.sign(tsk);
        files["/metadata/timestamp.json"] = timestamp.to_bytes(tuf::Format::compact);

        r.verify_delegate("root", r);
        r.verify_delegate("targets", targets);
        r.verify_delegate("snapshot", snapshot);
        r.verify_delegate("timestamp", timestamp);
        targets.verify_delegate("apps", apps);
    }

    void add_target(tuf::Metadata& md, const std::string& path, const std::string& content,
                    std::optional<std::string_view> custom) {
        tuf::TargetFile file = tuf::TargetFile::from_bytes(path, content);
        file.set_custom(custom);
        md.targets_add(file);
        std::string dir = path.find('/') == std::string::npos ? "" : path.substr(0, path.rfind('/') + 1);
        std::string name = path.substr(dir.size());
        files["/targets/" + dir + file.hash_hex(0) + "." + name] =
            std::vector<std::uint8_t>(content.begin(), content.end());
    }
};

TEST(Metadata, ARepositoryBuiltInMemoryVerifiesAndDownloads) {
    BuiltRepo repo;
    const std::string base = "https://built.invalid";

    // The verifier alone.
    tuf::Verifier v(repo.root);
    v.update_timestamp(repo.files["/metadata/timestamp.json"]);
    v.update_snapshot(repo.files["/metadata/1.snapshot.json"]);
    v.update_targets(repo.files["/metadata/1.targets.json"]);
    std::optional<tuf::TargetInfo> tool = v.find_target_versioned(
        "apps/tool", [&](std::string_view role, std::uint64_t version, std::uint64_t,
                         tuf::Sink& sink) {
            sink.write(repo.files["/metadata/" + std::to_string(version) + "." +
                                  std::string(role) + ".json"]);
            return true;
        });
    ASSERT_TRUE(tool);
    EXPECT_EQ(tool->role(), "apps");

    // An updater whose fetcher serves the repository.
    testutil::TempDir tmp;
    tuf::UpdaterConfig config(tmp / "md", base + "/metadata/");
    config.set_bootstrap_root(repo.root)
        .set_targets_base_url(base + "/targets/")
        .set_targets_dir(tmp / "targets")
        .set_fetcher([&](std::string_view url, std::uint64_t, tuf::Sink& sink) {
            auto it = repo.files.find(std::string(url.substr(base.size())));
            if (it == repo.files.end()) {
                return tuf::fetch_not_found;
            }
            sink.write(it->second);
            return 0;
        });
    tuf::Updater updater(config);
    updater.refresh();
    std::optional<tuf::TargetInfo> hello = updater.get_target_info("hello.txt");
    ASSERT_TRUE(hello);
    EXPECT_EQ(hello->custom_json(), R"({"kind":"greeting"})");
    EXPECT_EQ(testutil::read_text(updater.download_target(*hello)), "hello from C++\n");
    std::optional<tuf::TargetInfo> t = updater.get_target_info("apps/tool");
    ASSERT_TRUE(t);
    EXPECT_EQ(testutil::read_text(updater.download_target(*t)), "#!/bin/sh\necho tool\n");
}
