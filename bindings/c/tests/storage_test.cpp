// Conversions on blob storage through the C API and the C++ wrapper, against Azurite (started
// per test by the core's launcher, through the hidden hook of testing_hooks.h, and stopped by
// PID) and the embedded emulator with blob storage on. Without Azurite the tests skip, unless
// REQUIRE_AZURITE=1 (as `make test-c` sets) or CI=true, where they fail saying `make azurite`.
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <tuple>
#include <vector>

#include "fixtures.hpp"
#include "testing_hooks.h"

namespace {

using namespace rr_test;
namespace fs = std::filesystem;

/// A fresh folder under the system's temporary one, removed at scope end.
struct TempDir {
    fs::path path;
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "rr-c-storage-XXXXXX").string();
        path = ::mkdtemp(tmpl.data());
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

void write(const fs::path& p, const std::string& bytes) {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << bytes;
}

const std::string kGltf =
    R"({"asset":{"version":"2.0"},"buffers":[{"uri":"scene.bin","byteLength":1024}],"images":[{"uri":"textures/wood%20dark.png"}]})";

/// A glTF model: the .gltf, its buffer and a texture in a subfolder.
void model_dir(const fs::path& dir) {
    write(dir / "scene.gltf", kGltf);
    write(dir / "scene.bin", std::string(1024, '\7'));
    write(dir / "textures" / "wood dark.png", std::string(300, '\1'));
}

std::string take(char* s) {
    std::string out = s ? s : "";
    rr_string_free(s);
    return out;
}

std::vector<std::string> strings(const rr_string_list* l) {
    std::vector<std::string> out;
    size_t n = 0;
    EXPECT_EQ(rr_string_list_get_count(l, &n, nullptr), RR_STATUS_OK);
    for (size_t i = 0; i < n; ++i) {
        const char* s = nullptr;
        EXPECT_EQ(rr_string_list_get(l, i, &s, nullptr), RR_STATUS_OK);
        out.push_back(s);
    }
    return out;
}

std::vector<std::string> uploaded(const rr_upload_report* r) {
    const rr_string_list* l = nullptr;
    EXPECT_EQ(rr_upload_report_get_uploaded(r, &l, nullptr), RR_STATUS_OK);
    return strings(l);
}

std::vector<std::string> not_uploaded(const rr_upload_report* r) {
    const rr_string_list* l = nullptr;
    EXPECT_EQ(rr_upload_report_get_not_uploaded(r, &l, nullptr), RR_STATUS_OK);
    return strings(l);
}

/// `GET url` over plain http (Azurite's loopback endpoint): the status line and the body.
std::pair<std::string, std::string> http_get(const std::string& url) {
    const std::string scheme = "http://127.0.0.1:";
    if (url.rfind(scheme, 0) != 0) return {"not a loopback URL", ""};
    const size_t slash = url.find('/', scheme.size());
    const int port = std::stoi(url.substr(scheme.size(), slash - scheme.size()));
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return {"no connection", ""};
    }
    const std::string req = "GET " + url.substr(slash) + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    ::send(fd, req.data(), req.size(), MSG_NOSIGNAL);
    std::string resp;
    char buf[4096];
    for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) resp.append(buf, static_cast<size_t>(n));
    ::close(fd);
    const size_t head_end = resp.find("\r\n\r\n");
    return {resp.substr(0, resp.find("\r\n")), head_end == std::string::npos ? "" : resp.substr(head_end + 4)};
}

/// The `sig=` value of a SAS or URL (what must never be shown).
std::string sig(const std::string& sas) {
    const size_t at = sas.find("sig=");
    std::string v = at == std::string::npos ? sas : sas.substr(at + 4);
    return v.substr(0, v.find('&'));
}

struct ProgressLog {
    std::mutex m;
    std::vector<std::tuple<std::string, uint64_t, uint64_t, uint64_t, uint64_t, bool>> events;
    rr_cancel_token* cancel_on_file_done = nullptr;
    rr_operation* const* cancel_operation = nullptr;
    static void on(void* ud, const rr_upload_progress* p) {
        auto* self = static_cast<ProgressLog*>(ud);
        std::lock_guard<std::mutex> lock(self->m);
        self->events.emplace_back(p->blob, p->file_bytes_done, p->file_bytes_total, p->bytes_done, p->bytes_total,
                                  p->file_done);
        if (p->file_done && self->cancel_on_file_done) rr_cancel_token_cancel(self->cancel_on_file_done, nullptr);
        if (p->file_done && self->cancel_operation && *self->cancel_operation)
            rr_operation_cancel(*self->cancel_operation, nullptr);
    }
};

