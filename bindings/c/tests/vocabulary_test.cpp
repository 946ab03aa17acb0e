// The C and C++ surface walked against the one vocabulary of the core (rr_vocabulary_json()):
// every error code has the C status and the C++ class the table names, every default is a
// header constant of the same value, every model field is readable in C (a getter or setter of
// its handle, named as in the header) and in C++ (a member, listed below so that the list only
// compiles while the members exist), and every operation is a C function taking its
// parameters. A code, default, field or operation the table gains and this surface lacks
// fails here.
#include <cxxabi.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <vector>
#include <nlohmann/json.hpp>
#include <sstream>
#include <typeinfo>

#include "fixtures.hpp"

namespace {

using json = nlohmann::json;
using namespace rr_test;

const json& vocabulary() {
    static const json v = json::parse(rr_vocabulary_json());
    return v;
}

/// The installed header's text (its path is given by the build).
const std::string& header() {
    static const std::string text = [] {
        std::ifstream in(RR_HEADER_PATH);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }();
    return text;
}

std::string demangled(const std::type_info& t) {
    int status = 0;
    char* name = abi::__cxa_demangle(t.name(), nullptr, nullptr, &status);
    std::string out = status == 0 && name ? name : t.name();
    std::free(name);
    return out;
}

/// Every status value of the library by the name the header spells it.
std::map<std::string, std::uint32_t> statuses() {
    std::map<std::string, std::uint32_t> out;
    for (std::uint32_t v = 0; v < 1000; ++v) {
        std::string name = rr_status_name(v);
        if (name != "UNKNOWN_STATUS") out[name] = v;
    }
    return out;
}

TEST(Vocabulary, IsTheLibrarysVersion) {
    EXPECT_EQ(vocabulary().at("version").get<std::string>(), RR_VERSION_STRING);
    EXPECT_EQ(vocabulary().at("base_error").at("c").get<std::string>(), "rr_status");
    EXPECT_NE(header().find("enum rr_status"), std::string::npos);
}

TEST(Vocabulary, EveryErrorCodeIsTheCStatusTheTableNames) {
    const auto by_name = statuses();
    ASSERT_FALSE(vocabulary().at("errors").empty());
    std::set<std::uint32_t> named;
    for (const json& e : vocabulary().at("errors")) {
        const std::string code = e.at("code");
        const std::string c = e.at("classes").at("c");
        ASSERT_TRUE(by_name.count(c)) << code << ": the library has no status " << c;
        const std::uint32_t status = by_name.at(c);
        EXPECT_NE(header().find(c + " = " + std::to_string(status)), std::string::npos)
            << c << " is not in the header with the value " << status;
        EXPECT_EQ(std::string(rr_status_code(status)), code) << c;
        named.insert(status);
    }
    // The other way round: every error status but the C-only ones is a code of the table.
    const std::set<std::string> c_only = {"RR_STATUS_OK", "RR_STATUS_PENDING", "RR_STATUS_OTHER_ERROR",
                                          "RR_STATUS_NULL_ARGUMENT", "RR_STATUS_INVALID_UTF8"};
    for (const auto& [name, status] : by_name) {
        if (!c_only.count(name)) {
            EXPECT_TRUE(named.count(status)) << name << " is not in the table";
        }
    }
}

TEST(Vocabulary, EveryErrorCodeThrowsTheCppClassTheTableNames) {
    const auto by_name = statuses();
    const std::string ns = "remote_rendering::";
    EXPECT_EQ(demangled(typeid(rr::Error)), ns + vocabulary().at("base_error").at("cpp").get<std::string>());
    for (const json& e : vocabulary().at("errors")) {
        const std::uint32_t status = by_name.at(e.at("classes").at("c").get<std::string>());
        try {
            rr::detail::throw_error(static_cast<rr_status>(status), nullptr);
            ADD_FAILURE() << "nothing thrown";
        } catch (const rr::Error& thrown) {
            EXPECT_EQ(demangled(typeid(thrown)), ns + e.at("classes").at("cpp").get<std::string>())
                << e.at("code");
            EXPECT_EQ(thrown.code(), e.at("code").get<std::string>());
        }
    }
}

/// The header constant of a default of the table: `RR_DEFAULT_<NAME>`, or `RR_<NAME>` for a
/// limit (`RR_MAX_LEASE_MINUTES`); a duration is in milliseconds, with `_MS`.
std::string constant_name(const std::string& name, const json& value) {
    std::string upper;
    for (char c : name) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (value.is_object() && value.contains("ms")) upper += "_MS";
    const std::string as_default = "RR_DEFAULT_" + upper;
    return header().find("#define " + as_default + " ") != std::string::npos ? as_default : "RR_" + upper;
}

std::string declaration(const std::string& function);

/// The value of `#define NAME value` in the header, as JSON; null when it is not there.
json header_constant(const std::string& name) {
    const std::string needle = "#define " + name + " ";
    const size_t at = header().find(needle);
    if (at == std::string::npos) return nullptr;
    const size_t from = at + needle.size();
    const std::string text = header().substr(from, header().find('\n', from) - from);
    return json::parse(text, nullptr, false);
}

TEST(Vocabulary, EveryDefaultIsAHeaderConstantOfTheSameValue) {
    ASSERT_FALSE(vocabulary().at("defaults").empty());
    for (const json& d : vocabulary().at("defaults")) {
        const std::string name = d.at("name");
        const json& value = d.at("value");
        const std::string constant = constant_name(name, value);
        const json in_header = header_constant(constant);
        ASSERT_FALSE(in_header.is_null()) << "the header has no " << constant << " for the default " << name;
        EXPECT_EQ(in_header, value.is_object() ? value.at("ms") : value) << constant;
    }
    // A few by their macros, so that the header's constants are usable as written.
    EXPECT_STREQ(RR_DEFAULT_SESSION_SIZE, "Standard");
    EXPECT_EQ(RR_DEFAULT_LEASE_MINUTES, 30);
    EXPECT_EQ(RR_MAX_LEASE_MINUTES, 1440);
    EXPECT_EQ(RR_DEFAULT_POLL_INTERVAL_MS, 5000);
}

/// `NotStarted` -> `NOT_STARTED` (the table's constant case).
std::string constant_case(const std::string& value) {
    std::string out;
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (i > 0 && std::isupper(static_cast<unsigned char>(value[i]))) out += '_';
        out += static_cast<char>(std::toupper(static_cast<unsigned char>(value[i])));
    }
    return out;
}

