// The log stream: a retry warning of the core arrives at the C callback and at the C++ logger
// (level, target, message), a callback is never called after it was unset (unsetting waits for
// a call in flight), a callback cannot set callbacks, and secrets never appear in records.
#include <condition_variable>
#include <mutex>
#include <vector>

#include "fixtures.hpp"

namespace {

using namespace rr_test;

struct Seen {
    std::mutex m;
    std::vector<std::tuple<rr_log_level, std::string, std::string>> records;

    static void collect(void* ud, const rr_log_record* r) {
        auto* self = static_cast<Seen*>(ud);
        std::lock_guard<std::mutex> lock(self->m);
        self->records.emplace_back(r->level, r->target, r->message);
    }
    size_t count() {
        std::lock_guard<std::mutex> lock(m);
        return records.size();
    }
};

/// Unsets the callback at the end of a test, whatever happens.
struct Unset {
    ~Unset() { rr_set_log_callback(nullptr, nullptr, RR_LOG_LEVEL_ERROR, nullptr); }
};

TEST_F(CApi, ARetryIsAWarningOfTheLogCallback) {
    Unset unset;
    Seen seen;
    ASSERT_EQ(rr_set_log_callback(&Seen::collect, &seen, RR_LOG_LEVEL_WARN, nullptr), RR_STATUS_OK);
    rr_session* s = nullptr;
    ASSERT_EQ(rr_client_start_session(client, "c-logged", "Standard", 30, 0, &s, nullptr), RR_STATUS_OK);
    rr_session_free(s);
    ASSERT_EQ(rr_emulator_set_faults(emu, "500=1@get_session", 1, nullptr), RR_STATUS_OK);
    // Every attempt fails: the retries between them are warnings.
    ASSERT_EQ(rr_client_get_session(client, "c-logged", 0, &s, nullptr), RR_STATUS_SERVICE_ERROR);
    {
        std::lock_guard<std::mutex> lock(seen.m);
        ASSERT_FALSE(seen.records.empty()) << "no record arrived";
        bool retry = false;
        for (const auto& [level, target, message] : seen.records) {
            EXPECT_LE(level, RR_LOG_LEVEL_WARN) << "only warnings and errors were asked for";
            EXPECT_EQ(target.rfind("remote_rendering", 0), 0u) << target;
            if (level == RR_LOG_LEVEL_WARN && message.find("retrying") != std::string::npos) {
                retry = true;
                EXPECT_NE(message.find("500"), std::string::npos) << message;
            }
            // The emulator's account key signs the STS request: never in a record.
            const char* key = nullptr;
            rr_emulator_get_account_key(emu, &key, nullptr);
            EXPECT_EQ(message.find(key), std::string::npos) << "a secret in a record";
        }
        EXPECT_TRUE(retry) << "no retry warning among " << seen.records.size() << " records";
    }

    // Unset: nothing more arrives.
    ASSERT_EQ(rr_set_log_callback(nullptr, nullptr, RR_LOG_LEVEL_WARN, nullptr), RR_STATUS_OK);
    const size_t before = seen.count();
    ASSERT_EQ(rr_client_get_session(client, "c-logged", 0, &s, nullptr), RR_STATUS_SERVICE_ERROR);
    EXPECT_EQ(seen.count(), before);
}

/// A callback that stays in its first call until told, so that a test can unset it meanwhile.
struct Slow {
    std::mutex m;
    std::condition_variable cv;
    bool entered = false, release = false, returned = false;
    int calls = 0;
    rr_status nested = RR_STATUS_OK;