/// Azurite with `input` and `output` containers, a keyed account, a model on disk, and the
/// emulator on blob storage with a client.
class Storage : public ::testing::Test {
  protected:
    void SetUp() override { start({}); }

    void start(const std::vector<std::pair<std::string, std::string>>& keys) {
        ErrorBox e;
        ASSERT_EQ(rr_testing_azurite_start(&azurite, e.out()), RR_STATUS_OK) << e.message();
        if (!azurite) GTEST_SKIP() << "Azurite is not installed (make azurite)";
        endpoint = rr_testing_azurite_blob_endpoint(azurite);
        ASSERT_EQ(rr_storage_account_new(rr_testing_azurite_account(), rr_testing_azurite_key(), endpoint.c_str(),
                                         &account, e.out()),
                  RR_STATUS_OK)
            << e.message();
        for (const char* c : {"input", "output"}) {
            bool created = false;
            ASSERT_EQ(rr_storage_account_create_container(account, c, 0, &created, e.out()), RR_STATUS_OK)
                << e.message();
            EXPECT_TRUE(created);
        }
        model_dir(model.path);
        rr_emulator_options* eo = nullptr;
        ASSERT_EQ(rr_emulator_options_new(&eo, nullptr), RR_STATUS_OK);
        ASSERT_EQ(rr_emulator_options_set_blob_storage(eo, true, nullptr), RR_STATUS_OK);
        ASSERT_EQ(rr_emulator_options_set_conversion_duration_ms(eo, 200, nullptr), RR_STATUS_OK);
        for (const auto& kv : keys)
            ASSERT_EQ(rr_emulator_options_add_storage_account_key(eo, kv.first.c_str(), kv.second.c_str(), nullptr),
                      RR_STATUS_OK);
        ASSERT_EQ(rr_emulator_start(eo, &emu, e.out()), RR_STATUS_OK) << e.message();
        rr_emulator_options_free(eo);
        rr_client_options* o = nullptr;
        ASSERT_EQ(rr_emulator_client_options(emu, &o, nullptr), RR_STATUS_OK);
        rr_client_options_set_poll_interval_ms(o, 50, nullptr);
        ASSERT_EQ(rr_client_new(o, &client, nullptr), RR_STATUS_OK);
        rr_client_options_free(o);
    }

    void TearDown() override {
        rr_client_free(client);
        rr_emulator_free(emu);
        rr_storage_account_free(account);
        rr_testing_azurite_free(azurite);
    }

    rr_blob_container* keyed(const char* name) {
        rr_blob_container* c = nullptr;
        EXPECT_EQ(rr_storage_account_container(account, name, &c, nullptr), RR_STATUS_OK);
        return c;
    }

    std::string sas(const char* container, const char* permissions) {
        char* s = nullptr;
        EXPECT_EQ(rr_storage_account_container_sas(account, container, permissions, 600000, &s, nullptr), RR_STATUS_OK);
        return take(s);
    }

    std::string uri(const char* container) {
        char* s = nullptr;
        EXPECT_EQ(rr_storage_account_container_uri(account, container, &s, nullptr), RR_STATUS_OK);
        return take(s);
    }

    /// Uploads the model under "model" with the account key, without the files in `skip`.
    void upload(const std::vector<std::string>& skip = {}) {
        for (const auto& s : skip) fs::remove(model.path / s);
        rr_blob_container* in = keyed("input");
        rr_upload_report* r = nullptr;
        ErrorBox e;
        ASSERT_EQ(rr_blob_container_upload(in, model.path.c_str(), "model", RR_DEFAULT_UPLOAD_CONCURRENCY, 0, nullptr,
                                           nullptr, nullptr, &r, e.out()),
                  RR_STATUS_OK)
            << e.message();
        rr_upload_report_free(r);
        rr_blob_container_free(in);
    }

    /// Settings of a conversion of model/scene.gltf into output/converted/, with these SAS
    /// (empty: none).
    rr_conversion_settings* settings(const std::string& input_sas, const std::string& output_sas) {
        rr_conversion_input_settings* i = nullptr;
        rr_conversion_output_settings* o = nullptr;
        EXPECT_EQ(rr_conversion_input_settings_new(uri("input").c_str(), "scene.gltf", &i, nullptr), RR_STATUS_OK);
        rr_conversion_input_settings_set_blob_prefix(i, "model", nullptr);
        rr_conversion_input_settings_set_storage_container_read_list_sas(i, input_sas.c_str(), nullptr);
        EXPECT_EQ(rr_conversion_output_settings_new(uri("output").c_str(), &o, nullptr), RR_STATUS_OK);
        rr_conversion_output_settings_set_blob_prefix(o, "converted", nullptr);
        rr_conversion_output_settings_set_storage_container_write_sas(o, output_sas.c_str(), nullptr);
        rr_conversion_settings* s = nullptr;
        EXPECT_EQ(rr_conversion_settings_new(i, o, &s, nullptr), RR_STATUS_OK);
        rr_conversion_input_settings_free(i);
        rr_conversion_output_settings_free(o);
        return s;
    }