TEST(Vocabulary, EveryStatusValueIsACEnumeratorAndACppEnumerator) {
    const std::string hpp_path = std::string(RR_HEADER_PATH) + "pp";  // remote_rendering.hpp beside it
    std::ifstream in(hpp_path);
    ASSERT_TRUE(in.good()) << hpp_path;
    std::stringstream hpp;
    hpp << in.rdbuf();
    const std::map<std::string, std::string> prefixes = {{"SessionStatus", "RR_SESSION_STATUS_"},
                                                         {"ConversionStatus", "RR_CONVERSION_STATUS_"}};
    int checked = 0;
    for (const json& e : vocabulary().at("enums")) {
        const std::string name = e.at("name");
        if (name == "SessionSize") {
            // Sizes are strings in C; the default is one of the values.
            bool found = false;
            for (const json& v : e.at("values")) found = found || v == RR_DEFAULT_SESSION_SIZE;
            EXPECT_TRUE(found) << RR_DEFAULT_SESSION_SIZE;
            continue;
        }
        ASSERT_TRUE(prefixes.count(name)) << "an enum of the table this test does not know: " << name;
        for (const json& v : e.at("values")) {
            const std::string c = prefixes.at(name) + constant_case(v.get<std::string>());
            EXPECT_NE(header().find("    " + c + " = "), std::string::npos) << "the C header has no " << c;
            EXPECT_NE(hpp.str().find("    " + v.get<std::string>() + " = " + c + ","), std::string::npos)
                << "remote_rendering.hpp has no " << name << "::" << v.get<std::string>();
            ++checked;
        }
    }
    EXPECT_EQ(checked, 10);
}

/// The C functions that read or write a model's fields: `<prefix><field>...(`.
const std::map<std::string, std::vector<std::string>> kModelFunctions = {
    {"Session", {"rr_session_get_"}},
    {"Conversion", {"rr_conversion_get_"}},
    {"ConversionSettings", {"rr_conversion_settings_get_"}},
    {"ConversionInputSettings", {"rr_conversion_input_settings_get_", "rr_conversion_input_settings_set_"}},
    {"ConversionOutputSettings", {"rr_conversion_output_settings_get_", "rr_conversion_output_settings_set_"}},
    {"ErrorDetails", {"rr_error_details_get_"}},
    {"UploadReport", {"rr_upload_report_get_"}},
    {"Preflight", {"rr_preflight_get_"}},
};

