// The C++ wrapper: every operation and every error class against the embedded emulator, RAII
// (a keeper or managed session stops its session when destroyed, also when an exception
// leaves the scope), waits with progress, the non-blocking form driven from a frame loop, a
// client shared by threads, and the version check.
#include <set>
#include <type_traits>
#include <vector>

#include "fixtures.hpp"

namespace {

using namespace rr_test;

class Cpp : public ::testing::Test {
  protected:
    rr::Emulator emu{slow_emulator()};
    rr::Client client{quick_options(emu)};

    rr::Client client_with(std::uint32_t max_attempts) {
        rr::ClientOptions o = quick_options(emu);
        o.retry->max_attempts = max_attempts;
        return rr::Client(o);
    }
};

TEST(CppBasics, TheLibraryIsTheHeadersVersion) {
    EXPECT_EQ(rr::library_version(), RR_VERSION_STRING);
    EXPECT_NO_THROW(rr::detail::check_version());
    EXPECT_EQ(rr::status_code(rr::Status::Throttled), "THROTTLED");
    EXPECT_EQ(rr::new_session_id().rfind("session-", 0), 0u);
    EXPECT_EQ(rr::new_conversion_id().rfind("conversion-", 0), 0u);
}

TEST(CppBasics, EveryStatusThrowsItsOwnClass) {
    auto thrown = [](rr_status st) -> std::string {
        try {
            rr::detail::throw_error(st, nullptr);
        } catch (const rr::InvalidInputError&) { return "InvalidInputError";
        } catch (const rr::AuthenticationError&) { return "AuthenticationError";
        } catch (const rr::ForbiddenError&) { return "ForbiddenError";
        } catch (const rr::NotFoundError&) { return "NotFoundError";
        } catch (const rr::ConflictError&) { return "ConflictError";
        } catch (const rr::UnprocessableError&) { return "UnprocessableError";
        } catch (const rr::ThrottledError&) { return "ThrottledError";
        } catch (const rr::ServiceError&) { return "ServiceError";
        } catch (const rr::TransportError&) { return "TransportError";
        } catch (const rr::WaitTimeoutError&) { return "WaitTimeoutError";
        } catch (const rr::CancelledError&) { return "CancelledError";
        } catch (const rr::SessionFailedError&) { return "SessionFailedError";
        } catch (const rr::ConversionFailedError&) { return "ConversionFailedError";
        } catch (const rr::ProtocolError&) { return "ProtocolError";
        } catch (const rr::NullArgumentError&) { return "NullArgumentError";
        } catch (const rr::InvalidUtf8Error&) { return "InvalidUtf8Error";
        } catch (const rr::InternalError&) { return "InternalError";
        } catch (const rr::Error& e) { return "Error:" + e.code();
        }
        return "nothing";
    };
    EXPECT_EQ(thrown(RR_STATUS_INVALID_INPUT), "InvalidInputError");
    EXPECT_EQ(thrown(RR_STATUS_UNAUTHORIZED), "AuthenticationError");
    EXPECT_EQ(thrown(RR_STATUS_FORBIDDEN), "ForbiddenError");
    EXPECT_EQ(thrown(RR_STATUS_NOT_FOUND), "NotFoundError");
    EXPECT_EQ(thrown(RR_STATUS_CONFLICT), "ConflictError");
    EXPECT_EQ(thrown(RR_STATUS_UNPROCESSABLE), "UnprocessableError");
    EXPECT_EQ(thrown(RR_STATUS_THROTTLED), "ThrottledError");
    EXPECT_EQ(thrown(RR_STATUS_SERVICE_ERROR), "ServiceError");
    EXPECT_EQ(thrown(RR_STATUS_TRANSPORT_ERROR), "TransportError");
    EXPECT_EQ(thrown(RR_STATUS_TIMEOUT), "WaitTimeoutError");
    EXPECT_EQ(thrown(RR_STATUS_CANCELLED), "CancelledError");
    EXPECT_EQ(thrown(RR_STATUS_SESSION_FAILED), "SessionFailedError");
    EXPECT_EQ(thrown(RR_STATUS_CONVERSION_FAILED), "ConversionFailedError");
    EXPECT_EQ(thrown(RR_STATUS_PROTOCOL_ERROR), "ProtocolError");
    EXPECT_EQ(thrown(RR_STATUS_NULL_ARGUMENT), "NullArgumentError");
    EXPECT_EQ(thrown(RR_STATUS_INVALID_UTF8), "InvalidUtf8Error");
    EXPECT_EQ(thrown(RR_STATUS_PANIC), "InternalError");
    EXPECT_EQ(thrown(RR_STATUS_OTHER_ERROR), "Error:OTHER_ERROR");
    // The earlier names stay as aliases of the same classes.
    static_assert(std::is_same_v<rr::TimeoutError, rr::WaitTimeoutError>);
    static_assert(std::is_same_v<rr::PanicError, rr::InternalError>);
}

/// A client of `server` with a ready access token (no STS exchange) and one attempt.
rr::Client canned_client(const CannedServer& server) {
    rr::ClientOptions o;
    o.endpoint = server.endpoint();
    o.sts_endpoint = server.endpoint();
    o.account_id = "00000000-0000-4000-8000-000000000001";
    o.access_token = "ready-token";
    rr::RetryPolicy once;
    once.max_attempts = 1;
    o.retry = once;
    return rr::Client(o);
}

TEST(CppErrorDetails, TheServicesTargetAndNestedDetailsArrive) {
    CannedServer server("409 Conflict",
                        R"({"error":{"code":"Conflict","message":"the id exists","target":"sessionId",)"
                        R"("details":[{"code":"SessionExists","message":"other settings","target":"size"}]}})");
    try {
        canned_client(server).get_session("any");
        FAIL() << "no exception";
    } catch (const rr::ConflictError& e) {
        ASSERT_TRUE(e.service_error());
        const rr::ErrorDetails& d = *e.service_error();
        EXPECT_EQ(d.code, "Conflict");
        EXPECT_EQ(d.message, "the id exists");
        EXPECT_EQ(d.target, "sessionId");
        ASSERT_EQ(d.details.size(), 1u);
        EXPECT_EQ(d.details[0].code, "SessionExists");
        EXPECT_EQ(d.details[0].target, "size");
        EXPECT_TRUE(d.details[0].details.empty());
    }
}

TEST(CppErrorDetails, ASessionsErrorHasItsTargetAndDetails) {
    CannedServer server("200 OK",
                        R"({"id":"s1","status":"Error","size":"Standard","error":{"code":"StartFailed",)"
                        R"("message":"no capacity","target":"size","details":[{"code":"NoCapacity","message":"none"}]}})");
    rr::Session s = canned_client(server).get_session("s1");
    EXPECT_EQ(s.status, rr::SessionStatus::Error);
    ASSERT_TRUE(s.error);
    EXPECT_EQ(s.error->code, "StartFailed");
    EXPECT_EQ(s.error->target, "size");
    ASSERT_EQ(s.error->details.size(), 1u);
    EXPECT_EQ(s.error->details[0].code, "NoCapacity");
    EXPECT_FALSE(s.error->details[0].target);
}

TEST_F(Cpp, SessionLifecycle) {
    rr::Session s = client.start_session("cpp-life");
    EXPECT_EQ(s.id, "cpp-life");
    EXPECT_EQ(s.status, rr::SessionStatus::Starting);
    EXPECT_EQ(s.size, "Standard");
    EXPECT_EQ(s.lease_minutes, 30);
    EXPECT_FALSE(s.hostname);
    EXPECT_TRUE(s.created_on);
    EXPECT_FALSE(s.is_terminal());
    emu.advance_clock(61s);
    s = client.get_session("cpp-life");
    EXPECT_EQ(s.status, rr::SessionStatus::Ready);
    ASSERT_TRUE(s.hostname);
    ASSERT_TRUE(s.handshake_port);
    EXPECT_GT(*s.handshake_port, 0);
    EXPECT_TRUE(s.arr_inspector_port);
    EXPECT_TRUE(s.teraflops);
    EXPECT_EQ(s.elapsed_minutes, 0);
    s = client.update_session("cpp-life", 45);
    EXPECT_EQ(s.lease_minutes, 45);
    client.stop_session("cpp-life");
    s = client.get_session("cpp-life");
    EXPECT_EQ(s.status, rr::SessionStatus::Stopped);
    EXPECT_TRUE(s.is_terminal());
    EXPECT_NO_THROW(client.stop_session("cpp-life"));
    EXPECT_EQ(client.account_id(), emu.account_id());
    EXPECT_EQ(client.endpoint(), emu.endpoint());
    EXPECT_EQ(client.sts_endpoint(), emu.sts_endpoint());
    EXPECT_EQ(client.poll_interval(), 20ms);
}

TEST_F(Cpp, ErrorsCarryTheirData) {
    try {
        client.get_session("nobody");
        FAIL() << "no exception";
    } catch (const rr::NotFoundError& e) {
        EXPECT_EQ(e.status(), rr::Status::NotFound);
        EXPECT_EQ(e.code(), "NOT_FOUND");
        EXPECT_EQ(e.http_status(), 404);
        EXPECT_TRUE(e.ms_cv());
        EXPECT_FALSE(e.retriable());
        EXPECT_FALSE(e.retry_after());
        EXPECT_NE(std::string(e.what()).find("nobody"), std::string::npos) << e.what();
    }
    try {
        client.start_session("has space");
        FAIL() << "no exception";
    } catch (const rr::InvalidInputError& e) {
        EXPECT_EQ(e.field(), "session_id");
        EXPECT_FALSE(e.http_status());
    }
    EXPECT_THROW(client.start_session("ok", "Standard", 5000), rr::InvalidInputError);
    try {
        client.start_session(std::string("bad\xff"));
        FAIL() << "no exception";
    } catch (const rr::InvalidUtf8Error& e) {
        EXPECT_EQ(e.field(), "session_id");
        EXPECT_EQ(e.code(), "INVALID_UTF8");
    }
}

TEST_F(Cpp, EveryServiceErrorHasItsClass) {
    client.start_session("cpp-errors");
    EXPECT_THROW(client.start_session("cpp-errors", "Premium"), rr::ConflictError);
    EXPECT_THROW(client.update_session("cpp-errors", 10), rr::UnprocessableError);

    rr::ConversionSettings no_sas = conversion_settings();
    no_sas.input_location.storage_container_read_list_sas.reset();
    no_sas.output_location.storage_container_write_sas.reset();
    try {
        client.start_conversion("cpp-forbidden", no_sas);
        FAIL() << "no exception";
    } catch (const rr::ForbiddenError& e) {
        ASSERT_TRUE(e.service_error());
        EXPECT_EQ(e.service_error()->code, "LinkedStorageAccessFailure");
    }

    rr::ClientOptions wrong = quick_options(emu);
    wrong.account_key = "bm90LXRoZS1rZXk=";
    try {
        rr::Client(wrong).get_session("any");
        FAIL() << "no exception";
    } catch (const rr::AuthenticationError& e) {
        EXPECT_EQ(std::string(e.what()).find("bm90LXRoZS1rZXk"), std::string::npos);
    }

    rr::Client once = client_with(1);
    emu.set_faults("429:2=1@get_session", 5);
    try {
        once.get_session("cpp-errors");
        FAIL() << "no exception";
    } catch (const rr::ThrottledError& e) {
        EXPECT_EQ(e.retry_after(), 2000ms);
        EXPECT_TRUE(e.retriable());
    }
    emu.set_faults("503=1@get_session");
    EXPECT_THROW(once.get_session("cpp-errors"), rr::ServiceError);
    emu.set_faults("reset=1@get_session");
    EXPECT_THROW(once.get_session("cpp-errors"), rr::TransportError);
    emu.set_faults("delay:3s=1@get_session");
    EXPECT_THROW(once.get_session("cpp-errors", 150ms), rr::WaitTimeoutError);
    emu.clear_faults();

    GarbageServer garbage;
    rr::ClientOptions o;
    o.endpoint = garbage.endpoint();
    o.sts_endpoint = garbage.endpoint();
    o.account_id = emu.account_id();
    o.access_token = "ready-token";
    EXPECT_THROW(rr::Client(o).get_session("any"), rr::ProtocolError);

    rr::ClientOptions bad_config;
    bad_config.account_id = "not-a-uuid";
    bad_config.region = "eastus";
    bad_config.account_domain = "eastus.mixedreality.azure.com";
    bad_config.account_key = "k";
    try {
        rr::Client c(bad_config);
        FAIL() << "no exception";
    } catch (const rr::Error& e) {
        EXPECT_EQ(e.status(), rr::Status::InvalidInput);
        EXPECT_EQ(e.field(), "account_id");
    }
}

TEST_F(Cpp, WaitsReportProgressAndFailures) {
    client.start_session("cpp-wait");
    std::vector<rr::SessionStatus> seen;
    rr::WaitOptions<rr::Session> w;
    w.poll_interval = 10ms;
    w.timeout = 10s;
    w.on_progress = [&](const rr::Session& s) {
        seen.push_back(s.status);
        if (seen.size() == 2) emu.advance_clock(61s);
    };
    rr::Session ready = client.wait_for_session("cpp-wait", w);
    EXPECT_EQ(ready.status, rr::SessionStatus::Ready);
    ASSERT_EQ(seen.size(), 3u);
    EXPECT_EQ(seen.front(), rr::SessionStatus::Starting);

    client.start_session("cpp-slow");
    rr::WaitOptions<rr::Session> quick;
    quick.timeout = 100ms;
    try {
        client.wait_for_session("cpp-slow", quick);
        FAIL() << "no exception";
    } catch (const rr::WaitTimeoutError& e) {
        ASSERT_TRUE(e.session());
        EXPECT_EQ(e.session()->status, rr::SessionStatus::Starting);
    }

    rr::CancelToken cancel;
    cancel.cancel();
    EXPECT_TRUE(cancel.cancelled());
    rr::WaitOptions<rr::Session> cancelled;
    cancelled.cancel = cancel;
    EXPECT_THROW(client.wait_for_session("cpp-slow", cancelled), rr::CancelledError);

    // An exception of the progress callback ends the wait and comes out of it.
    rr::WaitOptions<rr::Session> throwing;
    throwing.on_progress = [](const rr::Session&) { throw std::logic_error("the engine gave up"); };
    try {
        client.wait_for_session("cpp-slow", throwing);
        FAIL() << "no exception";
    } catch (const std::logic_error& e) {
        EXPECT_STREQ(e.what(), "the engine gave up");
    }

    emu.fail_session("cpp-slow", "ServerCrash", "gone");
    try {
        client.wait_for_session("cpp-slow");
        FAIL() << "no exception";
    } catch (const rr::SessionFailedError& e) {
        ASSERT_TRUE(e.session());
        EXPECT_EQ(e.session()->status, rr::SessionStatus::Error);
        ASSERT_TRUE(e.session()->error);
        EXPECT_EQ(e.session()->error->code, "ServerCrash");
        ASSERT_TRUE(e.service_error());
        EXPECT_EQ(e.service_error()->message, "gone");
    }
}

TEST_F(Cpp, Conversions) {
    rr::ConversionSettings settings = conversion_settings();
    settings.output_location.output_asset_filename = "box.arrAsset";
    settings.input_location.blob_prefix = "in";
    rr::Conversion c = client.start_conversion("cpp-conv", settings);
    EXPECT_EQ(c.status, rr::ConversionStatus::NotStarted);
    EXPECT_EQ(c.settings.input_location.relative_input_asset_path, "box.fbx");
    EXPECT_EQ(c.settings.input_location.blob_prefix, "in/");
    EXPECT_EQ(c.settings.output_location.output_asset_filename, "box.arrAsset");
    EXPECT_FALSE(c.settings.input_location.storage_container_read_list_sas) << "never echoed";
    EXPECT_FALSE(c.settings.output_location.storage_container_write_sas) << "never echoed";
    EXPECT_EQ(client.get_conversion("cpp-conv").id, "cpp-conv");
    std::vector<rr::ConversionStatus> seen;
    rr::WaitOptions<rr::Conversion> w;
    w.on_progress = [&](const rr::Conversion& p) {
        seen.push_back(p.status);
        if (seen.size() == 1) emu.advance_clock(121s);
    };
    c = client.wait_for_conversion("cpp-conv", w);
    EXPECT_EQ(c.status, rr::ConversionStatus::Succeeded);
    EXPECT_TRUE(c.is_terminal());
    ASSERT_TRUE(c.output_asset_uri);
    EXPECT_NE(c.output_asset_uri->find("box.arrAsset"), std::string::npos);

    client.start_conversion("cpp-conv-fail", settings);
    client.start_conversion("cpp-conv-cancel", settings);
    emu.fail_conversion("cpp-conv-fail");
    emu.cancel_conversion("cpp-conv-cancel");
    try {
        client.wait_for_conversion("cpp-conv-fail");
        FAIL() << "no exception";
    } catch (const rr::ConversionFailedError& e) {
        ASSERT_TRUE(e.conversion());
        EXPECT_EQ(e.conversion()->status, rr::ConversionStatus::Failed);
        EXPECT_EQ(std::string(e.what()).find("READSECRET"), std::string::npos);
    }
    try {
        client.wait_for_conversion("cpp-conv-cancel");
        FAIL() << "no exception";
    } catch (const rr::ConversionFailedError& e) {
        EXPECT_EQ(e.conversion()->status, rr::ConversionStatus::Cancelled);
    }
}

TEST(CppLists, ListsAreRangesReadPageByPage) {
    rr::EmulatorOptions eo;
    eo.page_size = 2;
    rr::Emulator emu(eo);
    rr::Client client = emu.client();
    for (int i = 0; i < 5; ++i) {
        client.start_session("cpp-list-" + std::to_string(i));
        client.start_conversion("cpp-list-" + std::to_string(i), conversion_settings());
    }
    std::set<std::string> ids;
    for (const rr::Session& s : client.list_sessions()) ids.insert(s.id);
    EXPECT_EQ(ids.size(), 5u);
    EXPECT_EQ(emu.requests("list_sessions"), 3u);
    EXPECT_EQ(client.list_conversions().collect().size(), 5u);
    auto list = client.list_sessions();
    int n = 0;
    while (auto s = list.next(5s)) ++n;
    EXPECT_EQ(n, 5);
    EXPECT_FALSE(list.next());
    EXPECT_NE(emu.stats_json().find("list_conversions"), std::string::npos);
    emu.reset_stats();
    EXPECT_EQ(emu.requests(), 0u);
}

TEST_F(Cpp, WaitForSessionsGivesOneResultPerId) {
    client.start_session("cpp-fleet-a");
    client.start_session("cpp-fleet-b");
    emu.fail_session("cpp-fleet-b");
    emu.advance_clock(61s);
    auto results = client.wait_for_sessions({"cpp-fleet-a", "cpp-fleet-b", "cpp-fleet-c"});
    ASSERT_EQ(results.size(), 3u);
    EXPECT_TRUE(results[0].ok());
    EXPECT_EQ(results[0].session->status, rr::SessionStatus::Ready);
    ASSERT_TRUE(results[1].error);
    EXPECT_EQ(results[1].error->status(), rr::Status::SessionFailed);
    EXPECT_EQ(results[2].error->status(), rr::Status::NotFound);
}

TEST_F(Cpp, KeeperWithABudgetStopsTheSessionBeforeItPassesIt) {
    client.start_session("cpp-budget", "Standard", 10);
    emu.advance_clock(61s);
    rr::LeaseOptions lease;
    lease.check_interval = 20ms;
    lease.budget = 1.5;
    lease.cost_rates = rr::CostRates{6.0, std::nullopt};
    rr::LeaseKeeper keeper = client.keep_alive("cpp-budget", lease);
    emu.advance_clock(6min);
    for (int i = 0; i < 300 && !keeper.is_finished(); ++i) std::this_thread::sleep_for(10ms);
    EXPECT_TRUE(keeper.stopped_by_budget());
    EXPECT_EQ(keeper.extensions(), 0u);
    EXPECT_EQ(client.get_session("cpp-budget").status, rr::SessionStatus::Stopped);
}

TEST_F(Cpp, KeeperStopsItsSessionWhenDestroyed) {
    client.start_session("cpp-keep", "Standard", 10);
    emu.advance_clock(61s);
    {
        rr::LeaseOptions lease;
        lease.check_interval = 20ms;
        rr::LeaseKeeper keeper = client.keep_alive("cpp-keep", lease);
        EXPECT_EQ(keeper.session_id(), "cpp-keep");
        emu.advance_clock(6min);
        for (int i = 0; i < 200 && keeper.extensions() == 0; ++i) std::this_thread::sleep_for(10ms);
        EXPECT_EQ(keeper.extensions(), 1u);
        EXPECT_FALSE(keeper.is_finished());
        for (int i = 0; i < 100; ++i) {
            auto latest = keeper.latest();
            if (latest && latest->lease_minutes == 20) break;
            std::this_thread::sleep_for(10ms);
        }
        EXPECT_EQ(keeper.latest()->lease_minutes, 20);
    }
    EXPECT_EQ(client.get_session("cpp-keep").status, rr::SessionStatus::Stopped);

    client.start_session("cpp-detach");
    {
        rr::LeaseKeeper keeper = client.keep_alive("cpp-detach");
        keeper.detach();
    }
    EXPECT_EQ(client.get_session("cpp-detach").status, rr::SessionStatus::Starting);
    {
        rr::LeaseKeeper keeper = client.keep_alive("cpp-detach");
        keeper.close(5s);
        EXPECT_EQ(client.get_session("cpp-detach").status, rr::SessionStatus::Stopped);
    }
}

TEST_F(Cpp, ManagedSessionIsStoppedEvenWhenTheEngineThrows) {
    rr::SessionOptions o;
    o.session_id = "cpp-managed";
    o.lease_minutes = 20;
    o.wait.poll_interval = 10ms;
    o.wait.on_progress = [this](const rr::Session& s) {
        if (s.status == rr::SessionStatus::Starting) emu.advance_clock(61s);
    };
    try {
        rr::ManagedSession m = client.open_session(o);
        EXPECT_EQ(m.id(), "cpp-managed");
        EXPECT_EQ(m.session().status, rr::SessionStatus::Ready);
        EXPECT_EQ(m.session().lease_minutes, 20);
        EXPECT_EQ(m.extensions(), 0u);
        throw std::runtime_error("the engine crashed");
    } catch (const std::runtime_error&) {
    }
    EXPECT_EQ(client.get_session("cpp-managed").status, rr::SessionStatus::Stopped);

    rr::SessionOptions late;
    late.session_id = "cpp-managed-late";
    late.keep_alive.reset();
    late.wait.timeout = 100ms;
    EXPECT_THROW(client.open_session(late), rr::WaitTimeoutError);
    EXPECT_EQ(client.get_session("cpp-managed-late").status, rr::SessionStatus::Stopped);
}

TEST_F(Cpp, AFrameLoopOpensASessionWithoutBlocking) {
    rr::SessionOptions o;
    o.session_id = "cpp-frame";
    auto op = client.open_session_async(o);
    int frames = 0;
    auto slowest = std::chrono::steady_clock::duration::zero();
    bool advanced = false;
    while (frames < 2000) {
        ++frames;
        auto t0 = std::chrono::steady_clock::now();
        bool done = op.ready();
        auto latest = op.latest_session();
        slowest = std::max(slowest, std::chrono::steady_clock::now() - t0);
        if (done) break;
        if (latest && latest->status == rr::SessionStatus::Starting && !advanced) {
            emu.advance_clock(61s);
            advanced = true;
        }
        std::this_thread::sleep_for(2ms);
    }
    EXPECT_TRUE(advanced);
    EXPECT_GT(frames, 2);
    EXPECT_LT(slowest, 100ms);  // a poll never blocks (generous for a loaded CI machine)
    {
        rr::ManagedSession m = op.get();
        EXPECT_EQ(m.session().status, rr::SessionStatus::Ready);
        EXPECT_THROW(op.get(), rr::InvalidInputError) << "taken already";
    }
    EXPECT_EQ(client.get_session("cpp-frame").status, rr::SessionStatus::Stopped);
}

TEST_F(Cpp, EveryOperationHasAnAsyncForm) {
    auto started = client.start_session_async("cpp-async");
    EXPECT_EQ(started.get().id, "cpp-async");
    EXPECT_EQ(client.get_session_async("cpp-async").get().status, rr::SessionStatus::Starting);
    EXPECT_EQ(client.update_session_async("cpp-async", 40).get().lease_minutes, 40);
    EXPECT_EQ(client.list_sessions_async().get().size(), 1u);
    auto conv = client.start_conversion_async("cpp-async-conv", conversion_settings());
    EXPECT_TRUE(conv.wait_for(5s));
    EXPECT_EQ(conv.get().id, "cpp-async-conv");
    EXPECT_EQ(client.get_conversion_async("cpp-async-conv").get().id, "cpp-async-conv");
    EXPECT_EQ(client.list_conversions_async().get().size(), 1u);
    emu.advance_clock(121s);
    auto waited = client.wait_for_conversion_async("cpp-async-conv");
    EXPECT_EQ(waited.get().status, rr::ConversionStatus::Succeeded);
    EXPECT_EQ(waited.latest_conversion()->status, rr::ConversionStatus::Succeeded);
    EXPECT_EQ(client.wait_for_session_async("cpp-async").get().status, rr::SessionStatus::Ready);
    auto fleet = client.wait_for_sessions_async({"cpp-async"}).get();
    ASSERT_EQ(fleet.size(), 1u);
    EXPECT_TRUE(fleet[0].ok());
    client.stop_session_async("cpp-async").get();
    EXPECT_EQ(client.get_session("cpp-async").status, rr::SessionStatus::Stopped);
    EXPECT_THROW(client.get_session_async("nobody").get(), rr::NotFoundError);

    // Cancelling: the wait ends with the last session seen.
    client.start_session("cpp-async-slow");
    auto slow = client.wait_for_session_async("cpp-async-slow");
    EXPECT_FALSE(slow.wait_for(50ms));
    slow.cancel();
    try {
        slow.get();
        FAIL() << "no exception";
    } catch (const rr::CancelledError& e) {
        EXPECT_TRUE(e.session());
    }

    // An exception of an async progress callback comes out of get().
    rr::WaitOptions<rr::Session> throwing;
    throwing.on_progress = [](const rr::Session&) { throw std::range_error("bad frame"); };
    auto thrown = client.wait_for_session_async("cpp-async-slow", throwing);
    EXPECT_THROW(thrown.get(), std::range_error);

    // Destroying a running open stops the session it started.
    {
        rr::SessionOptions o;
        o.session_id = "cpp-async-dropped";
        auto op = client.open_session_async(o);
        for (int i = 0; i < 500; ++i) {
            try {
                client.get_session("cpp-async-dropped");
                break;
            } catch (const rr::NotFoundError&) {
                std::this_thread::sleep_for(5ms);
            }
        }
    }
    rr::SessionStatus status = rr::SessionStatus::Starting;
    for (int i = 0; i < 500 && status != rr::SessionStatus::Stopped; ++i) {
        std::this_thread::sleep_for(5ms);
        status = client.get_session("cpp-async-dropped").status;
    }
    EXPECT_EQ(status, rr::SessionStatus::Stopped);
}

TEST_F(Cpp, OneClientSharedByThreads) {
    constexpr int kThreads = 6;
    std::atomic<int> done{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([this, t, &done] {
            for (int i = 0; i < 4; ++i) {
                const std::string id = "cpp-thread-" + std::to_string(t) + "-" + std::to_string(i);
                client.start_session(id);
                if (client.get_session(id).id == id) {
                    client.stop_session(id);
                    ++done;
                }
            }
            // Copies share one client too.
            rr::Client copy = client;
            if (copy.list_sessions().collect().size() <= static_cast<size_t>(kThreads * 4)) ++done;
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(done.load(), kThreads * 5);
    EXPECT_EQ(emu.requests("sts"), 1u);
}

TEST_F(Cpp, HandlesOutliveTheirClient) {
    client.start_session("cpp-outlive");
    std::optional<rr::LeaseKeeper> keeper;
    std::optional<rr::SessionList> list;
    {
        rr::Client scoped(quick_options(emu));
        keeper.emplace(scoped.keep_alive("cpp-outlive"));
        list.emplace(scoped.list_sessions());
    }
    EXPECT_EQ(list->collect().size(), 1u);
    EXPECT_EQ(keeper->session_id(), "cpp-outlive");
    keeper.reset();
    EXPECT_EQ(client.get_session("cpp-outlive").status, rr::SessionStatus::Stopped);
}

TEST(CppAuth, EntraTokenProvider) {
    rr::EmulatorOptions eo;
    eo.entra_tokens = {"entra-ok"};
    rr::Emulator emu(eo);
    rr::ClientOptions o;
    o.endpoint = emu.endpoint();
    o.sts_endpoint = emu.sts_endpoint();
    o.account_id = emu.account_id();
    std::atomic<int> calls{0};
    o.entra_token_provider = [&calls] {
        ++calls;
        return std::string("entra-ok");
    };
    rr::Client client(o);
    EXPECT_THROW(client.get_session("x"), rr::NotFoundError);
    EXPECT_THROW(client.get_session("x"), rr::NotFoundError);
    EXPECT_EQ(calls.load(), 1);

    o.entra_token_provider = []() -> std::string { throw std::runtime_error("no signed-in user"); };
    try {
        rr::Client(o).get_session("x");
        FAIL() << "no exception";
    } catch (const rr::AuthenticationError& e) {
        EXPECT_NE(std::string(e.what()).find("no signed-in user"), std::string::npos) << e.what();
    }
}

TEST(CppEmulator, TlsAndRevokedTokens) {
    rr::EmulatorOptions eo;
    eo.tls = true;
    eo.region = "westeurope";
    eo.time_scale = 1.0;
    eo.token_lifetime = 1h;
    eo.faults = "delay:1ms=0.1";
    eo.seed = 9;
    eo.linked_storage = {"store"};
    eo.startup_delay = 0ms;
    eo.conversion_duration = 0ms;
    rr::Emulator emu(eo);
    ASSERT_TRUE(emu.ca_cert_path());
    EXPECT_EQ(emu.endpoint().rfind("https://", 0), 0u);
    EXPECT_FALSE(emu.account_key().empty());
    EXPECT_FALSE(emu.account_domain().empty());
    rr::Client client(quick_options(emu));
    rr::Session s = client.start_session("cpp-tls");
    EXPECT_NE(client.wait_for_session("cpp-tls").hostname->find("westeurope"), std::string::npos);
    emu.revoke_tokens();
    EXPECT_NO_THROW(client.get_session("cpp-tls")) << "a 401 makes the client fetch a new token";
    emu.stop();
    EXPECT_THROW(emu.advance_clock(1s), rr::InvalidInputError);
    EXPECT_THROW(client.get_session("cpp-tls"), rr::TransportError);
}

}  // namespace
