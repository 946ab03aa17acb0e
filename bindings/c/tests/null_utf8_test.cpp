// NULL arguments and invalid UTF-8 on every entry point of the C API.
//
// For each function, every pointer parameter in turn is NULL while all others are valid: the
// call must return RR_STATUS_NULL_ARGUMENT with an error naming the parameter (unless the
// header says NULL is allowed there). Every string parameter in turn is not UTF-8: the call
// must return RR_STATUS_INVALID_UTF8. Valid arguments come from real handles, so a call that
// wrongly ignored a NULL would run for real. The check `header_coverage` fails the suite if a
// function of the header is missing from this file.
#include <set>
#include <tuple>
#include <type_traits>
#include <utility>

#include <filesystem>
#include <fstream>

#include "fixtures.hpp"
#include "testing_hooks.h"

namespace {

using namespace rr_test;

template <class T>
struct Tag {};

void session_progress(void*, const rr_session*) {}
void conversion_progress(void*, const rr_conversion*) {}
void token_provider(void*, rr_token_sink*) {}
void upload_progress(void*, const rr_upload_progress*) {}

/// Valid handles of every type, and valid values of every parameter type.
class Valid {
  public:
    Valid() {
        rr_emulator_options* eo = nullptr;
        EXPECT_EQ(rr_emulator_options_new(&eo, nullptr), RR_STATUS_OK);
        EXPECT_EQ(rr_emulator_options_set_startup_delay_ms(eo, 0, nullptr), RR_STATUS_OK);
        EXPECT_EQ(rr_emulator_start(eo, &emu, nullptr), RR_STATUS_OK);
        emulator_options = eo;
        EXPECT_EQ(rr_emulator_client_options(emu, &client_options, nullptr), RR_STATUS_OK);
        EXPECT_EQ(rr_client_options_set_poll_interval_ms(client_options, 10, nullptr), RR_STATUS_OK);
        EXPECT_EQ(rr_client_new(client_options, &client, nullptr), RR_STATUS_OK);
        EXPECT_EQ(rr_client_start_session(client, "valid-id", "Standard", 30, 0, &session, nullptr), RR_STATUS_OK);
        EXPECT_EQ(rr_conversion_input_settings_new("https://s.blob.core.windows.net/in", "m.fbx", &input, nullptr),
                  RR_STATUS_OK);
        EXPECT_EQ(rr_conversion_input_settings_set_storage_container_read_list_sas(input, "sig=R", nullptr),
                  RR_STATUS_OK);
        EXPECT_EQ(rr_conversion_output_settings_new("https://s.blob.core.windows.net/out", &output, nullptr),
                  RR_STATUS_OK);
        EXPECT_EQ(rr_conversion_output_settings_set_storage_container_write_sas(output, "sig=W", nullptr),
                  RR_STATUS_OK);
        EXPECT_EQ(rr_conversion_settings_new(input, output, &settings, nullptr), RR_STATUS_OK);
        EXPECT_EQ(rr_client_start_conversion(client, "valid-id", settings, 0, &conversion, nullptr), RR_STATUS_OK);
        EXPECT_EQ(rr_client_list_sessions(client, &session_list, nullptr), RR_STATUS_OK);
        EXPECT_EQ(rr_client_list_conversions(client, &conversion_list, nullptr), RR_STATUS_OK);
        EXPECT_EQ(rr_wait_options_new(&wait_options, nullptr), RR_STATUS_OK);
        EXPECT_EQ(rr_cancel_token_new(&cancel, nullptr), RR_STATUS_OK);
        EXPECT_EQ(rr_client_wait_for_sessions(client, nullptr, 0, nullptr, 1000, &wait_results, nullptr), RR_STATUS_OK);
        EXPECT_EQ(rr_lease_options_new(&lease_options, nullptr), RR_STATUS_OK);
        EXPECT_EQ(rr_session_options_new(&session_options, nullptr), RR_STATUS_OK);
        EXPECT_EQ(rr_session_options_set_session_id(session_options, "valid-managed", nullptr), RR_STATUS_OK);
        EXPECT_EQ(rr_client_keep_alive(client, "valid-id", nullptr, &keeper, nullptr), RR_STATUS_OK);
        EXPECT_EQ(rr_client_open_session(client, session_options, 10000, &managed, nullptr), RR_STATUS_OK);
        EXPECT_EQ(rr_client_get_session_async(client, "valid-id", 0, &operation, nullptr), RR_STATUS_OK);
        // A session in Error, for the error details of the service.
        EXPECT_EQ(rr_client_start_session(client, "failed-id", "Standard", 30, 0, &failed, nullptr), RR_STATUS_OK);
        EXPECT_EQ(rr_emulator_fail_session(emu, "failed-id", "ServerCrash", "the VM died", nullptr), RR_STATUS_OK);
        rr_session_free(failed);
        failed = nullptr;
        EXPECT_EQ(rr_client_get_session(client, "failed-id", 0, &failed, nullptr), RR_STATUS_OK);
        EXPECT_EQ(rr_session_get_error(failed, &error_details, nullptr), RR_STATUS_OK);
        EXPECT_NE(error_details, nullptr);
        // Storage handles (nothing is sent until a test asks): an endpoint nothing serves.
        EXPECT_EQ(rr_storage_account_new(rr_testing_azurite_account(), rr_testing_azurite_key(),
                                         "http://127.0.0.1:9/devstoreaccount1", &storage_account, nullptr),
                  RR_STATUS_OK);
        EXPECT_EQ(rr_storage_account_container(storage_account, "input", &blob_container, nullptr), RR_STATUS_OK);
    }