/// The body of `typedef struct { ... } NAME;` in the header ("" when there is none).
std::string struct_body(const std::string& name) {
    const size_t end = header().find("} " + name + ";");
    if (end == std::string::npos) return "";
    const size_t begin = header().rfind("typedef struct {", end);
    return begin == std::string::npos ? "" : header().substr(begin, end - begin);
}

TEST(Vocabulary, EveryModelFieldIsReadableInC) {
    for (const json& m : vocabulary().at("models")) {
        const std::string model = m.at("name");
        for (const json& f : m.at("fields")) {
            const std::string field = f;
            bool found = false;
            if (model == "CostRates") {
                // Not a handle: the parameters of rr_lease_options_set_cost_rates().
                found = declaration("rr_lease_options_set_cost_rates").find(" " + field + ",") != std::string::npos;
            } else if (model == "UploadProgress") {
                // A view struct handed to the progress callback: a member of that name.
                const std::string body = struct_body("rr_upload_progress");
                found = body.find(" " + field + ";") != std::string::npos || body.find("*" + field + ";") != std::string::npos;
            } else {
                ASSERT_TRUE(kModelFunctions.count(model)) << "no C handle for the model " << model;
                for (const std::string& prefix : kModelFunctions.at(model)) {
                    found = found || header().find(prefix + field) != std::string::npos;
                }
            }
            EXPECT_TRUE(found) << model << "." << field << " has no C getter or setter";
        }
    }
}

#define RR_FIELD(T, f) #f, [] { (void)sizeof(std::declval<T>().f); }
using Fields = std::map<std::string, std::map<std::string, void (*)()>>;
/// The C++ members of each model (the list compiles only while each member exists).
const Fields& cpp_fields() {
    static const Fields f = {
        {"Session",
         {{RR_FIELD(rr::Session, id)}, {RR_FIELD(rr::Session, status)}, {RR_FIELD(rr::Session, size)},
          {RR_FIELD(rr::Session, lease_minutes)}, {RR_FIELD(rr::Session, elapsed_minutes)},
          {RR_FIELD(rr::Session, hostname)}, {RR_FIELD(rr::Session, handshake_port)},
          {RR_FIELD(rr::Session, arr_inspector_port)}, {RR_FIELD(rr::Session, teraflops)},
          {RR_FIELD(rr::Session, created_on)}, {RR_FIELD(rr::Session, error)}}},
        {"Conversion",
         {{RR_FIELD(rr::Conversion, id)}, {RR_FIELD(rr::Conversion, status)}, {RR_FIELD(rr::Conversion, settings)},
          {RR_FIELD(rr::Conversion, output_asset_uri)}, {RR_FIELD(rr::Conversion, error)},
          {RR_FIELD(rr::Conversion, created_on)}}},
        {"ConversionSettings",
         {{RR_FIELD(rr::ConversionSettings, input_location)}, {RR_FIELD(rr::ConversionSettings, output_location)}}},
        {"ConversionInputSettings",
         {{RR_FIELD(rr::ConversionInputSettings, storage_container_uri)},
          {RR_FIELD(rr::ConversionInputSettings, relative_input_asset_path)},
          {RR_FIELD(rr::ConversionInputSettings, blob_prefix)},
          {RR_FIELD(rr::ConversionInputSettings, storage_container_read_list_sas)}}},
        {"ConversionOutputSettings",
         {{RR_FIELD(rr::ConversionOutputSettings, storage_container_uri)},
          {RR_FIELD(rr::ConversionOutputSettings, blob_prefix)},
          {RR_FIELD(rr::ConversionOutputSettings, output_asset_filename)},
          {RR_FIELD(rr::ConversionOutputSettings, storage_container_write_sas)}}},
        {"ErrorDetails",
         {{RR_FIELD(rr::ErrorDetails, code)}, {RR_FIELD(rr::ErrorDetails, message)},
          {RR_FIELD(rr::ErrorDetails, details)}, {RR_FIELD(rr::ErrorDetails, target)}}},
        {"CostRates",
         {{RR_FIELD(rr::CostRates, standard_per_hour)}, {RR_FIELD(rr::CostRates, premium_per_hour)}}},
        {"UploadProgress",
         {{RR_FIELD(rr::UploadProgress, blob)}, {RR_FIELD(rr::UploadProgress, file_bytes_done)},
          {RR_FIELD(rr::UploadProgress, file_bytes_total)}, {RR_FIELD(rr::UploadProgress, bytes_done)},
          {RR_FIELD(rr::UploadProgress, bytes_total)}, {RR_FIELD(rr::UploadProgress, file_done)}}},
        {"UploadReport",
         {{RR_FIELD(rr::UploadReport, uploaded)}, {RR_FIELD(rr::UploadReport, not_uploaded)},
          {RR_FIELD(rr::UploadReport, bytes)}}},
        {"Preflight",
         {{RR_FIELD(rr::Preflight, input_blob)}, {RR_FIELD(rr::Preflight, input_bytes)},
          {RR_FIELD(rr::Preflight, referenced)}}},
    };
    return f;
}