    rr_conversion_settings* least_privilege() {
        char* in = nullptr;
        char* out = nullptr;
        EXPECT_EQ(rr_storage_account_input_sas(account, "input", 0, &in, nullptr), RR_STATUS_OK);
        EXPECT_EQ(rr_storage_account_output_sas(account, "output", 0, &out, nullptr), RR_STATUS_OK);
        return settings(take(in), take(out));
    }

    /// Starts conversion `id` and waits for it with the report; the status, `*done` (owned)
    /// when it succeeded, and `e` the error otherwise.
    rr_status run(const char* id, rr_conversion_settings* s, ErrorBox& e, rr_conversion** done = nullptr) {
        rr_conversion* started = nullptr;
        rr_status st = rr_client_start_conversion(client, id, s, 0, &started, e.out());
        rr_conversion_settings_free(s);
        rr_conversion_free(started);
        if (st != RR_STATUS_OK) return st;
        rr_blob_container* out = keyed("output");
        rr_conversion* c = nullptr;
        st = rr_client_wait_for_conversion_with_report(client, id, out, nullptr, 60000, &c, e.out());
        rr_blob_container_free(out);
        if (done) *done = c; else rr_conversion_free(c);
        return st;
    }

    rr_testing_azurite* azurite = nullptr;
    std::string endpoint;
    rr_storage_account* account = nullptr;
    TempDir model;
    rr_emulator* emu = nullptr;
    rr_client* client = nullptr;
};

TEST_F(Storage, AnUploadReportsEveryFileAndReachesTheTotal) {
    // Write-only: what an upload needs, nothing more.
    rr_blob_container* in = nullptr;
    ASSERT_EQ(rr_blob_container_new(uri("input").c_str(), sas("input", "cw").c_str(), &in, nullptr), RR_STATUS_OK);
    ProgressLog log;
    rr_upload_report* r = nullptr;
    ErrorBox e;
    ASSERT_EQ(rr_blob_container_upload(in, model.path.c_str(), "model", 2, 0, &ProgressLog::on, &log, nullptr, &r,
                                       e.out()),
              RR_STATUS_OK)
        << e.message();
    const std::vector<std::string> want = {"model/scene.bin", "model/scene.gltf", "model/textures/wood dark.png"};
    EXPECT_EQ(uploaded(r), want);
    EXPECT_TRUE(not_uploaded(r).empty());
    const uint64_t total = 1024 + 300 + kGltf.size();
    uint64_t bytes = 0;
    rr_upload_report_get_bytes(r, &bytes, nullptr);
    EXPECT_EQ(bytes, total);
    uint64_t most = 0;
    for (const auto& ev : log.events) {
        EXPECT_EQ(std::get<4>(ev), total);
        most = std::max(most, std::get<3>(ev));
    }
    EXPECT_EQ(most, total) << "bytes_done reaches bytes_total";
    for (const auto& blob : want) {
        int done = 0;
        for (const auto& ev : log.events) {
            if (std::get<0>(ev) == blob && std::get<5>(ev)) {
                ++done;
                EXPECT_EQ(std::get<1>(ev), std::get<2>(ev)) << blob;
            }
        }
        EXPECT_EQ(done, 1) << "one final event for " << blob;
    }
    rr_upload_report_free(r);
    rr_blob_container_free(in);
    // Read back with the account key: the bytes are there.
    rr_blob_container* k = keyed("input");
    rr_bytes* b = nullptr;
    ASSERT_EQ(rr_blob_container_read(k, "model/scene.bin", 0, 0, &b, nullptr), RR_STATUS_OK);
    ASSERT_NE(b, nullptr);
    const uint8_t* data = nullptr;
    size_t n = 0;
    rr_bytes_get_data(b, &data, nullptr);
    rr_bytes_get_size(b, &n, nullptr);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(data), n), std::string(1024, '\7'));
    rr_bytes_free(b);
    ASSERT_EQ(rr_blob_container_read(k, "model/none.bin", 0, 0, &b, nullptr), RR_STATUS_OK);
    EXPECT_EQ(b, nullptr) << "a missing blob is no bytes, not an error";
    ASSERT_EQ(rr_blob_container_read(k, "model/scene.bin", 10, 0, &b, e.out()), RR_STATUS_INVALID_INPUT);
    EXPECT_EQ(e.field(), "max_bytes");
    bool exists = false;
    ASSERT_EQ(rr_blob_container_exists(k, "model/textures/wood dark.png", 0, &exists, nullptr), RR_STATUS_OK);
    EXPECT_TRUE(exists);
    rr_string_list* names = nullptr;
    ASSERT_EQ(rr_blob_container_list(k, "model/textures", 0, &names, nullptr), RR_STATUS_OK);
    EXPECT_EQ(strings(names), std::vector<std::string>{"model/textures/wood dark.png"});
    rr_string_list_free(names);
    rr_blob_container_free(k);
}

