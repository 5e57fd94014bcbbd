#include <stdio.h>
#include <tuf.h>

/* Updates metadata from a repository, then downloads one target, verified. */
int main(int argc, char **argv) {
    tuf_updater_config *config = NULL;
    tuf_updater *updater = NULL;
    tuf_target_info *info = NULL;
    tuf_error *err = NULL;
    tuf_result r;

    if (argc != 5) {
        fprintf(stderr, "usage: %s METADATA_DIR METADATA_URL TARGETS_URL TARGET\n", argv[0]);
        return 2;
    }
    /* METADATA_DIR must hold the trusted root.json (or set a bootstrap root). */
    r = tuf_updater_config_new(argv[1], argv[2], &config, &err);
    if (r == TUF_OK) r = tuf_updater_config_set_targets_base_url(config, argv[3], &err);
    if (r == TUF_OK) r = tuf_updater_config_set_targets_dir(config, ".", &err);
    if (r == TUF_OK) r = tuf_updater_new(config, &updater, &err);
    if (r == TUF_OK) r = tuf_updater_refresh(updater, &err);
    if (r == TUF_OK) r = tuf_updater_get_target_info(updater, argv[4], &info, &err);
    if (r == TUF_OK) r = tuf_updater_download_target(updater, info, NULL, NULL, NULL, &err);
    if (r == TUF_OK) {
        printf("%s: %llu bytes, verified\n", argv[4],
               (unsigned long long)tuf_target_info_length(info));
    } else {
        fprintf(stderr, "error %u (%s): %s\n", r, tuf_result_str(r), tuf_error_message(err));
    }
    tuf_error_free(err);
    tuf_target_info_free(info);
    tuf_updater_free(updater);
    tuf_updater_config_free(config);
    return r == TUF_OK ? 0 : 1;
}