TEST(Vocabulary, EveryModelFieldIsACppMember) {
    for (const json& m : vocabulary().at("models")) {
        const std::string model = m.at("name");
        ASSERT_TRUE(cpp_fields().count(model)) << "no C++ struct for the model " << model;
        const auto& members = cpp_fields().at(model);
        for (const json& f : m.at("fields")) {
            EXPECT_TRUE(members.count(f.get<std::string>())) << "rr::" << model << " has no member " << f;
        }
        EXPECT_EQ(members.size(), m.at("fields").size()) << model << ": a member the table does not name";
    }
}

/// The declaration of `function` in the header (up to its `;`), or "" when there is none.
std::string declaration(const std::string& function) {
    const size_t at = header().find(" " + function + "(");
    return at == std::string::npos ? "" : header().substr(at, header().find(';', at) - at);
}

/// Whether a declaration has a parameter named `p` (`T p,`, `T *p,` or the last, `T p)`).
bool has_param(const std::string& decl, const std::string& p) {
    for (const char* before : {" ", "*"})
        for (const char* after : {",", ")"})
            if (decl.find(before + p + after) != std::string::npos) return true;
    return false;
}

/// C spellings of client options that are one value in other languages. They belong in the
/// table's per-language names; until then they are named here.
const std::map<std::string, std::string> kClientSpellings = {
    {"credential", "account_key"},      // or access_token, entra_token_provider
    {"ca_cert", "root_certificate_pem"},  // rr_client_options_add_root_certificate_pem
};

/// The table's object of `name`.
const json& object(const std::string& name) {
    for (const json& o : vocabulary().at("objects"))
        if (o.at("name") == name) return o;
    static const json none;
    ADD_FAILURE() << "no object " << name << " in the table";
    return none;
}

/// The C function of an operation: `<object's C type>_new` for a constructor, else
/// `<the C type of the object it is of>_<name>`.
std::string c_function(const json& op) {
    const std::string of = op.at("of");
    const std::string name = op.at("name");
    return of.empty() ? object(name).at("classes").at("c").get<std::string>() + "_new"
                      : object(of).at("classes").at("c").get<std::string>() + "_" + name;
}

/// Whether the C surface takes `param` of the operation whose function is `function`: as a
/// parameter of it, or through a setter of the options it takes (`rr_*_options_set_<param>`,
/// whose handle is a parameter of it). Durations are in milliseconds (`_ms`); the progress of a
/// conversion wait is set on its wait options.
bool takes(const std::string& function, const std::string& param) {
    const bool client = function == "rr_client_new";
    std::string spelled = param;
    if (client && kClientSpellings.count(param)) spelled = kClientSpellings.at(param);
    const std::vector<std::string> spellings = {spelled, spelled + "_ms"};
    const std::string decl = declaration(function);
    for (const std::string& p : spellings) {
        if (has_param(decl, p)) return true;
        for (const char* options : {"rr_wait_options", "rr_session_options", "rr_lease_options", "rr_client_options"}) {
            const bool takes_options = has_param(decl, "options") && decl.find(std::string(options) + " *options") != std::string::npos;
            const bool builds_options = client && std::string(options) == "rr_client_options";
            if ((takes_options || builds_options) &&
                (header().find(std::string(options) + "_set_" + p + "(") != std::string::npos ||
                 header().find(std::string(options) + "_add_" + p + "(") != std::string::npos))
                return true;
        }
    }
    if (param == "on_progress" && decl.find("rr_wait_options *options") != std::string::npos)
        return header().find("rr_wait_options_set_session_progress(") != std::string::npos &&
               header().find("rr_wait_options_set_conversion_progress(") != std::string::npos;
    if (param == "cancel" && decl.find("rr_wait_options *options") != std::string::npos)
        return header().find("rr_wait_options_set_cancel(") != std::string::npos;
    if (client) {
        // A parameter of a client option setter (e.g. max_attempts of rr_client_options_set_retry).
        for (size_t at = header().find("rr_client_options_set_"); at != std::string::npos;
             at = header().find("rr_client_options_set_", at + 1)) {
            if (has_param(header().substr(at, header().find(';', at) - at), spelled)) return true;
        }
    }
    // A managed session's wait and keeper settings are options of its own (rr_session_options).
    if (function == "rr_client_open_session") {
        for (const char* options : {"rr_wait_options", "rr_lease_options"})
            if (header().find(std::string(options) + "_set_" + param) != std::string::npos) return true;
        return param == "on_progress" || param == "cancel";  // the wait of rr_session_options_set_wait
    }
    return false;
}