TEST_F(Storage, AConversionReadsTheUploadedInputAndWritesItsOutput) {
    upload();
    rr_blob_container* in = keyed("input");
    rr_conversion_settings* s = least_privilege();
    rr_preflight* p = nullptr;
    ErrorBox e;
    ASSERT_EQ(rr_blob_container_preflight(in, s, 0, &p, e.out()), RR_STATUS_OK) << e.message();
    const char* input_blob = nullptr;
    rr_preflight_get_input_blob(p, &input_blob, nullptr);
    EXPECT_STREQ(input_blob, "model/scene.gltf");
    const rr_string_list* refs = nullptr;
    rr_preflight_get_referenced(p, &refs, nullptr);
    EXPECT_EQ(strings(refs), (std::vector<std::string>{"model/scene.bin", "model/textures/wood dark.png"}));
    rr_preflight_free(p);
    rr_blob_container_free(in);
    rr_conversion* done = nullptr;
    ASSERT_EQ(run("conv-ok", s, e, &done), RR_STATUS_OK) << e.message();
    const char* asset_uri = nullptr;
    rr_conversion_get_output_asset_uri(done, &asset_uri, nullptr);
    ASSERT_NE(asset_uri, nullptr);
    EXPECT_EQ(std::string(asset_uri), uri("output") + "/converted/scene.arrAsset");
    // The output, read back through the container...
    rr_blob_container* out = keyed("output");
    rr_bytes* b = nullptr;
    ASSERT_EQ(rr_blob_container_read(out, "converted/scene.arrAsset", 0, 0, &b, nullptr), RR_STATUS_OK);
    ASSERT_NE(b, nullptr);
    const uint8_t* data = nullptr;
    size_t n = 0;
    rr_bytes_get_data(b, &data, nullptr);
    rr_bytes_get_size(b, &n, nullptr);
    const std::string asset(reinterpret_cast<const char*>(data), n);
    rr_bytes_free(b);
    EXPECT_NE(asset.find("input: model/scene.gltf"), std::string::npos) << asset;
    // ...and through a read URL, which needs no other credential and grants that blob only.
    char* link = nullptr;
    ASSERT_EQ(rr_storage_account_asset_read_url(account, asset_uri, 300000, &link, nullptr), RR_STATUS_OK);
    const std::string url = take(link);
    auto got = http_get(url);
    EXPECT_NE(got.first.find(" 200 "), std::string::npos) << got.first;
    EXPECT_EQ(got.second, asset);
    std::string other = url;
    other.replace(other.find("scene.arrAsset"), 14, "scene.result.json");
    EXPECT_NE(http_get(other).first.find(" 403 "), std::string::npos);
    char* blob_url = nullptr;
    ASSERT_EQ(rr_storage_account_blob_read_url(account, "output", "converted/scene.arrAsset", 0, &blob_url, nullptr),
              RR_STATUS_OK);
    EXPECT_EQ(http_get(take(blob_url)).second, asset);
    rr_blob_container_free(out);
    rr_conversion_free(done);
}

TEST_F(Storage, AnOutputSasWithoutWriteFailsTheConversionAsTheServiceDid) {
    upload();
    char* in = nullptr;
    rr_storage_account_input_sas(account, "input", 0, &in, nullptr);
    ErrorBox e;
    ASSERT_EQ(run("conv-nowrite", settings(take(in), sas("output", "rl")), e), RR_STATUS_CONVERSION_FAILED)
        << e.message();
    EXPECT_STREQ(rr_error_service_code(e.e), "OutputContainerError");
    rr_conversion_status st = RR_CONVERSION_STATUS_UNKNOWN;
    rr_conversion_get_status(rr_error_conversion(e.e), &st, nullptr);
    EXPECT_EQ(st, RR_CONVERSION_STATUS_FAILED);
    // Nothing could be written: no asset, and so no report to read back.
    rr_blob_container* out = keyed("output");
    bool exists = true;
    rr_blob_container_exists(out, "converted/scene.arrAsset", 0, &exists, nullptr);
    EXPECT_FALSE(exists);
    rr_blob_container_free(out);
    EXPECT_EQ(rr_error_upload_report(e.e), nullptr);
}

