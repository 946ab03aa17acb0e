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

#ifdef __cplusplus
}
#endif

#endif