TEST(Vocabulary, EveryObjectIsACTypeAndACppClassOfTheTablesName) {
    const std::map<std::string, std::string> cpp = {
        {"client", demangled(typeid(rr::Client))},
        {"storage_account", demangled(typeid(rr::StorageAccount))},
        {"blob_container", demangled(typeid(rr::BlobContainer))},
    };
    ASSERT_EQ(vocabulary().at("objects").size(), cpp.size()) << "an object this test does not know";
    for (const json& o : vocabulary().at("objects")) {
        const std::string name = o.at("name");
        const std::string c = o.at("classes").at("c");
        EXPECT_NE(header().find("typedef struct " + c + " " + c + ";"), std::string::npos) << "no C type " << c;
        ASSERT_TRUE(cpp.count(name)) << name;
        EXPECT_EQ(cpp.at(name), "remote_rendering::" + o.at("classes").at("cpp").get<std::string>());
    }
}

TEST(Vocabulary, EveryOperationIsACFunctionOfItsObjectTakingItsParameters) {
    ASSERT_FALSE(vocabulary().at("operations").empty());
    int of_storage = 0;
    for (const json& op : vocabulary().at("operations")) {
        const std::string function = c_function(op);
        EXPECT_FALSE(declaration(function).empty()) << "the header has no " << function;
        if (op.at("of") != "client" && op.at("of") != "") ++of_storage;
        for (const json& p : op.at("params")) {
            std::string param = p.at("name");
            if (p.contains("names") && p.at("names").contains("c")) param = p.at("names").at("c");
            EXPECT_TRUE(takes(function, param)) << function << " does not take " << param;
        }
    }
    EXPECT_EQ(of_storage, 14) << "the storage objects' methods";
}

/// A default of the table that is a number (or a duration) is a header constant of that value,
/// named after the parameter (`RR_DEFAULT_..._<PARAM>[_MS]`), which the C documentation names.
TEST(Vocabulary, EveryParameterDefaultIsAHeaderConstantOfItsValue) {
    int checked = 0;
    for (const json& op : vocabulary().at("operations")) {
        for (const json& p : op.at("params")) {
            if (!p.contains("default")) continue;
            const json& d = p.at("default");
            if (!(d.is_number() || (d.is_object() && d.contains("ms")))) continue;
            std::string upper;
            for (char c : p.at("name").get<std::string>()) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            if (d.is_object()) upper += "_MS";
            const json value = d.is_object() ? d.at("ms") : d;
            bool found = false;
            for (size_t at = header().find("#define RR_"); at != std::string::npos && !found;
                 at = header().find("#define RR_", at + 1)) {
                const size_t name_end = header().find(' ', at + 8);
                const std::string name = header().substr(at + 8, name_end - at - 8);
                if (name.size() < upper.size() || name.compare(name.size() - upper.size(), upper.size(), upper) != 0) continue;
                found = header_constant(name) == value;
            }
            EXPECT_TRUE(found) << c_function(op) << ": no header constant *" << upper << " of " << value;
            ++checked;
        }
    }
    EXPECT_GT(checked, 20);
}