TEST_F(Storage, AFailedConversionCarriesItsResultFileAndLog) {
    upload({"textures/wood dark.png"});
    // No preflight: the service finds the missing texture and writes why.
    ErrorBox e;
    ASSERT_EQ(run("conv-notex", least_privilege(), e), RR_STATUS_CONVERSION_FAILED) << e.message();
    EXPECT_STREQ(rr_error_service_code(e.e), "InputAssetError");
    const char* report = rr_error_conversion_report(e.e);
    ASSERT_NE(report, nullptr);
    const std::string r = report;
    EXPECT_NE(r.find("--- converted/scene.result.json"), std::string::npos) << r;
    EXPECT_NE(r.find("--- converted/scene.conversion.log"), std::string::npos) << r;
    EXPECT_NE(r.find("found referenced file model/scene.bin"), std::string::npos) << r;
    EXPECT_EQ(r.find("sig="), std::string::npos) << r;
    // The same report, read from the container.
    rr_blob_container* out = keyed("output");
    char* again = nullptr;
    ASSERT_EQ(rr_blob_container_read_conversion_report(out, rr_error_conversion(e.e), 0, &again, nullptr),
              RR_STATUS_OK);
    EXPECT_EQ(take(again), r);
    rr_blob_container_free(out);
}

TEST_F(Storage, APreflightCatchesAMissingReferencedFileBeforeAnythingIsStarted) {
    upload({"scene.bin"});
    rr_blob_container* in = keyed("input");
    rr_conversion_settings* s = least_privilege();
    rr_preflight* p = nullptr;
    ErrorBox e;
    ASSERT_EQ(rr_blob_container_preflight(in, s, 0, &p, e.out()), RR_STATUS_INVALID_INPUT);
    EXPECT_EQ(p, nullptr);
    EXPECT_EQ(e.field(), "input.relative_input_asset_path");
    EXPECT_NE(e.message().find("\"model/scene.bin\""), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("buffers[0].uri"), std::string::npos) << e.message();
    rr_conversion_settings_free(s);
    rr_blob_container_free(in);
    // Nothing was started.
    uint64_t creates = 1;
    rr_emulator_get_requests(emu, "create_conversion", &creates, nullptr);
    EXPECT_EQ(creates, 0u);
    rr_conversion_list* list = nullptr;
    ASSERT_EQ(rr_client_list_conversions(client, &list, nullptr), RR_STATUS_OK);
    rr_conversion* c = nullptr;
    ASSERT_EQ(rr_conversion_list_next(list, 0, &c, nullptr), RR_STATUS_OK);
    EXPECT_EQ(c, nullptr) << "no conversion exists";
    rr_conversion_list_free(list);
}

TEST_F(Storage, AFailedUploadCarriesItsReport) {
    rr_blob_container* rl = nullptr;
    ASSERT_EQ(rr_blob_container_new(uri("input").c_str(), sas("input", "rl").c_str(), &rl, nullptr), RR_STATUS_OK);
    rr_upload_report* r = nullptr;
    ErrorBox e;
    ASSERT_EQ(rr_blob_container_upload(rl, model.path.c_str(), "x", 4, 0, nullptr, nullptr, nullptr, &r, e.out()),
              RR_STATUS_FORBIDDEN)
        << e.message();
    EXPECT_EQ(r, nullptr);
    const rr_upload_report* report = rr_error_upload_report(e.e);
    ASSERT_NE(report, nullptr);
    EXPECT_TRUE(uploaded(report).empty());
    EXPECT_EQ(not_uploaded(report),
              (std::vector<std::string>{"x/scene.bin", "x/scene.gltf", "x/textures/wood dark.png"}));
    rr_blob_container_free(rl);
}