    static void on(void* ud, const rr_log_record*) {
        auto* self = static_cast<Slow*>(ud);
        // Setting a callback from a callback is refused, not a deadlock.
        rr_status nested = rr_set_log_callback(nullptr, nullptr, RR_LOG_LEVEL_WARN, nullptr);
        std::unique_lock<std::mutex> lock(self->m);
        self->nested = nested;
        ++self->calls;
        if (self->entered) return;
        self->entered = true;
        self->cv.notify_all();
        self->cv.wait_for(lock, std::chrono::seconds(5), [&] { return self->release; });
        self->returned = true;
    }
};

TEST_F(CApi, UnsettingTheLogCallbackWaitsForACallInFlightAndThenNeverCallsIt) {
    Unset unset;
    Slow slow;
    ASSERT_EQ(rr_set_log_callback(&Slow::on, &slow, RR_LOG_LEVEL_WARN, nullptr), RR_STATUS_OK);
    ASSERT_EQ(rr_emulator_set_faults(emu, "500=1@get_session", 1, nullptr), RR_STATUS_OK);
    std::thread caller([&] {
        rr_session* s = nullptr;
        rr_client_get_session(client, "nobody", 0, &s, nullptr);
        rr_session_free(s);
    });
    {
        std::unique_lock<std::mutex> lock(slow.m);
        ASSERT_TRUE(slow.cv.wait_for(lock, std::chrono::seconds(10), [&] { return slow.entered; }))
            << "the retry warning never arrived";
    }
    std::thread releaser([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        std::lock_guard<std::mutex> lock(slow.m);
        slow.release = true;
        slow.cv.notify_all();
    });
    ASSERT_EQ(rr_set_log_callback(nullptr, nullptr, RR_LOG_LEVEL_WARN, nullptr), RR_STATUS_OK);
    int calls_at_unset = 0;
    {
        std::lock_guard<std::mutex> lock(slow.m);
        EXPECT_TRUE(slow.returned) << "unset returned while the callback was still running";
        EXPECT_EQ(slow.nested, RR_STATUS_INVALID_INPUT);
        calls_at_unset = slow.calls;
    }
    releaser.join();
    caller.join();
    ASSERT_EQ(rr_emulator_set_faults(emu, "500=1@get_session", 1, nullptr), RR_STATUS_OK);
    rr_session* s = nullptr;
    rr_client_get_session(client, "nobody", 0, &s, nullptr);
    std::lock_guard<std::mutex> lock(slow.m);
    EXPECT_EQ(slow.calls, calls_at_unset) << "called after it was unset";
}

TEST(CApiBasics, ALogLevelOutOfRangeIsRefused) {
    ErrorBox err;
    EXPECT_EQ(rr_set_log_callback(&Seen::collect, nullptr, static_cast<rr_log_level>(9), err.out()),
              RR_STATUS_INVALID_INPUT);
    EXPECT_EQ(err.field(), "max_level");
}

TEST(CppLog, ARetryIsAWarningOfTheLogger) {
    rr::Emulator emu{slow_emulator()};
    rr::Client client{quick_options(emu)};
    std::mutex m;
    std::vector<rr::LogRecord> records;
    rr::set_logger(
        [&](const rr::LogRecord& r) {
            std::lock_guard<std::mutex> lock(m);
            records.push_back(r);
        },
        rr::LogLevel::Warn);
    client.start_session("cpp-logged");
    emu.set_faults("500=1@get_session");
    EXPECT_THROW(client.get_session("cpp-logged"), rr::ServiceError) << "every attempt fails";
    rr::set_logger(nullptr);
    std::lock_guard<std::mutex> lock(m);
    bool retry = false;
    for (const rr::LogRecord& r : records) {
        EXPECT_EQ(r.target.rfind("remote_rendering", 0), 0u) << r.target;
        retry = retry || (r.level == rr::LogLevel::Warn && r.message.find("retrying") != std::string::npos);
    }
    EXPECT_TRUE(retry) << "no retry warning among " << records.size() << " records";
}

TEST(CppLog, AThrowingLoggerDoesNotReachTheLibrary) {
    rr::Emulator emu{slow_emulator()};
    rr::Client client{quick_options(emu)};
    rr::set_logger([](const rr::LogRecord&) { throw std::runtime_error("logger bug"); }, rr::LogLevel::Trace);
    EXPECT_EQ(client.start_session("cpp-throwing-logger").id, "cpp-throwing-logger");
    rr::set_logger(nullptr);
}

}  // namespace
