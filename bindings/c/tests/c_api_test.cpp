// The C API, called directly: every operation and every error status against the embedded
// emulator, the error's data, ownership rules, waits, lists, the lease keeper, managed
// sessions, the non-blocking form and threads.
#include <cmath>
#include <cstring>
#include <set>
#include <vector>

#include "fixtures.hpp"

namespace {

using namespace rr_test;

/// A session owned by the test.
struct SessionBox {
    rr_session* s = nullptr;
    ~SessionBox() { rr_session_free(s); }
    rr_session** out() {
        rr_session_free(s);
        s = nullptr;
        return &s;
    }
    std::string id() const {
        const char* v = nullptr;
        EXPECT_EQ(rr_session_get_id(s, &v, nullptr), RR_STATUS_OK);
        return v ? v : "";
    }
    rr_session_status status() const {
        rr_session_status v = RR_SESSION_STATUS_UNKNOWN;
        EXPECT_EQ(rr_session_get_status(s, &v, nullptr), RR_STATUS_OK);
        return v;
    }
    int64_t lease() const {
        int64_t v = 0;
        EXPECT_EQ(rr_session_get_lease_minutes(s, &v, nullptr), RR_STATUS_OK);
        return v;
    }
};

struct ConversionBox {
    rr_conversion* c = nullptr;
    ~ConversionBox() { rr_conversion_free(c); }
    rr_conversion** out() {
        rr_conversion_free(c);
        c = nullptr;
        return &c;
    }
    rr_conversion_status status() const {
        rr_conversion_status v = RR_CONVERSION_STATUS_UNKNOWN;
        EXPECT_EQ(rr_conversion_get_status(c, &v, nullptr), RR_STATUS_OK);
        return v;
    }
};

/// Settings of a conversion built as C code does: an input and an output location (freed
/// here: the settings copy them), with optional folders and file name.
rr_conversion_settings* settings(bool with_sas = true, const char* input_prefix = nullptr,
                                 const char* output_prefix = nullptr, const char* filename = nullptr) {
    rr_conversion_input_settings* in = nullptr;
    EXPECT_EQ(rr_conversion_input_settings_new("https://store.blob.core.windows.net/input", "box.fbx", &in, nullptr),
              RR_STATUS_OK);
    rr_conversion_output_settings* out = nullptr;
    EXPECT_EQ(rr_conversion_output_settings_new("https://store.blob.core.windows.net/output", &out, nullptr),
              RR_STATUS_OK);
    if (with_sas) {
        EXPECT_EQ(rr_conversion_input_settings_set_storage_container_read_list_sas(in, "sv=2024&sig=READSECRET", nullptr),
                  RR_STATUS_OK);
        EXPECT_EQ(rr_conversion_output_settings_set_storage_container_write_sas(out, "sv=2024&sig=WRITESECRET", nullptr),
                  RR_STATUS_OK);
    }
    if (input_prefix) {
        EXPECT_EQ(rr_conversion_input_settings_set_blob_prefix(in, input_prefix, nullptr), RR_STATUS_OK);
    }
    if (output_prefix) {
        EXPECT_EQ(rr_conversion_output_settings_set_blob_prefix(out, output_prefix, nullptr), RR_STATUS_OK);
    }
    if (filename) {
        EXPECT_EQ(rr_conversion_output_settings_set_output_asset_filename(out, filename, nullptr), RR_STATUS_OK);
    }
    rr_conversion_settings* s = nullptr;
    EXPECT_EQ(rr_conversion_settings_new(in, out, &s, nullptr), RR_STATUS_OK);
    rr_conversion_input_settings_free(in);
    rr_conversion_output_settings_free(out);
    return s;
}

TEST(CApiBasics, VersionMatchesTheHeader) {
    EXPECT_STREQ(rr_version(), RR_VERSION_STRING);
    EXPECT_EQ(RR_VERSION_MAJOR, 0);
}

TEST(CApiBasics, StatusCodesAreTheCoresCodeStrings) {
    const std::vector<std::pair<rr_status, const char*>> expected = {
        {RR_STATUS_OK, "OK"},
        {RR_STATUS_INVALID_INPUT, "INVALID_INPUT"},
        {RR_STATUS_UNAUTHORIZED, "UNAUTHORIZED"},
        {RR_STATUS_FORBIDDEN, "FORBIDDEN"},
        {RR_STATUS_NOT_FOUND, "NOT_FOUND"},
        {RR_STATUS_CONFLICT, "CONFLICT"},
        {RR_STATUS_UNPROCESSABLE, "UNPROCESSABLE"},
        {RR_STATUS_THROTTLED, "THROTTLED"},
        {RR_STATUS_SERVICE_ERROR, "SERVICE_ERROR"},
        {RR_STATUS_TRANSPORT_ERROR, "TRANSPORT_ERROR"},
        {RR_STATUS_TIMEOUT, "TIMEOUT"},
        {RR_STATUS_CANCELLED, "CANCELLED"},
        {RR_STATUS_SESSION_FAILED, "SESSION_FAILED"},
        {RR_STATUS_CONVERSION_FAILED, "CONVERSION_FAILED"},
        {RR_STATUS_PROTOCOL_ERROR, "PROTOCOL_ERROR"},
        {RR_STATUS_PENDING, "PENDING"},
        {RR_STATUS_OTHER_ERROR, "OTHER_ERROR"},
        {RR_STATUS_NULL_ARGUMENT, "NULL_ARGUMENT"},
        {RR_STATUS_INVALID_UTF8, "INVALID_UTF8"},
        {RR_STATUS_PANIC, "INTERNAL_ERROR"},
    };
    for (const auto& [status, code] : expected) EXPECT_STREQ(rr_status_code(status), code);
    EXPECT_STREQ(rr_status_code(12345), "UNKNOWN_STATUS");
}

TEST(CApiBasics, ErrorAccessorsAreNullSafe) {
    EXPECT_EQ(rr_error_status(nullptr), RR_STATUS_NULL_ARGUMENT);
    EXPECT_EQ(rr_error_code(nullptr), nullptr);
    EXPECT_EQ(rr_error_message(nullptr), nullptr);
    EXPECT_EQ(rr_error_http_status(nullptr), 0);
    EXPECT_EQ(rr_error_ms_cv(nullptr), nullptr);
    EXPECT_EQ(rr_error_retry_after_ms(nullptr), -1);
    EXPECT_EQ(rr_error_field(nullptr), nullptr);
    EXPECT_FALSE(rr_error_is_retriable(nullptr));
    EXPECT_EQ(rr_error_service_code(nullptr), nullptr);
    EXPECT_EQ(rr_error_service_message(nullptr), nullptr);
    EXPECT_EQ(rr_error_session(nullptr), nullptr);
    EXPECT_EQ(rr_error_conversion(nullptr), nullptr);
    // Every free is NULL-safe.
    rr_error_free(nullptr);
    rr_string_free(nullptr);
    rr_client_free(nullptr);
    rr_client_options_free(nullptr);
    rr_session_free(nullptr);
    rr_conversion_free(nullptr);
    rr_conversion_settings_free(nullptr);
    rr_session_list_free(nullptr);
    rr_conversion_list_free(nullptr);
    rr_wait_options_free(nullptr);
    rr_cancel_token_free(nullptr);
    rr_wait_results_free(nullptr);
    rr_lease_options_free(nullptr);
    rr_session_options_free(nullptr);
    rr_lease_keeper_free(nullptr);
    rr_managed_session_free(nullptr);
    rr_operation_free(nullptr);
    rr_emulator_options_free(nullptr);
    rr_emulator_free(nullptr);
}

TEST(CApiBasics, NewIdsAreOwnedStrings) {
    char* a = nullptr;
    char* b = nullptr;
    ASSERT_EQ(rr_new_session_id(&a, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_new_conversion_id(&b, nullptr), RR_STATUS_OK);
    EXPECT_EQ(std::string(a).rfind("session-", 0), 0u);
    EXPECT_EQ(std::string(b).rfind("conversion-", 0), 0u);
    EXPECT_EQ(std::strlen(a), std::strlen("session-") + 36);
    rr_string_free(a);
    rr_string_free(b);
}

TEST(CApiBasics, ClientOptionsNameTheSettingAtFault) {
    rr_client_options* o = nullptr;
    ASSERT_EQ(rr_client_options_new(&o, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_client_options_set_region(o, "eastus", nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_client_options_set_account_domain(o, "eastus.mixedreality.azure.com", nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_client_options_set_account_key(o, "very-secret-key", nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_client_options_set_account_id(o, "my-account", nullptr), RR_STATUS_OK);
    rr_client* c = reinterpret_cast<rr_client*>(0x1);  // cleared by the failing call
    ErrorBox err;
    EXPECT_EQ(rr_client_new(o, &c, err.out()), RR_STATUS_INVALID_INPUT);
    EXPECT_EQ(c, nullptr);
    EXPECT_EQ(err.field(), "account_id");
    EXPECT_NE(err.message().find("UUID"), std::string::npos) << err.message();
    EXPECT_EQ(err.message().find("very-secret-key"), std::string::npos);

    ASSERT_EQ(rr_client_options_set_account_id(o, "00000000-1111-2222-3333-444455556666", nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_client_options_set_endpoint(o, "http://example.com", nullptr), RR_STATUS_OK);
    EXPECT_EQ(rr_client_new(o, &c, err.out()), RR_STATUS_INVALID_INPUT);
    EXPECT_EQ(err.field(), "endpoint") << "endpoint and region both given";
    rr_client_options_free(o);

    // The concurrency limit: the core's rule and message, when the client is made.
    for (uint32_t bad : {0u, 4097u}) {
        ASSERT_EQ(rr_client_options_new(&o, nullptr), RR_STATUS_OK);
        ASSERT_EQ(rr_client_options_set_region(o, "eastus", nullptr), RR_STATUS_OK);
        ASSERT_EQ(rr_client_options_set_account_domain(o, "eastus.mixedreality.azure.com", nullptr), RR_STATUS_OK);
        ASSERT_EQ(rr_client_options_set_access_token(o, "token", nullptr), RR_STATUS_OK);
        ASSERT_EQ(rr_client_options_set_account_id(o, "00000000-1111-2222-3333-444455556666", nullptr), RR_STATUS_OK);
        ASSERT_EQ(rr_client_options_set_max_concurrent_requests(o, bad, nullptr), RR_STATUS_OK);
        EXPECT_EQ(rr_client_new(o, &c, err.out()), RR_STATUS_INVALID_INPUT);
        EXPECT_EQ(err.field(), "max_concurrent_requests");
        EXPECT_NE(err.message().find("must be from 1 to 4096"), std::string::npos) << err.message();
        rr_client_options_free(o);
    }

    // The defaults, and a client made from the environment's settings.
    ASSERT_EQ(rr_client_options_new(&o, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_client_options_set_region(o, "eastus", nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_client_options_set_account_domain(o, "eastus.mixedreality.azure.com", nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_client_options_set_access_token(o, "token", nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_client_options_set_account_id(o, "00000000-1111-2222-3333-444455556666", nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_client_options_set_user_agent_suffix(o, "engine/1.0", nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_client_options_set_request_timeout_ms(o, 1000, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_client_options_set_worker_threads(o, 1, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_client_new(o, &c, nullptr), RR_STATUS_OK);
    const char* v = nullptr;
    ASSERT_EQ(rr_client_get_endpoint(c, &v, nullptr), RR_STATUS_OK);
    EXPECT_STREQ(v, "https://remoterendering.eastus.mixedreality.azure.com");
    ASSERT_EQ(rr_client_get_sts_endpoint(c, &v, nullptr), RR_STATUS_OK);
    EXPECT_STREQ(v, "https://sts.eastus.mixedreality.azure.com");
    ASSERT_EQ(rr_client_get_account_id(c, &v, nullptr), RR_STATUS_OK);
    EXPECT_STREQ(v, "00000000-1111-2222-3333-444455556666");
    uint64_t poll = 0;
    ASSERT_EQ(rr_client_get_poll_interval_ms(c, &poll, nullptr), RR_STATUS_OK);
    EXPECT_EQ(poll, RR_DEFAULT_POLL_INTERVAL_MS);
    rr_client_free(c);
    rr_client_options_free(o);

    setenv("ARR_ACCOUNT_ID", "00000000-1111-2222-3333-444455556666", 1);
    setenv("ARR_ACCOUNT_KEY", "k", 1);
    setenv("ARR_ACCOUNT_DOMAIN", "westeurope.mixedreality.azure.com", 1);
    setenv("ARR_REGION", "westeurope", 1);
    ASSERT_EQ(rr_client_options_from_env(&o, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_client_new(o, &c, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_client_get_endpoint(c, &v, nullptr), RR_STATUS_OK);
    EXPECT_STREQ(v, "https://remoterendering.westeurope.mixedreality.azure.com");
    rr_client_free(c);
    rr_client_options_free(o);
    for (const char* n : {"ARR_ACCOUNT_ID", "ARR_ACCOUNT_KEY", "ARR_ACCOUNT_DOMAIN", "ARR_REGION"}) unsetenv(n);
}

TEST_F(CApi, SessionLifecycle) {
    SessionBox s;
    ASSERT_EQ(rr_client_start_session(client, "c-life", "Standard", 30, 0, s.out(), nullptr), RR_STATUS_OK);
    EXPECT_EQ(s.id(), "c-life");
    EXPECT_EQ(s.status(), RR_SESSION_STATUS_STARTING);
    EXPECT_EQ(s.lease(), 30);
    const char* v = nullptr;
    ASSERT_EQ(rr_session_get_size(s.s, &v, nullptr), RR_STATUS_OK);
    EXPECT_STREQ(v, "Standard");
    ASSERT_EQ(rr_session_get_status_text(s.s, &v, nullptr), RR_STATUS_OK);
    EXPECT_STREQ(v, "Starting");
    ASSERT_EQ(rr_session_get_hostname(s.s, &v, nullptr), RR_STATUS_OK);
    EXPECT_EQ(v, nullptr) << "no host before Ready";
    ASSERT_EQ(rr_session_get_created_on(s.s, &v, nullptr), RR_STATUS_OK);
    EXPECT_NE(v, nullptr);
    int32_t port = 0;
    ASSERT_EQ(rr_session_get_handshake_port(s.s, &port, nullptr), RR_STATUS_OK);
    EXPECT_EQ(port, -1);

    // The same id and settings again: the same session.
    SessionBox again;
    ASSERT_EQ(rr_client_start_session(client, "c-life", "standard", 30, 0, again.out(), nullptr), RR_STATUS_OK);
    EXPECT_EQ(again.id(), "c-life");

    advance(61);
    ASSERT_EQ(rr_client_get_session(client, "c-life", 0, s.out(), nullptr), RR_STATUS_OK);
    EXPECT_EQ(s.status(), RR_SESSION_STATUS_READY);
    ASSERT_EQ(rr_session_get_hostname(s.s, &v, nullptr), RR_STATUS_OK);
    ASSERT_NE(v, nullptr);
    EXPECT_NE(std::string(v).find("local"), std::string::npos) << v;
    ASSERT_EQ(rr_session_get_handshake_port(s.s, &port, nullptr), RR_STATUS_OK);
    EXPECT_GT(port, 0);
    ASSERT_EQ(rr_session_get_arr_inspector_port(s.s, &port, nullptr), RR_STATUS_OK);
    EXPECT_GT(port, 0);
    double tf = 0;
    ASSERT_EQ(rr_session_get_teraflops(s.s, &tf, nullptr), RR_STATUS_OK);
    EXPECT_GT(tf, 0);
    int64_t elapsed = -5;
    ASSERT_EQ(rr_session_get_elapsed_minutes(s.s, &elapsed, nullptr), RR_STATUS_OK);
    EXPECT_EQ(elapsed, 0);

    ASSERT_EQ(rr_client_update_session(client, "c-life", 60, 0, s.out(), nullptr), RR_STATUS_OK);
    EXPECT_EQ(s.lease(), 60);
    // The same lease again succeeds (a retried PATCH whose answer was lost).
    ASSERT_EQ(rr_client_update_session(client, "c-life", 60, 0, s.out(), nullptr), RR_STATUS_OK);

    SessionBox copy;
    ASSERT_EQ(rr_session_clone(s.s, copy.out(), nullptr), RR_STATUS_OK);
    EXPECT_EQ(copy.lease(), 60);

    ASSERT_EQ(rr_client_stop_session(client, "c-life", 0, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_client_get_session(client, "c-life", 0, s.out(), nullptr), RR_STATUS_OK);
    EXPECT_EQ(s.status(), RR_SESSION_STATUS_STOPPED);
    EXPECT_EQ(rr_client_stop_session(client, "c-life", 0, nullptr), RR_STATUS_OK) << "stop is idempotent";
}

TEST_F(CApi, NotFoundCarriesStatusAndCorrelationVector) {
    SessionBox s;
    s.s = reinterpret_cast<rr_session*>(0x1);
    rr_session* raw = s.s;
    ErrorBox err;
    EXPECT_EQ(rr_client_get_session(client, "nobody", 0, &raw, err.out()), RR_STATUS_NOT_FOUND);
    s.s = raw;
    EXPECT_EQ(raw, nullptr) << "the out-parameter is cleared on failure";
    EXPECT_EQ(rr_error_status(err.e), RR_STATUS_NOT_FOUND);
    EXPECT_EQ(err.code(), "NOT_FOUND");
    EXPECT_EQ(rr_error_http_status(err.e), 404);
    EXPECT_NE(rr_error_ms_cv(err.e), nullptr);
    EXPECT_NE(err.message().find("nobody"), std::string::npos) << err.message();
    EXPECT_FALSE(rr_error_is_retriable(err.e));
    EXPECT_EQ(rr_error_retry_after_ms(err.e), -1);
}

TEST_F(CApi, InvalidInputIsRefusedBeforeSending) {
    rr_emulator_reset_stats(emu, nullptr);
    SessionBox s;
    ErrorBox err;
    EXPECT_EQ(rr_client_start_session(client, "has space", "Standard", 30, 0, s.out(), err.out()), RR_STATUS_INVALID_INPUT);
    EXPECT_EQ(err.field(), "session_id");
    EXPECT_EQ(rr_error_http_status(err.e), 0);
    EXPECT_EQ(rr_client_start_session(client, "ok", "Standard", 5000, 0, s.out(), err.out()), RR_STATUS_INVALID_INPUT);
    EXPECT_EQ(err.field(), "lease_minutes");
    uint64_t requests = 99;
    ASSERT_EQ(rr_emulator_get_requests(emu, nullptr, &requests, nullptr), RR_STATUS_OK);
    EXPECT_EQ(requests, 0u);
}

TEST_F(CApi, UnauthorizedNeverShowsTheKey) {
    rr_client* wrong = make_client("d3Jvbmcta2V5LW5vdC10aGUtcmVhbC1vbmU=");
    SessionBox s;
    ErrorBox err;
    EXPECT_EQ(rr_client_get_session(wrong, "any", 0, s.out(), err.out()), RR_STATUS_UNAUTHORIZED);
    EXPECT_EQ(err.code(), "UNAUTHORIZED");
    EXPECT_EQ(err.message().find("d3Jvbmcta2V5"), std::string::npos) << err.message();
    rr_client_free(wrong);
}

TEST_F(CApi, ConflictWhenTheIdExistsWithOtherSettings) {
    SessionBox s;
    ASSERT_EQ(rr_client_start_session(client, "c-conflict", "Standard", 30, 0, s.out(), nullptr), RR_STATUS_OK);
    ErrorBox err;
    EXPECT_EQ(rr_client_start_session(client, "c-conflict", "Premium", 30, 0, s.out(), err.out()), RR_STATUS_CONFLICT);
    EXPECT_EQ(rr_error_http_status(err.e), 409);
    EXPECT_NE(rr_error_service_code(err.e), nullptr);
    EXPECT_NE(rr_error_service_message(err.e), nullptr);
}

TEST_F(CApi, UnprocessableWhenTheLeaseShrinks) {
    SessionBox s;
    ASSERT_EQ(rr_client_start_session(client, "c-shrink", "Standard", 30, 0, s.out(), nullptr), RR_STATUS_OK);
    ErrorBox err;
    EXPECT_EQ(rr_client_update_session(client, "c-shrink", 20, 0, s.out(), err.out()), RR_STATUS_UNPROCESSABLE);
    EXPECT_EQ(rr_error_http_status(err.e), 422);
}

TEST_F(CApi, ForbiddenWithoutSasOnUnlinkedStorage) {
    rr_conversion_settings* st = settings(false);
    ConversionBox c;
    ErrorBox err;
    EXPECT_EQ(rr_client_start_conversion(client, "c-forbidden", st, 0, c.out(), err.out()), RR_STATUS_FORBIDDEN);
    EXPECT_EQ(rr_error_http_status(err.e), 403);
    EXPECT_STREQ(rr_error_service_code(err.e), "LinkedStorageAccessFailure");
    rr_conversion_settings_free(st);
}

TEST_F(CApi, ThrottledAfterTheRetriesWithRetryAfter) {
    rr_client* once = make_client(nullptr, 1);
    SessionBox s;
    ASSERT_EQ(rr_client_start_session(once, "c-throttled", "Standard", 30, 0, s.out(), nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_emulator_set_faults(emu, "429:3=1@get_session", 7, nullptr), RR_STATUS_OK);
    ErrorBox err;
    EXPECT_EQ(rr_client_get_session(once, "c-throttled", 0, s.out(), err.out()), RR_STATUS_THROTTLED);
    EXPECT_EQ(rr_error_http_status(err.e), 429);
    EXPECT_EQ(rr_error_retry_after_ms(err.e), 3000);
    EXPECT_TRUE(rr_error_is_retriable(err.e));
    rr_client_free(once);
}

TEST_F(CApi, ServiceErrorAfterTheRetries) {
    ASSERT_EQ(rr_emulator_set_faults(emu, "500=1@get_session", 1, nullptr), RR_STATUS_OK);
    SessionBox s;
    ErrorBox err;
    EXPECT_EQ(rr_client_get_session(client, "any", 0, s.out(), err.out()), RR_STATUS_SERVICE_ERROR);
    EXPECT_EQ(rr_error_http_status(err.e), 500);
    EXPECT_TRUE(rr_error_is_retriable(err.e));
    uint64_t gets = 0;
    ASSERT_EQ(rr_emulator_get_requests(emu, "get_session", &gets, nullptr), RR_STATUS_OK);
    EXPECT_EQ(gets, 3u) << "three attempts";
}

TEST_F(CApi, TransportErrorWhenConnectionsReset) {
    ASSERT_EQ(rr_emulator_set_faults(emu, "reset=1@get_session", 1, nullptr), RR_STATUS_OK);
    SessionBox s;
    ErrorBox err;
    EXPECT_EQ(rr_client_get_session(client, "any", 0, s.out(), err.out()), RR_STATUS_TRANSPORT_ERROR);
    EXPECT_TRUE(rr_error_is_retriable(err.e));
    ASSERT_EQ(rr_emulator_clear_faults(emu, nullptr), RR_STATUS_OK);
    EXPECT_EQ(rr_client_get_session(client, "any", 0, s.out(), err.out()), RR_STATUS_NOT_FOUND);
}

TEST_F(CApi, TimeoutOfABlockingCall) {
    ASSERT_EQ(rr_emulator_set_faults(emu, "delay:3s=1@get_session", 1, nullptr), RR_STATUS_OK);
    SessionBox s;
    ErrorBox err;
    auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(rr_client_get_session(client, "any", 200, s.out(), err.out()), RR_STATUS_TIMEOUT);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
    EXPECT_NE(err.message().find("200 ms"), std::string::npos) << err.message();
}

TEST_F(CApi, ProtocolErrorOnAnAnswerThatIsNotJson) {
    GarbageServer garbage;
    rr_client_options* o = nullptr;
    ASSERT_EQ(rr_client_options_new(&o, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_client_options_set_endpoint(o, garbage.endpoint().c_str(), nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_client_options_set_sts_endpoint(o, garbage.endpoint().c_str(), nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_client_options_set_account_id(o, "00000000-1111-2222-3333-444455556666", nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_client_options_set_access_token(o, "a-ready-token", nullptr), RR_STATUS_OK);
    rr_client* c = nullptr;
    ASSERT_EQ(rr_client_new(o, &c, nullptr), RR_STATUS_OK);
    SessionBox s;
    ErrorBox err;
    EXPECT_EQ(rr_client_get_session(c, "any", 0, s.out(), err.out()), RR_STATUS_PROTOCOL_ERROR);
    EXPECT_EQ(rr_error_http_status(err.e), 200);
    EXPECT_EQ(err.message().find("a-ready-token"), std::string::npos);
    rr_client_free(c);
    rr_client_options_free(o);
}

TEST_F(CApi, WaitForSessionReportsProgressOnTheCallingThread) {
    SessionBox s;
    ASSERT_EQ(rr_client_start_session(client, "c-wait", "Standard", 30, 0, s.out(), nullptr), RR_STATUS_OK);
    struct Seen {
        std::vector<rr_session_status> statuses;
        std::thread::id thread;
        rr_emulator* emu;
    } seen{{}, {}, emu};
    rr_wait_options* w = nullptr;
    ASSERT_EQ(rr_wait_options_new(&w, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_wait_options_set_poll_interval_ms(w, 10, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_wait_options_set_session_progress(
                  w,
                  [](void* ud, const rr_session* session) {
                      auto* seen = static_cast<Seen*>(ud);
                      rr_session_status st = RR_SESSION_STATUS_UNKNOWN;
                      rr_session_get_status(session, &st, nullptr);
                      seen->statuses.push_back(st);
                      seen->thread = std::this_thread::get_id();
                      // The session becomes Ready after three polls.
                      if (seen->statuses.size() == 3) rr_emulator_advance_clock_ms(seen->emu, 61000, nullptr);
                  },
                  &seen, nullptr),
              RR_STATUS_OK);
    ASSERT_EQ(rr_client_wait_for_session(client, "c-wait", w, 10000, s.out(), nullptr), RR_STATUS_OK);
    EXPECT_EQ(s.status(), RR_SESSION_STATUS_READY);
    ASSERT_EQ(seen.statuses.size(), 4u);
    EXPECT_EQ(seen.statuses.front(), RR_SESSION_STATUS_STARTING);
    EXPECT_EQ(seen.statuses.back(), RR_SESSION_STATUS_READY);
    EXPECT_EQ(seen.thread, std::this_thread::get_id());
    rr_wait_options_free(w);
}

TEST_F(CApi, WaitTimesOutWithTheLastSessionSeen) {
    SessionBox s;
    ASSERT_EQ(rr_client_start_session(client, "c-slow", "Standard", 30, 0, s.out(), nullptr), RR_STATUS_OK);
    ErrorBox err;
    auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(rr_client_wait_for_session(client, "c-slow", nullptr, 150, s.out(), err.out()), RR_STATUS_TIMEOUT);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 3s);
    const rr_session* last = rr_error_session(err.e);
    ASSERT_NE(last, nullptr);
    rr_session_status st = RR_SESSION_STATUS_UNKNOWN;
    ASSERT_EQ(rr_session_get_status(last, &st, nullptr), RR_STATUS_OK);
    EXPECT_EQ(st, RR_SESSION_STATUS_STARTING);
}

TEST_F(CApi, WaitEndsWhenItsTokenIsCancelled) {
    SessionBox s;
    ASSERT_EQ(rr_client_start_session(client, "c-cancel", "Standard", 30, 0, s.out(), nullptr), RR_STATUS_OK);
    rr_cancel_token* token = nullptr;
    ASSERT_EQ(rr_cancel_token_new(&token, nullptr), RR_STATUS_OK);
    rr_cancel_token* child = nullptr;
    ASSERT_EQ(rr_cancel_token_child(token, &child, nullptr), RR_STATUS_OK);
    rr_wait_options* w = nullptr;
    ASSERT_EQ(rr_wait_options_new(&w, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_wait_options_set_cancel(w, child, nullptr), RR_STATUS_OK);
    std::thread canceller([&] {
        std::this_thread::sleep_for(100ms);
        rr_cancel_token_cancel(token, nullptr);  // the parent cancels the child
    });
    ErrorBox err;
    EXPECT_EQ(rr_client_wait_for_session(client, "c-cancel", w, 10000, s.out(), err.out()), RR_STATUS_CANCELLED);
    canceller.join();
    EXPECT_NE(rr_error_session(err.e), nullptr);
    bool cancelled = false;
    ASSERT_EQ(rr_cancel_token_is_cancelled(child, &cancelled, nullptr), RR_STATUS_OK);
    EXPECT_TRUE(cancelled);
    rr_wait_options_free(w);
    rr_cancel_token_free(child);
    rr_cancel_token_free(token);
}

TEST_F(CApi, SessionFailedCarriesTheSessionAndTheServiceError) {
    SessionBox s;
    ASSERT_EQ(rr_client_start_session(client, "c-fail", "Standard", 30, 0, s.out(), nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_emulator_fail_session(emu, "c-fail", "ServerCrash", "the VM died", nullptr), RR_STATUS_OK);
    ErrorBox err;
    EXPECT_EQ(rr_client_wait_for_session(client, "c-fail", nullptr, 5000, s.out(), err.out()), RR_STATUS_SESSION_FAILED);
    EXPECT_STREQ(rr_error_service_code(err.e), "ServerCrash");
    EXPECT_STREQ(rr_error_service_message(err.e), "the VM died");
    const rr_session* failed = rr_error_session(err.e);
    ASSERT_NE(failed, nullptr);
    rr_session_status st = RR_SESSION_STATUS_UNKNOWN;
    rr_session_get_status(failed, &st, nullptr);
    EXPECT_EQ(st, RR_SESSION_STATUS_ERROR);
    const char* code = nullptr;
    ASSERT_EQ(rr_session_get_error_code(failed, &code, nullptr), RR_STATUS_OK);
    EXPECT_STREQ(code, "ServerCrash");
    ASSERT_EQ(rr_session_get_error_message(failed, &code, nullptr), RR_STATUS_OK);
    EXPECT_STREQ(code, "the VM died");
    const rr_error_details* details = nullptr;
    ASSERT_EQ(rr_session_get_error(failed, &details, nullptr), RR_STATUS_OK);
    ASSERT_NE(details, nullptr);
    ASSERT_EQ(rr_error_details_get_code(details, &code, nullptr), RR_STATUS_OK);
    EXPECT_STREQ(code, "ServerCrash");
    ASSERT_EQ(rr_error_details_get_message(details, &code, nullptr), RR_STATUS_OK);
    EXPECT_STREQ(code, "the VM died");
    ASSERT_EQ(rr_error_details_get_target(details, &code, nullptr), RR_STATUS_OK);
    EXPECT_EQ(code, nullptr) << "the emulator names no target";
    size_t n = 99;
    ASSERT_EQ(rr_error_details_get_details_count(details, &n, nullptr), RR_STATUS_OK);
    EXPECT_EQ(n, 0u);
    EXPECT_EQ(rr_error_details_get_detail(details, 0, &details, nullptr), RR_STATUS_INVALID_INPUT);
    EXPECT_EQ(details, nullptr) << "an out-parameter is NULL when the call fails";
    EXPECT_EQ(rr_emulator_fail_session(emu, "nobody", nullptr, nullptr, err.out()), RR_STATUS_INVALID_INPUT);
}

TEST_F(CApi, ConversionLifecycleAndSettings) {
    rr_conversion_settings* st = settings(true, "models", "converted", "box.arrAsset");
    ConversionBox c;
    ASSERT_EQ(rr_client_start_conversion(client, "c-conv", st, 0, c.out(), nullptr), RR_STATUS_OK);
    EXPECT_EQ(c.status(), RR_CONVERSION_STATUS_NOT_STARTED);
    const rr_conversion_settings* echoed = nullptr;
    ASSERT_EQ(rr_conversion_get_settings(c.c, &echoed, nullptr), RR_STATUS_OK);
    const rr_conversion_input_settings* in = nullptr;
    ASSERT_EQ(rr_conversion_settings_get_input_location(echoed, &in, nullptr), RR_STATUS_OK);
    const rr_conversion_output_settings* out = nullptr;
    ASSERT_EQ(rr_conversion_settings_get_output_location(echoed, &out, nullptr), RR_STATUS_OK);
    const char* v = nullptr;
    ASSERT_EQ(rr_conversion_input_settings_get_storage_container_uri(in, &v, nullptr), RR_STATUS_OK);
    EXPECT_STREQ(v, "https://store.blob.core.windows.net/input");
    ASSERT_EQ(rr_conversion_input_settings_get_relative_input_asset_path(in, &v, nullptr), RR_STATUS_OK);
    EXPECT_STREQ(v, "box.fbx");
    ASSERT_EQ(rr_conversion_input_settings_get_blob_prefix(in, &v, nullptr), RR_STATUS_OK);
    EXPECT_STREQ(v, "models/") << "the service adds the slash";
    ASSERT_EQ(rr_conversion_output_settings_get_storage_container_uri(out, &v, nullptr), RR_STATUS_OK);
    EXPECT_STREQ(v, "https://store.blob.core.windows.net/output");
    ASSERT_EQ(rr_conversion_output_settings_get_blob_prefix(out, &v, nullptr), RR_STATUS_OK);
    EXPECT_STREQ(v, "converted/");
    ASSERT_EQ(rr_conversion_output_settings_get_output_asset_filename(out, &v, nullptr), RR_STATUS_OK);
    EXPECT_STREQ(v, "box.arrAsset");
    ASSERT_EQ(rr_conversion_get_created_on(c.c, &v, nullptr), RR_STATUS_OK);
    EXPECT_NE(v, nullptr);
    ASSERT_EQ(rr_conversion_get_output_asset_uri(c.c, &v, nullptr), RR_STATUS_OK);
    EXPECT_EQ(v, nullptr);

    ASSERT_EQ(rr_client_get_conversion(client, "c-conv", 0, c.out(), nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_conversion_get_id(c.c, &v, nullptr), RR_STATUS_OK);
    EXPECT_STREQ(v, "c-conv");
    advance(121);
    ASSERT_EQ(rr_client_wait_for_conversion(client, "c-conv", nullptr, 5000, c.out(), nullptr), RR_STATUS_OK);
    EXPECT_EQ(c.status(), RR_CONVERSION_STATUS_SUCCEEDED);
    ASSERT_EQ(rr_conversion_get_status_text(c.c, &v, nullptr), RR_STATUS_OK);
    EXPECT_STREQ(v, "Succeeded");
    ASSERT_EQ(rr_conversion_get_output_asset_uri(c.c, &v, nullptr), RR_STATUS_OK);
    ASSERT_NE(v, nullptr);
    EXPECT_NE(std::string(v).find("box.arrAsset"), std::string::npos) << v;
    ConversionBox copy;
    ASSERT_EQ(rr_conversion_clone(c.c, copy.out(), nullptr), RR_STATUS_OK);
    EXPECT_EQ(copy.status(), RR_CONVERSION_STATUS_SUCCEEDED);
    rr_conversion_settings_free(st);
}

TEST_F(CApi, ConversionFailedOrCancelledWhileWaitedOn) {
    rr_conversion_settings* st = settings();
    ConversionBox c;
    ASSERT_EQ(rr_client_start_conversion(client, "c-conv-fail", st, 0, c.out(), nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_client_start_conversion(client, "c-conv-cancel", st, 0, c.out(), nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_emulator_fail_conversion(emu, "c-conv-fail", "InputNotFound", "no such file", nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_emulator_cancel_conversion(emu, "c-conv-cancel", nullptr), RR_STATUS_OK);
    ErrorBox err;
    EXPECT_EQ(rr_client_wait_for_conversion(client, "c-conv-fail", nullptr, 5000, c.out(), err.out()),
              RR_STATUS_CONVERSION_FAILED);
    EXPECT_STREQ(rr_error_service_code(err.e), "InputNotFound");
    const rr_conversion* failed = rr_error_conversion(err.e);
    ASSERT_NE(failed, nullptr);
    rr_conversion_status cs = RR_CONVERSION_STATUS_UNKNOWN;
    rr_conversion_get_status(failed, &cs, nullptr);
    EXPECT_EQ(cs, RR_CONVERSION_STATUS_FAILED);
    const char* v = nullptr;
    ASSERT_EQ(rr_conversion_get_error_code(failed, &v, nullptr), RR_STATUS_OK);
    EXPECT_STREQ(v, "InputNotFound");
    ASSERT_EQ(rr_conversion_get_error_message(failed, &v, nullptr), RR_STATUS_OK);
    EXPECT_STREQ(v, "no such file");

    EXPECT_EQ(rr_client_wait_for_conversion(client, "c-conv-cancel", nullptr, 5000, c.out(), err.out()),
              RR_STATUS_CONVERSION_FAILED);
    rr_conversion_get_status(rr_error_conversion(err.e), &cs, nullptr);
    EXPECT_EQ(cs, RR_CONVERSION_STATUS_CANCELLED);
    EXPECT_EQ(err.message().find("READSECRET"), std::string::npos);
    rr_conversion_settings_free(st);
}

TEST(CApiLists, ListsReadPageByPageAsTheyAdvance) {
    rr_emulator_options* eo = nullptr;
    ASSERT_EQ(rr_emulator_options_new(&eo, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_emulator_options_set_page_size(eo, 2, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_emulator_options_set_region(eo, "westus2", nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_emulator_options_set_time_scale(eo, 1.0, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_emulator_options_set_token_lifetime_ms(eo, 3600000, nullptr), RR_STATUS_OK);
    rr_emulator* emu = nullptr;
    ASSERT_EQ(rr_emulator_start(eo, &emu, nullptr), RR_STATUS_OK);
    rr_emulator_options_free(eo);
    rr_client_options* o = nullptr;
    ASSERT_EQ(rr_emulator_client_options(emu, &o, nullptr), RR_STATUS_OK);
    rr_client* client = nullptr;
    ASSERT_EQ(rr_client_new(o, &client, nullptr), RR_STATUS_OK);
    rr_client_options_free(o);
    rr_conversion_settings* st = settings();
    for (int i = 0; i < 5; ++i) {
        std::string id = "list-" + std::to_string(i);
        rr_session* s = nullptr;
        ASSERT_EQ(rr_client_start_session(client, id.c_str(), "Standard", 30, 0, &s, nullptr), RR_STATUS_OK);
        rr_session_free(s);
        rr_conversion* c = nullptr;
        ASSERT_EQ(rr_client_start_conversion(client, id.c_str(), st, 0, &c, nullptr), RR_STATUS_OK);
        rr_conversion_free(c);
    }
    rr_conversion_settings_free(st);
    rr_emulator_reset_stats(emu, nullptr);

    rr_session_list* list = nullptr;
    ASSERT_EQ(rr_client_list_sessions(client, &list, nullptr), RR_STATUS_OK);
    uint64_t pages = 9;
    rr_emulator_get_requests(emu, "list_sessions", &pages, nullptr);
    EXPECT_EQ(pages, 0u) << "nothing is sent before the first next";
    std::set<std::string> ids;
    rr_session* s = nullptr;
    ASSERT_EQ(rr_session_list_next(list, 0, &s, nullptr), RR_STATUS_OK);
    rr_emulator_get_requests(emu, "list_sessions", &pages, nullptr);
    EXPECT_EQ(pages, 1u) << "one page at a time";
    while (s) {
        const char* id = nullptr;
        rr_session_get_id(s, &id, nullptr);
        ids.insert(id);
        rr_session_free(s);
        ASSERT_EQ(rr_session_list_next(list, 0, &s, nullptr), RR_STATUS_OK);
    }
    EXPECT_EQ(ids.size(), 5u);
    rr_emulator_get_requests(emu, "list_sessions", &pages, nullptr);
    EXPECT_EQ(pages, 3u);
    ASSERT_EQ(rr_session_list_next(list, 0, &s, nullptr), RR_STATUS_OK);
    EXPECT_EQ(s, nullptr) << "the end stays the end";
    rr_session_list_free(list);

    rr_conversion_list* clist = nullptr;
    ASSERT_EQ(rr_client_list_conversions(client, &clist, nullptr), RR_STATUS_OK);
    rr_client_free(client);  // the list keeps what it needs
    size_t conversions = 0;
    rr_conversion* c = nullptr;
    while (rr_conversion_list_next(clist, 0, &c, nullptr) == RR_STATUS_OK && c) {
        ++conversions;
        rr_conversion_free(c);
    }
    EXPECT_EQ(conversions, 5u);
    rr_conversion_list_free(clist);
    rr_emulator_free(emu);
}

TEST_F(CApi, WaitForSessionsGivesOneOutcomePerId) {
    SessionBox s;
    for (const char* id : {"fleet-a", "fleet-b"})
        ASSERT_EQ(rr_client_start_session(client, id, "Standard", 30, 0, s.out(), nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_emulator_fail_session(emu, "fleet-b", nullptr, nullptr, nullptr), RR_STATUS_OK);
    advance(61);
    const char* ids[] = {"fleet-a", "fleet-b", "fleet-missing"};
    rr_wait_results* results = nullptr;
    ASSERT_EQ(rr_client_wait_for_sessions(client, ids, 3, nullptr, 5000, &results, nullptr), RR_STATUS_OK);
    size_t n = 0;
    ASSERT_EQ(rr_wait_results_get_count(results, &n, nullptr), RR_STATUS_OK);
    ASSERT_EQ(n, 3u);
    const rr_session* ready = nullptr;
    const rr_error* e = nullptr;
    ASSERT_EQ(rr_wait_results_get(results, 0, &ready, &e, nullptr), RR_STATUS_OK);
    ASSERT_NE(ready, nullptr);
    EXPECT_EQ(e, nullptr);
    ASSERT_EQ(rr_wait_results_get(results, 1, &ready, &e, nullptr), RR_STATUS_OK);
    EXPECT_EQ(ready, nullptr);
    EXPECT_EQ(rr_error_status(e), RR_STATUS_SESSION_FAILED);
    ASSERT_EQ(rr_wait_results_get(results, 2, &ready, &e, nullptr), RR_STATUS_OK);
    EXPECT_EQ(rr_error_status(e), RR_STATUS_NOT_FOUND);
    ErrorBox err;
    EXPECT_EQ(rr_wait_results_get(results, 3, &ready, &e, err.out()), RR_STATUS_INVALID_INPUT);
    EXPECT_EQ(err.field(), "index");
    rr_wait_results_free(results);

    const char* twice[] = {"fleet-a", "fleet-a"};
    EXPECT_EQ(rr_client_wait_for_sessions(client, twice, 2, nullptr, 1000, &results, err.out()), RR_STATUS_INVALID_INPUT);
    EXPECT_EQ(results, nullptr);
}

TEST_F(CApi, LeaseKeeperExtendsAndStopsTheSessionWhenFreed) {
    SessionBox s;
    ASSERT_EQ(rr_client_start_session(client, "c-keep", "Standard", 10, 0, s.out(), nullptr), RR_STATUS_OK);
    advance(61);
    rr_lease_options* lo = nullptr;
    ASSERT_EQ(rr_lease_options_new(&lo, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_lease_options_set_check_interval_ms(lo, 20, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_lease_options_set_step_minutes(lo, 10, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_lease_options_set_margin_minutes(lo, 5, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_lease_options_set_max_total_minutes(lo, 30, nullptr), RR_STATUS_OK);
    rr_lease_keeper* keeper = nullptr;
    ASSERT_EQ(rr_client_keep_alive(client, "c-keep", lo, &keeper, nullptr), RR_STATUS_OK);
    rr_lease_options_free(lo);
    const char* id = nullptr;
    ASSERT_EQ(rr_lease_keeper_get_session_id(keeper, &id, nullptr), RR_STATUS_OK);
    EXPECT_STREQ(id, "c-keep");
    advance(6 * 60);  // 6 of 10 minutes used: within the margin
    uint32_t extensions = 0;
    for (int i = 0; i < 200 && extensions == 0; ++i) {
        std::this_thread::sleep_for(10ms);
        ASSERT_EQ(rr_lease_keeper_get_extensions(keeper, &extensions, nullptr), RR_STATUS_OK);
    }
    EXPECT_EQ(extensions, 1u);
    rr_session* latest = nullptr;
    for (int i = 0; i < 100; ++i) {
        ASSERT_EQ(rr_lease_keeper_get_latest(keeper, &latest, nullptr), RR_STATUS_OK);
        int64_t lease = 0;
        if (latest) rr_session_get_lease_minutes(latest, &lease, nullptr);
        rr_session_free(latest);
        if (lease == 20) break;
        std::this_thread::sleep_for(10ms);
    }
    bool finished = true;
    ASSERT_EQ(rr_lease_keeper_get_is_finished(keeper, &finished, nullptr), RR_STATUS_OK);
    EXPECT_FALSE(finished);
    rr_lease_keeper_free(keeper);  // stops the session before returning
    ASSERT_EQ(rr_client_get_session(client, "c-keep", 0, s.out(), nullptr), RR_STATUS_OK);
    EXPECT_EQ(s.status(), RR_SESSION_STATUS_STOPPED);
}

TEST_F(CApi, LeaseKeeperStopsTheSessionRatherThanExtendPastTheBudget) {
    SessionBox s;
    ASSERT_EQ(rr_client_start_session(client, "c-budget", "Standard", 10, 0, s.out(), nullptr), RR_STATUS_OK);
    advance(61);
    rr_lease_options* lo = nullptr;
    ASSERT_EQ(rr_lease_options_new(&lo, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_lease_options_set_check_interval_ms(lo, 20, nullptr), RR_STATUS_OK);
    // 6 an hour (0.10 a minute): 10 minutes cost 1.00, the next step (20) 2.00 > 1.50.
    ASSERT_EQ(rr_lease_options_set_budget(lo, 1.5, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_lease_options_set_cost_rates(lo, 6.0, NAN, nullptr), RR_STATUS_OK);
    rr_lease_keeper* keeper = nullptr;
    ASSERT_EQ(rr_client_keep_alive(client, "c-budget", lo, &keeper, nullptr), RR_STATUS_OK);
    rr_lease_options_free(lo);
    advance(6 * 60);  // 6 of 10 minutes used: within the margin, where it would extend
    bool finished = false;
    for (int i = 0; i < 300 && !finished; ++i) {
        std::this_thread::sleep_for(10ms);
        ASSERT_EQ(rr_lease_keeper_get_is_finished(keeper, &finished, nullptr), RR_STATUS_OK);
    }
    ASSERT_TRUE(finished);
    bool by_budget = false;
    ASSERT_EQ(rr_lease_keeper_get_stopped_by_budget(keeper, &by_budget, nullptr), RR_STATUS_OK);
    EXPECT_TRUE(by_budget);
    uint32_t extensions = 1;
    ASSERT_EQ(rr_lease_keeper_get_extensions(keeper, &extensions, nullptr), RR_STATUS_OK);
    EXPECT_EQ(extensions, 0u);
    rr_lease_keeper_free(keeper);
    ASSERT_EQ(rr_client_get_session(client, "c-budget", 0, s.out(), nullptr), RR_STATUS_OK);
    EXPECT_EQ(s.status(), RR_SESSION_STATUS_STOPPED);

    // A budget without rates is refused naming the field, before anything is sent.
    ErrorBox err;
    ASSERT_EQ(rr_lease_options_new(&lo, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_lease_options_set_budget(lo, 1.5, nullptr), RR_STATUS_OK);
    keeper = nullptr;
    EXPECT_EQ(rr_client_keep_alive(client, "c-budget", lo, &keeper, err.out()), RR_STATUS_INVALID_INPUT);
    EXPECT_EQ(err.field(), "lease.cost_rates");
    EXPECT_EQ(keeper, nullptr);
    ASSERT_EQ(rr_lease_options_set_cost_rates(lo, -1.0, NAN, nullptr), RR_STATUS_OK);
    EXPECT_EQ(rr_client_keep_alive(client, "c-budget", lo, &keeper, err.out()), RR_STATUS_INVALID_INPUT);
    EXPECT_EQ(err.field(), "lease.cost_rates.standard_per_hour");
    rr_lease_options_free(lo);
}

TEST_F(CApi, DetachedKeeperLeavesTheSessionRunning) {
    SessionBox s;
    ASSERT_EQ(rr_client_start_session(client, "c-detach", "Standard", 30, 0, s.out(), nullptr), RR_STATUS_OK);
    rr_lease_keeper* keeper = nullptr;
    ASSERT_EQ(rr_client_keep_alive(client, "c-detach", nullptr, &keeper, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_lease_keeper_detach(keeper, 5000, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_lease_keeper_detach(keeper, 5000, nullptr), RR_STATUS_OK) << "idempotent";
    rr_lease_keeper_free(keeper);
    ASSERT_EQ(rr_client_get_session(client, "c-detach", 0, s.out(), nullptr), RR_STATUS_OK);
    EXPECT_EQ(s.status(), RR_SESSION_STATUS_STARTING);

    // A keeper told not to stop on drop leaves it running too; close() then stops nothing.
    rr_lease_options* lo = nullptr;
    ASSERT_EQ(rr_lease_options_new(&lo, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_lease_options_set_stop_on_drop(lo, false, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_client_keep_alive(client, "c-detach", lo, &keeper, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_lease_keeper_close(keeper, 5000, nullptr), RR_STATUS_OK);
    rr_lease_keeper_free(keeper);
    rr_lease_options_free(lo);
    ASSERT_EQ(rr_client_get_session(client, "c-detach", 0, s.out(), nullptr), RR_STATUS_OK);
    EXPECT_EQ(s.status(), RR_SESSION_STATUS_STARTING);

    // close() of a keeper that stops on drop stops the session and waits for it.
    ASSERT_EQ(rr_client_keep_alive(client, "c-detach", nullptr, &keeper, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_lease_keeper_close(keeper, 5000, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_client_get_session(client, "c-detach", 0, s.out(), nullptr), RR_STATUS_OK);
    EXPECT_EQ(s.status(), RR_SESSION_STATUS_STOPPED);
    rr_lease_keeper_free(keeper);
}

/// Moves the emulator's clock past the startup delay after `after`.
std::thread ready_later(rr_emulator* emu, std::chrono::milliseconds after) {
    return std::thread([emu, after] {
        std::this_thread::sleep_for(after);
        rr_emulator_advance_clock_ms(emu, 61000, nullptr);
    });
}

TEST_F(CApi, OpenSessionIsReadyAndStoppedWhenFreed) {
    rr_session_options* so = nullptr;
    ASSERT_EQ(rr_session_options_new(&so, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_session_options_set_session_id(so, "c-open", nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_session_options_set_size(so, "Premium", nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_session_options_set_lease_minutes(so, 45, nullptr), RR_STATUS_OK);
    rr_wait_options* w = nullptr;
    ASSERT_EQ(rr_wait_options_new(&w, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_wait_options_set_poll_interval_ms(w, 10, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_session_options_set_wait(so, w, nullptr), RR_STATUS_OK);
    rr_wait_options_free(w);  // copied
    std::thread later = ready_later(emu, 100ms);
    rr_managed_session* m = nullptr;
    ASSERT_EQ(rr_client_open_session(client, so, 10000, &m, nullptr), RR_STATUS_OK);
    later.join();
    rr_session_options_free(so);
    const rr_session* ready = nullptr;
    ASSERT_EQ(rr_managed_session_get_session(m, &ready, nullptr), RR_STATUS_OK);
    rr_session_status st = RR_SESSION_STATUS_UNKNOWN;
    rr_session_get_status(ready, &st, nullptr);
    EXPECT_EQ(st, RR_SESSION_STATUS_READY);
    const char* v = nullptr;
    rr_session_get_size(ready, &v, nullptr);
    EXPECT_STREQ(v, "Premium");
    ASSERT_EQ(rr_managed_session_get_id(m, &v, nullptr), RR_STATUS_OK);
    EXPECT_STREQ(v, "c-open");
    uint32_t ext = 99;
    ASSERT_EQ(rr_managed_session_get_extensions(m, &ext, nullptr), RR_STATUS_OK);
    EXPECT_EQ(ext, 0u);
    rr_managed_session_free(m);  // stops it
    SessionBox s;
    ASSERT_EQ(rr_client_get_session(client, "c-open", 0, s.out(), nullptr), RR_STATUS_OK);
    EXPECT_EQ(s.status(), RR_SESSION_STATUS_STOPPED);
}

TEST_F(CApi, OpenSessionThatTimesOutStopsTheSessionItStarted) {
    rr_session_options* so = nullptr;
    ASSERT_EQ(rr_session_options_new(&so, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_session_options_set_session_id(so, "c-open-late", nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_session_options_set_keep_alive(so, nullptr, nullptr), RR_STATUS_OK);
    rr_managed_session* m = nullptr;
    ErrorBox err;
    EXPECT_EQ(rr_client_open_session(client, so, 150, &m, err.out()), RR_STATUS_TIMEOUT);
    EXPECT_EQ(m, nullptr);
    SessionBox s;
    ASSERT_EQ(rr_client_get_session(client, "c-open-late", 0, s.out(), nullptr), RR_STATUS_OK);
    EXPECT_EQ(s.status(), RR_SESSION_STATUS_STOPPED);
    rr_session_options_free(so);

    // Closing a managed session stops it and waits.
    ASSERT_EQ(rr_session_options_new(&so, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_session_options_set_session_id(so, "c-open-close", nullptr), RR_STATUS_OK);
    std::thread later = ready_later(emu, 50ms);
    ASSERT_EQ(rr_client_open_session(client, so, 10000, &m, nullptr), RR_STATUS_OK);
    later.join();
    ASSERT_EQ(rr_managed_session_close(m, 5000, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_managed_session_close(m, 5000, nullptr), RR_STATUS_OK) << "a second close does nothing";
    ASSERT_EQ(rr_client_get_session(client, "c-open-close", 0, s.out(), nullptr), RR_STATUS_OK);
    EXPECT_EQ(s.status(), RR_SESSION_STATUS_STOPPED);
    rr_managed_session_free(m);
    rr_session_options_free(so);
}

TEST_F(CApi, EveryOperationHasANonBlockingForm) {
    auto finish = [](rr_operation* op) {
        rr_status st = RR_STATUS_PENDING;
        for (int i = 0; i < 500 && st == RR_STATUS_PENDING; ++i) {
            st = rr_operation_poll(op, nullptr);
            if (st == RR_STATUS_PENDING) std::this_thread::sleep_for(5ms);
        }
        return st;
    };
    rr_operation* op = nullptr;
    ASSERT_EQ(rr_client_start_session_async(client, "c-async", "Standard", 30, 0, &op, nullptr), RR_STATUS_OK);
    ASSERT_EQ(finish(op), RR_STATUS_OK);
    SessionBox s;
    ErrorBox err;
    ConversionBox c;
    EXPECT_EQ(rr_operation_take_conversion(op, c.out(), err.out()), RR_STATUS_INVALID_INPUT) << "wrong kind";
    ASSERT_EQ(rr_operation_take_session(op, s.out(), nullptr), RR_STATUS_OK);
    EXPECT_EQ(s.id(), "c-async");
    EXPECT_EQ(rr_operation_take_session(op, s.out(), err.out()), RR_STATUS_INVALID_INPUT) << "taken already";
    rr_operation_free(op);

    ASSERT_EQ(rr_client_get_session_async(client, "c-async", 0, &op, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_operation_wait(op, 0, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_operation_take_session(op, s.out(), nullptr), RR_STATUS_OK);
    rr_operation_free(op);

    ASSERT_EQ(rr_client_update_session_async(client, "c-async", 40, 0, &op, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_operation_wait(op, 5000, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_operation_take_session(op, s.out(), nullptr), RR_STATUS_OK);
    EXPECT_EQ(s.lease(), 40);
    rr_operation_free(op);

    ASSERT_EQ(rr_client_list_sessions_async(client, 0, &op, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_operation_wait(op, 5000, nullptr), RR_STATUS_OK);
    rr_session_list* list = nullptr;
    ASSERT_EQ(rr_operation_take_session_list(op, &list, nullptr), RR_STATUS_OK);
    rr_operation_free(op);
    rr_session* item = nullptr;
    ASSERT_EQ(rr_session_list_next(list, 0, &item, nullptr), RR_STATUS_OK);
    ASSERT_NE(item, nullptr);
    rr_session_free(item);
    ASSERT_EQ(rr_session_list_next(list, 0, &item, nullptr), RR_STATUS_OK);
    EXPECT_EQ(item, nullptr);
    rr_session_list_free(list);

    rr_conversion_settings* st = settings();
    ASSERT_EQ(rr_client_start_conversion_async(client, "c-async-conv", st, 0, &op, nullptr), RR_STATUS_OK);
    rr_conversion_settings_free(st);  // copied
    ASSERT_EQ(rr_operation_wait(op, 5000, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_operation_take_conversion(op, c.out(), nullptr), RR_STATUS_OK);
    rr_operation_free(op);

    ASSERT_EQ(rr_client_get_conversion_async(client, "c-async-conv", 0, &op, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_operation_wait(op, 5000, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_operation_take_conversion(op, c.out(), nullptr), RR_STATUS_OK);
    rr_operation_free(op);

    ASSERT_EQ(rr_client_list_conversions_async(client, 0, &op, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_operation_wait(op, 5000, nullptr), RR_STATUS_OK);
    rr_conversion_list* clist = nullptr;
    ASSERT_EQ(rr_operation_take_conversion_list(op, &clist, nullptr), RR_STATUS_OK);
    rr_operation_free(op);
    rr_conversion* citem = nullptr;
    ASSERT_EQ(rr_conversion_list_next(clist, 0, &citem, nullptr), RR_STATUS_OK);
    ASSERT_NE(citem, nullptr);
    rr_conversion_free(citem);
    rr_conversion_list_free(clist);

    advance(121);
    ASSERT_EQ(rr_client_wait_for_conversion_async(client, "c-async-conv", nullptr, 5000, &op, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_operation_wait(op, 0, nullptr), RR_STATUS_OK);
    ConversionBox latest;
    ASSERT_EQ(rr_operation_get_latest_conversion(op, latest.out(), nullptr), RR_STATUS_OK);
    ASSERT_NE(latest.c, nullptr);
    EXPECT_EQ(latest.status(), RR_CONVERSION_STATUS_SUCCEEDED);
    ASSERT_EQ(rr_operation_take_conversion(op, c.out(), nullptr), RR_STATUS_OK);
    EXPECT_EQ(c.status(), RR_CONVERSION_STATUS_SUCCEEDED);
    rr_operation_free(op);

    ASSERT_EQ(rr_client_wait_for_session_async(client, "c-async", nullptr, 5000, &op, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_operation_wait(op, 0, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_operation_take_session(op, s.out(), nullptr), RR_STATUS_OK);
    EXPECT_EQ(s.status(), RR_SESSION_STATUS_READY);
    rr_operation_free(op);

    const char* ids[] = {"c-async"};
    ASSERT_EQ(rr_client_wait_for_sessions_async(client, ids, 1, nullptr, 5000, &op, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_operation_wait(op, 0, nullptr), RR_STATUS_OK);
    rr_wait_results* results = nullptr;
    ASSERT_EQ(rr_operation_take_wait_results(op, &results, nullptr), RR_STATUS_OK);
    size_t n = 0;
    rr_wait_results_get_count(results, &n, nullptr);
    EXPECT_EQ(n, 1u);
    rr_wait_results_free(results);
    rr_operation_free(op);

    ASSERT_EQ(rr_client_stop_session_async(client, "c-async", 0, &op, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_operation_wait(op, 5000, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_operation_poll(op, nullptr), RR_STATUS_OK);
    rr_operation_free(op);

    // A failure is reported by every poll, with its error.
    ASSERT_EQ(rr_client_get_session_async(client, "nobody", 0, &op, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_operation_wait(op, 5000, err.out()), RR_STATUS_NOT_FOUND);
    EXPECT_EQ(err.code(), "NOT_FOUND");
    EXPECT_EQ(rr_operation_poll(op, err.out()), RR_STATUS_NOT_FOUND);
    EXPECT_EQ(rr_error_http_status(err.e), 404);
    EXPECT_EQ(rr_operation_take_session(op, s.out(), err.out()), RR_STATUS_NOT_FOUND);
    rr_operation_free(op);
}

TEST_F(CApi, AFrameLoopOpensASessionWithoutEverBlocking) {
    rr_session_options* so = nullptr;
    ASSERT_EQ(rr_session_options_new(&so, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_session_options_set_session_id(so, "c-frame", nullptr), RR_STATUS_OK);
    rr_operation* op = nullptr;
    ASSERT_EQ(rr_client_open_session_async(client, so, 10000, &op, nullptr), RR_STATUS_OK);
    rr_session_options_free(so);
    auto slowest = std::chrono::steady_clock::duration::zero();
    int frames = 0;
    bool saw_starting = false;
    rr_status st = RR_STATUS_PENDING;
    while (st == RR_STATUS_PENDING && frames < 2000) {
        ++frames;
        auto t0 = std::chrono::steady_clock::now();
        st = rr_operation_poll(op, nullptr);
        rr_session* latest = nullptr;
        ASSERT_EQ(rr_operation_get_latest_session(op, &latest, nullptr), RR_STATUS_OK);
        slowest = std::max(slowest, std::chrono::steady_clock::now() - t0);
        if (latest) {
            rr_session_status ls = RR_SESSION_STATUS_UNKNOWN;
            rr_session_get_status(latest, &ls, nullptr);
            if (ls == RR_SESSION_STATUS_STARTING && !saw_starting) {
                saw_starting = true;
                advance(61);  // the "service" gets the session ready
            }
            rr_session_free(latest);
        }
        std::this_thread::sleep_for(2ms);  // the rest of the frame
    }
    ASSERT_EQ(st, RR_STATUS_OK);
    EXPECT_TRUE(saw_starting);
    EXPECT_GT(frames, 2);
    EXPECT_LT(slowest, 100ms) << "a poll never blocks (generous for a loaded CI machine)";
    rr_managed_session* m = nullptr;
    ASSERT_EQ(rr_operation_take_managed_session(op, &m, nullptr), RR_STATUS_OK);
    rr_operation_free(op);
    rr_managed_session_free(m);
    SessionBox s;
    ASSERT_EQ(rr_client_get_session(client, "c-frame", 0, s.out(), nullptr), RR_STATUS_OK);
    EXPECT_EQ(s.status(), RR_SESSION_STATUS_STOPPED);
}

TEST_F(CApi, CancellingOrFreeingAnOperationEndsIt) {
    SessionBox s;
    ASSERT_EQ(rr_client_start_session(client, "c-op-cancel", "Standard", 30, 0, s.out(), nullptr), RR_STATUS_OK);
    rr_operation* op = nullptr;
    ASSERT_EQ(rr_client_wait_for_session_async(client, "c-op-cancel", nullptr, 0, &op, nullptr), RR_STATUS_OK);
    EXPECT_EQ(rr_operation_wait(op, 100, nullptr), RR_STATUS_PENDING);
    ASSERT_EQ(rr_operation_cancel(op, nullptr), RR_STATUS_OK);
    ErrorBox err;
    EXPECT_EQ(rr_operation_wait(op, 5000, err.out()), RR_STATUS_CANCELLED);
    EXPECT_NE(rr_error_session(err.e), nullptr) << "the last session seen";
    rr_operation_free(op);

    // Freeing an open that is still waiting stops the session it started.
    rr_session_options* so = nullptr;
    ASSERT_EQ(rr_session_options_new(&so, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_session_options_set_session_id(so, "c-op-free", nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_client_open_session_async(client, so, 0, &op, nullptr), RR_STATUS_OK);
    rr_session_options_free(so);
    rr_status got = RR_STATUS_NOT_FOUND;
    for (int i = 0; i < 500 && got != RR_STATUS_OK; ++i) {
        got = rr_client_get_session(client, "c-op-free", 0, s.out(), nullptr);
        std::this_thread::sleep_for(5ms);
    }
    ASSERT_EQ(got, RR_STATUS_OK);
    rr_operation_free(op);
    rr_session_status status = RR_SESSION_STATUS_STARTING;
    for (int i = 0; i < 500 && status != RR_SESSION_STATUS_STOPPED; ++i) {
        std::this_thread::sleep_for(5ms);
        ASSERT_EQ(rr_client_get_session(client, "c-op-free", 0, s.out(), nullptr), RR_STATUS_OK);
        status = s.status();
    }
    EXPECT_EQ(status, RR_SESSION_STATUS_STOPPED);
}

TEST_F(CApi, BlockingCallsAreRefusedOnRuntimeThreads) {
    SessionBox s;
    ASSERT_EQ(rr_client_start_session(client, "c-callback", "Standard", 30, 0, s.out(), nullptr), RR_STATUS_OK);
    struct Ctx {
        rr_client* client;
        std::atomic<int> status{-1};
    } ctx{client};
    rr_wait_options* w = nullptr;
    ASSERT_EQ(rr_wait_options_new(&w, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_wait_options_set_session_progress(
                  w,
                  [](void* ud, const rr_session*) {
                      auto* ctx = static_cast<Ctx*>(ud);
                      rr_session* s = nullptr;
                      ctx->status = static_cast<int>(rr_client_get_session(ctx->client, "c-callback", 0, &s, nullptr));
                      rr_session_free(s);
                  },
                  &ctx, nullptr),
              RR_STATUS_OK);
    rr_operation* op = nullptr;
    ASSERT_EQ(rr_client_wait_for_session_async(client, "c-callback", w, 0, &op, nullptr), RR_STATUS_OK);
    for (int i = 0; i < 500 && ctx.status < 0; ++i) std::this_thread::sleep_for(5ms);
    EXPECT_EQ(ctx.status.load(), static_cast<int>(RR_STATUS_INVALID_INPUT));
    rr_operation_free(op);  // no callback runs after this returns
    rr_wait_options_free(w);
}

TEST_F(CApi, OneClientSharedByManyThreads) {
    constexpr int kThreads = 8;
    constexpr int kEach = 5;
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([this, t, &ok] {
            for (int i = 0; i < kEach; ++i) {
                std::string id = "c-thread-" + std::to_string(t) + "-" + std::to_string(i);
                rr_session* s = nullptr;
                if (rr_client_start_session(client, id.c_str(), "Standard", 30, 0, &s, nullptr) != RR_STATUS_OK) continue;
                rr_session_free(s);
                s = nullptr;
                if (rr_client_get_session(client, id.c_str(), 0, &s, nullptr) != RR_STATUS_OK) continue;
                rr_session_free(s);
                if (rr_client_stop_session(client, id.c_str(), 0, nullptr) != RR_STATUS_OK) continue;
                ++ok;
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok.load(), kThreads * kEach);
    uint64_t sts = 0;
    ASSERT_EQ(rr_emulator_get_requests(emu, "sts", &sts, nullptr), RR_STATUS_OK);
    EXPECT_EQ(sts, 1u) << "one token for every thread";
}

TEST(CApiAuth, EntraTokenProviderIsAskedForTokens) {
    rr_emulator_options* eo = nullptr;
    ASSERT_EQ(rr_emulator_options_new(&eo, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_emulator_options_add_entra_token(eo, "entra-token-1", nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_emulator_options_add_linked_storage(eo, "store", nullptr), RR_STATUS_OK);
    rr_emulator* emu = nullptr;
    ASSERT_EQ(rr_emulator_start(eo, &emu, nullptr), RR_STATUS_OK);
    rr_emulator_options_free(eo);
    const char* endpoint = nullptr;
    const char* account = nullptr;
    ASSERT_EQ(rr_emulator_get_endpoint(emu, &endpoint, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_emulator_get_account_id(emu, &account, nullptr), RR_STATUS_OK);

    struct Provider {
        std::atomic<int> calls{0};
        const char* token;
    };
    auto make = [&](Provider* p) {
        rr_client_options* o = nullptr;
        EXPECT_EQ(rr_client_options_new(&o, nullptr), RR_STATUS_OK);
        rr_client_options_set_endpoint(o, endpoint, nullptr);
        rr_client_options_set_sts_endpoint(o, endpoint, nullptr);
        rr_client_options_set_account_id(o, account, nullptr);
        EXPECT_EQ(rr_client_options_set_entra_token_provider(
                      o,
                      [](void* ud, rr_token_sink* sink) {
                          auto* p = static_cast<Provider*>(ud);
                          ++p->calls;
                          if (p->token)
                              rr_token_sink_set_token(sink, p->token, nullptr);
                          else
                              rr_token_sink_set_error(sink, "no identity available", nullptr);
                      },
                      p, nullptr),
                  RR_STATUS_OK);
        rr_client* c = nullptr;
        EXPECT_EQ(rr_client_new(o, &c, nullptr), RR_STATUS_OK);
        rr_client_options_free(o);
        return c;
    };
    Provider good{{0}, "entra-token-1"};
    rr_client* c = make(&good);
    rr_session* s = nullptr;
    ErrorBox err;
    EXPECT_EQ(rr_client_get_session(c, "nobody", 0, &s, err.out()), RR_STATUS_NOT_FOUND) << err.message();
    EXPECT_EQ(rr_client_get_session(c, "nobody", 0, &s, err.out()), RR_STATUS_NOT_FOUND);
    EXPECT_EQ(good.calls.load(), 1) << "the token is cached";
    rr_client_free(c);

    Provider failing{{0}, nullptr};
    c = make(&failing);
    EXPECT_EQ(rr_client_get_session(c, "nobody", 0, &s, err.out()), RR_STATUS_UNAUTHORIZED);
    EXPECT_NE(err.message().find("no identity available"), std::string::npos) << err.message();
    rr_client_free(c);
    rr_emulator_free(emu);
}

TEST(CApiEmulator, TlsStatsAndStopping) {
    rr_emulator_options* eo = nullptr;
    ASSERT_EQ(rr_emulator_options_new(&eo, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_emulator_options_set_tls(eo, true, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_emulator_options_set_faults(eo, "delay:1ms=0.5", 3, nullptr), RR_STATUS_OK);
    rr_emulator* emu = nullptr;
    ASSERT_EQ(rr_emulator_start(eo, &emu, nullptr), RR_STATUS_OK);
    rr_emulator_options_free(eo);
    const char* v = nullptr;
    ASSERT_EQ(rr_emulator_get_endpoint(emu, &v, nullptr), RR_STATUS_OK);
    EXPECT_EQ(std::string(v).rfind("https://127.0.0.1:", 0), 0u) << v;
    ASSERT_EQ(rr_emulator_get_sts_endpoint(emu, &v, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_emulator_get_account_key(emu, &v, nullptr), RR_STATUS_OK);
    EXPECT_GT(std::strlen(v), 10u);
    ASSERT_EQ(rr_emulator_get_account_domain(emu, &v, nullptr), RR_STATUS_OK);
    EXPECT_EQ(std::string(v).rfind("127.0.0.1:", 0), 0u);
    ASSERT_EQ(rr_emulator_get_ca_cert_path(emu, &v, nullptr), RR_STATUS_OK);
    ASSERT_NE(v, nullptr);

    rr_client_options* o = nullptr;
    ASSERT_EQ(rr_emulator_client_options(emu, &o, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_client_options_set_retry(o, 2, 10, 50, 2000, nullptr), RR_STATUS_OK);
    rr_client* c = nullptr;
    ASSERT_EQ(rr_client_new(o, &c, nullptr), RR_STATUS_OK);
    rr_client_options_free(o);
    rr_session* s = nullptr;
    ASSERT_EQ(rr_client_start_session(c, "tls", "Standard", 30, 0, &s, nullptr), RR_STATUS_OK);
    rr_session_free(s);

    char* json = nullptr;
    ASSERT_EQ(rr_emulator_get_stats_json(emu, &json, nullptr), RR_STATUS_OK);
    EXPECT_NE(std::string(json).find("create_session"), std::string::npos) << json;
    rr_string_free(json);
    uint64_t n = 0;
    ASSERT_EQ(rr_emulator_get_requests(emu, "create_session", &n, nullptr), RR_STATUS_OK);
    EXPECT_EQ(n, 1u);
    ASSERT_EQ(rr_emulator_reset_stats(emu, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_emulator_get_requests(emu, nullptr, &n, nullptr), RR_STATUS_OK);
    EXPECT_EQ(n, 0u);
    ASSERT_EQ(rr_emulator_revoke_tokens(emu, nullptr), RR_STATUS_OK);

    ASSERT_EQ(rr_emulator_stop(emu, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_emulator_stop(emu, nullptr), RR_STATUS_OK) << "idempotent";
    ErrorBox err;
    EXPECT_EQ(rr_emulator_advance_clock_ms(emu, 1, err.out()), RR_STATUS_INVALID_INPUT);
    EXPECT_NE(err.message().find("stopped"), std::string::npos);
    ASSERT_EQ(rr_emulator_get_endpoint(emu, &v, nullptr), RR_STATUS_OK) << "getters still work";
    EXPECT_EQ(rr_client_get_session(c, "tls", 0, &s, err.out()), RR_STATUS_TRANSPORT_ERROR);
    rr_client_free(c);
    rr_emulator_free(emu);

    rr_emulator_options* bad = nullptr;
    ASSERT_EQ(rr_emulator_options_new(&bad, nullptr), RR_STATUS_OK);
    EXPECT_EQ(rr_emulator_options_set_faults(bad, "nonsense", 0, err.out()), RR_STATUS_INVALID_INPUT);
    EXPECT_EQ(err.field(), "plan");
    ASSERT_EQ(rr_emulator_options_set_time_scale(bad, -1.0, nullptr), RR_STATUS_OK);
    EXPECT_EQ(rr_emulator_start(bad, &emu, err.out()), RR_STATUS_INVALID_INPUT);
    rr_emulator_options_free(bad);
}

}  // namespace
