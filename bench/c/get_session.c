/*
 * get_session latency and sequential throughput through the C API (include/remote_rendering.h),
 * against a running emulator. One run, one JSON record on stdout (the format of every
 * benchmark in bench/):
 *
 *   rr-bench-c ENDPOINT ACCOUNT_ID ACCOUNT_KEY [CALLS [WARMUP [ROUND]]]
 */
#define _DEFAULT_SOURCE
#include "remote_rendering.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* CPU time (µs) and context switches of this process so far, all threads included. */
static void usage(double *cpu_us, double *switches) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    *cpu_us = (double)(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e6 + (double)(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
    *switches = (double)(u.ru_nvcsw + u.ru_nivcsw);
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void check(rr_status st, rr_error *err, const char *what) {
    if (st != RR_STATUS_OK) {
        fprintf(stderr, "%s: %s\n", what, err ? rr_error_message(err) : "failed");
        exit(1);
    }
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: %s ENDPOINT ACCOUNT_ID ACCOUNT_KEY [CALLS [WARMUP [ROUND]]]\n", argv[0]);
        return 2;
    }
    const char *endpoint = argv[1], *account = argv[2], *key = argv[3];
    int calls = argc > 4 ? atoi(argv[4]) : 2000;
    int warmup = argc > 5 ? atoi(argv[5]) : 200;
    int round = argc > 6 ? atoi(argv[6]) : 1;
    const char *session = "bench-session";

    rr_error *err = NULL;
    rr_client_options *o = NULL;
    check(rr_client_options_new(&o, &err), err, "options");
    check(rr_client_options_set_endpoint(o, endpoint, &err), err, "endpoint");
    check(rr_client_options_set_sts_endpoint(o, endpoint, &err), err, "sts endpoint");
    check(rr_client_options_set_account_id(o, account, &err), err, "account id");
    check(rr_client_options_set_account_key(o, key, &err), err, "account key");
    rr_client *client = NULL;
    check(rr_client_new(o, &client, &err), err, "client");
    rr_client_options_free(o);

    rr_session *s = NULL;
    check(rr_client_start_session(client, session, "Standard", 60, RR_DEFAULT_TIMEOUT, &s, &err), err,
          "start_session");
    rr_session_free(s);
    for (int i = 0; i < warmup; i++) {
        check(rr_client_get_session(client, session, RR_DEFAULT_TIMEOUT, &s, &err), err, "get_session");
        rr_session_free(s);
    }
    double *lat = malloc(sizeof(double) * (size_t)calls);
    double cpu0, sw0, cpu1, sw1;
    usage(&cpu0, &sw0);
    double t0 = now_us();
    for (int i = 0; i < calls; i++) {
        double t = now_us();
        check(rr_client_get_session(client, session, RR_DEFAULT_TIMEOUT, &s, &err), err, "get_session");
        rr_session_free(s);
        lat[i] = now_us() - t;
    }
    double elapsed = (now_us() - t0) / 1e6;
    usage(&cpu1, &sw1);
    qsort(lat, (size_t)calls, sizeof(double), cmp);
    double med = calls % 2 ? lat[calls / 2] : (lat[calls / 2 - 1] + lat[calls / 2]) / 2;
    int r99 = (int)(0.99 * calls + 0.999999);
    if (r99 < 1) r99 = 1;
    printf("{\"key\": \"get/c\", \"round\": %d, \"metrics\": {\"latency_us\": %.3f, \"p99_us\": %.3f, "
           "\"calls_per_s\": %.3f, \"cpu_us_per_call\": %.3f, \"switches_per_call\": %.3f}}\n",
           round, med, lat[r99 - 1], calls / elapsed, (cpu1 - cpu0) / calls, (sw1 - sw0) / calls);
    free(lat);
    rr_client_free(client);
    return 0;
}
