/* A C11 program over the C API alone, linked against the static library: the embedded
 * emulator, a client, a session started, waited for, kept alive and stopped. Exit 0 when all
 * went as expected. */
#include "remote_rendering.h"

#include <stdio.h>
#include <string.h>

#define CHECK(call)                                                                           \
    do {                                                                                      \
        rr_error *e_ = NULL;                                                                  \
        rr_status s_ = (call);                                                                \
        (void)e_;                                                                             \
        if (s_ != RR_STATUS_OK) {                                                             \
            fprintf(stderr, "%s:%d: %s -> %s\n", __FILE__, __LINE__, #call, rr_status_code(s_)); \
            return 1;                                                                         \
        }                                                                                     \
    } while (0)

int main(void) {
    rr_emulator_options *eo = NULL;
    rr_emulator *emu = NULL;
    rr_client_options *co = NULL;
    rr_client *client = NULL;
    rr_session *session = NULL;
    rr_session_status status = RR_SESSION_STATUS_UNKNOWN;
    rr_error *err = NULL;
    const char *hostname = NULL;

    CHECK(rr_emulator_options_new(&eo, NULL));
    CHECK(rr_emulator_options_set_startup_delay_ms(eo, 0, NULL));
    CHECK(rr_emulator_start(eo, &emu, NULL));
    rr_emulator_options_free(eo);
    CHECK(rr_emulator_client_options(emu, &co, NULL));
    CHECK(rr_client_options_set_poll_interval_ms(co, 20, NULL));
    CHECK(rr_client_new(co, &client, NULL));
    rr_client_options_free(co);

    CHECK(rr_client_start_session(client, "c-smoke", "Standard", 30, 0, &session, NULL));
    rr_session_free(session);
    CHECK(rr_client_wait_for_session(client, "c-smoke", NULL, 10000, &session, NULL));
    CHECK(rr_session_get_status(session, &status, NULL));
    CHECK(rr_session_get_hostname(session, &hostname, NULL));
    printf("c-smoke is %s at %s\n", status == RR_SESSION_STATUS_READY ? "Ready" : "?", hostname);
    rr_session_free(session);
    CHECK(rr_client_stop_session(client, "c-smoke", 0, NULL));

    if (rr_client_get_session(client, "missing", 0, &session, &err) != RR_STATUS_NOT_FOUND ||
        strcmp(rr_error_code(err), "NOT_FOUND") != 0 || session != NULL) {
        fprintf(stderr, "a missing session is not NOT_FOUND\n");
        return 1;
    }
    rr_error_free(err);
    rr_client_free(client);
    rr_emulator_free(emu);
    return status == RR_SESSION_STATUS_READY ? 0 : 1;
}