    ~Valid() {
        rr_bytes_free(bytes);
        rr_string_list_free(string_list);
        rr_preflight_free(preflight);
        rr_upload_report_free(upload_report);
        rr_blob_container_free(blob_container);
        rr_storage_account_free(storage_account);
        rr_testing_azurite_free(azurite);
        rr_operation_free(operation);
        rr_managed_session_free(managed);
        rr_lease_keeper_free(keeper);
        rr_session_options_free(session_options);
        rr_lease_options_free(lease_options);
        rr_wait_results_free(wait_results);
        rr_cancel_token_free(cancel);
        rr_wait_options_free(wait_options);
        rr_conversion_list_free(conversion_list);
        rr_session_list_free(session_list);
        rr_conversion_free(conversion);
        rr_conversion_settings_free(settings);
        rr_conversion_output_settings_free(output);
        rr_conversion_input_settings_free(input);
        rr_session_free(failed);
        rr_session_free(session);
        rr_client_free(client);
        rr_client_options_free(client_options);
        rr_emulator_options_free(emulator_options);
        rr_emulator_free(emu);
    }

    // Inputs.
    const rr_client* get(Tag<const rr_client*>) { return client; }
    rr_client_options* get(Tag<rr_client_options*>) { return client_options; }
    const rr_client_options* get(Tag<const rr_client_options*>) { return client_options; }
    const rr_session* get(Tag<const rr_session*>) { return session; }
    const rr_conversion* get(Tag<const rr_conversion*>) { return conversion; }
    rr_conversion_settings* get(Tag<rr_conversion_settings*>) { return settings; }
    const rr_conversion_settings* get(Tag<const rr_conversion_settings*>) { return settings; }
    rr_conversion_input_settings* get(Tag<rr_conversion_input_settings*>) { return input; }
    const rr_conversion_input_settings* get(Tag<const rr_conversion_input_settings*>) { return input; }
    rr_conversion_output_settings* get(Tag<rr_conversion_output_settings*>) { return output; }
    const rr_conversion_output_settings* get(Tag<const rr_conversion_output_settings*>) { return output; }
    const rr_error_details* get(Tag<const rr_error_details*>) { return error_details; }
    rr_session_list* get(Tag<rr_session_list*>) { return session_list; }
    rr_conversion_list* get(Tag<rr_conversion_list*>) { return conversion_list; }
    rr_wait_options* get(Tag<rr_wait_options*>) { return wait_options; }
    const rr_wait_options* get(Tag<const rr_wait_options*>) { return wait_options; }
    const rr_cancel_token* get(Tag<const rr_cancel_token*>) { return cancel; }
    const rr_wait_results* get(Tag<const rr_wait_results*>) { return wait_results; }
    rr_lease_options* get(Tag<rr_lease_options*>) { return lease_options; }
    const rr_lease_options* get(Tag<const rr_lease_options*>) { return lease_options; }
    rr_session_options* get(Tag<rr_session_options*>) { return session_options; }
    const rr_session_options* get(Tag<const rr_session_options*>) { return session_options; }
    const rr_lease_keeper* get(Tag<const rr_lease_keeper*>) { return keeper; }
    const rr_managed_session* get(Tag<const rr_managed_session*>) { return managed; }
    const rr_operation* get(Tag<const rr_operation*>) { return operation; }
    rr_emulator_options* get(Tag<rr_emulator_options*>) { return emulator_options; }
    const rr_emulator_options* get(Tag<const rr_emulator_options*>) { return emulator_options; }
    const rr_emulator* get(Tag<const rr_emulator*>) { return emu; }
    const rr_storage_account* get(Tag<const rr_storage_account*>) { return storage_account; }
    const rr_blob_container* get(Tag<const rr_blob_container*>) { return blob_container; }
    const rr_upload_report* get(Tag<const rr_upload_report*>) { return upload_report; }
    const rr_preflight* get(Tag<const rr_preflight*>) { return preflight; }
    const rr_string_list* get(Tag<const rr_string_list*>) { return string_list; }
    const rr_bytes* get(Tag<const rr_bytes*>) { return bytes; }
    rr_upload_progress_fn get(Tag<rr_upload_progress_fn>) { return upload_progress; }
    const char* get(Tag<const char*>) { return "valid-id"; }
    const char* const* get(Tag<const char* const*>) {
        static const char* const ids[] = {"valid-id"};
        return ids;
    }
    void* get(Tag<void*>) { return this; }
    rr_session_progress_fn get(Tag<rr_session_progress_fn>) { return session_progress; }
    rr_conversion_progress_fn get(Tag<rr_conversion_progress_fn>) { return conversion_progress; }
    rr_token_provider_fn get(Tag<rr_token_provider_fn>) { return token_provider; }
    uint32_t get(Tag<uint32_t>) { return 30; }
    uint64_t get(Tag<uint64_t>) { return 1; }  // also size_t
    double get(Tag<double>) { return 1.0; }
    bool get(Tag<bool>) { return false; }
    // Out-parameters: storage that lives as long as the test.
    template <class T>
    T* get(Tag<T*>) {
        static T slot{};
        return &slot;
    }

