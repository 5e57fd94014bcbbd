/*
 * test_metadata: the Metadata API of include/tuf.h (tuf_metadata_*, tuf_key_*, tuf_signer_*,
 * tuf_target_file_*, tuf_bytes_free): every function with its error paths (NULL for each
 * pointer argument, invalid UTF-8, metadata of the wrong type, out-parameters untouched on
 * failure, *err NULL on success); a small repository built, signed, rotated and verified in C;
 * and the demo repository's metadata read and written back byte for byte.
 *
 *   test_metadata DEMO_REPO_DIR      (keys are read from DEMO_REPO_DIR/../../tests/data/keys)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tuf.h>

#include "testutil.h"

#define BAD_UTF8 "\xff\xfe bad"
/* 2099-01-01T00:00:00Z */
#define EXPIRES INT64_C(4070908800)

static const char *demo_repo;
static char *keys_dir;

/* ---- helpers -------------------------------------------------------------------------------- */

static char *read_text(const char *dir, const char *name, size_t *len) {
    char *path = tu_format("%s/%s", dir, name);
    size_t n = 0;
    char *text = (char *)tu_read_file(path, &n);
    if (text == NULL) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(1);
    }
    free(path);
    if (len != NULL) {
        *len = n;
    }
    return text;
}

static size_t unhex(const char *hex, uint8_t *out, size_t max) {
    size_t n = 0;
    unsigned int b;
    while (hex[0] != '\0' && hex[1] != '\0' && n < max && sscanf(hex, "%2x", &b) == 1) {
        out[n++] = (uint8_t)b;
        hex += 2;
    }
    return n;
}

static char *to_hex(const uint8_t *data, size_t len) {
    char *out = malloc(2 * len + 1);
    size_t i;
    for (i = 0; i < len; i++) {
        sprintf(out + 2 * i, "%02x", data[i]);
    }
    out[2 * len] = '\0';
    return out;
}

static tuf_metadata *new_md(tuf_role_type role) {
    tuf_metadata *md = NULL;
    CHECK_OK(tuf_metadata_new(role, EXPIRES, &md, &err));
    return md;
}

static tuf_signer *generate(const char *scheme) {
    tuf_signer *s = NULL;
    CHECK_OK(tuf_signer_generate(scheme, &s, &err));
    return s;
}

/* `md` written in `format`; *len gets the length. Free with tuf_bytes_free. */
static uint8_t *write_md(const tuf_metadata *md, tuf_format format, size_t *len) {
    uint8_t *out = NULL;
    CHECK_OK(tuf_metadata_to_bytes(md, format, &out, len, &err));
    return out;
}

/* A copy of `md`, written and read back. */
static tuf_metadata *reread(const tuf_metadata *md) {
    size_t len = 0;
    uint8_t *bytes = write_md(md, TUF_FORMAT_PRETTY, &len);
    tuf_metadata *again = NULL;
    CHECK_OK(tuf_metadata_from_bytes(bytes, len, &again, &err));
    tuf_bytes_free(bytes);
    return again;
}

static char *unknown_of(const tuf_metadata *md, const char *pointer) {
    char *json = NULL;
    CHECK_OK(tuf_metadata_unrecognized_fields(md, pointer, &json, &err));
    return json;
}

/* ---- keys ----------------------------------------------------------------------------------- */