#define RR_METHOD(T, m) {#m, [] { (void)&T::m; }}
/// The C++ methods of the storage objects, by the table's operation names (the list compiles
/// only while each exists).
const std::map<std::string, std::map<std::string, void (*)()>>& cpp_methods() {
    static const std::map<std::string, std::map<std::string, void (*)()>> m = {
        {"storage_account",
         {RR_METHOD(rr::StorageAccount, container_uri), RR_METHOD(rr::StorageAccount, create_container),
          RR_METHOD(rr::StorageAccount, container), RR_METHOD(rr::StorageAccount, container_sas),
          RR_METHOD(rr::StorageAccount, input_sas), RR_METHOD(rr::StorageAccount, output_sas),
          RR_METHOD(rr::StorageAccount, blob_read_url), RR_METHOD(rr::StorageAccount, asset_read_url)}},
        {"blob_container",
         {RR_METHOD(rr::BlobContainer, upload), RR_METHOD(rr::BlobContainer, preflight),
          RR_METHOD(rr::BlobContainer, read_conversion_report), RR_METHOD(rr::BlobContainer, exists),
          RR_METHOD(rr::BlobContainer, list), RR_METHOD(rr::BlobContainer, read)}},
        {"client",
         {RR_METHOD(rr::Client, wait_for_conversion_with_report), RR_METHOD(rr::Client, content_conversion_id)}},
    };
    return m;
}

TEST(Vocabulary, EveryStorageOperationIsACppMethodOfItsObject) {
    static_assert(std::is_constructible_v<rr::StorageAccount, std::string, std::string, std::optional<std::string>>);
    static_assert(std::is_constructible_v<rr::BlobContainer, std::string, std::string>);
    size_t storage_ops = 0;
    for (const json& op : vocabulary().at("operations")) {
        const std::string of = op.at("of");
        if (of.empty()) continue;
        const std::string name = op.at("name");
        if (of == "client" && !cpp_methods().at("client").count(name) &&
            declaration("rr_client_" + name).find("rr_blob_container") == std::string::npos &&
            name != "content_conversion_id")
            continue;  // the client's other methods: cpp_wrapper_test.cpp
        ASSERT_TRUE(cpp_methods().count(of)) << of;
        EXPECT_TRUE(cpp_methods().at(of).count(name)) << "rr::" << of << " has no method " << name;
        ++storage_ops;
    }
    EXPECT_EQ(storage_ops, 16u);
    // The upload's optional parameters are members of its options.
    (void)sizeof(std::declval<rr::UploadOptions>().prefix);
    (void)sizeof(std::declval<rr::UploadOptions>().concurrency);
    (void)sizeof(std::declval<rr::UploadOptions>().timeout);
    (void)sizeof(std::declval<rr::UploadOptions>().on_progress);
    (void)sizeof(std::declval<rr::UploadOptions>().cancel);
    EXPECT_EQ(rr::UploadOptions().concurrency, RR_DEFAULT_UPLOAD_CONCURRENCY);
    EXPECT_EQ(rr::UploadOptions().timeout.count(), static_cast<long long>(RR_DEFAULT_UPLOAD_TIMEOUT_MS));
}

TEST(Vocabulary, EveryErrorFieldIsACAccessorAndACppMember) {
    // C++ names a field by the table's name, or by its C name where C++ has the C spelling.
    const std::map<std::string, void (*)()> cpp = {
        RR_METHOD(rr::Error, code),          RR_METHOD(rr::Error, what),      RR_METHOD(rr::Error, http_status),
        RR_METHOD(rr::Error, ms_cv),         RR_METHOD(rr::Error, retry_after), RR_METHOD(rr::Error, service_error),
        RR_METHOD(rr::Error, field),         RR_METHOD(rr::Error, retriable), RR_METHOD(rr::Error, session),
        RR_METHOD(rr::Error, conversion),    RR_METHOD(rr::Error, upload_report),
        RR_METHOD(rr::Error, conversion_report),
    };
    const std::map<std::string, std::string> cpp_spelling = {{"message", "what"}};
    ASSERT_FALSE(vocabulary().at("error_fields").empty());
    for (const json& f : vocabulary().at("error_fields")) {
        const std::string name = f.at("name");
        const std::string c = f.contains("names") && f.at("names").contains("c") ? f.at("names").at("c").get<std::string>() : name;
        const std::string accessor = "rr_error_" + c + "(const rr_error *error);";
        EXPECT_TRUE(header().find(" " + accessor) != std::string::npos || header().find("*" + accessor) != std::string::npos)
            << "the header has no accessor rr_error_" << c;
        const std::string member = cpp_spelling.count(name) ? cpp_spelling.at(name) : name;
        EXPECT_TRUE(cpp.count(member) || cpp.count(c)) << "rr::Error has no " << name << " (nor " << c << ")";
    }
    EXPECT_EQ(cpp.size(), vocabulary().at("error_fields").size());
}

}  // namespace