TEST_F(Storage, ACancelledUploadReportsWhatWasAndWasNotUploaded) {
    rr_blob_container* in = keyed("input");
    rr_cancel_token* cancel = nullptr;
    rr_cancel_token_new(&cancel, nullptr);
    ProgressLog log;
    log.cancel_on_file_done = cancel;
    rr_upload_report* r = nullptr;
    ErrorBox e;
    ASSERT_EQ(rr_blob_container_upload(in, model.path.c_str(), "", 1, 0, &ProgressLog::on, &log, cancel, &r, e.out()),
              RR_STATUS_CANCELLED)
        << e.message();
    const rr_upload_report* report = rr_error_upload_report(e.e);
    ASSERT_NE(report, nullptr);
    EXPECT_EQ(uploaded(report), std::vector<std::string>{"scene.bin"});
    EXPECT_EQ(not_uploaded(report), (std::vector<std::string>{"scene.gltf", "textures/wood dark.png"}));
    EXPECT_NE(e.message().find("uploaded 1 of 3 files"), std::string::npos) << e.message();
    rr_cancel_token_free(cancel);
    // The same as an operation, cancelled through it from the progress callback.
    rr_operation* op = nullptr;
    ProgressLog log2;
    log2.cancel_operation = &op;
    std::lock_guard<std::mutex> hold(log2.m);  // no callback before `op` is set
    ASSERT_EQ(rr_blob_container_upload_async(in, model.path.c_str(), "again", 1, 0, &ProgressLog::on, &log2, nullptr,
                                             &op, nullptr),
              RR_STATUS_OK);
    log2.m.unlock();
    ASSERT_EQ(rr_operation_wait(op, 60000, e.out()), RR_STATUS_CANCELLED) << e.message();
    ASSERT_NE(rr_error_upload_report(e.e), nullptr);
    EXPECT_EQ(uploaded(rr_error_upload_report(e.e)), std::vector<std::string>{"again/scene.bin"});
    EXPECT_EQ(rr_operation_take_upload_report(op, &r, nullptr), RR_STATUS_CANCELLED);
    rr_operation_free(op);
    log2.m.lock();
    // Not cancelled: the operation gives the report.
    ASSERT_EQ(rr_blob_container_upload_async(in, model.path.c_str(), "third", 4, 0, nullptr, nullptr, nullptr, &op,
                                             nullptr),
              RR_STATUS_OK);
    ASSERT_EQ(rr_operation_wait(op, 60000, e.out()), RR_STATUS_OK) << e.message();
    ASSERT_EQ(rr_operation_take_upload_report(op, &r, nullptr), RR_STATUS_OK);
    EXPECT_EQ(uploaded(r).size(), 3u);
    rr_upload_report_free(r);
    rr_operation_free(op);
    rr_blob_container_free(in);
}

TEST_F(Storage, NoKeyOrSasIsEverInErrorsOrLogs) {
    static std::mutex m;
    static std::vector<std::string> logged;
    ASSERT_EQ(rr_set_log_callback(
                  [](void*, const rr_log_record* r) {
                      std::lock_guard<std::mutex> lock(m);
                      logged.push_back(std::string(r->target) + " " + r->message);
                  },
                  nullptr, RR_LOG_LEVEL_TRACE, nullptr),
              RR_STATUS_OK);
    upload({"scene.bin"});
    char* in_sas = nullptr;
    char* out_sas = nullptr;
    rr_storage_account_input_sas(account, "input", 0, &in_sas, nullptr);
    rr_storage_account_output_sas(account, "output", 0, &out_sas, nullptr);
    const std::string in = take(in_sas), out = take(out_sas);
    const std::vector<std::string> secrets = {rr_testing_azurite_key(), sig(in), sig(out)};
    std::vector<std::string> shown;
    ErrorBox e;
    rr_blob_container* input = keyed("input");
    rr_conversion_settings* s = settings(in, out);
    rr_preflight* p = nullptr;
    EXPECT_EQ(rr_blob_container_preflight(input, s, 0, &p, e.out()), RR_STATUS_INVALID_INPUT);
    shown.push_back(e.message());
    rr_blob_container* write_only = nullptr;
    ASSERT_EQ(rr_blob_container_new(uri("output").c_str(), out.c_str(), &write_only, nullptr), RR_STATUS_OK);
    rr_string_list* names = nullptr;
    EXPECT_EQ(rr_blob_container_list(write_only, "", 0, &names, e.out()), RR_STATUS_FORBIDDEN);
    shown.push_back(e.message());
    EXPECT_EQ(run("conv-secrets", s, e), RR_STATUS_CONVERSION_FAILED);
    shown.push_back(e.message());
    if (const char* r = rr_error_conversion_report(e.e)) shown.push_back(r);
    rr_storage_account* wrong = nullptr;
    EXPECT_EQ(rr_storage_account_new("devstoreaccount1", "not base64 secret!", nullptr, &wrong, e.out()),
              RR_STATUS_INVALID_INPUT);
    shown.push_back(e.message());
    EXPECT_EQ(e.message().find("not base64 secret!"), std::string::npos);
    char* json = nullptr;
    rr_emulator_get_stats_json(emu, &json, nullptr);
    shown.push_back(take(json));
    rr_blob_container_free(write_only);
    rr_blob_container_free(input);
    ASSERT_EQ(rr_set_log_callback(nullptr, nullptr, RR_LOG_LEVEL_TRACE, nullptr), RR_STATUS_OK);
    {
        std::lock_guard<std::mutex> lock(m);
        shown.insert(shown.end(), logged.begin(), logged.end());
    }
    EXPECT_GT(shown.size(), 6u);
    for (const auto& text : shown)
        for (const auto& secret : secrets) EXPECT_EQ(text.find(secret), std::string::npos) << "a secret in: " << text;
}