static void test_keys(void) {
    char *p256 = read_text(keys_dir, "p256.spki.pem", NULL);
    char *rsa = read_text(keys_dir, "rsa2048.spki.pem", NULL);
    char *sighex = read_text(keys_dir, "ecdsa-sha2-nistp256.sig.hex", NULL);
    size_t msg_len = 0;
    uint8_t *msg = (uint8_t *)read_text(keys_dir, "message.txt", &msg_len);
    uint8_t sig[512];
    size_t sig_len = unhex(sighex, sig, sizeof sig);
    tuf_key *key = NULL, *other = NULL, *out = (tuf_key *)TU_SENTINEL;
    const char *unknown_type = "{\"keytype\":\"x\",\"scheme\":\"y\",\"keyval\":{\"public\":\"z\"}}";

    CHECK_OK(tuf_key_from_pem(p256, NULL, &key, &err));
    CHECK_STR(tuf_key_keytype(key), "ecdsa");
    CHECK_STR(tuf_key_scheme(key), "ecdsa-sha2-nistp256");
    CHECK_STR(tuf_key_public_value(key), p256); /* pyca's encoding, as python-tuf writes it */
    CHECK(strlen(tuf_key_keyid(key)) == 64);
    CHECK(tuf_key_keyid(key) == tuf_key_keyid(key));
    CHECK(tuf_key_is_supported(key));
    CHECK(strstr(tuf_key_to_json(key), "\"keytype\":\"ecdsa\"") != NULL);
    /* The key object read back: the same default keyid; or listed under another keyid. */
    CHECK_OK(tuf_key_from_json(tuf_key_to_json(key), NULL, &other, &err));
    CHECK_STR(tuf_key_keyid(other), tuf_key_keyid(key));
    CHECK_STR(tuf_key_to_json(other), tuf_key_to_json(key));
    tuf_key_free(other);
    CHECK_OK(tuf_key_from_json(tuf_key_to_json(key), "my-keyid", &other, &err));
    CHECK_STR(tuf_key_keyid(other), "my-keyid");
    tuf_key_free(other);

    /* Signatures: pyca/cryptography's over message.txt. */
    CHECK(sig_len > 60);
    CHECK_OK(tuf_key_verify_signature(key, msg, msg_len, sig, sig_len, &err));
    CHECK_CODE(TUF_ERR_BAD_SIGNATURE,
               tuf_key_verify_signature(key, (const uint8_t *)"x", 1, sig, sig_len, &err));
    CHECK_CODE(TUF_ERR_BAD_SIGNATURE, tuf_key_verify_signature(key, msg, msg_len, NULL, 0, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_key_verify_signature(NULL, msg, msg_len, sig, sig_len, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_key_verify_signature(key, NULL, 3, sig, sig_len, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_key_verify_signature(key, msg, msg_len, NULL, 3, &err));

    CHECK_OK(tuf_key_from_pem(rsa, "rsa-pkcs1v15-sha256", &other, &err));
    CHECK_STR(tuf_key_keytype(other), "rsa");
    CHECK_STR(tuf_key_scheme(other), "rsa-pkcs1v15-sha256");
    tuf_key_free(other);

    /* Errors leave *out alone. */
    CHECK_CODE(TUF_ERR_CRYPTO, tuf_key_from_pem(p256, "ed25519", &out, &err));
    CHECK_CODE(TUF_ERR_CRYPTO, tuf_key_from_pem(p256, "no-such-scheme", &out, &err));
    CHECK_CODE(TUF_ERR_CRYPTO, tuf_key_from_pem("garbage", NULL, &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_key_from_pem(NULL, NULL, &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_key_from_pem(BAD_UTF8, NULL, &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_key_from_pem(p256, BAD_UTF8, &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_key_from_pem(p256, NULL, NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_METADATA, tuf_key_from_json("{}", NULL, &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_METADATA, tuf_key_from_json("not json", NULL, &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_key_from_json(NULL, NULL, &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_key_from_json(BAD_UTF8, NULL, &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_key_from_json(tuf_key_to_json(key), "", &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_key_from_json(tuf_key_to_json(key), BAD_UTF8, &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_key_from_json(unknown_type, NULL, NULL, &err));
    CHECK(out == (tuf_key *)TU_SENTINEL);

    /* A key of a type libtuf does not know is kept but never verifies. */
    CHECK_OK(tuf_key_from_json(unknown_type, NULL, &other, &err));
    CHECK(!tuf_key_is_supported(other));
    CHECK_STR(tuf_key_keytype(other), "x");
    CHECK_STR(tuf_key_public_value(other), "z");
    CHECK_CODE(TUF_ERR_BAD_SIGNATURE,
               tuf_key_verify_signature(other, msg, msg_len, sig, sig_len, &err));
    tuf_key_free(other);

    CHECK(tuf_key_keyid(NULL) == NULL);
    CHECK(tuf_key_keytype(NULL) == NULL);
    CHECK(tuf_key_scheme(NULL) == NULL);
    CHECK(tuf_key_public_value(NULL) == NULL);
    CHECK(tuf_key_to_json(NULL) == NULL);
    CHECK(!tuf_key_is_supported(NULL));
    tuf_key_free(NULL);
    tuf_key_free(key);
    free(p256);
    free(rsa);
    free(sighex);
    free(msg);
}

/* ---- signers -------------------------------------------------------------------------------- */

static void test_signers(void) {
    /* RFC 8032 section 7.1, test 1. */
    static const char seed_hex[] =
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
    static const char sig_hex[] = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
                                  "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";
    static const char *const pems[4][2] = {
        {"ed25519.pkcs8.pem", "ed25519"},
        {"p256.pkcs8.pem", "ecdsa-sha2-nistp256"},
        {"p384.pkcs8.pem", "ecdsa-sha2-nistp384"},
        {"rsa2048.pkcs8.pem", "rsassa-pss-sha256"},
    };
    static const char *const schemes[3] = {"ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384"};
    uint8_t seed[32];
    tuf_signer *s = NULL, *t = NULL, *out = (tuf_signer *)TU_SENTINEL;
    uint8_t *sig = NULL, *sig_out = (uint8_t *)TU_SENTINEL;
    size_t n = 0, i;
    char *pem = NULL, *pem_out = (char *)TU_SENTINEL, *hex = NULL;

    CHECK(unhex(seed_hex, seed, sizeof seed) == 32);
    CHECK_OK(tuf_signer_from_ed25519_seed(seed, 32, &s, &err));
    CHECK_STR(tuf_key_public_value(tuf_signer_key(s)),
              "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    CHECK_STR(tuf_key_scheme(tuf_signer_key(s)), "ed25519");
    CHECK(tuf_signer_key(s) == tuf_signer_key(s)); /* lent, not copied */
    CHECK_OK(tuf_signer_sign(s, NULL, 0, &sig, &n, &err));
    hex = to_hex(sig, n);
    CHECK_STR(hex, sig_hex);
    CHECK(sig[n] == 0);
    free(hex);
    tuf_bytes_free(sig);
    CHECK_OK(tuf_signer_sign(s, (const uint8_t *)"abc", 3, &sig, &n, &err));
    CHECK_OK(tuf_key_verify_signature(tuf_signer_key(s), (const uint8_t *)"abc", 3, sig, n, &err));
    tuf_bytes_free(sig);

    /* The private key stored and read back. */
    CHECK_OK(tuf_signer_private_key_pem(s, &pem, &err));
    CHECK(strncmp(pem, "-----BEGIN PRIVATE KEY-----\n", 28) == 0);
    CHECK_OK(tuf_signer_from_pem(pem, NULL, &t, &err));
    CHECK_STR(tuf_key_keyid(tuf_signer_key(t)), tuf_key_keyid(tuf_signer_key(s)));
    tuf_string_free(pem);
    tuf_signer_free(t);

    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_signer_from_ed25519_seed(seed, 31, &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_signer_from_ed25519_seed(seed, 33, &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_signer_from_ed25519_seed(NULL, 32, &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_signer_from_ed25519_seed(NULL, 0, &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_signer_from_ed25519_seed(seed, 32, NULL, &err));

    /* PKCS#8 PEM of every key type, with the default scheme. */
    for (i = 0; i < 4; i++) {
        char *text = read_text(keys_dir, pems[i][0], NULL);
        CHECK_OK(tuf_signer_from_pem(text, NULL, &t, &err));
        CHECK_STR(tuf_key_scheme(tuf_signer_key(t)), pems[i][1]);
        CHECK_OK(tuf_signer_sign(t, (const uint8_t *)"m", 1, &sig, &n, &err));
        CHECK_OK(tuf_key_verify_signature(tuf_signer_key(t), (const uint8_t *)"m", 1, sig, n, &err));
        tuf_bytes_free(sig);
        tuf_signer_free(t);
        if (i == 3) {
            CHECK_OK(tuf_signer_from_pem(text, "rsassa-pss-sha512", &t, &err));
            CHECK_STR(tuf_key_scheme(tuf_signer_key(t)), "rsassa-pss-sha512");
            tuf_signer_free(t);
        } else {
            CHECK_CODE(TUF_ERR_CRYPTO, tuf_signer_from_pem(text, "rsassa-pss-sha256", &out, &err));
        }
        free(text);
    }
    pem = read_text(keys_dir, "p256.spki.pem", NULL);
    CHECK_CODE(TUF_ERR_CRYPTO, tuf_signer_from_pem(pem, NULL, &out, &err)); /* a public key */
    free(pem);
    CHECK_CODE(TUF_ERR_CRYPTO, tuf_signer_from_pem("garbage", NULL, &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_signer_from_pem(NULL, NULL, &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_signer_from_pem(BAD_UTF8, NULL, &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_signer_from_pem("x", BAD_UTF8, &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_signer_from_pem("x", NULL, NULL, &err));

    /* Generated keys: each new, each signing with its scheme. */
    for (i = 0; i < 3; i++) {
        t = generate(schemes[i]);
        CHECK_STR(tuf_key_scheme(tuf_signer_key(t)), schemes[i]);
        CHECK(strcmp(tuf_key_keyid(tuf_signer_key(t)), tuf_key_keyid(tuf_signer_key(s))) != 0);
        CHECK_OK(tuf_signer_sign(t, (const uint8_t *)"m", 1, &sig, &n, &err));
        CHECK_OK(tuf_key_verify_signature(tuf_signer_key(t), (const uint8_t *)"m", 1, sig, n, &err));
        tuf_bytes_free(sig);
        tuf_signer_free(t);
    }
    CHECK_CODE(TUF_ERR_CRYPTO, tuf_signer_generate("rsassa-pss-sha256", &out, &err));
    CHECK_CODE(TUF_ERR_CRYPTO, tuf_signer_generate("nope", &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_signer_generate(NULL, &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_signer_generate(BAD_UTF8, &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_signer_generate("ed25519", NULL, &err));
    CHECK(out == (tuf_signer *)TU_SENTINEL);

    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_signer_sign(NULL, NULL, 0, &sig_out, &n, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_signer_sign(s, NULL, 1, &sig_out, &n, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_signer_sign(s, NULL, 0, NULL, &n, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_signer_sign(s, NULL, 0, &sig_out, NULL, &err));
    CHECK(sig_out == (uint8_t *)TU_SENTINEL);
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_signer_private_key_pem(NULL, &pem_out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_signer_private_key_pem(s, NULL, &err));
    CHECK(pem_out == (char *)TU_SENTINEL);
    CHECK(tuf_signer_key(NULL) == NULL);
    tuf_signer_free(NULL);
    tuf_bytes_free(NULL);
    tuf_signer_free(s);
}

/* ---- sign callbacks -------------------------------------------------------------------------- */

enum cb_mode { CB_SIGN, CB_FAIL, CB_GARBAGE, CB_HUGE, CB_NOTHING };

struct cb_state {
    tuf_signer *inner; /* the "HSM" */
    enum cb_mode mode;
    int calls;
    tuf_result second_write;
};

static int sign_cb(void *userdata, const uint8_t *data, size_t len, tuf_sink *signature) {
    static uint8_t big[40000];
    struct cb_state *st = userdata;
    uint8_t *sig = NULL;
    size_t n = 0;
    int rc;
    st->calls++;
    switch (st->mode) {
    case CB_SIGN:
        if (tuf_signer_sign(st->inner, data, len, &sig, &n, NULL) != TUF_OK) {
            return 1;
        }
        rc = tuf_sink_write(signature, sig, n) == TUF_OK ? 0 : 2;
        tuf_bytes_free(sig);
        return rc;
    case CB_FAIL:
        return 7;
    case CB_GARBAGE:
        return tuf_sink_write(signature, (const uint8_t *)"garbage", 7) == TUF_OK ? 0 : 3;
    case CB_HUGE:
        (void)tuf_sink_write(signature, big, sizeof big);
        st->second_write = tuf_sink_write(signature, big, sizeof big);
        return 0;
    case CB_NOTHING:
        break;
    }
    return 0;
}

static void test_callback_signer(void) {
    struct cb_state st;
    tuf_signer *cb = NULL, *odd_cb = NULL, *out = (tuf_signer *)TU_SENTINEL;
    tuf_metadata *md = new_md(TUF_ROLE_TARGETS);
    tuf_key *odd = NULL;
    uint8_t *sig = NULL;
    size_t n = 0;
    char *pem = (char *)TU_SENTINEL;
    static const enum cb_mode failing[4] = {CB_FAIL, CB_GARBAGE, CB_HUGE, CB_NOTHING};
    size_t i;

    memset(&st, 0, sizeof st);
    st.inner = generate("ecdsa-sha2-nistp256");
    CHECK_OK(tuf_signer_new_callback(tuf_signer_key(st.inner), sign_cb, &st, &cb, &err));
    CHECK_STR(tuf_key_keyid(tuf_signer_key(cb)), tuf_key_keyid(tuf_signer_key(st.inner)));
    CHECK(st.calls == 0);
    CHECK_OK(tuf_metadata_sign(md, cb, false, &err));
    CHECK(st.calls == 1);
    CHECK(tuf_metadata_signature_count(md) == 1);
    CHECK_STR(tuf_metadata_signature_keyid(md, 0), tuf_key_keyid(tuf_signer_key(st.inner)));
    /* tuf_signer_sign on a callback signer calls the callback. */
    CHECK_OK(tuf_signer_sign(cb, (const uint8_t *)"m", 1, &sig, &n, &err));
    CHECK(st.calls == 2);
    CHECK_OK(tuf_key_verify_signature(tuf_signer_key(cb), (const uint8_t *)"m", 1, sig, n, &err));
    tuf_bytes_free(sig);
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_signer_private_key_pem(cb, &pem, &err));
    CHECK(pem == (char *)TU_SENTINEL);

    /* A callback that fails, writes a signature that does not verify, writes too much or
     * nothing: TUF_ERR_CRYPTO, and the signatures are unchanged. */
    for (i = 0; i < 4; i++) {
        st.mode = failing[i];
        CHECK_CODE(TUF_ERR_CRYPTO, tuf_metadata_sign(md, cb, false, &err));
        CHECK(tuf_metadata_signature_count(md) == 1);
    }
    CHECK(st.second_write == TUF_ERR_CRYPTO);
    st.mode = CB_FAIL;
    CHECK_CODE(TUF_ERR_CRYPTO, tuf_signer_sign(cb, (const uint8_t *)"m", 1, &sig, &n, &err));

    /* With a key libtuf cannot verify, the callback's signature is taken as it is. */
    CHECK_OK(tuf_key_from_json("{\"keytype\":\"x\",\"scheme\":\"y\",\"keyval\":{\"public\":\"z\"}}",
                               "hsm-key", &odd, &err));
    CHECK_OK(tuf_signer_new_callback(odd, sign_cb, &st, &odd_cb, &err));
    st.mode = CB_GARBAGE;
    CHECK_OK(tuf_metadata_sign(md, odd_cb, true, &err));
    CHECK(tuf_metadata_signature_count(md) == 2);
    CHECK_STR(tuf_metadata_signature_keyid(md, 1), "hsm-key");
    CHECK_STR(tuf_metadata_signature_hex(md, 1), "67617262616765");

    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_signer_new_callback(NULL, sign_cb, &st, &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_signer_new_callback(odd, NULL, &st, &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_signer_new_callback(odd, sign_cb, &st, NULL, &err));
    CHECK(out == (tuf_signer *)TU_SENTINEL);

    tuf_key_free(odd);
    tuf_signer_free(odd_cb);
    tuf_signer_free(cb);
    tuf_signer_free(st.inner);
    tuf_metadata_free(md);
}

/* ---- creating, common fields, writing ------------------------------------------------------- */

static void test_common_fields(void) {
    static const tuf_role_type roles[4] = {TUF_ROLE_ROOT, TUF_ROLE_TIMESTAMP, TUF_ROLE_SNAPSHOT,
                                           TUF_ROLE_TARGETS};
    tuf_metadata *md = NULL, *out = (tuf_metadata *)TU_SENTINEL;
    const char *spec;
    int64_t ref;
    size_t i;

    for (i = 0; i < 4; i++) {
        md = new_md(roles[i]);
        CHECK(tuf_metadata_type(md) == roles[i]);
        CHECK(tuf_metadata_version(md) == 1);
        CHECK(tuf_metadata_expires(md) == EXPIRES);
        CHECK_STR(tuf_metadata_spec_version(md), "1.0.31");
        CHECK(tuf_metadata_signature_count(md) == 0);
        tuf_metadata_free(md);
    }
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_new(0, EXPIRES, &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_new(5, EXPIRES, &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_new(TUF_ROLE_ROOT, INT64_MAX, &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_new(TUF_ROLE_ROOT, EXPIRES, NULL, &err));
    CHECK(out == (tuf_metadata *)TU_SENTINEL);

    md = new_md(TUF_ROLE_TARGETS);
    CHECK_OK(tuf_metadata_set_version(md, 5, &err));
    CHECK_OK(tuf_metadata_bump_version(md, &err));
    CHECK(tuf_metadata_version(md) == 6);
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_set_version(md, 0, &err));
    CHECK(tuf_metadata_version(md) == 6);
    CHECK_OK(tuf_metadata_set_version(md, UINT64_MAX, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_bump_version(md, &err));
    CHECK(tuf_metadata_version(md) == UINT64_MAX);

    spec = tuf_metadata_spec_version(md);
    CHECK(spec == tuf_metadata_spec_version(md)); /* the same string while md is unchanged */
    CHECK_OK(tuf_metadata_set_spec_version(md, "1.0", &err));
    CHECK_STR(tuf_metadata_spec_version(md), "1.0");
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_set_spec_version(md, "2.0.0", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_set_spec_version(md, BAD_UTF8, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_set_spec_version(md, NULL, &err));
    CHECK_STR(tuf_metadata_spec_version(md), "1.0");

    CHECK_OK(tuf_metadata_set_expires(md, 0, &err));
    CHECK(tuf_metadata_expires(md) == 0);
    ref = 0;
    CHECK(tuf_metadata_is_expired(md, &ref)); /* expired at the very second */
    ref = -1;
    CHECK(!tuf_metadata_is_expired(md, &ref));
    CHECK(tuf_metadata_is_expired(md, NULL)); /* the system clock is after 1970 */
    ref = INT64_MAX;
    CHECK(tuf_metadata_is_expired(md, &ref)); /* out of range: fail closed */
    CHECK_OK(tuf_metadata_set_expires(md, EXPIRES, &err));
    CHECK(!tuf_metadata_is_expired(md, NULL));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_set_expires(md, INT64_MIN, &err));
    CHECK(tuf_metadata_expires(md) == EXPIRES);

    CHECK(tuf_metadata_type(NULL) == 0);
    CHECK(tuf_metadata_version(NULL) == 0);
    CHECK(tuf_metadata_spec_version(NULL) == NULL);
    CHECK(tuf_metadata_expires(NULL) == INT64_MIN);
    CHECK(tuf_metadata_is_expired(NULL, NULL));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_set_version(NULL, 2, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_bump_version(NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_set_spec_version(NULL, "1.0", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_set_expires(NULL, 0, &err));
    tuf_metadata_free(NULL);
    tuf_metadata_free(md);
}

static void test_write_and_read(void) {
    char *dir = tu_format("%s/metadata", demo_repo);
    size_t len = 0, out_len = 0, n = 0;
    uint8_t *file = (uint8_t *)read_text(dir, "1.targets.json", &len);
    tuf_metadata *md = NULL, *again = NULL, *out = (tuf_metadata *)TU_SENTINEL;
    uint8_t *bytes = NULL, *sentinel = (uint8_t *)TU_SENTINEL;

    CHECK_OK(tuf_metadata_from_bytes(file, len, &md, &err));
    CHECK(tuf_metadata_type(md) == TUF_ROLE_TARGETS);
    bytes = write_md(md, TUF_FORMAT_PRETTY, &out_len);
    CHECK(out_len == len && memcmp(bytes, file, len) == 0);
    CHECK(bytes[out_len] == 0);
    tuf_bytes_free(bytes);

    bytes = write_md(md, TUF_FORMAT_COMPACT, &out_len);
    CHECK(strchr((const char *)bytes, '\n') == NULL);
    CHECK(strlen((const char *)bytes) == out_len);
    CHECK_OK(tuf_metadata_from_bytes(bytes, out_len, &again, &err));
    tuf_bytes_free(bytes);
    bytes = write_md(again, TUF_FORMAT_PRETTY, &out_len);
    CHECK(out_len == len && memcmp(bytes, file, len) == 0);
    tuf_bytes_free(bytes);
    tuf_metadata_free(again);

    bytes = write_md(md, TUF_FORMAT_CANONICAL, &out_len);
    CHECK(strncmp((const char *)bytes, "{\"signatures\":[{\"keyid\":", 24) == 0);
    CHECK_OK(tuf_metadata_from_bytes(bytes, out_len, &again, &err));
    tuf_metadata_free(again);
    tuf_bytes_free(bytes);

    CHECK_OK(tuf_metadata_signed_bytes(md, &bytes, &n, &err));
    CHECK(strncmp((const char *)bytes, "{\"_type\":\"targets\",", 19) == 0);
    tuf_bytes_free(bytes);

    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_to_bytes(md, 0, &sentinel, &n, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_to_bytes(md, 4, &sentinel, &n, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_to_bytes(NULL, TUF_FORMAT_PRETTY, &sentinel, &n, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_to_bytes(md, TUF_FORMAT_PRETTY, NULL, &n, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_to_bytes(md, TUF_FORMAT_PRETTY, &sentinel, NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_signed_bytes(NULL, &sentinel, &n, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_signed_bytes(md, NULL, &n, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_signed_bytes(md, &sentinel, NULL, &err));
    CHECK(sentinel == (uint8_t *)TU_SENTINEL);

    CHECK_CODE(TUF_ERR_INVALID_METADATA,
               tuf_metadata_from_bytes((const uint8_t *)"garbage", 7, &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_METADATA, tuf_metadata_from_bytes(NULL, 0, &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_METADATA,
               tuf_metadata_from_bytes((const uint8_t *)"{}", 2, &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_METADATA,
               tuf_metadata_from_bytes(
                   (const uint8_t *)"{\"signatures\":[],\"signed\":{\"_type\":\"mirrors\"}}", 46,
                   &out, &err));
    /* A truncated file. */
    CHECK_CODE(TUF_ERR_INVALID_METADATA, tuf_metadata_from_bytes(file, len - 1, &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_from_bytes(NULL, 5, &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_from_bytes(file, len, NULL, &err));
    CHECK(out == (tuf_metadata *)TU_SENTINEL);

    tuf_metadata_free(md);
    free(file);
    free(dir);
}

static void test_unrecognized_fields(void) {
    tuf_metadata *md = new_md(TUF_ROLE_TARGETS), *again = NULL;
    tuf_target_file *tf = NULL;
    char *json = NULL, *out = (char *)TU_SENTINEL;
    size_t len = 0;
    uint8_t *bytes = NULL;

    CHECK_OK(tuf_target_file_from_bytes("dir/a.txt", (const uint8_t *)"a", 1, &tf, &err));
    CHECK_OK(tuf_metadata_targets_add(md, tf, &err));
    tuf_target_file_free(tf);

    json = unknown_of(md, "/signed");
    CHECK_STR(json, "{}");
    tuf_string_free(json);
    CHECK_OK(tuf_metadata_set_unrecognized_fields(
        md, "/signed", "{\"x-unknown\": {\"b\": [1, 2, null]}, \"a\": true}", &err));
    json = unknown_of(md, "/signed");
    CHECK_STR(json, "{\"a\":true,\"x-unknown\":{\"b\":[1,2,null]}}");
    tuf_string_free(json);
    /* A target's custom is one of its unknown fields; "/" in a path is written "~1". */
    CHECK_OK(tuf_metadata_set_unrecognized_fields(md, "/signed/targets/dir~1a.txt",
                                                  "{\"custom\": {\"v\": 1}}", &err));
    CHECK_OK(tuf_metadata_targets_get(md, "dir/a.txt", &tf, &err));
    CHECK_STR(tuf_target_file_custom_json(tf), "{\"v\":1}");
    tuf_target_file_free(tf);
    CHECK_OK(tuf_metadata_set_unrecognized_fields(md, "", "{\"z\": \"\\u00e9\"}", &err));
    json = unknown_of(md, "");
    CHECK_STR(json, "{\"z\":\"\\u00e9\"}");
    tuf_string_free(json);

    /* Written and read back: all kept. */
    again = reread(md);
    json = unknown_of(again, "/signed");
    CHECK_STR(json, "{\"a\":true,\"x-unknown\":{\"b\":[1,2,null]}}");
    tuf_string_free(json);
    tuf_metadata_free(again);
    bytes = write_md(md, TUF_FORMAT_PRETTY, &len);
    CHECK(strstr((const char *)bytes, "\n  \"x-unknown\": {\n") != NULL);
    tuf_bytes_free(bytes);

    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_set_unrecognized_fields(md, "/signed", "{\"version\": 2}", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_set_unrecognized_fields(md, "/signed", "[1]", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_set_unrecognized_fields(md, "/signed", "{", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_set_unrecognized_fields(md, "/signed", "{\"f\": 1.5}", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_set_unrecognized_fields(md, "/signed", "{\"a\":1,\"a\":2}", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_set_unrecognized_fields(md, "/nope", "{}", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_set_unrecognized_fields(md, BAD_UTF8, "{}", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_set_unrecognized_fields(md, "/signed", BAD_UTF8, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_set_unrecognized_fields(md, NULL, "{}", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_set_unrecognized_fields(md, "/signed", NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_set_unrecognized_fields(NULL, "/signed", "{}", &err));
    json = unknown_of(md, "/signed");
    CHECK_STR(json, "{\"a\":true,\"x-unknown\":{\"b\":[1,2,null]}}"); /* unchanged */
    tuf_string_free(json);
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_unrecognized_fields(md, "signed", &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_unrecognized_fields(md, "/signed/targets/dir/a.txt", &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_unrecognized_fields(md, "/signatures/0", &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_unrecognized_fields(md, BAD_UTF8, &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_unrecognized_fields(md, NULL, &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_unrecognized_fields(NULL, "/signed", &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_unrecognized_fields(md, "/signed", NULL, &err));
    CHECK(out == (char *)TU_SENTINEL);
    CHECK_OK(tuf_metadata_set_unrecognized_fields(md, "/signed", "{}", &err));
    json = unknown_of(md, "/signed");
    CHECK_STR(json, "{}");
    tuf_string_free(json);
    tuf_metadata_free(md);
}

/* ---- root ----------------------------------------------------------------------------------- */

static void test_root(void) {
    tuf_metadata *root = new_md(TUF_ROLE_ROOT), *targets = new_md(TUF_ROLE_TARGETS);
    tuf_signer *a = generate("ed25519"), *b = generate("ecdsa-sha2-nistp384");
    const tuf_key *ka = tuf_signer_key(a), *kb = tuf_signer_key(b);
    tuf_key *key = NULL, *clash = NULL, *out = (tuf_key *)TU_SENTINEL;
    const char *first, *second;

    CHECK(tuf_metadata_root_consistent_snapshot(root));
    CHECK_OK(tuf_metadata_root_set_consistent_snapshot(root, false, &err));
    CHECK(!tuf_metadata_root_consistent_snapshot(root));

    CHECK_OK(tuf_metadata_root_add_key(root, TUF_ROLE_ROOT, ka, &err));
    CHECK_OK(tuf_metadata_root_add_key(root, TUF_ROLE_ROOT, kb, &err));
    CHECK_OK(tuf_metadata_root_add_key(root, TUF_ROLE_ROOT, kb, &err)); /* no duplicate */
    CHECK_OK(tuf_metadata_root_add_key(root, TUF_ROLE_TIMESTAMP, ka, &err));
    CHECK(tuf_metadata_root_key_count(root) == 2);
    first = tuf_metadata_root_keyid_at(root, 0);
    second = tuf_metadata_root_keyid_at(root, 1);
    CHECK(first != NULL && second != NULL && strcmp(first, second) < 0); /* code-point order */
    CHECK(tuf_metadata_root_keyid_at(root, 0) == first);                  /* listed once */
    CHECK(tuf_metadata_root_keyid_at(root, 2) == NULL);
    CHECK(tuf_metadata_root_role_keyid_count(root, TUF_ROLE_ROOT) == 2);
    CHECK_STR(tuf_metadata_root_role_keyid_at(root, TUF_ROLE_ROOT, 0), tuf_key_keyid(ka));
    CHECK_STR(tuf_metadata_root_role_keyid_at(root, TUF_ROLE_ROOT, 1), tuf_key_keyid(kb));
    CHECK(tuf_metadata_root_role_keyid_at(root, TUF_ROLE_ROOT, 2) == NULL);
    CHECK(tuf_metadata_root_role_keyid_count(root, TUF_ROLE_SNAPSHOT) == 0);
    CHECK(tuf_metadata_root_role_keyid_count(root, 9) == 0);
    CHECK(tuf_metadata_root_role_keyid_at(root, 9, 0) == NULL);

    CHECK(tuf_metadata_root_role_threshold(root, TUF_ROLE_ROOT) == 1);
    CHECK_OK(tuf_metadata_root_set_threshold(root, TUF_ROLE_ROOT, 2, &err));
    CHECK(tuf_metadata_root_role_threshold(root, TUF_ROLE_ROOT) == 2);
    CHECK(tuf_metadata_root_role_threshold(root, 9) == 0);
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_root_set_threshold(root, TUF_ROLE_ROOT, 0, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_root_set_threshold(root, 9, 1, &err));

    CHECK_OK(tuf_metadata_root_get_key(root, tuf_key_keyid(kb), &key, &err));
    CHECK_STR(tuf_key_keyid(key), tuf_key_keyid(kb));
    CHECK_STR(tuf_key_to_json(key), tuf_key_to_json(kb));
    tuf_key_free(key);
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_root_get_key(root, "nope", &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_root_get_key(root, BAD_UTF8, &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_root_get_key(root, NULL, &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_root_get_key(NULL, tuf_key_keyid(ka), &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_root_get_key(root, tuf_key_keyid(ka), NULL, &err));
    CHECK(out == (tuf_key *)TU_SENTINEL);

    /* One keyid never names two keys. */
    CHECK_OK(tuf_key_from_json(tuf_key_to_json(kb), tuf_key_keyid(ka), &clash, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_root_add_key(root, TUF_ROLE_SNAPSHOT, clash, &err));
    CHECK(tuf_metadata_root_role_keyid_count(root, TUF_ROLE_SNAPSHOT) == 0);
    tuf_key_free(clash);
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_root_add_key(root, 9, ka, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_root_add_key(root, TUF_ROLE_ROOT, NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_root_add_key(NULL, TUF_ROLE_ROOT, ka, &err));

    /* Revoking: the key stays while another role uses it. */
    CHECK_OK(tuf_metadata_root_revoke_key(root, TUF_ROLE_ROOT, tuf_key_keyid(ka), &err));
    CHECK(tuf_metadata_root_key_count(root) == 2);
    CHECK_OK(tuf_metadata_root_revoke_key(root, TUF_ROLE_TIMESTAMP, tuf_key_keyid(ka), &err));
    CHECK(tuf_metadata_root_key_count(root) == 1);
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_root_revoke_key(root, TUF_ROLE_ROOT, tuf_key_keyid(ka), &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_root_revoke_key(root, TUF_ROLE_ROOT, BAD_UTF8, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_root_revoke_key(root, TUF_ROLE_ROOT, NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_root_revoke_key(root, 9, tuf_key_keyid(kb), &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_root_revoke_key(NULL, TUF_ROLE_ROOT, tuf_key_keyid(kb), &err));

    /* Metadata of another type, and NULL. */
    CHECK(!tuf_metadata_root_consistent_snapshot(targets));
    CHECK(!tuf_metadata_root_consistent_snapshot(NULL));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_root_set_consistent_snapshot(targets, true, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_root_set_consistent_snapshot(NULL, true, &err));
    CHECK(tuf_metadata_root_key_count(targets) == 0);
    CHECK(tuf_metadata_root_key_count(NULL) == 0);
    CHECK(tuf_metadata_root_keyid_at(targets, 0) == NULL);
    CHECK(tuf_metadata_root_keyid_at(NULL, 0) == NULL);
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_root_get_key(targets, tuf_key_keyid(kb), &out, &err));
    CHECK(tuf_metadata_root_role_keyid_count(targets, TUF_ROLE_ROOT) == 0);
    CHECK(tuf_metadata_root_role_keyid_count(NULL, TUF_ROLE_ROOT) == 0);
    CHECK(tuf_metadata_root_role_keyid_at(targets, TUF_ROLE_ROOT, 0) == NULL);
    CHECK(tuf_metadata_root_role_threshold(targets, TUF_ROLE_ROOT) == 0);
    CHECK(tuf_metadata_root_role_threshold(NULL, TUF_ROLE_ROOT) == 0);
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_root_set_threshold(targets, TUF_ROLE_ROOT, 1, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_root_set_threshold(NULL, TUF_ROLE_ROOT, 1, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_root_add_key(targets, TUF_ROLE_ROOT, ka, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_root_revoke_key(targets, TUF_ROLE_ROOT, tuf_key_keyid(kb), &err));

    tuf_signer_free(a);
    tuf_signer_free(b);
    tuf_metadata_free(root);
    tuf_metadata_free(targets);
}

/* ---- timestamp and snapshot meta ------------------------------------------------------------ */

static void test_meta(void) {
    tuf_metadata *ts = new_md(TUF_ROLE_TIMESTAMP), *snap = new_md(TUF_ROLE_SNAPSHOT);
    tuf_metadata *root = new_md(TUF_ROLE_ROOT);
    uint64_t version = 0, length = 99, len10 = 10;
    bool has_length = true;

    CHECK(tuf_metadata_meta_count(ts) == 1);
    CHECK_STR(tuf_metadata_meta_name_at(ts, 0), "snapshot.json");
    CHECK(tuf_metadata_meta_name_at(ts, 1) == NULL);
    CHECK_OK(tuf_metadata_meta_get(ts, "snapshot.json", &version, &has_length, &length, &err));
    CHECK(version == 1 && !has_length && length == 0);
    CHECK(tuf_metadata_meta_hash_count(ts, "snapshot.json") == 0);
    CHECK(tuf_metadata_meta_hash_algorithm(ts, "snapshot.json", 0) == NULL);
    CHECK(tuf_metadata_meta_hash_hex(ts, "snapshot.json", 0) == NULL);

    CHECK_OK(tuf_metadata_meta_set_from_bytes(ts, "snapshot.json", 3, (const uint8_t *)"abc", 3,
                                              &err));
    CHECK_OK(tuf_metadata_meta_get(ts, "snapshot.json", &version, &has_length, &length, &err));
    CHECK(version == 3 && has_length && length == 3);
    CHECK(tuf_metadata_meta_hash_count(ts, "snapshot.json") == 1);
    CHECK_STR(tuf_metadata_meta_hash_algorithm(ts, "snapshot.json", 0), "sha256");
    CHECK_STR(tuf_metadata_meta_hash_hex(ts, "snapshot.json", 0),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(tuf_metadata_meta_hash_hex(ts, "snapshot.json", 1) == NULL);

    CHECK_OK(tuf_metadata_meta_set(ts, "snapshot.json", 4, &len10,
                                   "{\"sha512\": \"00ff\", \"sha256\": \"ABCD\"}", &err));
    CHECK_OK(tuf_metadata_meta_get(ts, "snapshot.json", &version, NULL, NULL, &err));
    CHECK(version == 4);
    CHECK_OK(tuf_metadata_meta_get(ts, "snapshot.json", &version, &has_length, &length, &err));
    CHECK(has_length && length == 10);
    CHECK(tuf_metadata_meta_hash_count(ts, "snapshot.json") == 2);
    CHECK_STR(tuf_metadata_meta_hash_algorithm(ts, "snapshot.json", 0), "sha512");
    CHECK_STR(tuf_metadata_meta_hash_hex(ts, "snapshot.json", 1), "ABCD"); /* kept as written */
    CHECK_OK(tuf_metadata_meta_set(ts, "snapshot.json", 5, NULL, NULL, &err));
    CHECK_OK(tuf_metadata_meta_get(ts, "snapshot.json", &version, &has_length, &length, &err));
    CHECK(version == 5 && !has_length);
    CHECK(tuf_metadata_meta_hash_count(ts, "snapshot.json") == 0);

    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_meta_set(ts, "targets.json", 1, NULL, NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_meta_set(ts, "snapshot.json", 0, NULL, NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_meta_set(ts, "snapshot.json", 1, NULL, "{}", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_meta_set(ts, "snapshot.json", 1, NULL, "{\"sha256\": \"xyz\"}", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_meta_set(ts, "snapshot.json", 1, NULL, "[", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_meta_set(ts, "snapshot.json", 1, NULL, BAD_UTF8, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_meta_set(ts, BAD_UTF8, 1, NULL, NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_meta_set(ts, NULL, 1, NULL, NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_meta_set(NULL, "snapshot.json", 1, NULL, NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_meta_remove(ts, "snapshot.json", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_meta_get(ts, "targets.json", &version, NULL, NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_meta_get(ts, "snapshot.json", NULL, NULL, NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_meta_get(ts, BAD_UTF8, &version, NULL, NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_meta_get(ts, NULL, &version, NULL, NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_meta_get(NULL, "snapshot.json", &version, NULL, NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_meta_set_from_bytes(ts, "snapshot.json", 1, NULL, 3, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_meta_set_from_bytes(ts, NULL, 1, (const uint8_t *)"a", 1, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_meta_set_from_bytes(NULL, "snapshot.json", 1, NULL, 0, &err));
    CHECK(version == 5);

    CHECK(tuf_metadata_meta_count(snap) == 1);
    CHECK_STR(tuf_metadata_meta_name_at(snap, 0), "targets.json");
    CHECK_OK(tuf_metadata_meta_set(snap, "role.json", 2, NULL, NULL, &err));
    CHECK(tuf_metadata_meta_count(snap) == 2);
    CHECK_STR(tuf_metadata_meta_name_at(snap, 0), "role.json");
    CHECK_OK(tuf_metadata_meta_remove(snap, "role.json", &err));
    CHECK(tuf_metadata_meta_count(snap) == 1);
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_meta_remove(snap, "role.json", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_meta_remove(snap, BAD_UTF8, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_meta_remove(snap, NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_meta_remove(NULL, "role.json", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_meta_set(snap, "", 1, NULL, NULL, &err));

    CHECK(tuf_metadata_meta_count(root) == 0);
    CHECK(tuf_metadata_meta_count(NULL) == 0);
    CHECK(tuf_metadata_meta_name_at(root, 0) == NULL);
    CHECK(tuf_metadata_meta_name_at(NULL, 0) == NULL);
    CHECK(tuf_metadata_meta_hash_count(NULL, "snapshot.json") == 0);
    CHECK(tuf_metadata_meta_hash_count(ts, NULL) == 0);
    CHECK(tuf_metadata_meta_hash_count(ts, BAD_UTF8) == 0);
    CHECK(tuf_metadata_meta_hash_algorithm(NULL, "snapshot.json", 0) == NULL);
    CHECK(tuf_metadata_meta_hash_hex(ts, NULL, 0) == NULL);
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_meta_get(root, "snapshot.json", &version, NULL, NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_meta_set(root, "x.json", 1, NULL, NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_meta_set_from_bytes(root, "x.json", 1, NULL, 0, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_meta_remove(root, "x.json", &err));

    tuf_metadata_free(ts);
    tuf_metadata_free(snap);
    tuf_metadata_free(root);
}

/* ---- targets -------------------------------------------------------------------------------- */

static void test_target_files(void) {
    tuf_target_file *tf = NULL, *other = NULL, *out = (tuf_target_file *)TU_SENTINEL;
    char *tmp = tu_mkdtemp(), *path = tu_format("%s/data.bin", tmp);
    uint8_t *data = malloc(70000);
    size_t i;

    CHECK_OK(tuf_target_file_from_bytes("a.txt", (const uint8_t *)"hello", 5, &tf, &err));
    CHECK_STR(tuf_target_file_path(tf), "a.txt");
    CHECK(tuf_target_file_length(tf) == 5);
    CHECK(tuf_target_file_hash_count(tf) == 2);
    CHECK_STR(tuf_target_file_hash_algorithm(tf, 0), "sha256");
    CHECK_STR(tuf_target_file_hash_hex(tf, 0),
              "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    CHECK_STR(tuf_target_file_hash_algorithm(tf, 1), "sha512");
    CHECK(strlen(tuf_target_file_hash_hex(tf, 1)) == 128);
    CHECK(tuf_target_file_hash_algorithm(tf, 2) == NULL);
    CHECK(tuf_target_file_hash_hex(tf, 2) == NULL);
    CHECK(tuf_target_file_custom_json(tf) == NULL);

    CHECK_OK(tuf_target_file_set_custom(tf, "{\"v\": [1, \"\\u00e9\"]}", &err));
    CHECK_STR(tuf_target_file_custom_json(tf), "{\"v\":[1,\"\\u00e9\"]}");
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_target_file_set_custom(tf, "{", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_target_file_set_custom(tf, "1.5", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_target_file_set_custom(tf, BAD_UTF8, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_target_file_set_custom(NULL, "{}", &err));
    CHECK_STR(tuf_target_file_custom_json(tf), "{\"v\":[1,\"\\u00e9\"]}"); /* unchanged */
    CHECK_OK(tuf_target_file_set_custom(tf, NULL, &err));
    CHECK(tuf_target_file_custom_json(tf) == NULL);

    CHECK_OK(tuf_target_file_new("b.bin", 3, "{\"sha256\": \"ab\"}", &other, &err));
    CHECK(tuf_target_file_length(other) == 3);
    CHECK_STR(tuf_target_file_hash_hex(other, 0), "ab");
    tuf_target_file_free(other);
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_target_file_new("b", 3, "{}", &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_target_file_new("b", 3, "{\"sha256\": 1}", &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_target_file_new("b", 3, BAD_UTF8, &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_target_file_new("b", 3, NULL, &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_target_file_new(BAD_UTF8, 3, "{\"sha256\": \"ab\"}", &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_target_file_new(NULL, 3, "{\"sha256\": \"ab\"}", &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_target_file_new("b", 3, "{\"sha256\": \"ab\"}", NULL, &err));

    /* From a file larger than libtuf's read buffer: the same entry as from the bytes. */
    for (i = 0; i < 70000; i++) {
        data[i] = (uint8_t)(i % 251);
    }
    CHECK(tu_write_file(path, data, 70000) == 0);
    CHECK_OK(tuf_target_file_from_file("dir/data.bin", path, &other, &err));
    CHECK_STR(tuf_target_file_path(other), "dir/data.bin");
    CHECK(tuf_target_file_length(other) == 70000);
    tuf_target_file_free(tf);
    CHECK_OK(tuf_target_file_from_bytes("dir/data.bin", data, 70000, &tf, &err));
    CHECK_STR(tuf_target_file_hash_hex(other, 0), tuf_target_file_hash_hex(tf, 0));
    CHECK_STR(tuf_target_file_hash_hex(other, 1), tuf_target_file_hash_hex(tf, 1));
    tuf_target_file_free(other);
    free(path);
    path = tu_format("%s/missing", tmp);
    CHECK_CODE(TUF_ERR_IO, tuf_target_file_from_file("x", path, &out, &err));
    CHECK_CODE(TUF_ERR_IO, tuf_target_file_from_file("x", tmp, &out, &err)); /* a directory */
    CHECK_CODE(TUF_ERR_IO, tuf_target_file_from_file("x", "/dev/zero", &out, &err)); /* endless */
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_target_file_from_file("x", BAD_UTF8, &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_target_file_from_file("x", NULL, &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_target_file_from_file(NULL, path, &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_target_file_from_file("x", path, NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_target_file_from_bytes("x", NULL, 1, &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_target_file_from_bytes(BAD_UTF8, NULL, 0, &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_target_file_from_bytes(NULL, NULL, 0, &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_target_file_from_bytes("x", NULL, 0, NULL, &err));
    CHECK(out == (tuf_target_file *)TU_SENTINEL);

    CHECK(tuf_target_file_path(NULL) == NULL);
    CHECK(tuf_target_file_length(NULL) == 0);
    CHECK(tuf_target_file_hash_count(NULL) == 0);
    CHECK(tuf_target_file_hash_algorithm(NULL, 0) == NULL);
    CHECK(tuf_target_file_hash_hex(NULL, 0) == NULL);
    CHECK(tuf_target_file_custom_json(NULL) == NULL);
    tuf_target_file_free(NULL);
    tuf_target_file_free(tf);
    free(data);
    free(path);
    free(tmp);
}

static void test_targets(void) {
    tuf_metadata *md = new_md(TUF_ROLE_TARGETS), *root = new_md(TUF_ROLE_ROOT);
    tuf_target_file *a = NULL, *b = NULL, *got = NULL, *out = (tuf_target_file *)TU_SENTINEL;

    CHECK_OK(tuf_target_file_from_bytes("b.txt", (const uint8_t *)"b", 1, &b, &err));
    CHECK_OK(tuf_target_file_from_bytes("a.txt", (const uint8_t *)"a", 1, &a, &err));
    CHECK(tuf_metadata_targets_count(md) == 0);
    CHECK(tuf_metadata_targets_path_at(md, 0) == NULL);
    CHECK_OK(tuf_metadata_targets_add(md, b, &err));
    CHECK_OK(tuf_metadata_targets_add(md, a, &err));
    CHECK(tuf_metadata_targets_count(md) == 2);
    CHECK_STR(tuf_metadata_targets_path_at(md, 0), "a.txt");
    CHECK_STR(tuf_metadata_targets_path_at(md, 1), "b.txt");
    CHECK(tuf_metadata_targets_path_at(md, 2) == NULL);

    /* Adding the same path replaces the entry. */
    CHECK_OK(tuf_target_file_set_custom(a, "{\"k\": \"v\"}", &err));
    CHECK_OK(tuf_metadata_targets_add(md, a, &err));
    CHECK(tuf_metadata_targets_count(md) == 2);
    CHECK_OK(tuf_metadata_targets_get(md, "a.txt", &got, &err));
    CHECK_STR(tuf_target_file_path(got), "a.txt");
    CHECK_STR(tuf_target_file_custom_json(got), "{\"k\":\"v\"}");
    CHECK_STR(tuf_target_file_hash_hex(got, 0), tuf_target_file_hash_hex(a, 0));
    tuf_target_file_free(got);

    CHECK_CODE(TUF_ERR_TARGET_NOT_FOUND, tuf_metadata_targets_get(md, "A.txt", &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_targets_get(md, BAD_UTF8, &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_targets_get(md, NULL, &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_targets_get(NULL, "a.txt", &out, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_targets_get(md, "a.txt", NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_targets_get(root, "a.txt", &out, &err));
    CHECK(out == (tuf_target_file *)TU_SENTINEL);

    CHECK_OK(tuf_metadata_targets_remove(md, "a.txt", &err));
    CHECK(tuf_metadata_targets_count(md) == 1);
    CHECK_CODE(TUF_ERR_TARGET_NOT_FOUND, tuf_metadata_targets_remove(md, "a.txt", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_targets_remove(md, BAD_UTF8, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_targets_remove(md, NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_targets_remove(NULL, "b.txt", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_targets_remove(root, "b.txt", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_targets_add(root, a, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_targets_add(md, NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_targets_add(NULL, a, &err));
    CHECK(tuf_metadata_targets_count(root) == 0);
    CHECK(tuf_metadata_targets_count(NULL) == 0);
    CHECK(tuf_metadata_targets_path_at(root, 0) == NULL);
    CHECK(tuf_metadata_targets_path_at(NULL, 0) == NULL);

    tuf_target_file_free(a);
    tuf_target_file_free(b);
    tuf_metadata_free(md);
    tuf_metadata_free(root);
}

/* ---- delegations ---------------------------------------------------------------------------- */

static void test_delegations(void) {
    static const char *const paths[2] = {"files/*", "docs/*.txt"};
    static const char *const prefixes[2] = {"ab", "cd"};
    static const char *const bad[2] = {"ok", BAD_UTF8};
    static const char *const with_null[2] = {"ok", NULL};
    tuf_metadata *md = new_md(TUF_ROLE_TARGETS), *root = new_md(TUF_ROLE_ROOT);
    tuf_signer *a = generate("ed25519"), *b = generate("ecdsa-sha2-nistp256");
    const tuf_key *ka = tuf_signer_key(a), *kb = tuf_signer_key(b);
    tuf_key *key = NULL, *clash = NULL, *kout = (tuf_key *)TU_SENTINEL;
    char *name = NULL, *sout = (char *)TU_SENTINEL;

    CHECK(!tuf_metadata_has_delegations(md));
    CHECK(tuf_metadata_delegations_key_count(md) == 0);
    CHECK(tuf_metadata_delegations_keyid_at(md, 0) == NULL);
    CHECK(tuf_metadata_delegated_role_count(md) == 0);
    /* A failed first change leaves no empty delegations behind. */
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_delegations_add_key(md, "files", ka, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_delegations_set_succinct(md, 3, "bin", 0, &err));
    CHECK(!tuf_metadata_has_delegations(md));

    CHECK_OK(tuf_metadata_delegations_add_role(md, "files", 1, false, paths, 2, NULL, 0, &err));
    CHECK(tuf_metadata_has_delegations(md));
    CHECK_OK(tuf_metadata_delegations_add_role(md, "hashed", 1, true, NULL, 0, prefixes, 2, &err));
    CHECK_OK(tuf_metadata_delegations_add_role(md, "empty", 1, false, paths, 0, NULL, 0, &err));
    CHECK(tuf_metadata_delegated_role_count(md) == 3);
    CHECK_STR(tuf_metadata_delegated_role_name(md, 0), "files");
    CHECK_STR(tuf_metadata_delegated_role_name(md, 1), "hashed");
    CHECK(tuf_metadata_delegated_role_name(md, 3) == NULL);
    CHECK(!tuf_metadata_delegated_role_terminating(md, 0));
    CHECK(tuf_metadata_delegated_role_terminating(md, 1));
    CHECK(!tuf_metadata_delegated_role_uses_hash_prefixes(md, 0));
    CHECK(tuf_metadata_delegated_role_uses_hash_prefixes(md, 1));
    CHECK(tuf_metadata_delegated_role_path_count(md, 0) == 2);
    CHECK_STR(tuf_metadata_delegated_role_path_at(md, 0, 1), "docs/*.txt");
    CHECK(tuf_metadata_delegated_role_path_at(md, 0, 2) == NULL);
    CHECK(tuf_metadata_delegated_role_hash_prefix_count(md, 0) == 0);
    CHECK(tuf_metadata_delegated_role_hash_prefix_at(md, 0, 0) == NULL);
    CHECK(tuf_metadata_delegated_role_hash_prefix_count(md, 1) == 2);
    CHECK_STR(tuf_metadata_delegated_role_hash_prefix_at(md, 1, 1), "cd");
    CHECK(tuf_metadata_delegated_role_path_count(md, 1) == 0);
    CHECK(tuf_metadata_delegated_role_path_at(md, 1, 0) == NULL);
    CHECK(tuf_metadata_delegated_role_path_count(md, 2) == 0);
    CHECK(!tuf_metadata_delegated_role_uses_hash_prefixes(md, 2));
    CHECK_OK(tuf_metadata_delegations_remove_role(md, "empty", &err));
    CHECK(tuf_metadata_delegated_role_count(md) == 2);

#define ADD_ROLE_FAILS(...)                                                                       \
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_delegations_add_role(__VA_ARGS__, &err))
    ADD_ROLE_FAILS(md, "x", 1, false, paths, 2, prefixes, 2); /* both */
    ADD_ROLE_FAILS(md, "x", 1, false, NULL, 0, NULL, 0);      /* neither */
    ADD_ROLE_FAILS(md, "x", 1, false, NULL, 1, NULL, 0);
    ADD_ROLE_FAILS(md, "x", 1, false, bad, 2, NULL, 0);
    ADD_ROLE_FAILS(md, "x", 1, false, with_null, 2, NULL, 0);
    ADD_ROLE_FAILS(md, "targets", 1, false, paths, 2, NULL, 0);
    ADD_ROLE_FAILS(md, "", 1, false, paths, 2, NULL, 0);
    ADD_ROLE_FAILS(md, "files", 1, false, paths, 2, NULL, 0); /* already delegated */
    ADD_ROLE_FAILS(md, "x", 0, false, paths, 2, NULL, 0);
    ADD_ROLE_FAILS(md, BAD_UTF8, 1, false, paths, 2, NULL, 0);
    ADD_ROLE_FAILS(md, NULL, 1, false, paths, 2, NULL, 0);
    ADD_ROLE_FAILS(NULL, "x", 1, false, paths, 2, NULL, 0);
    ADD_ROLE_FAILS(root, "x", 1, false, paths, 2, NULL, 0);
    CHECK(tuf_metadata_delegated_role_count(md) == 2);

    /* Keys, as python-tuf's Targets.add_key and revoke_key. */
    CHECK_OK(tuf_metadata_delegations_add_key(md, "files", ka, &err));
    CHECK_OK(tuf_metadata_delegations_add_key(md, "hashed", ka, &err));
    CHECK_OK(tuf_metadata_delegations_add_key(md, "hashed", kb, &err));
    CHECK(tuf_metadata_delegations_key_count(md) == 2);
    CHECK(tuf_metadata_delegations_keyid_at(md, 0) != NULL);
    CHECK(tuf_metadata_delegations_keyid_at(md, 2) == NULL);
    CHECK(tuf_metadata_delegated_role_keyid_count(md, 1) == 2);
    CHECK_STR(tuf_metadata_delegated_role_keyid_at(md, 1, 1), tuf_key_keyid(kb));
    CHECK(tuf_metadata_delegated_role_keyid_at(md, 1, 2) == NULL);
    CHECK_OK(tuf_metadata_delegations_set_threshold(md, "hashed", 2, &err));
    CHECK(tuf_metadata_delegated_role_threshold(md, 1) == 2);
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_delegations_set_threshold(md, "hashed", 0, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_delegations_set_threshold(md, "nope", 1, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_delegations_set_threshold(md, NULL, 1, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_delegations_set_threshold(md, BAD_UTF8, 1, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_delegations_set_threshold(NULL, "hashed", 1, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_delegations_add_key(md, NULL, ka, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_delegations_add_key(md, "nope", ka, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_delegations_add_key(md, BAD_UTF8, ka, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_delegations_add_key(md, "files", NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_delegations_add_key(NULL, "files", ka, &err));
    CHECK_OK(tuf_key_from_json(tuf_key_to_json(kb), tuf_key_keyid(ka), &clash, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_delegations_add_key(md, "files", clash, &err));
    tuf_key_free(clash);

    CHECK_OK(tuf_metadata_delegations_get_key(md, tuf_key_keyid(kb), &key, &err));
    CHECK_STR(tuf_key_to_json(key), tuf_key_to_json(kb));
    tuf_key_free(key);
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_delegations_get_key(md, "nope", &kout, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_delegations_get_key(md, BAD_UTF8, &kout, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_delegations_get_key(md, NULL, &kout, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_delegations_get_key(NULL, tuf_key_keyid(kb), &kout, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_delegations_get_key(md, tuf_key_keyid(kb), NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_delegations_get_key(root, tuf_key_keyid(kb), &kout, &err));
    CHECK(kout == (tuf_key *)TU_SENTINEL);

    CHECK_OK(tuf_metadata_delegations_revoke_key(md, "files", tuf_key_keyid(ka), &err));
    CHECK(tuf_metadata_delegations_key_count(md) == 2); /* "hashed" still uses it */
    CHECK_OK(tuf_metadata_delegations_revoke_key(md, "hashed", tuf_key_keyid(ka), &err));
    CHECK(tuf_metadata_delegations_key_count(md) == 1);
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_delegations_revoke_key(md, "hashed", tuf_key_keyid(ka), &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_delegations_revoke_key(md, NULL, tuf_key_keyid(kb), &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_delegations_revoke_key(md, "hashed", NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_delegations_revoke_key(md, "hashed", BAD_UTF8, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_delegations_revoke_key(NULL, "hashed", tuf_key_keyid(kb), &err));

    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_delegations_remove_role(md, "nope", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_delegations_remove_role(md, BAD_UTF8, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_delegations_remove_role(md, NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_delegations_remove_role(NULL, "files", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_delegations_remove_role(root, "files", &err));
    /* Succinct delegations need the classic roles gone. */
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_delegations_set_succinct(md, 3, "bin", 1, &err));
    CHECK_OK(tuf_metadata_delegations_remove_role(md, "files", &err));
    CHECK_OK(tuf_metadata_delegations_remove_role(md, "hashed", &err));
    CHECK(tuf_metadata_succinct_bit_length(md) == 0);
    CHECK(tuf_metadata_succinct_name_prefix(md) == NULL);
    CHECK(tuf_metadata_succinct_bin_count(md) == 0);
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_succinct_bin_name(md, 0, &sout, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_succinct_bin_for_target(md, "file1.txt", &sout, &err));

    /* TAP 15 bins, with the digest's worked example (4.3). */
    CHECK_OK(tuf_metadata_delegations_set_succinct(md, 11, "alice.hbd", 1, &err));
    CHECK(tuf_metadata_delegated_role_count(md) == 0);
    CHECK(tuf_metadata_succinct_bit_length(md) == 11);
    CHECK_STR(tuf_metadata_succinct_name_prefix(md), "alice.hbd");
    CHECK(tuf_metadata_succinct_threshold(md) == 1);
    CHECK(tuf_metadata_succinct_bin_count(md) == 2048);
    CHECK_OK(tuf_metadata_succinct_bin_for_target(md, "file1.txt", &name, &err));
    CHECK_STR(name, "alice.hbd-2ad");
    tuf_string_free(name);
    CHECK_OK(tuf_metadata_succinct_bin_for_target(md, "dir/file2.txt", &name, &err));
    CHECK_STR(name, "alice.hbd-003");
    tuf_string_free(name);
    CHECK_OK(tuf_metadata_succinct_bin_name(md, 2047, &name, &err));
    CHECK_STR(name, "alice.hbd-7ff");
    tuf_string_free(name);
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_succinct_bin_name(md, 2048, &sout, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_succinct_bin_name(md, UINT64_MAX, &sout, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_succinct_bin_name(md, 0, NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_succinct_bin_name(NULL, 0, &sout, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_succinct_bin_for_target(md, BAD_UTF8, &sout, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_succinct_bin_for_target(md, NULL, &sout, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_succinct_bin_for_target(md, "x", NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_succinct_bin_for_target(NULL, "x", &sout, &err));
    CHECK(sout == (char *)TU_SENTINEL);

    CHECK_OK(tuf_metadata_delegations_add_key(md, NULL, kb, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_delegations_add_key(md, "alice.hbd-000", ka, &err));
    CHECK(tuf_metadata_succinct_keyid_count(md) == 1);
    CHECK_STR(tuf_metadata_succinct_keyid_at(md, 0), tuf_key_keyid(kb));
    CHECK(tuf_metadata_succinct_keyid_at(md, 1) == NULL);
    CHECK_OK(tuf_metadata_delegations_set_threshold(md, NULL, 2, &err));
    CHECK(tuf_metadata_succinct_threshold(md) == 2);
    CHECK_OK(tuf_metadata_delegations_set_succinct(md, 3, "bin", 1, &err)); /* keyids kept */
    CHECK(tuf_metadata_succinct_keyid_count(md) == 1);
    CHECK(tuf_metadata_succinct_bin_count(md) == 8);
    CHECK_OK(tuf_metadata_succinct_bin_for_target(md, "file1.txt", &name, &err));
    CHECK_STR(name, "bin-2");
    tuf_string_free(name);
    ADD_ROLE_FAILS(md, "x", 1, false, paths, 2, NULL, 0);
    CHECK_OK(tuf_metadata_delegations_revoke_key(md, NULL, tuf_key_keyid(kb), &err));
    CHECK(tuf_metadata_delegations_key_count(md) == 0);
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_delegations_set_succinct(md, 0, "bin", 1, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_delegations_set_succinct(md, 33, "bin", 1, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_delegations_set_succinct(md, 3, "bin", 0, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_delegations_set_succinct(md, 3, BAD_UTF8, 1, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_delegations_set_succinct(md, 3, NULL, 1, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_delegations_set_succinct(NULL, 3, "b", 1, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_delegations_set_succinct(root, 3, "b", 1, &err));
    CHECK(tuf_metadata_succinct_bit_length(md) == 3);

    /* Other metadata and NULL. */
    CHECK(!tuf_metadata_has_delegations(root));
    CHECK(!tuf_metadata_has_delegations(NULL));
    CHECK(tuf_metadata_delegations_key_count(NULL) == 0);
    CHECK(tuf_metadata_delegations_keyid_at(NULL, 0) == NULL);
    CHECK(tuf_metadata_delegated_role_count(root) == 0);
    CHECK(tuf_metadata_delegated_role_count(NULL) == 0);
    CHECK(tuf_metadata_delegated_role_name(NULL, 0) == NULL);
    CHECK(tuf_metadata_delegated_role_threshold(NULL, 0) == 0);
    CHECK(!tuf_metadata_delegated_role_terminating(NULL, 0));
    CHECK(tuf_metadata_delegated_role_keyid_count(NULL, 0) == 0);
    CHECK(tuf_metadata_delegated_role_keyid_at(NULL, 0, 0) == NULL);
    CHECK(!tuf_metadata_delegated_role_uses_hash_prefixes(NULL, 0));
    CHECK(tuf_metadata_delegated_role_path_count(NULL, 0) == 0);
    CHECK(tuf_metadata_delegated_role_path_at(NULL, 0, 0) == NULL);
    CHECK(tuf_metadata_delegated_role_hash_prefix_count(NULL, 0) == 0);
    CHECK(tuf_metadata_delegated_role_hash_prefix_at(NULL, 0, 0) == NULL);
    CHECK(tuf_metadata_succinct_bit_length(root) == 0);
    CHECK(tuf_metadata_succinct_name_prefix(NULL) == NULL);
    CHECK(tuf_metadata_succinct_threshold(NULL) == 0);
    CHECK(tuf_metadata_succinct_keyid_count(NULL) == 0);
    CHECK(tuf_metadata_succinct_keyid_at(NULL, 0) == NULL);
    CHECK(tuf_metadata_succinct_bin_count(NULL) == 0);
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_delegations_add_key(root, NULL, ka, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_metadata_delegations_revoke_key(root, NULL, tuf_key_keyid(ka), &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_delegations_set_threshold(root, NULL, 1, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_succinct_bin_name(root, 0, &sout, &err));
#undef ADD_ROLE_FAILS

    tuf_signer_free(a);
    tuf_signer_free(b);
    tuf_metadata_free(md);
    tuf_metadata_free(root);
}

/* ---- a repository: signing, verify_delegate, rotation, detached signatures ------------------- */

static void test_repository(void) {
    static const char *const apps_paths[1] = {"apps/*"};
    tuf_signer *root1 = generate("ed25519"), *root2 = generate("ecdsa-sha2-nistp384");
    tuf_signer *ts = generate("ecdsa-sha2-nistp256"), *snap = generate("ed25519");
    tuf_signer *targ = generate("ed25519"), *apps_key = generate("ecdsa-sha2-nistp256");
    tuf_metadata *root = new_md(TUF_ROLE_ROOT), *timestamp = new_md(TUF_ROLE_TIMESTAMP);
    tuf_metadata *snapshot = new_md(TUF_ROLE_SNAPSHOT), *targets = new_md(TUF_ROLE_TARGETS);
    tuf_metadata *apps = new_md(TUF_ROLE_TARGETS), *v2 = NULL, *copy = NULL;
    uint8_t *bytes = NULL, *sig = NULL;
    size_t len = 0, n = 0;
    char *hex = NULL;

    CHECK_OK(tuf_metadata_root_add_key(root, TUF_ROLE_ROOT, tuf_signer_key(root1), &err));
    CHECK_OK(tuf_metadata_root_add_key(root, TUF_ROLE_TIMESTAMP, tuf_signer_key(ts), &err));
    CHECK_OK(tuf_metadata_root_add_key(root, TUF_ROLE_SNAPSHOT, tuf_signer_key(snap), &err));
    CHECK_OK(tuf_metadata_root_add_key(root, TUF_ROLE_TARGETS, tuf_signer_key(targ), &err));
    CHECK_OK(tuf_metadata_sign(root, root1, false, &err));
    CHECK(tuf_metadata_signature_count(root) == 1);
    CHECK_STR(tuf_metadata_signature_keyid(root, 0), tuf_key_keyid(tuf_signer_key(root1)));
    CHECK(strlen(tuf_metadata_signature_hex(root, 0)) == 128);
    CHECK(tuf_metadata_signature_keyid(root, 1) == NULL);
    CHECK(tuf_metadata_signature_hex(root, 1) == NULL);
    CHECK(tuf_metadata_signature_keyid(NULL, 0) == NULL);
    CHECK(tuf_metadata_signature_hex(NULL, 0) == NULL);
    CHECK(tuf_metadata_signature_count(NULL) == 0);
    CHECK_OK(tuf_metadata_verify_delegate(root, "root", root, &err));

    CHECK_OK(tuf_metadata_sign(timestamp, ts, false, &err));
    CHECK_OK(tuf_metadata_verify_delegate(root, "timestamp", timestamp, &err));
    /* Signed by a key root does not give the role: rejected; appended, it verifies again. */
    CHECK_OK(tuf_metadata_sign(timestamp, snap, false, &err));
    CHECK(tuf_metadata_signature_count(timestamp) == 1);
    CHECK_CODE(TUF_ERR_BAD_SIGNATURE, tuf_metadata_verify_delegate(root, "timestamp", timestamp, &err));
    CHECK_OK(tuf_metadata_sign(timestamp, ts, true, &err));
    CHECK(tuf_metadata_signature_count(timestamp) == 2);
    CHECK_OK(tuf_metadata_verify_delegate(root, "timestamp", timestamp, &err));
    /* A change after signing breaks the signature. */
    CHECK_OK(tuf_metadata_bump_version(timestamp, &err));
    CHECK_CODE(TUF_ERR_BAD_SIGNATURE, tuf_metadata_verify_delegate(root, "timestamp", timestamp, &err));

    /* Detached signing: the signed bytes signed elsewhere, the signature added. */
    CHECK_OK(tuf_metadata_signed_bytes(snapshot, &bytes, &len, &err));
    CHECK_OK(tuf_signer_sign(snap, bytes, len, &sig, &n, &err));
    hex = to_hex(sig, n);
    CHECK_OK(tuf_metadata_add_signature(snapshot, tuf_key_keyid(tuf_signer_key(snap)), hex, &err));
    CHECK_OK(tuf_metadata_verify_delegate(root, "snapshot", snapshot, &err));
    CHECK_STR(tuf_metadata_signature_hex(snapshot, 0), hex);
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_add_signature(snapshot, "", hex, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_add_signature(snapshot, "k", "xyz", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_add_signature(snapshot, "k", "", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_add_signature(snapshot, BAD_UTF8, hex, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_add_signature(snapshot, "k", BAD_UTF8, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_add_signature(snapshot, NULL, hex, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_add_signature(snapshot, "k", NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_add_signature(NULL, "k", hex, &err));
    CHECK(tuf_metadata_signature_count(snapshot) == 1);
    free(hex);
    tuf_bytes_free(sig);
    tuf_bytes_free(bytes);

    /* Targets delegating to "apps"; apps verified with the delegator's keys only. */
    CHECK_OK(tuf_metadata_delegations_add_role(targets, "apps", 1, true, apps_paths, 1, NULL, 0,
                                               &err));
    CHECK_OK(tuf_metadata_delegations_add_key(targets, "apps", tuf_signer_key(apps_key), &err));
    CHECK_OK(tuf_metadata_sign(targets, targ, false, &err));
    CHECK_OK(tuf_metadata_sign(apps, apps_key, false, &err));
    CHECK_OK(tuf_metadata_verify_delegate(root, "targets", targets, &err));
    CHECK_OK(tuf_metadata_verify_delegate(targets, "apps", apps, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_verify_delegate(root, "apps", apps, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_verify_delegate(targets, "other", apps, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_verify_delegate(timestamp, "root", root, &err));
    CHECK_CODE(TUF_ERR_INVALID_METADATA, tuf_metadata_verify_delegate(root, "timestamp", apps, &err));
    CHECK_CODE(TUF_ERR_INVALID_METADATA, tuf_metadata_verify_delegate(targets, "apps", root, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_verify_delegate(root, BAD_UTF8, root, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_verify_delegate(root, NULL, root, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_verify_delegate(NULL, "root", root, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_verify_delegate(root, "root", NULL, &err));

    /* Root rotation: v2 replaces root1 by root2 and is signed by both; the old root
     * verifies it (5.3.4), as does v2 itself. Signed by root2 alone, the old root refuses. */
    v2 = reread(root);
    CHECK_OK(tuf_metadata_root_revoke_key(v2, TUF_ROLE_ROOT, tuf_key_keyid(tuf_signer_key(root1)),
                                          &err));
    CHECK_OK(tuf_metadata_root_add_key(v2, TUF_ROLE_ROOT, tuf_signer_key(root2), &err));
    CHECK_OK(tuf_metadata_bump_version(v2, &err));
    CHECK_OK(tuf_metadata_sign(v2, root2, false, &err));
    CHECK_CODE(TUF_ERR_BAD_SIGNATURE, tuf_metadata_verify_delegate(root, "root", v2, &err));
    CHECK_OK(tuf_metadata_verify_delegate(v2, "root", v2, &err));
    CHECK_OK(tuf_metadata_sign(v2, root1, true, &err));
    CHECK_OK(tuf_metadata_verify_delegate(root, "root", v2, &err));
    CHECK(tuf_metadata_version(v2) == 2);
    /* Written and read back, everything still verifies. */
    copy = reread(v2);
    CHECK_OK(tuf_metadata_verify_delegate(root, "root", copy, &err));
    CHECK_OK(tuf_metadata_verify_delegate(copy, "root", copy, &err));
    tuf_metadata_free(copy);

    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_sign(NULL, root1, false, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_metadata_sign(root, NULL, false, &err));

    tuf_signer_free(root1);
    tuf_signer_free(root2);
    tuf_signer_free(ts);
    tuf_signer_free(snap);
    tuf_signer_free(targ);
    tuf_signer_free(apps_key);
    tuf_metadata_free(root);
    tuf_metadata_free(v2);
    tuf_metadata_free(timestamp);
    tuf_metadata_free(snapshot);
    tuf_metadata_free(targets);
    tuf_metadata_free(apps);
}

/* ---- the demo repository, read and written back --------------------------------------------- */

struct demo_file {
    const char *name;
    tuf_metadata *md;
};

static void test_demo_repository(void) {
    struct demo_file files[5] = {{"1.root.json", NULL},
                                 {"timestamp.json", NULL},
                                 {"1.snapshot.json", NULL},
                                 {"1.targets.json", NULL},
                                 {"1.apps.json", NULL}};
    char *dir = tu_format("%s/metadata", demo_repo);
    size_t i, len = 0, out_len = 0;
    uint64_t version = 0;

    for (i = 0; i < 5; i++) {
        uint8_t *file = (uint8_t *)read_text(dir, files[i].name, &len);
        uint8_t *bytes;
        CHECK_OK(tuf_metadata_from_bytes(file, len, &files[i].md, &err));
        bytes = write_md(files[i].md, TUF_FORMAT_PRETTY, &out_len);
        CHECK(out_len == len && memcmp(bytes, file, len) == 0); /* byte for byte */
        tuf_bytes_free(bytes);
        free(file);
    }
    CHECK_OK(tuf_metadata_verify_delegate(files[0].md, "root", files[0].md, &err));
    CHECK_OK(tuf_metadata_verify_delegate(files[0].md, "timestamp", files[1].md, &err));
    CHECK_OK(tuf_metadata_verify_delegate(files[0].md, "snapshot", files[2].md, &err));
    CHECK_OK(tuf_metadata_verify_delegate(files[0].md, "targets", files[3].md, &err));
    CHECK_OK(tuf_metadata_verify_delegate(files[3].md, "apps", files[4].md, &err));
    CHECK(tuf_metadata_root_consistent_snapshot(files[0].md));
    CHECK_OK(tuf_metadata_meta_get(files[2].md, "apps.json", &version, NULL, NULL, &err));
    CHECK(version == 1);
    CHECK(tuf_metadata_delegated_role_count(files[3].md) == 1);
    CHECK_STR(tuf_metadata_delegated_role_name(files[3].md, 0), "apps");
    for (i = 0; i < 5; i++) {
        tuf_metadata_free(files[i].md);
    }
    free(dir);
}

int main(int argc, char **argv) {
    demo_repo = tu_demo_repo(argc, argv);
    keys_dir = tu_format("%s/../../tests/data/keys", demo_repo);
    test_keys();
    test_signers();
    test_callback_signer();
    test_common_fields();
    test_write_and_read();
    test_unrecognized_fields();
    test_root();
    test_meta();
    test_target_files();
    test_targets();
    test_delegations();
    test_repository();
    test_demo_repository();
    free(keys_dir);
    return tu_finish();
}
