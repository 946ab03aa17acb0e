/* A C11 translation unit that includes the header, compiled with
 * -std=c11 -Wall -Wextra -Werror -pedantic: the header is plain, warning-free C11. */
#include "remote_rendering.h"

#include <stdio.h>

static void on_progress(void *user_data, const rr_session *session) {
    rr_session_status status = RR_SESSION_STATUS_UNKNOWN;
    (void)user_data;
    (void)rr_session_get_status(session, &status, NULL);
}

/* Exercises the types, enums, macros and callback typedefs, so that a mistake in any of them
 * is a compile error here. */
int rr_c11_check(void) {
    rr_error *err = NULL;
    rr_wait_options *options = NULL;
    rr_session_progress_fn progress = on_progress;
    rr_status status = rr_wait_options_new(&options, &err);
    rr_conversion_status cs = RR_CONVERSION_STATUS_SUCCEEDED;
    uint64_t timeout = RR_DEFAULT_TIMEOUT + RR_DEFAULT_POLL_INTERVAL_MS;
    if (status != RR_STATUS_OK) {
        printf("%s: %s\n", rr_status_code(status), rr_error_message(err));
        rr_error_free(err);
        return 1;
    }
    status = rr_wait_options_set_session_progress(options, progress, NULL, NULL);
    rr_wait_options_free(options);
    printf("remote_rendering %s (header %s, %d.%d.%d) %u %u\n", rr_version(), RR_VERSION_STRING,
           RR_VERSION_MAJOR, RR_VERSION_MINOR, RR_VERSION_PATCH, (unsigned)cs, (unsigned)timeout);
    return status == RR_STATUS_OK ? 0 : 1;
}