TEST_F(Storage, AKeyGivenToTheEmulatorLinksTheAccountWithoutSas) {
    TearDown();
    azurite = nullptr, account = nullptr, emu = nullptr, client = nullptr;
    start({{rr_testing_azurite_account(), rr_testing_azurite_key()}});
    upload();
    ErrorBox e;
    rr_conversion* done = nullptr;
    ASSERT_EQ(run("conv-linked", settings("", ""), e, &done), RR_STATUS_OK) << e.message();
    rr_conversion_free(done);
    rr_blob_container* out = keyed("output");
    bool exists = false;
    rr_blob_container_exists(out, "converted/scene.arrAsset", 0, &exists, nullptr);
    EXPECT_TRUE(exists);
    rr_blob_container_free(out);
}

TEST_F(Storage, AContentIdIsTheSameForTheSameInput) {
    rr_conversion_settings* s = least_privilege();
    char* a = nullptr;
    char* b = nullptr;
    ASSERT_EQ(rr_client_content_conversion_id(client, model.path.c_str(), s, &a, nullptr), RR_STATUS_OK);
    rr_conversion_settings_free(s);
    s = least_privilege();  // a new SAS: the same id
    ASSERT_EQ(rr_client_content_conversion_id(client, model.path.c_str(), s, &b, nullptr), RR_STATUS_OK);
    const std::string first = take(a);
    EXPECT_FALSE(first.empty());
    EXPECT_EQ(take(b), first);
    write(model.path / "scene.bin", std::string(1024, '\10'));
    ASSERT_EQ(rr_client_content_conversion_id(client, model.path.c_str(), s, &a, nullptr), RR_STATUS_OK);
    EXPECT_NE(take(a), first) << "another input, another id";
    rr_conversion_settings_free(s);
    uint64_t requests = 1;
    rr_emulator_get_requests(emu, nullptr, &requests, nullptr);
    EXPECT_EQ(requests, 0u) << "nothing is sent";
}

TEST_F(Storage, AzuriteIsStoppedByItsPidWhenFreed) {
    uint32_t pid = 0;
    ASSERT_EQ(rr_testing_azurite_pid(azurite, &pid, nullptr), RR_STATUS_OK);
    ASSERT_GT(pid, 0u);
    const std::string proc = "/proc/" + std::to_string(pid);
    EXPECT_TRUE(fs::exists(proc));
    rr_testing_azurite_free(azurite);
    azurite = nullptr;
    std::ifstream stat(proc + "/stat");
    std::string line;
    std::getline(stat, line);
    EXPECT_TRUE(!fs::exists(proc) || line.find(") Z ") != std::string::npos) << line;
}

TEST(StorageInput, BadInputIsRefusedNamingTheFieldBeforeAnyRequest) {
    ErrorBox e;
    rr_storage_account* a = nullptr;
    EXPECT_EQ(rr_storage_account_new("devstoreaccount1", "*not-base64*", nullptr, &a, e.out()), RR_STATUS_INVALID_INPUT);
    EXPECT_EQ(e.field(), "storage.account_key");
    // A port nothing listens on (bound, then closed).
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    const std::string endpoint = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/devstoreaccount1";
    ::close(fd);
    ASSERT_EQ(rr_storage_account_new(rr_testing_azurite_account(), rr_testing_azurite_key(), endpoint.c_str(), &a,
                                     e.out()),
              RR_STATUS_OK)
        << e.message();
    char* s = nullptr;
    EXPECT_EQ(rr_storage_account_container_sas(a, "input", "rx", 0, &s, e.out()), RR_STATUS_INVALID_INPUT);
    EXPECT_EQ(e.field(), "permissions");
    EXPECT_EQ(s, nullptr);
    rr_blob_container* c = nullptr;
    ASSERT_EQ(rr_storage_account_container(a, "input", &c, nullptr), RR_STATUS_OK);
    TempDir dir;
    model_dir(dir.path);
    rr_upload_report* r = nullptr;
    EXPECT_EQ(rr_blob_container_upload(c, dir.path.c_str(), "", 0, 0, nullptr, nullptr, nullptr, &r, e.out()),
              RR_STATUS_INVALID_INPUT);
    EXPECT_EQ(e.field(), "concurrency");
    EXPECT_EQ(rr_error_upload_report(e.e), nullptr) << "refused before anything was tried";
    const std::string missing = (dir.path / "nothing-here").string();
    EXPECT_EQ(rr_blob_container_upload(c, missing.c_str(), "", 4, 0, nullptr, nullptr, nullptr, &r, e.out()),
              RR_STATUS_INVALID_INPUT);
    EXPECT_EQ(e.field(), "path");
    EXPECT_EQ(rr_blob_container_upload(c, dir.path.c_str(), "", 4, 0, nullptr, nullptr, nullptr, &r, e.out()),
              RR_STATUS_TRANSPORT_ERROR)
        << e.message();
    EXPECT_NE(e.message().find("storage.blob_endpoint"), std::string::npos) << e.message();
    ASSERT_NE(rr_error_upload_report(e.e), nullptr);
    EXPECT_EQ(not_uploaded(rr_error_upload_report(e.e)).size(), 3u);
    rr_blob_container_free(c);
    rr_storage_account_free(a);
}

