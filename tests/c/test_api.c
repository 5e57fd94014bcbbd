/*
 * test_api: every function of include/tuf.h, with its error paths (NULL for each pointer
 * argument, invalid UTF-8, out-parameters untouched on failure, *err NULL on success), and
 * the updater over file:// against a copy of the demo repository.
 *
 *   test_api DEMO_REPO_DIR
 */
#define _DEFAULT_SOURCE /* flock, nanosleep */

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include <tuf.h>

#include "testutil.h"

#define BAD_UTF8 "\xff\xfe bad"
#define HELLO_SHA256 "93a92c4b9f80ef6fe400b265c6a9347652a05cb712d439e338d83f43b061811c"

/* ---- version, result codes, errors, free(NULL) ------------------------------------------- */

static void test_version(void) {
    char expected[64];
    snprintf(expected, sizeof expected, "%d.%d.%d", TUF_VERSION_MAJOR, TUF_VERSION_MINOR,
             TUF_VERSION_PATCH);
    CHECK(tuf_version() != NULL);
    CHECK_STR(tuf_version(), expected);
    CHECK(tuf_version() == tuf_version()); /* static */
    CHECK(TUF_VERSION_NUMBER ==
          ((TUF_VERSION_MAJOR << 16) | (TUF_VERSION_MINOR << 8) | TUF_VERSION_PATCH));
}

static void test_result_str(void) {
    static const tuf_result codes[] = {
        TUF_OK,
        TUF_ERR_INVALID_ARGUMENT,
        TUF_ERR_INVALID_METADATA,
        TUF_ERR_BAD_SIGNATURE,
        TUF_ERR_BAD_VERSION,
        TUF_ERR_EXPIRED,
        TUF_ERR_LENGTH_OR_HASH_MISMATCH,
        TUF_ERR_REPOSITORY,
        TUF_ERR_DOWNLOAD,
        TUF_ERR_LENGTH_EXCEEDED,
        TUF_ERR_SLOW_RETRIEVAL,
        TUF_ERR_IO,
        TUF_ERR_TARGET_NOT_FOUND,
        TUF_ERR_STATE,
        TUF_ERR_CRYPTO,
        TUF_ERR_PANIC,
        TUF_ERR_CANCELLED,
    };
    const size_t n = sizeof codes / sizeof codes[0];
    const char *unknown = tuf_result_str(1000);
    size_t i, j;
    CHECK(unknown != NULL && unknown[0] != '\0');
    CHECK(n == 17);
    for (i = 0; i < n; i++) {
        const char *s = tuf_result_str(codes[i]);
        CHECK(codes[i] == (tuf_result)i); /* stable numbering */
        CHECK(s != NULL && s[0] != '\0');
        CHECK(strcmp(s, unknown) != 0);
        for (j = 0; j < i; j++) {
            CHECK(strcmp(s, tuf_result_str(codes[j])) != 0);
        }
    }
    CHECK(tuf_result_str(17) != NULL);
    CHECK_STR(tuf_result_str(17), unknown);
    CHECK_STR(tuf_result_str(UINT32_MAX), unknown);
    CHECK_STR(tuf_result_str(0x80000000u), unknown);
}

static void test_errors(void) {
    tuf_error *err = NULL;
    tuf_updater_config *cfg = TU_SENTINEL;
    tuf_result r;

    CHECK(tuf_error_code(NULL) == TUF_ERR_INVALID_ARGUMENT);
    CHECK(tuf_error_message(NULL) != NULL);
    CHECK(tuf_error_message(NULL)[0] != '\0');
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_config_set_progress_callback(NULL, NULL, NULL, &err));
    CHECK(tuf_error_http_status(NULL) == 0);
    CHECK(tuf_error_url(NULL) == NULL);
    CHECK(tuf_error_role(NULL) == NULL);

    r = tuf_updater_config_new(NULL, "file:///x", &cfg, &err);
    CHECK(r == TUF_ERR_INVALID_ARGUMENT);
    CHECK(err != NULL);
    CHECK(tuf_error_code(err) == TUF_ERR_INVALID_ARGUMENT);
    CHECK(tuf_error_message(err) != NULL);
    CHECK(strstr(tuf_error_message(err), "metadata_dir") != NULL);
    /* Not a download, not about a role: no structured fields. */
    CHECK(tuf_error_http_status(err) == 0);
    CHECK(tuf_error_url(err) == NULL);
    CHECK(tuf_error_role(err) == NULL);
    CHECK(tuf_error_message(err) == tuf_error_message(err)); /* borrowed, stable */
    CHECK(cfg == TU_SENTINEL);
    tuf_error_free(err);

    /* err == NULL: the caller does not want the details; the code is still returned. */
    CHECK(tuf_updater_config_new(NULL, "file:///x", &cfg, NULL) == TUF_ERR_INVALID_ARGUMENT);
    CHECK(cfg == TU_SENTINEL);
}

static void test_free_null(void) {
    tuf_updater_config_free(NULL);
    tuf_updater_free(NULL);
    tuf_verifier_free(NULL);
    tuf_target_info_free(NULL);
    tuf_error_free(NULL);
    tuf_string_free(NULL);
    CHECK(1);
}

/* ---- configuration ----------------------------------------------------------------------- */

static int dummy_fetch(void *userdata, const char *url, uint64_t max_length, tuf_sink *sink) {
    (void)userdata;
    (void)url;
    (void)max_length;
    (void)sink;
    return 404;
}

static void dummy_log(void *userdata, int level, const char *message) {
    (void)userdata;
    (void)level;
    (void)message;
}