    rr_emulator* emu = nullptr;
    rr_emulator_options* emulator_options = nullptr;
    rr_client_options* client_options = nullptr;
    rr_client* client = nullptr;
    rr_session* session = nullptr;
    rr_conversion_settings* settings = nullptr;
    rr_conversion_input_settings* input = nullptr;
    rr_conversion_output_settings* output = nullptr;
    rr_session* failed = nullptr;
    const rr_error_details* error_details = nullptr;
    rr_conversion* conversion = nullptr;
    rr_session_list* session_list = nullptr;
    rr_conversion_list* conversion_list = nullptr;
    rr_wait_options* wait_options = nullptr;
    rr_cancel_token* cancel = nullptr;
    rr_wait_results* wait_results = nullptr;
    rr_lease_options* lease_options = nullptr;
    rr_session_options* session_options = nullptr;
    rr_lease_keeper* keeper = nullptr;
    rr_managed_session* managed = nullptr;
    rr_operation* operation = nullptr;
    rr_storage_account* storage_account = nullptr;
    rr_blob_container* blob_container = nullptr;
    // Made by the storage test, with Azurite.
    rr_testing_azurite* azurite = nullptr;
    rr_upload_report* upload_report = nullptr;
    rr_preflight* preflight = nullptr;
    rr_string_list* string_list = nullptr;
    rr_bytes* bytes = nullptr;
};

class EveryEntryPoint : public ::testing::Test {
  protected:
    Valid valid;
    int checked_null = 0;
    int checked_utf8 = 0;

    /// Checks `f` (whose last parameter is `rr_error **err`); `nullable` lists the indices of
    /// the parameters the header says may be NULL.
    template <class... A>
    void check(const char* name, rr_status (*f)(A...), std::set<size_t> nullable = {}) {
        check_each(name, f, nullable, std::make_index_sequence<sizeof...(A) - 1>());
    }

  private:
    template <class... A, size_t... I>
    void check_each(const char* name, rr_status (*f)(A...), const std::set<size_t>& nullable, std::index_sequence<I...>) {
        (check_param<I>(name, f, nullable), ...);
    }

