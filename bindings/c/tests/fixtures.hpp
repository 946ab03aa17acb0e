// Shared fixtures of the C and C++ tests: an embedded emulator (port 0, slow clock that only
// moves when a test moves it), clients of it with quick retries and a 20 ms poll interval,
// the C API's calls wrapped so a failing status shows its message, and a loopback server that
// answers garbage (for PROTOCOL_ERROR).
#ifndef RR_TESTS_FIXTURES_HPP
#define RR_TESTS_FIXTURES_HPP

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <memory>
#include <string>
#include <thread>

#include "remote_rendering.h"
#include "remote_rendering.hpp"

namespace rr_test {

namespace rr = remote_rendering;
using namespace std::chrono_literals;

/// Not UTF-8: a lone continuation byte and an invalid lead byte.
inline const char* const kBadUtf8 = "bad\xff\xfe";

/// Emulated delays long enough that nothing changes unless a test moves the clock.
inline rr::EmulatorOptions slow_emulator() {
    rr::EmulatorOptions o;
    o.startup_delay = 60s;
    o.conversion_duration = 120s;
    return o;
}

/// Options of a client of `emu` that polls every 20 ms and retries quickly.
inline rr::ClientOptions quick_options(const rr::Emulator& emu) {
    rr::ClientOptions o = emu.client_options();
    o.poll_interval = 20ms;
    rr::RetryPolicy retry;
    retry.max_attempts = 3;
    retry.initial_backoff = 10ms;
    retry.max_backoff = 100ms;
    retry.max_elapsed = 5s;
    o.retry = retry;
    return o;
}

/// Settings of a conversion on storage the emulator accepts (SAS given).
inline rr::ConversionSettings conversion_settings(const std::string& input = "box.fbx") {
    rr::ConversionSettings s;
    s.input_location.storage_container_uri = "https://store.blob.core.windows.net/input";
    s.input_location.relative_input_asset_path = input;
    s.input_location.storage_container_read_list_sas = "sv=2024&sig=READSECRET";
    s.output_location.storage_container_uri = "https://store.blob.core.windows.net/output";
    s.output_location.storage_container_write_sas = "sv=2024&sig=WRITESECRET";
    return s;
}

/// A C-API emulator and a C-API client of it, freed at the end of the test.
class CApi : public ::testing::Test {
  protected:
    void SetUp() override {
        rr_emulator_options* eo = nullptr;
        ASSERT_EQ(rr_emulator_options_new(&eo, nullptr), RR_STATUS_OK);
        ASSERT_EQ(rr_emulator_options_set_startup_delay_ms(eo, 60000, nullptr), RR_STATUS_OK);
        ASSERT_EQ(rr_emulator_options_set_conversion_duration_ms(eo, 120000, nullptr), RR_STATUS_OK);
        ASSERT_EQ(rr_emulator_start(eo, &emu, nullptr), RR_STATUS_OK);
        rr_emulator_options_free(eo);
        client = make_client(nullptr);
        ASSERT_NE(client, nullptr);
    }

    void TearDown() override {
        rr_client_free(client);
        rr_emulator_free(emu);
    }

    /// A client of the emulator; `key` replaces the account key when given.
    rr_client* make_client(const char* key, uint32_t max_attempts = 3) {
        rr_client_options* o = nullptr;
        EXPECT_EQ(rr_emulator_client_options(emu, &o, nullptr), RR_STATUS_OK);
        if (key) {
            EXPECT_EQ(rr_client_options_set_account_key(o, key, nullptr), RR_STATUS_OK);
        }
        EXPECT_EQ(rr_client_options_set_poll_interval_ms(o, 20, nullptr), RR_STATUS_OK);
        EXPECT_EQ(rr_client_options_set_retry(o, max_attempts, 10, 100, 5000, nullptr), RR_STATUS_OK);
        rr_client* c = nullptr;
        EXPECT_EQ(rr_client_new(o, &c, nullptr), RR_STATUS_OK);
        rr_client_options_free(o);
        return c;
    }

    void advance(uint64_t seconds) {
        ASSERT_EQ(rr_emulator_advance_clock_ms(emu, seconds * 1000, nullptr), RR_STATUS_OK);
    }

    rr_emulator* emu = nullptr;
    rr_client* client = nullptr;
};

/// An owned rr_error, freed at scope end.
struct ErrorBox {
    rr_error* e = nullptr;
    ErrorBox() = default;
    ErrorBox(const ErrorBox&) = delete;
    ErrorBox& operator=(const ErrorBox&) = delete;
    ~ErrorBox() { rr_error_free(e); }
    rr_error** out() {
        rr_error_free(e);
        e = nullptr;
        return &e;
    }
    std::string code() const { return e ? rr_error_code(e) : "(no error)"; }
    std::string message() const { return e ? rr_error_message(e) : "(no error)"; }
    std::string field() const {
        const char* f = e ? rr_error_field(e) : nullptr;
        return f ? f : "(none)";
    }
};

/// A loopback HTTP server that answers every request with one canned reply: by default 200 and
/// a body that is not JSON (for PROTOCOL_ERROR), or the status and JSON body a test gives.
class CannedServer {
  public:
    explicit CannedServer(std::string status = "200 OK", std::string body = "not json!")
        : reply_("HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\nContent-Length: " +
                 std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;
        int one = 1;
        ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 16) != 0)
            throw std::runtime_error("cannot listen on 127.0.0.1");
        socklen_t len = sizeof addr;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    ~CannedServer() {
        stop_ = true;
        ::shutdown(fd_, SHUT_RDWR);
        ::close(fd_);
        thread_.join();
    }
    std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

  private:
    void serve() {
        while (!stop_) {
            int c = ::accept(fd_, nullptr, nullptr);
            if (c < 0) return;
            char buf[4096];
            ::recv(c, buf, sizeof buf, 0);
            ::send(c, reply_.data(), reply_.size(), MSG_NOSIGNAL);
            ::close(c);
        }
    }
    std::string reply_;
    int fd_ = -1;
    unsigned short port_ = 0;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

using GarbageServer = CannedServer;

}  // namespace rr_test

#endif