/* Every setter rejects a NULL configuration. */
static void test_config_null(void) {
    const int64_t t = 1700000000;
    const uint8_t byte = '{';
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_targets_dir(NULL, "/x", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_config_set_targets_base_url(NULL, "file:///x", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_config_set_bootstrap_root(NULL, &byte, 1, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_config_set_max_root_rotations(NULL, 1, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_max_delegations(NULL, 1, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_root_max_length(NULL, 1, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_config_set_timestamp_max_length(NULL, 1, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_config_set_snapshot_max_length(NULL, 1, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_config_set_targets_max_length(NULL, 1, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_config_set_prefix_targets_with_hash(NULL, true, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_strict_keyids(NULL, true, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_config_set_sync_all_writes(NULL, true, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_reference_time(NULL, &t, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_user_agent(NULL, "ua", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_config_set_connect_timeout_ms(NULL, 1, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_min_speed(NULL, 1, 1, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_max_redirects(NULL, 1, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_timeout_ms(NULL, 1, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_lock_timeout_ms(NULL, 1, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_offline(NULL, true, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_config_set_offline_accept_expired_unsafe(NULL, false, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_in_memory(NULL, true, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_storage(NULL, NULL, NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_config_set_fetcher(NULL, dummy_fetch, NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_config_set_log_callback(NULL, dummy_log, NULL, &err));
}

static void test_config(const struct tu_demo *env) {
    tuf_updater_config *cfg = TU_SENTINEL;
    int64_t t;

    /* tuf_updater_config_new: each pointer NULL, invalid UTF-8; *out untouched. */
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_config_new(NULL, env->metadata_url, &cfg, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_new(env->tmp, NULL, &cfg, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_config_new(env->tmp, env->metadata_url, NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_config_new(BAD_UTF8, env->metadata_url, &cfg, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_new(env->tmp, BAD_UTF8, &cfg, &err));
    CHECK(cfg == TU_SENTINEL);
    CHECK_OK(tuf_updater_config_new(env->tmp, env->metadata_url, &cfg, &err));
    CHECK(cfg != NULL && cfg != TU_SENTINEL);

    test_config_null();

    /* Strings: NULL means "none"; invalid UTF-8 is rejected. */
    CHECK_OK(tuf_updater_config_set_targets_dir(cfg, NULL, &err));
    CHECK_OK(tuf_updater_config_set_targets_dir(cfg, env->tmp, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_targets_dir(cfg, BAD_UTF8, &err));
    CHECK_OK(tuf_updater_config_set_targets_base_url(cfg, NULL, &err));
    CHECK_OK(tuf_updater_config_set_targets_base_url(cfg, env->targets_url, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_config_set_targets_base_url(cfg, BAD_UTF8, &err));

    /* Bytes: NULL with a length is rejected. */
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_config_set_bootstrap_root(cfg, NULL, 10, &err));
    CHECK_OK(tuf_updater_config_set_bootstrap_root(cfg, env->root, env->root_len, &err));

    /* Limits: 0 is rejected. */
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_max_root_rotations(cfg, 0, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_max_delegations(cfg, 0, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_root_max_length(cfg, 0, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_config_set_timestamp_max_length(cfg, 0, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_config_set_snapshot_max_length(cfg, 0, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_targets_max_length(cfg, 0, &err));
    CHECK_OK(tuf_updater_config_set_max_root_rotations(cfg, 1, &err));
    CHECK_OK(tuf_updater_config_set_max_root_rotations(cfg, 256, &err));
    CHECK_OK(tuf_updater_config_set_max_delegations(cfg, UINT32_MAX, &err));
    CHECK_OK(tuf_updater_config_set_max_delegations(cfg, 32, &err));
    CHECK_OK(tuf_updater_config_set_root_max_length(cfg, UINT64_MAX, &err));
    CHECK_OK(tuf_updater_config_set_root_max_length(cfg, 512000, &err));
    CHECK_OK(tuf_updater_config_set_timestamp_max_length(cfg, 16384, &err));
    CHECK_OK(tuf_updater_config_set_snapshot_max_length(cfg, 2000000, &err));
    CHECK_OK(tuf_updater_config_set_targets_max_length(cfg, 5000000, &err));

    /* Booleans and transport settings (0 is allowed there). */
    CHECK_OK(tuf_updater_config_set_prefix_targets_with_hash(cfg, false, &err));
    CHECK_OK(tuf_updater_config_set_prefix_targets_with_hash(cfg, true, &err));
    CHECK_OK(tuf_updater_config_set_strict_keyids(cfg, true, &err));
    CHECK_OK(tuf_updater_config_set_strict_keyids(cfg, false, &err));
    CHECK_OK(tuf_updater_config_set_sync_all_writes(cfg, true, &err));
    CHECK_OK(tuf_updater_config_set_sync_all_writes(cfg, false, &err));
    CHECK_OK(tuf_updater_config_set_connect_timeout_ms(cfg, 0, &err));
    CHECK_OK(tuf_updater_config_set_connect_timeout_ms(cfg, 30000, &err));
    CHECK_OK(tuf_updater_config_set_min_speed(cfg, 0, 0, &err));
    CHECK_OK(tuf_updater_config_set_min_speed(cfg, 1024, 30, &err));
    CHECK_OK(tuf_updater_config_set_max_redirects(cfg, 0, &err));
    CHECK_OK(tuf_updater_config_set_max_redirects(cfg, 5, &err));
    CHECK_OK(tuf_updater_config_set_timeout_ms(cfg, 0, &err));
    CHECK_OK(tuf_updater_config_set_timeout_ms(cfg, UINT64_MAX, &err));
    CHECK_OK(tuf_updater_config_set_timeout_ms(cfg, 3600000, &err));
    CHECK_OK(tuf_updater_config_set_lock_timeout_ms(cfg, 0, &err));
    CHECK_OK(tuf_updater_config_set_lock_timeout_ms(cfg, UINT64_MAX, &err));
    CHECK_OK(tuf_updater_config_set_lock_timeout_ms(cfg, 60000, &err));

    /* Offline mode and where the cache is kept (tested in depth by test_storage.c): the
     * unsafe option only in offline mode, offline not in memory, and back to the defaults. */
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_config_set_offline_accept_expired_unsafe(cfg, true, &err));
    CHECK_OK(tuf_updater_config_set_offline(cfg, true, &err));
    CHECK_OK(tuf_updater_config_set_offline_accept_expired_unsafe(cfg, true, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_offline(cfg, false, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_in_memory(cfg, true, &err));
    CHECK_OK(tuf_updater_config_set_offline_accept_expired_unsafe(cfg, false, &err));
    CHECK_OK(tuf_updater_config_set_offline(cfg, false, &err));
    CHECK_OK(tuf_updater_config_set_in_memory(cfg, true, &err));
    CHECK_OK(tuf_updater_config_set_in_memory(cfg, false, &err));
    CHECK_OK(tuf_updater_config_set_storage(cfg, NULL, NULL, &err));

    /* Reference time: NULL (system clock), in range, out of range (years 1 to 9999). */
    CHECK_OK(tuf_updater_config_set_reference_time(cfg, NULL, &err));
    t = 1700000000;
    CHECK_OK(tuf_updater_config_set_reference_time(cfg, &t, &err));
    t = INT64_MAX;
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_reference_time(cfg, &t, &err));
    t = INT64_MIN;
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_reference_time(cfg, &t, &err));
    t = INT64_C(253402300800); /* 10000-01-01 */
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_reference_time(cfg, &t, &err));
    CHECK_OK(tuf_updater_config_set_reference_time(cfg, NULL, &err));

    /* User agent: control characters (header injection) and invalid UTF-8 are rejected. */
    CHECK_OK(tuf_updater_config_set_user_agent(cfg, "test-api/1.0", &err));
    CHECK_OK(tuf_updater_config_set_user_agent(cfg, NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_config_set_user_agent(cfg, "app/1\r\nX-Evil: 1", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_user_agent(cfg, "a\x01", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_user_agent(cfg, "a\tb", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_user_agent(cfg, BAD_UTF8, &err));

    /* Callbacks: set, and NULL to go back to the defaults. */
    CHECK_OK(tuf_updater_config_set_fetcher(cfg, dummy_fetch, NULL, &err));
    CHECK_OK(tuf_updater_config_set_fetcher(cfg, NULL, NULL, &err));
    CHECK_OK(tuf_updater_config_set_log_callback(cfg, dummy_log, NULL, &err));
    CHECK_OK(tuf_updater_config_set_log_callback(cfg, NULL, NULL, &err));

    tuf_updater_config_free(cfg);
}

/* ---- transport settings and retries ------------------------------------------------------ */

#define TEST_PEM "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"

/* A configuration over file:// with the bootstrap root, ready for tuf_updater_new. */
static tuf_updater_config *file_config(const struct tu_demo *env) {
    tuf_updater_config *cfg = NULL;
    char *dir = tu_format("%s/transport-metadata", env->tmp);
    CHECK_OK(tuf_updater_config_new(dir, env->metadata_url, &cfg, &err));
    free(dir);
    CHECK_OK(tuf_updater_config_set_bootstrap_root(cfg, env->root, env->root_len, &err));
    return cfg;
}

/* tuf_updater_new with `cfg` returns `expected`. */
static void check_new(tuf_updater_config *cfg, tuf_result expected) {
    tuf_updater *u = NULL;
    CHECK_CODE(expected, tuf_updater_new(cfg, &u, &err));
    CHECK((expected == TUF_OK) == (u != NULL));
    tuf_updater_free(u);
}

static void test_transport_config(const struct tu_demo *env) {
    const uint8_t pem[] = TEST_PEM;
    const uint8_t not_pem[] = "MIIB";
    char *pem_file = tu_format("%s/ca.pem", env->tmp);
    char *missing = tu_format("%s/missing.pem", env->tmp);
    char *copy;
    tuf_updater_config *cfg = file_config(env);
    CHECK(tu_write_file(pem_file, pem, sizeof pem - 1) == 0);

    /* NULL configuration. */
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_ca_file(NULL, pem_file, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_config_set_ca_blob(NULL, pem, sizeof pem - 1, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_config_set_client_cert(NULL, pem_file, NULL, NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_client_cert_blob(
                                             NULL, pem, sizeof pem - 1, NULL, 0, NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_proxy(NULL, "", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_add_header(NULL, "X-A", "1", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_clear_headers(NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_retries(NULL, 1, 1, &err));

    /* CA certificates: a file (NULL: the system store), PEM bytes (length 0: the system
     * store); not PEM, an empty path, invalid UTF-8, NULL bytes are refused. */
    CHECK_OK(tuf_updater_config_set_ca_file(cfg, pem_file, &err));
    CHECK_OK(tuf_updater_config_set_ca_file(cfg, NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_ca_file(cfg, "", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_ca_file(cfg, BAD_UTF8, &err));
    CHECK_OK(tuf_updater_config_set_ca_blob(cfg, pem, sizeof pem - 1, &err));
    CHECK_OK(tuf_updater_config_set_ca_blob(cfg, NULL, 0, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_config_set_ca_blob(cfg, not_pem, sizeof not_pem - 1, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_ca_blob(cfg, NULL, 10, &err));
    /* A missing file is found when the updater is created; the path was copied. */
    copy = tu_format("%s", missing);
    CHECK_OK(tuf_updater_config_set_ca_file(cfg, copy, &err));
    free(copy);
    check_new(cfg, TUF_ERR_INVALID_ARGUMENT);
    /* Transport settings are ignored when a fetch callback replaces libcurl. */
    CHECK_OK(tuf_updater_config_set_fetcher(cfg, dummy_fetch, NULL, &err));
    check_new(cfg, TUF_OK);
    CHECK_OK(tuf_updater_config_set_fetcher(cfg, NULL, NULL, &err));
    CHECK_OK(tuf_updater_config_set_ca_file(cfg, pem_file, &err));
    check_new(cfg, TUF_OK);
    CHECK_OK(tuf_updater_config_set_ca_file(cfg, NULL, &err));

    /* Client certificate: files (key NULL: in the certificate's file), blobs; a key or a
     * password without a certificate, not PEM, invalid UTF-8 are refused. */
    CHECK_OK(tuf_updater_config_set_client_cert(cfg, pem_file, pem_file, "pw", &err));
    CHECK_OK(tuf_updater_config_set_client_cert(cfg, pem_file, NULL, NULL, &err));
    check_new(cfg, TUF_OK);
    CHECK_OK(tuf_updater_config_set_client_cert(cfg, pem_file, missing, NULL, &err));
    check_new(cfg, TUF_ERR_INVALID_ARGUMENT);
    CHECK_OK(tuf_updater_config_set_client_cert(cfg, NULL, NULL, NULL, &err));
    check_new(cfg, TUF_OK);
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_config_set_client_cert(cfg, NULL, pem_file, NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_config_set_client_cert(cfg, NULL, NULL, "pw", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_config_set_client_cert(cfg, BAD_UTF8, NULL, NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_config_set_client_cert(cfg, pem_file, BAD_UTF8, NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_config_set_client_cert(cfg, pem_file, NULL, BAD_UTF8, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_config_set_client_cert(cfg, "", NULL, NULL, &err));
    CHECK_OK(tuf_updater_config_set_client_cert_blob(cfg, pem, sizeof pem - 1, pem,
                                                     sizeof pem - 1, "pw", &err));
    CHECK_OK(
        tuf_updater_config_set_client_cert_blob(cfg, pem, sizeof pem - 1, NULL, 0, NULL, &err));
    CHECK_OK(tuf_updater_config_set_client_cert_blob(cfg, NULL, 0, NULL, 0, NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_client_cert_blob(
                                             cfg, NULL, 0, pem, sizeof pem - 1, NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_config_set_client_cert_blob(cfg, NULL, 0, NULL, 0, "pw", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_config_set_client_cert_blob(cfg, NULL, 5, NULL, 0, NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_config_set_client_cert_blob(cfg, pem, sizeof pem - 1, NULL, 5, NULL,
                                                       &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_config_set_client_cert_blob(cfg, not_pem, sizeof not_pem - 1, NULL,
                                                       0, NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_config_set_client_cert_blob(cfg, pem, sizeof pem - 1, NULL, 0,
                                                       BAD_UTF8, &err));

    /* Proxy: NULL (environment), "" (none), http/https/socks URLs; other schemes, no scheme,
     * no host, white space, invalid UTF-8 are refused. */
    CHECK_OK(tuf_updater_config_set_proxy(cfg, "http://127.0.0.1:3128", &err));
    CHECK_OK(tuf_updater_config_set_proxy(cfg, "socks5h://user:pw@[::1]:1080", &err));
    CHECK_OK(tuf_updater_config_set_proxy(cfg, "", &err));
    CHECK_OK(tuf_updater_config_set_proxy(cfg, NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_proxy(cfg, "proxy:3128", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_config_set_proxy(cfg, "file:///tmp/sock", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_proxy(cfg, "http://", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_config_set_proxy(cfg, "http://a b:1", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_proxy(cfg, BAD_UTF8, &err));

    /* Headers: copied; injection, reserved names, bad tokens, NULL, invalid UTF-8 refused. */
    copy = tu_format("Bearer token");
    CHECK_OK(tuf_updater_config_add_header(cfg, "Authorization", copy, &err));
    free(copy);
    CHECK_OK(tuf_updater_config_add_header(cfg, "X-Repo", "a\tb", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_config_add_header(cfg, "X-A", "1\r\nX-Evil: 1", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_add_header(cfg, "X-A", "", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_add_header(cfg, "X-A", " 1", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_add_header(cfg, "Host", "h", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_add_header(cfg, "host", "h", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_config_add_header(cfg, "Range", "bytes=0-1", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_add_header(cfg, "X A", "1", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_add_header(cfg, "X:A", "1", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_add_header(cfg, "", "1", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_add_header(cfg, NULL, "1", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_add_header(cfg, "X-A", NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_config_add_header(cfg, BAD_UTF8, "1", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_config_add_header(cfg, "X-A", BAD_UTF8, &err));
    check_new(cfg, TUF_OK);
    CHECK_OK(tuf_updater_config_clear_headers(cfg, &err));
    {
        /* At most 64 headers. */
        int i;
        for (i = 0; i < 64; i++) {
            CHECK_OK(tuf_updater_config_add_header(cfg, "X-Many", "1", &err));
        }
        CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
                   tuf_updater_config_add_header(cfg, "X-Many", "1", &err));
        CHECK_OK(tuf_updater_config_clear_headers(cfg, &err));
        CHECK_OK(tuf_updater_config_add_header(cfg, "X-Many", "1", &err));
    }

    /* Retries: bounds 100 and 30000 ms. */
    CHECK_OK(tuf_updater_config_set_retries(cfg, 3, 500, &err));
    CHECK_OK(tuf_updater_config_set_retries(cfg, 100, 30000, &err));
    CHECK_OK(tuf_updater_config_set_retries(cfg, 0, 0, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_retries(cfg, 101, 0, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_config_set_retries(cfg, 1, 30001, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_config_set_retries(cfg, UINT32_MAX, UINT32_MAX, &err));
    check_new(cfg, TUF_OK);

    tuf_updater_config_free(cfg);
    free(pem_file);
    free(missing);
}

/* ---- the updater over file:// ------------------------------------------------------------ */

struct log_state {
    int magic;
    unsigned count;
    unsigned bad;
};

static void count_log(void *userdata, int level, const char *message) {
    struct log_state *s = userdata;
    if (s == NULL || s->magic != 0x10c || message == NULL || level < TUF_LOG_DEBUG ||
        level > TUF_LOG_WARN) {
        if (s != NULL) {
            s->bad++;
        }
        return;
    }
    s->count++;
}

#define MAX_PROGRESS 1024
struct progress_state {
    unsigned calls;
    unsigned bad; /* calls with counts not increasing, above total, or a changing total */
    uint64_t last_received;
    uint64_t total;
};

static void record_progress(void *userdata, uint64_t received, uint64_t total) {
    struct progress_state *p = userdata;
    if (p->calls > 0 && (received <= p->last_received || total != p->total)) {
        p->bad++;
    }
    if (received > total) {
        p->bad++;
    }
    p->calls++;
    p->last_received = received;
    p->total = total;
}

static tuf_updater_config *new_config(const struct tu_demo *env, const char *metadata_dir,
                                      const char *targets_dir, int bootstrap) {
    tuf_updater_config *cfg = NULL;
    CHECK_OK(tuf_updater_config_new(metadata_dir, env->metadata_url, &cfg, &err));
    CHECK_OK(tuf_updater_config_set_targets_dir(cfg, targets_dir, &err));
    CHECK_OK(tuf_updater_config_set_targets_base_url(cfg, env->targets_url, &err));
    if (bootstrap) {
        CHECK_OK(tuf_updater_config_set_bootstrap_root(cfg, env->root, env->root_len, &err));
    }
    return cfg;
}

static int file_equals(const char *a, const char *b) {
    size_t la = 0, lb = 0;
    unsigned char *da = tu_read_file(a, &la), *db = tu_read_file(b, &lb);
    int same = da != NULL && db != NULL && la == lb && memcmp(da, db, la) == 0;
    free(da);
    free(db);
    return same;
}

static void test_target_info_accessors(const tuf_target_info *info) {
    CHECK_STR(tuf_target_info_path(info), "hello.txt");
    CHECK_STR(tuf_target_info_role(info), "targets");
    CHECK(tuf_target_info_length(info) == 39);
    CHECK(tuf_target_info_hash_count(info) == 1);
    CHECK_STR(tuf_target_info_hash_algorithm(info, 0), "sha256");
    CHECK_STR(tuf_target_info_hash_hex(info, 0), HELLO_SHA256);
    CHECK(tuf_target_info_hash_algorithm(info, 1) == NULL);
    CHECK(tuf_target_info_hash_hex(info, 1) == NULL);
    CHECK(tuf_target_info_hash_algorithm(info, (size_t)-1) == NULL);
    CHECK(tuf_target_info_hash_hex(info, (size_t)-1) == NULL);
    CHECK(tuf_target_info_custom_json(info) == NULL); /* the demo targets have no custom */
    /* Borrowed strings are stable while the info lives. */
    CHECK(tuf_target_info_path(info) == tuf_target_info_path(info));

    CHECK(tuf_target_info_path(NULL) == NULL);
    CHECK(tuf_target_info_role(NULL) == NULL);
    CHECK(tuf_target_info_length(NULL) == 0);
    CHECK(tuf_target_info_hash_count(NULL) == 0);
    CHECK(tuf_target_info_hash_algorithm(NULL, 0) == NULL);
    CHECK(tuf_target_info_hash_hex(NULL, 0) == NULL);
    CHECK(tuf_target_info_custom_json(NULL) == NULL);

    /* Checking bytes already at hand: the right ones, one byte changed, one byte short. */
    {
        static const char hello[] = "Hello from the libtuf demo repository!\n";
        char changed[sizeof hello];
        CHECK(sizeof hello - 1 == 39);
        memcpy(changed, hello, sizeof hello);
        changed[0] = 'h';
        CHECK_OK(tuf_target_info_verify_bytes(info, (const uint8_t *)hello, 39, &err));
        CHECK_CODE(TUF_ERR_LENGTH_OR_HASH_MISMATCH,
                   tuf_target_info_verify_bytes(info, (const uint8_t *)changed, 39, &err));
        CHECK_CODE(TUF_ERR_LENGTH_OR_HASH_MISMATCH,
                   tuf_target_info_verify_bytes(info, (const uint8_t *)hello, 38, &err));
        CHECK_CODE(TUF_ERR_LENGTH_OR_HASH_MISMATCH,
                   tuf_target_info_verify_bytes(info, NULL, 0, &err));
        CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_target_info_verify_bytes(info, NULL, 39, &err));
        CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
                   tuf_target_info_verify_bytes(NULL, (const uint8_t *)hello, 39, &err));
    }
}

static void test_updater_new(const struct tu_demo *env) {
    tuf_updater *u = TU_SENTINEL;
    tuf_updater_config *cfg;
    char *dir = tu_format("%s/new-meta", env->tmp);
    static const uint8_t garbage[] = "{\"signed\": 1}";

    cfg = new_config(env, dir, NULL, 0);
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_new(NULL, &u, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_new(cfg, NULL, &err));
    /* No bootstrap root and no cached root.json. */
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_new(cfg, &u, &err));
    CHECK(u == TU_SENTINEL);
    /* A bootstrap root that is not a root. */
    CHECK_OK(tuf_updater_config_set_bootstrap_root(cfg, garbage, sizeof garbage - 1, &err));
    CHECK_CODE(TUF_ERR_INVALID_METADATA, tuf_updater_new(cfg, &u, &err));
    CHECK(u == TU_SENTINEL);
    /* A root whose signature does not match. */
    {
        unsigned char *bad = malloc(env->root_len);
        char *p;
        memcpy(bad, env->root, env->root_len);
        p = strstr((char *)bad, "2099");
        CHECK(p != NULL);
        p[3] = '8';
        CHECK_OK(tuf_updater_config_set_bootstrap_root(cfg, bad, env->root_len, &err));
        free(bad);
    }
    CHECK_CODE(TUF_ERR_BAD_SIGNATURE, tuf_updater_new(cfg, &u, &err));
    CHECK(u == TU_SENTINEL);
    tuf_updater_config_free(cfg);
    free(dir);
}

/* A fetch callback that writes a byte every 5 ms (at most 400) and records what
   tuf_sink_write returned when it stopped. */
static int drip_fetch(void *userdata, const char *url, uint64_t max_length, tuf_sink *sink) {
    tuf_result *last = userdata;
    struct timespec pause = {0, 5000000};
    int i;
    (void)url;
    (void)max_length;
    for (i = 0; i < 400; i++) {
        *last = tuf_sink_write(sink, (const uint8_t *)"x", 1);
        if (*last != TUF_OK) {
            return 1;
        }
        nanosleep(&pause, NULL);
    }
    return 0;
}

/* The deadline of a transfer (set_timeout_ms) and the lock wait (set_lock_timeout_ms). */
static void test_timeouts(const struct tu_demo *env) {
    char *dir = tu_format("%s/timeouts-meta", env->tmp);
    char *lock = tu_format("%s/.lock", dir);
    tuf_updater_config *cfg = new_config(env, dir, NULL, 1);
    tuf_updater *u = TU_SENTINEL;
    tuf_result last = TUF_OK;
    int fd;

    /* A fetch callback delivering slowly is stopped at the deadline; the sink says why. */
    CHECK_OK(tuf_updater_config_set_timeout_ms(cfg, 50, &err));
    CHECK_OK(tuf_updater_config_set_fetcher(cfg, drip_fetch, &last, &err));
    CHECK_OK(tuf_updater_new(cfg, &u, &err));
    CHECK_CODE(TUF_ERR_SLOW_RETRIEVAL, tuf_updater_refresh(u, &err));
    CHECK(last == TUF_ERR_SLOW_RETRIEVAL);
    tuf_updater_free(u);
    u = TU_SENTINEL;

    /* Another process holds the cache lock: with no wait allowed, TUF_ERR_IO at once. */
    fd = open(lock, O_RDWR | O_CREAT, 0644);
    CHECK(fd >= 0);
    CHECK(flock(fd, LOCK_EX) == 0);
    CHECK_OK(tuf_updater_config_set_lock_timeout_ms(cfg, 0, &err));
    CHECK_CODE(TUF_ERR_IO, tuf_updater_new(cfg, &u, &err));
    CHECK(u == TU_SENTINEL);
    {
        tuf_error *e = NULL;
        CHECK(tuf_updater_new(cfg, &u, &e) == TUF_ERR_IO);
        CHECK(strstr(tuf_error_message(e), "lock timeout") != NULL);
        tuf_error_free(e);
    }
    close(fd);
    CHECK_OK(tuf_updater_new(cfg, &u, &err));
    tuf_updater_free(u);
    tuf_updater_config_free(cfg);
    free(lock);
    free(dir);
}

static void test_updater(const struct tu_demo *env) {
    char *meta = tu_format("%s/meta", env->tmp);
    char *targets = tu_format("%s/targets", env->tmp);
    char *explicit_path = tu_format("%s/explicit/dir/app.tar.gz", env->tmp);
    char *hello_src = tu_format("%s/targets/%s.hello.txt", env->repo, HELLO_SHA256);
    char *hello_dst = tu_format("%s/hello.txt", targets);
    char *app_src =
        tu_format("%s/targets/apps/"
                  "9ffdb40bf20432f7690745dc1bc9528fdb29dde7be023ac7aff393079781d2ae.app-1.0.tar.gz",
                  env->repo);
    char *wrong_file = tu_format("%s/wrong.txt", env->tmp);
    tuf_updater_config *cfg;
    tuf_updater *u = TU_SENTINEL;
    tuf_target_info *info = TU_SENTINEL, *app = NULL;
    char *path = TU_SENTINEL;
    struct log_state log = {0x10c, 0, 0};
    struct progress_state progress;
    int64_t t;

    memset(&progress, 0, sizeof progress);
    cfg = new_config(env, meta, targets, 1);
    CHECK_OK(tuf_updater_config_set_log_callback(cfg, count_log, &log, &err));
    CHECK_OK(tuf_updater_config_set_user_agent(cfg, "test-api/1.0", &err));
    CHECK_OK(tuf_updater_new(cfg, &u, &err));
    CHECK(u != NULL && u != TU_SENTINEL);
    tuf_updater_config_free(cfg); /* copied by tuf_updater_new */

    /* refresh */
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_refresh(NULL, &err));
    CHECK_OK(tuf_updater_refresh(u, &err));
    CHECK(log.count > 0);
    CHECK(log.bad == 0);
    CHECK(tu_exists(meta));
    CHECK_OK(tuf_updater_refresh(u, &err)); /* a second cycle */

    /* get_target_info */
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_get_target_info(NULL, "hello.txt", &info, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_get_target_info(u, NULL, &info, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_get_target_info(u, "hello.txt", NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_get_target_info(u, BAD_UTF8, &info, &err));
    CHECK_CODE(TUF_ERR_TARGET_NOT_FOUND, tuf_updater_get_target_info(u, "nope.txt", &info, &err));
    CHECK_CODE(TUF_ERR_TARGET_NOT_FOUND,
               tuf_updater_get_target_info(u, "apps/nope.tar.gz", &info, &err));
    CHECK(info == TU_SENTINEL);
    CHECK_OK(tuf_updater_get_target_info(u, "hello.txt", &info, &err));
    CHECK(info != NULL && info != TU_SENTINEL);
    test_target_info_accessors(info);
    /* A target listed by the delegated role "apps" (fetched lazily). */
    CHECK_OK(tuf_updater_get_target_info(u, "apps/app-1.0.tar.gz", &app, &err));
    CHECK_STR(tuf_target_info_path(app), "apps/app-1.0.tar.gz");
    CHECK_STR(tuf_target_info_role(app), "apps");
    CHECK(tuf_target_info_length(app) == 47);

    /* find_cached_target before the download: OK, nothing found. */
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_find_cached_target(NULL, info, NULL, &path, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_find_cached_target(u, NULL, NULL, &path, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_find_cached_target(u, info, NULL, NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_find_cached_target(u, info, BAD_UTF8, &path, &err));
    CHECK(path == TU_SENTINEL);
    CHECK_OK(tuf_updater_find_cached_target(u, info, NULL, &path, &err));
    CHECK(path == NULL);

    /* progress callback */
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_set_progress_callback(NULL, record_progress, &progress, &err));
    CHECK_OK(tuf_updater_set_progress_callback(u, record_progress, &progress, &err));

    /* download_target: argument errors leave *out_path untouched and write nothing. */
    path = TU_SENTINEL;
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_download_target(NULL, info, NULL, NULL, &path, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_download_target(u, NULL, NULL, NULL, &path, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_download_target(u, info, BAD_UTF8, NULL, &path, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_download_target(u, info, NULL, BAD_UTF8, &path, &err));
    CHECK(path == TU_SENTINEL);
    CHECK(progress.calls == 0);
    CHECK(!tu_exists(hello_dst));

    /* A base URL where the file is missing: a download error, no file left. */
    CHECK_CODE(TUF_ERR_DOWNLOAD, tuf_updater_download_target(
                                     u, info, NULL, "file:///nonexistent-libtuf-ctest/", &path, &err));
    CHECK(path == TU_SENTINEL);
    {
        /* The structured fields of that error: the status and the URL, no role. */
        tuf_error *derr = NULL;
        CHECK(tuf_updater_download_target(u, info, NULL, "file:///nonexistent-libtuf-ctest/",
                                          &path, &derr) == TUF_ERR_DOWNLOAD);
        CHECK(tuf_error_http_status(derr) == 404);
        CHECK(tuf_error_url(derr) != NULL);
        CHECK(strncmp(tuf_error_url(derr), "file:///nonexistent-libtuf-ctest/", 33) == 0);
        CHECK(tuf_error_role(derr) == NULL);
        tuf_error_free(derr);
    }
    CHECK(tu_count_entries(targets) <= 0);

    /* Into the targets directory. */
    log.count = 0;
    CHECK_OK(tuf_updater_download_target(u, info, NULL, NULL, &path, &err));
    CHECK(path != NULL && path != TU_SENTINEL);
    CHECK_STR(path, hello_dst);
    CHECK(file_equals(hello_dst, hello_src));
    tuf_string_free(path);
    CHECK(progress.calls >= 1);
    CHECK(progress.bad == 0);
    CHECK(progress.total == 39);
    CHECK(progress.last_received == progress.total);
    CHECK(log.count > 0); /* "downloaded ..." */
    CHECK(tu_count_entries(targets) == 1); /* no temporary file left */

    /* find_cached_target after the download. */
    path = TU_SENTINEL;
    CHECK_OK(tuf_updater_find_cached_target(u, info, NULL, &path, &err));
    CHECK_STR(path, hello_dst);
    tuf_string_free(path);

    /* To an explicit path (its directories are created), with an explicit base URL and
     * without out_path. */
    memset(&progress, 0, sizeof progress);
    CHECK_OK(tuf_updater_download_target(u, app, explicit_path, env->targets_url, NULL, &err));
    CHECK(file_equals(explicit_path, app_src));
    CHECK(progress.calls >= 1 && progress.bad == 0);
    CHECK(progress.last_received == 47 && progress.total == 47);
    path = TU_SENTINEL;
    CHECK_OK(tuf_updater_find_cached_target(u, app, explicit_path, &path, &err));
    CHECK_STR(path, explicit_path);
    tuf_string_free(path);
    /* ... and with out_path. */
    path = NULL;
    CHECK_OK(tuf_updater_download_target(u, app, explicit_path, NULL, &path, &err));
    CHECK_STR(path, explicit_path);
    tuf_string_free(path);

    /* A local file with other contents is not the target. */
    CHECK(tu_write_file(wrong_file, "not hello\n", 10) == 0);
    path = TU_SENTINEL;
    CHECK_OK(tuf_updater_find_cached_target(u, info, wrong_file, &path, &err));
    CHECK(path == NULL);
    CHECK(tu_write_file(wrong_file, "", 0) == 0);
    path = TU_SENTINEL;
    CHECK_OK(tuf_updater_find_cached_target(u, info, wrong_file, &path, &err));
    CHECK(path == NULL);

    /* Progress callback removed. */
    memset(&progress, 0, sizeof progress);
    CHECK_OK(tuf_updater_set_progress_callback(u, NULL, NULL, &err));
    CHECK_OK(tuf_updater_download_target(u, info, NULL, NULL, NULL, &err));
    CHECK(progress.calls == 0);

    tuf_target_info_free(info);
    tuf_target_info_free(app);
    tuf_updater_free(u);

    /* A second updater starts from the cached root.json (no bootstrap root). */
    cfg = new_config(env, meta, targets, 0);
    u = NULL;
    CHECK_OK(tuf_updater_new(cfg, &u, &err));
    CHECK_OK(tuf_updater_refresh(u, &err));
    info = NULL;
    CHECK_OK(tuf_updater_get_target_info(u, "docs/README.txt", &info, &err));
    CHECK(tuf_target_info_length(info) == 66);
    path = NULL;
    CHECK_OK(tuf_updater_download_target(u, info, NULL, NULL, &path, &err));
    CHECK(strstr(path, "docs%2FREADME.txt") != NULL); /* quoted as in python-tuf */
    tuf_string_free(path);
    tuf_target_info_free(info);
    tuf_updater_free(u);

    /* A reference time after the repository's expiry: refresh fails. */
    t = INT64_C(4102444800); /* 2100-01-01 */
    CHECK_OK(tuf_updater_config_set_reference_time(cfg, &t, &err));
    u = NULL;
    CHECK_OK(tuf_updater_new(cfg, &u, &err));
    CHECK_CODE(TUF_ERR_EXPIRED, tuf_updater_refresh(u, &err));
    {
        /* The role that failed the check, and no download fields. */
        tuf_error *xerr = NULL;
        CHECK(tuf_updater_refresh(u, &xerr) == TUF_ERR_EXPIRED);
        CHECK(tuf_error_role(xerr) != NULL);
        CHECK(tuf_error_http_status(xerr) == 0);
        CHECK(tuf_error_url(xerr) == NULL);
        tuf_error_free(xerr);
    }
    info = TU_SENTINEL;
    CHECK_CODE(TUF_ERR_EXPIRED, tuf_updater_get_target_info(u, "hello.txt", &info, &err));
    CHECK(info == TU_SENTINEL);
    /* The device learns the right time: set on the live updater, the next refresh works. */
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_set_reference_time(NULL, NULL, &err));
    {
        int64_t bad = INT64_MAX;
        CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_set_reference_time(u, &bad, &err));
    }
    t = INT64_C(1735689600); /* 2025-01-01 */
    CHECK_OK(tuf_updater_set_reference_time(u, &t, &err));
    CHECK_OK(tuf_updater_refresh(u, &err));
    CHECK_OK(tuf_updater_set_reference_time(u, NULL, &err)); /* the system clock */
    CHECK_OK(tuf_updater_refresh(u, &err));
    tuf_updater_free(u);
    tuf_updater_config_free(cfg);

    /* Targets directory and base URL not configured. */
    cfg = NULL;
    CHECK_OK(tuf_updater_config_new(meta, env->metadata_url, &cfg, &err));
    u = NULL;
    CHECK_OK(tuf_updater_new(cfg, &u, &err));
    info = NULL;
    CHECK_OK(tuf_updater_get_target_info(u, "hello.txt", &info, &err));
    path = TU_SENTINEL;
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_updater_find_cached_target(u, info, NULL, &path, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_download_target(u, info, NULL, env->targets_url, &path, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_updater_download_target(u, info, hello_dst, NULL, &path, &err));
    CHECK(path == TU_SENTINEL);
    tuf_target_info_free(info);
    tuf_updater_free(u);
    tuf_updater_config_free(cfg);

    /* A metadata URL where nothing is: a download error. */
    cfg = NULL;
    {
        char *dir = tu_format("%s/meta-missing", env->tmp);
        CHECK_OK(tuf_updater_config_new(dir, "file:///nonexistent-libtuf-ctest/metadata", &cfg,
                                        &err));
        CHECK_OK(tuf_updater_config_set_bootstrap_root(cfg, env->root, env->root_len, &err));
        u = NULL;
        CHECK_OK(tuf_updater_new(cfg, &u, &err));
        CHECK_CODE(TUF_ERR_DOWNLOAD, tuf_updater_refresh(u, &err));
        tuf_updater_free(u);
        tuf_updater_config_free(cfg);
        free(dir);
    }

    free(meta);
    free(targets);
    free(explicit_path);
    free(hello_src);
    free(hello_dst);
    free(app_src);
    free(wrong_file);
}

/* ---- verifier arguments and the sink ------------------------------------------------------ */

struct sink_probe {
    const unsigned char *data;
    size_t len;
    tuf_result null_sink, null_data, empty, real;
    unsigned calls;
};

/* A loader that also probes tuf_sink_write's argument checks. */
static int probe_loader(void *userdata, const char *role, uint64_t max_length, tuf_sink *sink) {
    struct sink_probe *p = userdata;
    (void)role;
    (void)max_length;
    p->calls++;
    p->null_sink = tuf_sink_write(NULL, p->data, p->len);
    p->null_data = tuf_sink_write(sink, NULL, 5);
    p->empty = tuf_sink_write(sink, NULL, 0);
    p->real = tuf_sink_write(sink, p->data, p->len);
    return p->real == TUF_OK ? 0 : 1;
}

static int failing_loader(void *userdata, const char *role, uint64_t max_length,
                          tuf_sink *sink) {
    (void)userdata;
    (void)role;
    (void)max_length;
    (void)sink;
    return -1;
}

static int failing_versioned_loader(void *userdata, const char *role, uint64_t version,
                                    uint64_t max_length, tuf_sink *sink) {
    (void)version;
    return failing_loader(userdata, role, max_length, sink);
}

static unsigned char *read_meta(const struct tu_demo *env, const char *name, size_t *len) {
    char *path = tu_format("%s/metadata/%s", env->repo, name);
    unsigned char *data = tu_read_file(path, len);
    CHECK(data != NULL);
    free(path);
    return data;
}

static void test_verifier_api(const struct tu_demo *env) {
    tuf_verifier *v = TU_SENTINEL;
    tuf_target_info *info = TU_SENTINEL;
    const uint8_t byte = '{';
    int64_t t;
    bool updated = false;
    size_t ts_len = 0, snap_len = 0, targets_len = 0, apps_len = 0;
    unsigned char *ts = read_meta(env, "timestamp.json", &ts_len);
    unsigned char *snap = read_meta(env, "1.snapshot.json", &snap_len);
    unsigned char *targets = read_meta(env, "1.targets.json", &targets_len);
    unsigned char *apps = read_meta(env, "1.apps.json", &apps_len);
    struct sink_probe probe;

    /* tuf_verifier_new */
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_verifier_new(NULL, 10, NULL, 0, &v, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_verifier_new(env->root, env->root_len, NULL, 0, NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_verifier_new(env->root, env->root_len, NULL, 0x80, &v, &err));
    t = INT64_MAX;
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_verifier_new(env->root, env->root_len, &t, 0, &v, &err));
    CHECK_CODE(TUF_ERR_INVALID_METADATA, tuf_verifier_new(&byte, 1, NULL, 0, &v, &err));
    CHECK_CODE(TUF_ERR_INVALID_METADATA, tuf_verifier_new(NULL, 0, NULL, 0, &v, &err));
    CHECK(v == TU_SENTINEL);
    CHECK_OK(tuf_verifier_new(env->root, env->root_len, NULL, TUF_VERIFY_STRICT_KEYIDS, &v, &err));
    CHECK(v != NULL && v != TU_SENTINEL);

    /* NULL verifier / data for every update function. */
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_verifier_update_root(NULL, env->root, env->root_len, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_verifier_update_root(v, NULL, 10, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_verifier_update_timestamp(NULL, ts, ts_len, &updated, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_verifier_update_timestamp(v, NULL, 10, &updated, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_verifier_update_snapshot(NULL, snap, snap_len, false, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_verifier_update_snapshot(v, NULL, 10, false, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_verifier_update_targets(NULL, targets, targets_len, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_verifier_update_targets(v, NULL, 10, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_verifier_update_delegated_targets(
                                             NULL, apps, apps_len, "apps", "targets", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_verifier_update_delegated_targets(v, NULL, 10, "apps", "targets", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_verifier_update_delegated_targets(v, apps, apps_len, NULL, "targets", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_verifier_update_delegated_targets(v, apps, apps_len, "apps", NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_verifier_update_delegated_targets(v, apps, apps_len, BAD_UTF8, "targets", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_verifier_update_delegated_targets(v, apps, apps_len, "apps", BAD_UTF8, &err));

    /* Accessors with NULL. */
    CHECK(tuf_verifier_root_version(NULL) == 0);
    CHECK(tuf_verifier_timestamp_version(NULL) == 0);
    CHECK(tuf_verifier_snapshot_version(NULL) == 0);
    CHECK(tuf_verifier_role_version(NULL, "targets") == 0);
    CHECK(tuf_verifier_role_version(v, NULL) == 0);
    CHECK(tuf_verifier_role_version(v, BAD_UTF8) == 0);
    CHECK(!tuf_verifier_consistent_snapshot(NULL));
    CHECK(!tuf_verifier_timestamp_snapshot_keys_rotated(NULL));
    CHECK(!tuf_verifier_timestamp_snapshot_keys_rotated(v));

    /* The workflow; `updated` may be NULL. */
    CHECK(tuf_verifier_root_version(v) == 1);
    CHECK(tuf_verifier_timestamp_version(v) == 0);
    CHECK_OK(tuf_verifier_update_timestamp(v, ts, ts_len, NULL, &err));
    CHECK(tuf_verifier_timestamp_version(v) == 1);
    CHECK_OK(tuf_verifier_update_snapshot(v, snap, snap_len, false, &err));
    CHECK_OK(tuf_verifier_update_targets(v, targets, targets_len, &err));
    CHECK(tuf_verifier_consistent_snapshot(v));

    /* tuf_verifier_find_target arguments. */
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_verifier_find_target(NULL, "hello.txt", 0, failing_loader, NULL, &info, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_verifier_find_target(v, NULL, 0, failing_loader, NULL, &info, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_verifier_find_target(v, "hello.txt", 0, NULL, NULL, &info, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_verifier_find_target(v, "hello.txt", 0, failing_loader, NULL, NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_verifier_find_target(v, BAD_UTF8, 0, failing_loader, NULL, &info, &err));
    CHECK(info == TU_SENTINEL);
    /* tuf_verifier_find_target_versioned: the same checks, and a failing loader. */
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_verifier_find_target_versioned(NULL, "hello.txt", 0, failing_versioned_loader,
                                                  NULL, &info, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_verifier_find_target_versioned(v, NULL, 0, failing_versioned_loader, NULL,
                                                  &info, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_verifier_find_target_versioned(v, "hello.txt", 0, NULL, NULL, &info, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_verifier_find_target_versioned(v, "hello.txt", 0, failing_versioned_loader,
                                                  NULL, NULL, &err));
    CHECK_CODE(TUF_ERR_DOWNLOAD,
               tuf_verifier_find_target_versioned(v, "apps/app-1.1.tar.gz", 0,
                                                  failing_versioned_loader, NULL, &info, &err));
    CHECK(info == TU_SENTINEL);

    /* tuf_sink_write's argument checks, from inside a loader. */
    memset(&probe, 0, sizeof probe);
    probe.data = apps;
    probe.len = apps_len;
    CHECK(tuf_sink_write(NULL, apps, apps_len) == TUF_ERR_INVALID_ARGUMENT);
    CHECK_OK(tuf_verifier_find_target(v, "apps/app-1.1.tar.gz", 0, probe_loader, &probe, &info,
                                      &err));
    CHECK(probe.calls == 1);
    CHECK(probe.null_sink == TUF_ERR_INVALID_ARGUMENT);
    CHECK(probe.null_data == TUF_ERR_INVALID_ARGUMENT);
    CHECK(probe.empty == TUF_OK);
    CHECK(probe.real == TUF_OK);
    CHECK_STR(tuf_target_info_role(info), "apps");
    tuf_target_info_free(info);
    CHECK(tuf_verifier_role_version(v, "apps") == 1);

    tuf_verifier_free(v);
    free(ts);
    free(snap);
    free(targets);
    free(apps);
}

/* ---- multiple repositories (TAP 4): every function's argument checks (the behaviour is in
 * test_multirepo.c) ------------------------------------------------------------------------ */

static void test_multirepo_api(const struct tu_demo *env) {
    char *map = tu_format("{\"repositories\": {\"demo\": [\"file://%s\"]}, \"mapping\":"
                          " [{\"paths\": [\"*\"], \"repositories\": [\"demo\"],"
                          " \"threshold\": 1, \"terminating\": true}]}",
                          env->repo);
    const uint8_t *m = (const uint8_t *)map;
    size_t n = strlen(map);
    char *parent = tu_format("%s/multirepo", env->tmp);
    char *map_path = tu_format("%s/map.json", env->tmp);
    tuf_multirepo_config *cfg = TU_SENTINEL;
    tuf_multirepo *multi = TU_SENTINEL;
    tuf_multirepo_target *t = TU_SENTINEL;
    tuf_updater_config *settings = NULL;
    char *out_path = TU_SENTINEL;

    tuf_multirepo_config_free(NULL);
    tuf_multirepo_free(NULL);
    tuf_multirepo_target_free(NULL);

    /* Configuration: NULL and invalid UTF-8 arguments; *out untouched on failure. */
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_multirepo_config_new(NULL, m, n, &cfg, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_multirepo_config_new(parent, NULL, n, &cfg, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_multirepo_config_new(parent, m, n, NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_multirepo_config_new(BAD_UTF8, m, n, &cfg, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_multirepo_config_new(parent, m, 0, &cfg, &err));
    CHECK(tu_write_file(map_path, map, n) == 0);
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_multirepo_config_new_from_file(NULL, map_path, &cfg, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_multirepo_config_new_from_file(parent, NULL, &cfg, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_multirepo_config_new_from_file(parent, BAD_UTF8, &cfg, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_multirepo_config_new_from_file(parent, map_path, NULL, &err));
    CHECK(cfg == TU_SENTINEL);
    CHECK_OK(tuf_multirepo_config_new_from_file(parent, map_path, &cfg, &err));
    tuf_multirepo_config_free(cfg);
    CHECK_OK(tuf_multirepo_config_new(parent, m, n, &cfg, &err));

    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_multirepo_config_set_trusted_root(NULL, "demo", env->root, env->root_len,
                                                     &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_multirepo_config_set_trusted_root(cfg, NULL, env->root, env->root_len,
                                                     &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_multirepo_config_set_trusted_root(cfg, BAD_UTF8, env->root, env->root_len,
                                                     &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_multirepo_config_set_trusted_root(cfg, "demo", NULL, env->root_len, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_multirepo_config_set_trusted_root(cfg, "other", env->root, env->root_len,
                                                     &err));
    CHECK_OK(tuf_multirepo_config_set_trusted_root(cfg, "demo", env->root, env->root_len,
                                                   &err));
    CHECK_OK(tuf_updater_config_new(env->tmp, "file:///unused", &settings, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_multirepo_config_set_updater_settings(NULL, settings, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_multirepo_config_set_updater_settings(cfg, NULL, &err));
    CHECK_OK(tuf_multirepo_config_set_updater_settings(cfg, settings, &err));
    tuf_updater_config_free(settings);
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_multirepo_config_set_layout(NULL, NULL, NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_multirepo_config_set_layout(cfg, BAD_UTF8, NULL, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_multirepo_config_set_layout(cfg, NULL, "a/../b", &err));
    CHECK_OK(tuf_multirepo_config_set_layout(cfg, "metadata", "targets", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_multirepo_config_set_targets_dir(NULL, "/x", &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_multirepo_config_set_targets_dir(cfg, BAD_UTF8, &err));
    CHECK_OK(tuf_multirepo_config_set_targets_dir(cfg, env->tmp, &err));

    /* The client. */
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_multirepo_new(NULL, &multi, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_multirepo_new(cfg, NULL, &err));
    CHECK(multi == TU_SENTINEL);
    CHECK_OK(tuf_multirepo_new(cfg, &multi, &err));
    tuf_multirepo_config_free(cfg);
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_multirepo_refresh(NULL, &err));
    CHECK_OK(tuf_multirepo_refresh(multi, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_multirepo_get_target_info(NULL, "hello.txt", &t,
                                                                       &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT, tuf_multirepo_get_target_info(multi, NULL, &t, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_multirepo_get_target_info(multi, BAD_UTF8, &t, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_multirepo_get_target_info(multi, "hello.txt", NULL, &err));
    CHECK_CODE(TUF_ERR_TARGET_NOT_FOUND,
               tuf_multirepo_get_target_info(multi, "missing.txt", &t, &err));
    CHECK(t == TU_SENTINEL);
    CHECK_OK(tuf_multirepo_get_target_info(multi, "hello.txt", &t, &err));
    CHECK_STR(tuf_target_info_hash_hex(tuf_multirepo_target_info(t), 0), HELLO_SHA256);
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_multirepo_download_target(NULL, t, NULL, &out_path, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_multirepo_download_target(multi, NULL, NULL, &out_path, &err));
    CHECK_CODE(TUF_ERR_INVALID_ARGUMENT,
               tuf_multirepo_download_target(multi, t, BAD_UTF8, &out_path, &err));
    CHECK(out_path == TU_SENTINEL);
    CHECK_OK(tuf_multirepo_download_target(multi, t, NULL, &out_path, &err));
    CHECK(tu_exists(out_path));
    tuf_string_free(out_path);

    /* The target's getters: NULL target and out-of-range indices. */
    CHECK(tuf_multirepo_target_info(NULL) == NULL);
    CHECK(tuf_multirepo_target_mapping(NULL) == 0);
    CHECK(tuf_multirepo_target_mapping(t) == 0);
    CHECK(tuf_multirepo_target_agreed_count(NULL) == 0);
    CHECK(tuf_multirepo_target_agreed_count(t) == 1);
    CHECK(tuf_multirepo_target_repository_count(NULL) == 0);
    CHECK(tuf_multirepo_target_repository_count(t) == 1);
    CHECK(tuf_multirepo_target_repository_name(NULL, 0) == NULL);
    CHECK_STR(tuf_multirepo_target_repository_name(t, 0), "demo");
    CHECK(tuf_multirepo_target_repository_name(t, 1) == NULL);
    CHECK(!tuf_multirepo_target_repository_agreed(NULL, 0));
    CHECK(tuf_multirepo_target_repository_agreed(t, 0));
    CHECK(!tuf_multirepo_target_repository_agreed(t, 1));
    CHECK(tuf_multirepo_target_repository_info(NULL, 0) == NULL);
    CHECK(tuf_multirepo_target_repository_info(t, 0) != NULL);
    CHECK(tuf_multirepo_target_repository_info(t, 1) == NULL);
    CHECK(tuf_multirepo_target_repository_error(NULL, 0) == NULL);
    CHECK(tuf_multirepo_target_repository_error(t, 0) == NULL);
    CHECK(tuf_multirepo_target_repository_error(t, 1) == NULL);
    tuf_multirepo_target_free(t);
    tuf_multirepo_free(multi);
    free(map);
    free(parent);
    free(map_path);
}

int main(int argc, char **argv) {
    struct tu_demo env;
    const char *demo = tu_demo_repo(argc, argv);

    tu_demo_copy(demo, &env);

    test_version();
    test_result_str();
    test_errors();
    test_free_null();
    test_config(&env);
    test_transport_config(&env);
    test_updater_new(&env);
    test_timeouts(&env);
    test_updater(&env);
    test_verifier_api(&env);
    test_multirepo_api(&env);

    tu_demo_free(&env);
    return tu_finish();
}