    template <size_t I, class... A>
    void check_param(const char* name, rr_status (*f)(A...), const std::set<size_t>& nullable) {
        using Args = std::tuple<A...>;
        using P = std::tuple_element_t<I, Args>;
        constexpr size_t kErr = sizeof...(A) - 1;
        static_assert(std::is_same_v<std::tuple_element_t<kErr, Args>, rr_error**>, "err is last");
        if constexpr (std::is_pointer_v<P>) {
            if (nullable.count(I) == 0) {
                Args args{valid.get(Tag<A>{})...};
                std::get<I>(args) = nullptr;
                rr_error* e = nullptr;
                std::get<kErr>(args) = &e;
                rr_status st = std::apply(f, args);
                EXPECT_EQ(st, RR_STATUS_NULL_ARGUMENT) << name << ": parameter " << I << " NULL";
                EXPECT_NE(rr_error_field(e), nullptr) << name << ": the error names the parameter";
                EXPECT_EQ(rr_error_status(e), RR_STATUS_NULL_ARGUMENT) << name;
                rr_error_free(e);
                ++checked_null;
            }
            if constexpr (std::is_same_v<P, const char*> || std::is_same_v<P, const char* const*>) {
                Args args{valid.get(Tag<A>{})...};
                static const char* const bad_list[] = {kBadUtf8};
                if constexpr (std::is_same_v<P, const char*>)
                    std::get<I>(args) = kBadUtf8;
                else
                    std::get<I>(args) = bad_list;
                rr_error* e = nullptr;
                std::get<kErr>(args) = &e;
                rr_status st = std::apply(f, args);
                EXPECT_EQ(st, RR_STATUS_INVALID_UTF8) << name << ": parameter " << I << " not UTF-8";
                EXPECT_NE(rr_error_field(e), nullptr) << name;
                const char* message = rr_error_message(e);
                EXPECT_TRUE(message && std::string(message).find("\xff") == std::string::npos)
                    << name << ": the bytes are never echoed";
                rr_error_free(e);
                ++checked_utf8;
            }
        }
    }
};

TEST_F(EveryEntryPoint, ClientOptions) {
    check("rr_client_options_new", rr_client_options_new);
    check("rr_client_options_from_env", rr_client_options_from_env);
    check("rr_client_options_set_endpoint", rr_client_options_set_endpoint);
    check("rr_client_options_set_region", rr_client_options_set_region);
    check("rr_client_options_set_account_id", rr_client_options_set_account_id);
    check("rr_client_options_set_account_domain", rr_client_options_set_account_domain);
    check("rr_client_options_set_sts_endpoint", rr_client_options_set_sts_endpoint);
    check("rr_client_options_set_account_key", rr_client_options_set_account_key);
    check("rr_client_options_set_access_token", rr_client_options_set_access_token);
    check("rr_client_options_set_entra_token_provider", rr_client_options_set_entra_token_provider, {2});
    check("rr_client_options_set_poll_interval_ms", rr_client_options_set_poll_interval_ms);
    check("rr_client_options_set_request_timeout_ms", rr_client_options_set_request_timeout_ms);
    check("rr_client_options_set_retry", rr_client_options_set_retry);
    check("rr_client_options_set_max_concurrent_requests", rr_client_options_set_max_concurrent_requests);
    check("rr_client_options_set_user_agent_suffix", rr_client_options_set_user_agent_suffix);
    check("rr_client_options_add_root_certificate_pem", rr_client_options_add_root_certificate_pem);
    check("rr_client_options_set_worker_threads", rr_client_options_set_worker_threads);
    check("rr_client_new", rr_client_new);
    check("rr_client_get_endpoint", rr_client_get_endpoint);
    check("rr_client_get_sts_endpoint", rr_client_get_sts_endpoint);
    check("rr_client_get_account_id", rr_client_get_account_id);
    check("rr_client_get_poll_interval_ms", rr_client_get_poll_interval_ms);
    EXPECT_GT(checked_null, 30);
    EXPECT_GT(checked_utf8, 8);
}

TEST_F(EveryEntryPoint, Operations) {
    check("rr_client_start_session", rr_client_start_session);
    check("rr_client_get_session", rr_client_get_session);
    check("rr_client_update_session", rr_client_update_session);
    check("rr_client_stop_session", rr_client_stop_session);
    check("rr_client_start_conversion", rr_client_start_conversion);
    check("rr_client_get_conversion", rr_client_get_conversion);
    check("rr_client_wait_for_session", rr_client_wait_for_session, {2});
    check("rr_client_wait_for_conversion", rr_client_wait_for_conversion, {2});
    check("rr_client_wait_for_sessions", rr_client_wait_for_sessions, {3});
    check("rr_client_open_session", rr_client_open_session, {1});
    check("rr_client_keep_alive", rr_client_keep_alive, {2});
    check("rr_client_list_sessions", rr_client_list_sessions);
    check("rr_client_list_conversions", rr_client_list_conversions);
    check("rr_session_list_next", rr_session_list_next);
    check("rr_conversion_list_next", rr_conversion_list_next);
    check("rr_new_session_id", rr_new_session_id);
    check("rr_new_conversion_id", rr_new_conversion_id);
    // The session the valid handles use is still there: nothing ran with a NULL.
    rr_session* s = nullptr;
    ASSERT_EQ(rr_client_get_session(valid.client, "valid-id", 0, &s, nullptr), RR_STATUS_OK);
    rr_session_status st = RR_SESSION_STATUS_UNKNOWN;
    rr_session_get_status(s, &st, nullptr);
    EXPECT_EQ(st, RR_SESSION_STATUS_READY);
    rr_session_free(s);
}

TEST_F(EveryEntryPoint, NonBlockingOperations) {
    check("rr_client_start_session_async", rr_client_start_session_async);
    check("rr_client_get_session_async", rr_client_get_session_async);
    check("rr_client_update_session_async", rr_client_update_session_async);
    check("rr_client_stop_session_async", rr_client_stop_session_async);
    check("rr_client_list_sessions_async", rr_client_list_sessions_async);
    check("rr_client_start_conversion_async", rr_client_start_conversion_async);
    check("rr_client_get_conversion_async", rr_client_get_conversion_async);
    check("rr_client_list_conversions_async", rr_client_list_conversions_async);
    check("rr_client_wait_for_session_async", rr_client_wait_for_session_async, {2});
    check("rr_client_wait_for_conversion_async", rr_client_wait_for_conversion_async, {2});
    check("rr_client_wait_for_sessions_async", rr_client_wait_for_sessions_async, {3});
    check("rr_client_open_session_async", rr_client_open_session_async, {1});
    check("rr_operation_poll", rr_operation_poll);
    check("rr_operation_wait", rr_operation_wait);
    check("rr_operation_cancel", rr_operation_cancel);
    check("rr_operation_get_latest_session", rr_operation_get_latest_session);
    check("rr_operation_get_latest_conversion", rr_operation_get_latest_conversion);
    check("rr_operation_take_session", rr_operation_take_session);
    check("rr_operation_take_conversion", rr_operation_take_conversion);
    check("rr_operation_take_session_list", rr_operation_take_session_list);
    check("rr_operation_take_conversion_list", rr_operation_take_conversion_list);
    check("rr_operation_take_wait_results", rr_operation_take_wait_results);
    check("rr_operation_take_managed_session", rr_operation_take_managed_session);
}

TEST_F(EveryEntryPoint, Resources) {
    check("rr_session_clone", rr_session_clone);
    check("rr_session_get_id", rr_session_get_id);
    check("rr_session_get_status", rr_session_get_status);
    check("rr_session_get_status_text", rr_session_get_status_text);
    check("rr_session_get_size", rr_session_get_size);
    check("rr_session_get_hostname", rr_session_get_hostname);
    check("rr_session_get_handshake_port", rr_session_get_handshake_port);
    check("rr_session_get_arr_inspector_port", rr_session_get_arr_inspector_port);
    check("rr_session_get_lease_minutes", rr_session_get_lease_minutes);
    check("rr_session_get_elapsed_minutes", rr_session_get_elapsed_minutes);
    check("rr_session_get_teraflops", rr_session_get_teraflops);
    check("rr_session_get_created_on", rr_session_get_created_on);
    check("rr_session_get_error_code", rr_session_get_error_code);
    check("rr_session_get_error_message", rr_session_get_error_message);
    check("rr_conversion_clone", rr_conversion_clone);
    check("rr_conversion_get_id", rr_conversion_get_id);
    check("rr_conversion_get_status", rr_conversion_get_status);
    check("rr_conversion_get_status_text", rr_conversion_get_status_text);
    check("rr_conversion_get_created_on", rr_conversion_get_created_on);
    check("rr_conversion_get_output_asset_uri", rr_conversion_get_output_asset_uri);
    check("rr_conversion_get_error_code", rr_conversion_get_error_code);
    check("rr_conversion_get_error_message", rr_conversion_get_error_message);
    check("rr_conversion_get_settings", rr_conversion_get_settings);
    check("rr_conversion_settings_new", rr_conversion_settings_new);
    check("rr_conversion_settings_get_input_location", rr_conversion_settings_get_input_location);
    check("rr_conversion_settings_get_output_location", rr_conversion_settings_get_output_location);
    check("rr_conversion_input_settings_new", rr_conversion_input_settings_new);
    check("rr_conversion_input_settings_set_blob_prefix", rr_conversion_input_settings_set_blob_prefix);
    check("rr_conversion_input_settings_set_storage_container_read_list_sas",
          rr_conversion_input_settings_set_storage_container_read_list_sas);
    check("rr_conversion_input_settings_get_storage_container_uri", rr_conversion_input_settings_get_storage_container_uri);
    check("rr_conversion_input_settings_get_relative_input_asset_path",
          rr_conversion_input_settings_get_relative_input_asset_path);
    check("rr_conversion_input_settings_get_blob_prefix", rr_conversion_input_settings_get_blob_prefix);
    check("rr_conversion_output_settings_new", rr_conversion_output_settings_new);
    check("rr_conversion_output_settings_set_blob_prefix", rr_conversion_output_settings_set_blob_prefix);
    check("rr_conversion_output_settings_set_output_asset_filename", rr_conversion_output_settings_set_output_asset_filename);
    check("rr_conversion_output_settings_set_storage_container_write_sas",
          rr_conversion_output_settings_set_storage_container_write_sas);
    check("rr_conversion_output_settings_get_storage_container_uri", rr_conversion_output_settings_get_storage_container_uri);
    check("rr_conversion_output_settings_get_blob_prefix", rr_conversion_output_settings_get_blob_prefix);
    check("rr_conversion_output_settings_get_output_asset_filename", rr_conversion_output_settings_get_output_asset_filename);
    check("rr_session_get_error", rr_session_get_error);
    check("rr_conversion_get_error", rr_conversion_get_error);
    check("rr_error_details_get_code", rr_error_details_get_code);
    check("rr_error_details_get_message", rr_error_details_get_message);
    check("rr_error_details_get_target", rr_error_details_get_target);
    check("rr_error_details_get_details_count", rr_error_details_get_details_count);
    // Index 0 of a detail-less error is refused, but only after the NULL checks.
    check("rr_error_details_get_detail", rr_error_details_get_detail);
}

TEST_F(EveryEntryPoint, WaitsLeasesAndManagedSessions) {
    check("rr_wait_options_new", rr_wait_options_new);
    check("rr_wait_options_set_poll_interval_ms", rr_wait_options_set_poll_interval_ms);
    check("rr_wait_options_set_cancel", rr_wait_options_set_cancel, {1});
    check("rr_wait_options_set_session_progress", rr_wait_options_set_session_progress, {1, 2});
    check("rr_wait_options_set_conversion_progress", rr_wait_options_set_conversion_progress, {1, 2});
    check("rr_cancel_token_new", rr_cancel_token_new);
    check("rr_cancel_token_child", rr_cancel_token_child);
    check("rr_cancel_token_cancel", rr_cancel_token_cancel);
    check("rr_cancel_token_is_cancelled", rr_cancel_token_is_cancelled);
    check("rr_wait_results_get_count", rr_wait_results_get_count);
    check("rr_wait_results_get", rr_wait_results_get);
    check("rr_lease_options_new", rr_lease_options_new);
    check("rr_lease_options_set_step_minutes", rr_lease_options_set_step_minutes);
    check("rr_lease_options_set_margin_minutes", rr_lease_options_set_margin_minutes);
    check("rr_lease_options_set_max_total_minutes", rr_lease_options_set_max_total_minutes);
    check("rr_lease_options_set_check_interval_ms", rr_lease_options_set_check_interval_ms);
    check("rr_lease_options_set_stop_on_drop", rr_lease_options_set_stop_on_drop);
    check("rr_lease_options_set_stop_on_close", rr_lease_options_set_stop_on_close);
    check("rr_lease_options_set_budget", rr_lease_options_set_budget);
    check("rr_lease_options_set_cost_rates", rr_lease_options_set_cost_rates);
    check("rr_session_options_new", rr_session_options_new);
    check("rr_session_options_set_session_id", rr_session_options_set_session_id, {1});
    check("rr_session_options_set_size", rr_session_options_set_size);
    check("rr_session_options_set_lease_minutes", rr_session_options_set_lease_minutes);
    check("rr_session_options_set_keep_alive", rr_session_options_set_keep_alive, {1});
    check("rr_session_options_set_wait", rr_session_options_set_wait, {1});
    check("rr_lease_keeper_get_session_id", rr_lease_keeper_get_session_id);
    check("rr_lease_keeper_get_extensions", rr_lease_keeper_get_extensions);
    check("rr_lease_keeper_get_is_finished", rr_lease_keeper_get_is_finished);
    check("rr_lease_keeper_get_stopped_by_budget", rr_lease_keeper_get_stopped_by_budget);
    check("rr_lease_keeper_get_latest", rr_lease_keeper_get_latest);
    check("rr_lease_keeper_close", rr_lease_keeper_close);
    check("rr_lease_keeper_detach", rr_lease_keeper_detach);
    check("rr_managed_session_get_session", rr_managed_session_get_session);
    check("rr_managed_session_get_id", rr_managed_session_get_id);
    check("rr_managed_session_get_extensions", rr_managed_session_get_extensions);
    check("rr_managed_session_close", rr_managed_session_close);
}

TEST_F(EveryEntryPoint, Emulator) {
    check("rr_emulator_options_new", rr_emulator_options_new);
    check("rr_emulator_options_set_startup_delay_ms", rr_emulator_options_set_startup_delay_ms);
    check("rr_emulator_options_set_conversion_duration_ms", rr_emulator_options_set_conversion_duration_ms);
    check("rr_emulator_options_set_time_scale", rr_emulator_options_set_time_scale);
    check("rr_emulator_options_set_page_size", rr_emulator_options_set_page_size);
    check("rr_emulator_options_set_faults", rr_emulator_options_set_faults);
    check("rr_emulator_options_set_tls", rr_emulator_options_set_tls);
    check("rr_emulator_options_set_region", rr_emulator_options_set_region);
    check("rr_emulator_options_set_token_lifetime_ms", rr_emulator_options_set_token_lifetime_ms);
    check("rr_emulator_options_add_linked_storage", rr_emulator_options_add_linked_storage);
    check("rr_emulator_options_add_entra_token", rr_emulator_options_add_entra_token);
    check("rr_emulator_start", rr_emulator_start, {0});
    check("rr_emulator_get_endpoint", rr_emulator_get_endpoint);
    check("rr_emulator_get_sts_endpoint", rr_emulator_get_sts_endpoint);
    check("rr_emulator_get_account_id", rr_emulator_get_account_id);
    check("rr_emulator_get_account_key", rr_emulator_get_account_key);
    check("rr_emulator_get_account_domain", rr_emulator_get_account_domain);
    check("rr_emulator_get_ca_cert_path", rr_emulator_get_ca_cert_path);
    check("rr_emulator_client_options", rr_emulator_client_options);
    check("rr_emulator_advance_clock_ms", rr_emulator_advance_clock_ms);
    check("rr_emulator_set_faults", rr_emulator_set_faults);
    check("rr_emulator_clear_faults", rr_emulator_clear_faults);
    check("rr_emulator_fail_session", rr_emulator_fail_session, {2, 3});
    check("rr_emulator_fail_conversion", rr_emulator_fail_conversion, {2, 3});
    check("rr_emulator_cancel_conversion", rr_emulator_cancel_conversion);
    check("rr_emulator_revoke_tokens", rr_emulator_revoke_tokens);
    check("rr_emulator_get_requests", rr_emulator_get_requests, {1});
    check("rr_emulator_get_stats_json", rr_emulator_get_stats_json);
    check("rr_emulator_reset_stats", rr_emulator_reset_stats);
    check("rr_emulator_stop", rr_emulator_stop);
}

TEST_F(EveryEntryPoint, Storage) {
    check("rr_storage_account_new", rr_storage_account_new, {2});
    check("rr_storage_account_get_name", rr_storage_account_get_name);
    check("rr_storage_account_get_blob_endpoint", rr_storage_account_get_blob_endpoint);
    check("rr_storage_account_container_uri", rr_storage_account_container_uri);
    check("rr_storage_account_create_container", rr_storage_account_create_container);
    check("rr_storage_account_container", rr_storage_account_container);
    check("rr_storage_account_container_sas", rr_storage_account_container_sas);
    check("rr_storage_account_input_sas", rr_storage_account_input_sas);
    check("rr_storage_account_output_sas", rr_storage_account_output_sas);
    check("rr_storage_account_blob_read_url", rr_storage_account_blob_read_url);
    check("rr_storage_account_asset_read_url", rr_storage_account_asset_read_url);
    check("rr_blob_container_new", rr_blob_container_new);
    check("rr_blob_container_get_uri", rr_blob_container_get_uri);
    check("rr_blob_container_upload", rr_blob_container_upload, {2, 5, 6, 7});
    check("rr_blob_container_upload_async", rr_blob_container_upload_async, {2, 5, 6, 7});
    check("rr_operation_take_upload_report", rr_operation_take_upload_report);
    check("rr_blob_container_preflight", rr_blob_container_preflight);
    check("rr_blob_container_read_conversion_report", rr_blob_container_read_conversion_report);
    check("rr_blob_container_read_conversion_report_for_settings",
          rr_blob_container_read_conversion_report_for_settings);
    check("rr_blob_container_exists", rr_blob_container_exists);
    check("rr_blob_container_list", rr_blob_container_list, {1});
    check("rr_blob_container_read", rr_blob_container_read);
    check("rr_client_wait_for_conversion_with_report", rr_client_wait_for_conversion_with_report, {3});
    check("rr_client_wait_for_conversion_with_report_async", rr_client_wait_for_conversion_with_report_async, {3});
    check("rr_client_content_conversion_id", rr_client_content_conversion_id);
    check("rr_emulator_options_set_blob_storage", rr_emulator_options_set_blob_storage);
    check("rr_emulator_options_add_storage_account_key", rr_emulator_options_add_storage_account_key);
    // The storage models need real ones: an upload, a listing, a read and a preflight on Azurite.
    ErrorBox e;
    ASSERT_EQ(rr_testing_azurite_start(&valid.azurite, e.out()), RR_STATUS_OK) << e.message();
    if (!valid.azurite) GTEST_SKIP() << "Azurite is not installed (make azurite)";
    rr_storage_account* a = nullptr;
    ASSERT_EQ(rr_storage_account_new(rr_testing_azurite_account(), rr_testing_azurite_key(),
                                     rr_testing_azurite_blob_endpoint(valid.azurite), &a, nullptr),
              RR_STATUS_OK);
    bool created = false;
    ASSERT_EQ(rr_storage_account_create_container(a, "input", 0, &created, nullptr), RR_STATUS_OK);
    rr_blob_container* c = nullptr;
    ASSERT_EQ(rr_storage_account_container(a, "input", &c, nullptr), RR_STATUS_OK);
    const std::filesystem::path file = std::filesystem::temp_directory_path() / ("rr-null-" + std::to_string(::getpid()) + ".fbx");
    std::ofstream(file) << "model";
    EXPECT_EQ(rr_blob_container_upload(c, file.c_str(), "m", 1, 0, nullptr, nullptr, nullptr, &valid.upload_report,
                                       e.out()),
              RR_STATUS_OK)
        << e.message();
    std::filesystem::remove(file);
    EXPECT_EQ(rr_blob_container_list(c, "m", 0, &valid.string_list, nullptr), RR_STATUS_OK);
    EXPECT_EQ(rr_blob_container_read(c, ("m/" + file.filename().string()).c_str(), 0, 0, &valid.bytes, nullptr),
              RR_STATUS_OK);
    rr_conversion_input_settings* in = nullptr;
    rr_conversion_output_settings* out = nullptr;
    rr_conversion_settings* s = nullptr;
    rr_conversion_input_settings_new("http://127.0.0.1:1/devstoreaccount1/input", file.filename().c_str(), &in, nullptr);
    rr_conversion_input_settings_set_blob_prefix(in, "m", nullptr);
    rr_conversion_output_settings_new("http://127.0.0.1:1/devstoreaccount1/output", &out, nullptr);
    rr_conversion_settings_new(in, out, &s, nullptr);
    EXPECT_EQ(rr_blob_container_preflight(c, s, 0, &valid.preflight, e.out()), RR_STATUS_OK) << e.message();
    rr_conversion_settings_free(s);
    rr_conversion_output_settings_free(out);
    rr_conversion_input_settings_free(in);
    rr_blob_container_free(c);
    rr_storage_account_free(a);
    ASSERT_NE(valid.upload_report, nullptr);
    ASSERT_NE(valid.string_list, nullptr);
    ASSERT_NE(valid.bytes, nullptr);
    ASSERT_NE(valid.preflight, nullptr);
    check("rr_upload_report_get_uploaded", rr_upload_report_get_uploaded);
    check("rr_upload_report_get_not_uploaded", rr_upload_report_get_not_uploaded);
    check("rr_upload_report_get_bytes", rr_upload_report_get_bytes);
    check("rr_preflight_get_input_blob", rr_preflight_get_input_blob);
    check("rr_preflight_get_input_bytes", rr_preflight_get_input_bytes);
    check("rr_preflight_get_referenced", rr_preflight_get_referenced);
    check("rr_string_list_get_count", rr_string_list_get_count);
    check("rr_string_list_get", rr_string_list_get);
    check("rr_bytes_get_data", rr_bytes_get_data);
    check("rr_bytes_get_size", rr_bytes_get_size);
}

TEST(EveryEntryPointAlone, TokenSinkRefusesNullAndInvalidUtf8) {
    // A sink exists only during a provider's call: check its functions from inside one.
    rr_error* e = nullptr;
    EXPECT_EQ(rr_token_sink_set_token(nullptr, "t", &e), RR_STATUS_NULL_ARGUMENT);
    rr_error_free(e);
    EXPECT_EQ(rr_token_sink_set_error(nullptr, "m", nullptr), RR_STATUS_NULL_ARGUMENT);

    rr_emulator* emu = nullptr;
    ASSERT_EQ(rr_emulator_start(nullptr, &emu, nullptr), RR_STATUS_OK);
    const char* endpoint = nullptr;
    const char* account = nullptr;
    rr_emulator_get_endpoint(emu, &endpoint, nullptr);
    rr_emulator_get_account_id(emu, &account, nullptr);
    struct Seen {
        rr_status null_token, bad_token, null_message, bad_message;
    } seen{};
    rr_client_options* o = nullptr;
    ASSERT_EQ(rr_client_options_new(&o, nullptr), RR_STATUS_OK);
    rr_client_options_set_endpoint(o, endpoint, nullptr);
    rr_client_options_set_sts_endpoint(o, endpoint, nullptr);
    rr_client_options_set_account_id(o, account, nullptr);
    ASSERT_EQ(rr_client_options_set_entra_token_provider(
                  o,
                  [](void* ud, rr_token_sink* sink) {
                      auto* seen = static_cast<Seen*>(ud);
                      seen->null_token = rr_token_sink_set_token(sink, nullptr, nullptr);
                      seen->bad_token = rr_token_sink_set_token(sink, kBadUtf8, nullptr);
                      seen->null_message = rr_token_sink_set_error(sink, nullptr, nullptr);
                      seen->bad_message = rr_token_sink_set_error(sink, kBadUtf8, nullptr);
                  },
                  &seen, nullptr),
              RR_STATUS_OK);
    rr_client* c = nullptr;
    ASSERT_EQ(rr_client_new(o, &c, nullptr), RR_STATUS_OK);
    rr_session* s = nullptr;
    EXPECT_EQ(rr_client_get_session(c, "x", 0, &s, nullptr), RR_STATUS_UNAUTHORIZED) << "no token was given";
    EXPECT_EQ(seen.null_token, RR_STATUS_NULL_ARGUMENT);
    EXPECT_EQ(seen.bad_token, RR_STATUS_INVALID_UTF8);
    EXPECT_EQ(seen.null_message, RR_STATUS_NULL_ARGUMENT);
    EXPECT_EQ(seen.bad_message, RR_STATUS_INVALID_UTF8);
    rr_client_free(c);
    rr_client_options_free(o);
    rr_emulator_free(emu);
}

TEST(EveryEntryPointAlone, FunctionsThatCannotFailAreNullSafe) {
    EXPECT_STREQ(rr_version(), RR_VERSION_STRING);
    EXPECT_STREQ(rr_status_code(RR_STATUS_NULL_ARGUMENT), "NULL_ARGUMENT");
    EXPECT_STREQ(rr_status_name(RR_STATUS_NULL_ARGUMENT), "RR_STATUS_NULL_ARGUMENT");
    EXPECT_STREQ(rr_status_name(4242), "UNKNOWN_STATUS");
    EXPECT_EQ(std::string(rr_vocabulary_json()).rfind("{", 0), 0u) << "a static JSON object";
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
    EXPECT_EQ(rr_error_service_error(nullptr), nullptr);
    EXPECT_EQ(rr_error_upload_report(nullptr), nullptr);
    EXPECT_EQ(rr_error_conversion_report(nullptr), nullptr);
    // Both pointers of rr_set_log_callback may be NULL (a NULL callback unsets it).
    EXPECT_EQ(rr_set_log_callback(nullptr, nullptr, RR_LOG_LEVEL_WARN, nullptr), RR_STATUS_OK);
    rr_error_free(nullptr);
    rr_string_free(nullptr);
    rr_client_options_free(nullptr);
    rr_client_free(nullptr);
    rr_emulator_options_free(nullptr);
    rr_emulator_free(nullptr);
    rr_lease_options_free(nullptr);
    rr_session_options_free(nullptr);
    rr_lease_keeper_free(nullptr);
    rr_managed_session_free(nullptr);
    rr_session_list_free(nullptr);
    rr_conversion_list_free(nullptr);
    rr_session_free(nullptr);
    rr_conversion_free(nullptr);
    rr_conversion_settings_free(nullptr);
    rr_conversion_input_settings_free(nullptr);
    rr_conversion_output_settings_free(nullptr);
    rr_operation_free(nullptr);
    rr_wait_options_free(nullptr);
    rr_cancel_token_free(nullptr);
    rr_wait_results_free(nullptr);
    rr_storage_account_free(nullptr);
    rr_blob_container_free(nullptr);
    rr_upload_report_free(nullptr);
    rr_preflight_free(nullptr);
    rr_string_list_free(nullptr);
    rr_bytes_free(nullptr);
}

}  // namespace
