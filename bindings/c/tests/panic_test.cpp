// A panic inside a core call, forced through the hidden hook of bindings/c/src/testing.rs,
// arrives as RR_STATUS_PANIC (C) and InternalError (C++) through a blocking call and through a
// non-blocking operation, and the process, the client and its runtime live on.
#include <nlohmann/json.hpp>

#include "fixtures.hpp"
#include "testing_hooks.h"

namespace {

using namespace rr_test;

/// How every language's message of a caught panic starts: the core's words, from the table.
std::string panic_prefix() {
    return nlohmann::json::parse(rr_vocabulary_json())["panic_message_prefix"].get<std::string>();
}

TEST_F(CApi, APanicInABlockingCoreCallIsThePanicStatus) {
    ErrorBox err;
    EXPECT_EQ(rr_testing_panic(client, "boom in a blocking call", err.out()), RR_STATUS_PANIC);
    EXPECT_EQ(rr_error_status(err.e), RR_STATUS_PANIC);
    EXPECT_NE(err.message().find("boom in a blocking call"), std::string::npos) << err.message();
    EXPECT_EQ(err.message().rfind(panic_prefix(), 0), 0u) << err.message();
    // The client (and its runtime) still work.
    rr_session* s = nullptr;
    ASSERT_EQ(rr_client_start_session(client, "after-panic", "Standard", 30, 0, &s, nullptr), RR_STATUS_OK);
    rr_session_free(s);
}

TEST_F(CApi, APanicInANonBlockingCoreCallEndsItsOperationWithThePanicStatus) {
    rr_operation* op = nullptr;
    ASSERT_EQ(rr_testing_panic_async(client, "boom in a task", &op, nullptr), RR_STATUS_OK);
    ErrorBox err;
    // It ends (a panicking task must not leave its operation pending forever).
    EXPECT_EQ(rr_operation_wait(op, 10000, err.out()), RR_STATUS_PANIC);
    EXPECT_NE(err.message().find("boom in a task"), std::string::npos) << err.message();
    EXPECT_EQ(err.message().rfind(panic_prefix(), 0), 0u) << err.message();
    EXPECT_EQ(rr_operation_poll(op, nullptr), RR_STATUS_PANIC) << "each poll reports it again";
    rr_session* s = nullptr;
    EXPECT_EQ(rr_operation_take_session(op, &s, err.out()), RR_STATUS_PANIC);
    EXPECT_EQ(s, nullptr);
    rr_operation_free(op);
    ASSERT_EQ(rr_client_start_session(client, "after-task-panic", "Standard", 30, 0, &s, nullptr), RR_STATUS_OK);
    rr_session_free(s);
}

class CppPanic : public ::testing::Test {
  protected:
    rr::Emulator emu{slow_emulator()};
    rr::Client client{quick_options(emu)};
};

TEST_F(CppPanic, ABlockingCallThrowsInternalError) {
    try {
        rr::detail::call([&](rr_error** e) { return rr_testing_panic(client.handle(), "boom in C++", e); });
        FAIL() << "no exception";
    } catch (const rr::InternalError& e) {
        EXPECT_EQ(e.status(), rr::Status::Panic);
        EXPECT_EQ(e.code(), "INTERNAL_ERROR");
        EXPECT_NE(std::string(e.what()).find("boom in C++"), std::string::npos) << e.what();
    }
    EXPECT_EQ(client.start_session("cpp-after-panic").id, "cpp-after-panic");
}

TEST_F(CppPanic, AnOperationThrowsInternalErrorFromGet) {
    rr_operation* raw = nullptr;
    rr::detail::call([&](rr_error** e) { return rr_testing_panic_async(client.handle(), "boom in a C++ task", &raw, e); });
    rr::Operation<rr::Session> op(raw, nullptr);
    EXPECT_TRUE(op.wait_for(std::chrono::seconds(10)));
    EXPECT_THROW(op.get(), rr::InternalError);
    EXPECT_EQ(client.start_session("cpp-after-task-panic").id, "cpp-after-task-panic");
}

}  // namespace
