/* The hidden hooks of bindings/c/src/testing.rs: exported by the library for its own tests,
 * not part of remote_rendering.h. */
#ifndef RR_TESTING_HOOKS_H
#define RR_TESTING_HOOKS_H

#include "remote_rendering.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Runs, as a blocking call of `client`, an operation whose core call panics: RR_STATUS_PANIC. */
rr_status rr_testing_panic(const rr_client *client, const char *message, rr_error **err);

/* Starts the same as an rr_operation, which ends with RR_STATUS_PANIC. */
rr_status rr_testing_panic_async(const rr_client *client, const char *message, rr_operation **out,
                                 rr_error **err);

/* Azurite, started by the core's launcher on 127.0.0.1 and a free port (its data in a fresh
 * temporary folder). *out is NULL when it is not installed and not required (the test skips);
 * required (REQUIRE_AZURITE=1 or CI=true), the call fails with a message saying `make azurite`. */
typedef struct rr_testing_azurite rr_testing_azurite;
rr_status rr_testing_azurite_start(rr_testing_azurite **out, rr_error **err);
/* http://127.0.0.1:{port}/devstoreaccount1, borrowed. */
const char *rr_testing_azurite_blob_endpoint(const rr_testing_azurite *azurite);
rr_status rr_testing_azurite_pid(const rr_testing_azurite *azurite, uint32_t *out, rr_error **err);
/* Azurite's well-known development account and key (documented by Azurite; not secrets). */
const char *rr_testing_azurite_account(void);
const char *rr_testing_azurite_key(void);
/* Stops Azurite by its PID and removes its data. */
void rr_testing_azurite_free(rr_testing_azurite *azurite);

#ifdef __cplusplus
}
#endif

#endif