// ---- the C++ wrapper ----

TEST_F(Storage, TheCppWrapperUploadsConvertsAndThrowsWithTheReports) {
    rr::StorageAccount acct(rr_testing_azurite_account(), rr_testing_azurite_key(), endpoint);
    EXPECT_EQ(acct.name(), "devstoreaccount1");
    EXPECT_FALSE(acct.create_container("input")) << "there already";
    rr::BlobContainer input = acct.container("input");
    std::vector<rr::UploadProgress> events;
    rr::UploadOptions o;
    o.prefix = "model";
    o.on_progress = [&](const rr::UploadProgress& p) { events.push_back(p); };
    rr::UploadReport r = input.upload(model.path.string(), o);
    EXPECT_EQ(r.uploaded.size(), 3u);
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.back().bytes_done, r.bytes);
    // An exception of the callback stops the upload and is what it throws.
    rr::UploadOptions throwing;
    throwing.on_progress = [](const rr::UploadProgress&) { throw std::logic_error("stop here"); };
    EXPECT_THROW(input.upload(model.path.string(), throwing), std::logic_error);
    // A failed upload throws with its report.
    rr::BlobContainer read_only(acct.container_uri("input"), acct.input_sas("input"));
    try {
        read_only.upload(model.path.string());
        ADD_FAILURE() << "nothing thrown";
    } catch (const rr::ForbiddenError& e) {
        ASSERT_TRUE(e.upload_report());
        EXPECT_EQ(e.upload_report()->not_uploaded.size(), 3u);
    }
    EXPECT_EQ(read_only.list("model").size(), 3u);
    EXPECT_TRUE(read_only.exists("model/scene.gltf"));
    // A conversion whose texture is missing fails with its report.
    fs::remove(model.path / "textures" / "wood dark.png");
    rr::ConversionSettings s;
    s.input_location.storage_container_uri = acct.container_uri("input");
    s.input_location.relative_input_asset_path = "scene.gltf";
    s.input_location.blob_prefix = "partial";
    s.input_location.storage_container_read_list_sas = acct.input_sas("input");
    s.output_location.storage_container_uri = acct.container_uri("output");
    s.output_location.storage_container_write_sas = acct.output_sas("output");
    o.prefix = "partial";
    input.upload(model.path.string(), o);
    try {
        input.preflight(s);
        ADD_FAILURE() << "nothing thrown";
    } catch (const rr::InvalidInputError& e) {
        EXPECT_EQ(e.field(), "input.relative_input_asset_path");
        EXPECT_NE(std::string(e.what()).find("partial/textures/wood dark.png"), std::string::npos) << e.what();
    }
    rr::ClientOptions co;
    const char* v = nullptr;
    rr_emulator_get_endpoint(emu, &v, nullptr);
    co.endpoint = v;
    rr_emulator_get_sts_endpoint(emu, &v, nullptr);
    co.sts_endpoint = v;
    rr_emulator_get_account_id(emu, &v, nullptr);
    co.account_id = v;
    rr_emulator_get_account_key(emu, &v, nullptr);
    co.account_key = v;
    rr::Client client(co);
    client.start_conversion("conv-cpp", s);
    rr::WaitOptions<rr::Conversion> w;
    w.poll_interval = 50ms;
    w.timeout = 60s;
    try {
        client.wait_for_conversion_with_report("conv-cpp", acct.container("output"), w);
        ADD_FAILURE() << "nothing thrown";
    } catch (const rr::ConversionFailedError& e) {
        ASSERT_TRUE(e.conversion_report());
        EXPECT_NE(e.conversion_report()->find("--- scene.result.json"), std::string::npos) << *e.conversion_report();
        ASSERT_TRUE(e.conversion());
        EXPECT_EQ(acct.container("output").read_conversion_report(*e.conversion()), e.conversion_report());
    }
    EXPECT_FALSE(acct.container("output").read("scene.arrAsset").has_value());
}

}  // namespace
