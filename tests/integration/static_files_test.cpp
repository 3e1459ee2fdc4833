// The web client's files and the health check (PROTOCOL.md section 2).

#include "server_test.hpp"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using namespace carecircle::test;

namespace {

class StaticFiles : public server_test {
protected:
    server_options options() const override { return without_accounts(); }
};

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

// Content types the web client's files must be served with, by extension.
const std::map<std::string, std::vector<std::string>> expected_types = {
    {".html", {"text/html"}},
    {".js", {"text/javascript", "application/javascript"}},
    {".mjs", {"text/javascript", "application/javascript"}},
    {".css", {"text/css"}},
    {".svg", {"image/svg+xml"}},
    {".png", {"image/png"}},
    {".json", {"application/json"}},
    {".webmanifest", {"application/manifest+json"}},
};

bool starts_with_any(const std::string& value, const std::vector<std::string>& prefixes) {
    for (const auto& p : prefixes)
        if (value.rfind(p, 0) == 0)
            return true;
    return false;
}

} // namespace

TEST_F(StaticFiles, RootServesTheWebClientAsHtmlWithAnETag) {
    const auto res = http(port(), "GET", "/");
    ASSERT_EQ(res.status, 200u) << res.body;
    EXPECT_EQ(res.header("Content-Type").rfind("text/html", 0), 0u) << res.header("Content-Type");
    EXPECT_FALSE(res.header("ETag").empty());
    EXPECT_NE(res.body.find("<"), std::string::npos);
    EXPECT_EQ(res.body, read_file(std::filesystem::path(CARECIRCLE_WEB_ROOT) / "index.html"));
}

TEST_F(StaticFiles, MatchingIfNoneMatchGets304WithoutABody) {
    const auto first = http(port(), "GET", "/");
    ASSERT_EQ(first.status, 200u);
    const auto etag = first.header("ETag");
    ASSERT_FALSE(etag.empty());
    const auto again = http(port(), "GET", "/", std::nullopt, {{"If-None-Match", etag}});
    EXPECT_EQ(again.status, 304u);
    EXPECT_TRUE(again.body.empty());
    EXPECT_EQ(again.header("ETag"), etag);
}

TEST_F(StaticFiles, StaleETagGetsTheWholeFile) {
    const auto res =
        http(port(), "GET", "/", std::nullopt, {{"If-None-Match", "\"not-the-current-version\""}});
    EXPECT_EQ(res.status, 200u);
    EXPECT_FALSE(res.body.empty());
}

TEST_F(StaticFiles, EveryWebClientFileIsServedWithItsContentType) {
    const std::filesystem::path root(CARECIRCLE_WEB_ROOT);
    int checked = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
        if (!entry.is_regular_file())
            continue;
        const auto type = expected_types.find(entry.path().extension().string());
        if (type == expected_types.end())
            continue;
        const auto target = "/" + std::filesystem::relative(entry.path(), root).generic_string();
        if (target.find_first_of(" %?#") != std::string::npos)
            continue;
        const auto res = http(port(), "GET", target);
        ++checked;
        EXPECT_EQ(res.status, 200u) << target;
        EXPECT_TRUE(starts_with_any(res.header("Content-Type"), type->second))
            << target << " served as " << res.header("Content-Type");
        EXPECT_FALSE(res.header("ETag").empty()) << target;
        EXPECT_EQ(res.body, read_file(entry.path())) << target;
    }
    EXPECT_GT(checked, 1) << "the web client should have more than one file";
}

TEST_F(StaticFiles, NoPathEscapesTheWebRoot) {
    // The web root's parent holds CMakeLists.txt; /etc/passwd is further up.
    const std::vector<std::string> targets = {
        "/../CMakeLists.txt",
        "/%2e%2e/CMakeLists.txt",
        "/%2E%2E/CMakeLists.txt",
        "/..%2fCMakeLists.txt",
        "/..%2FCMakeLists.txt",
        "/%2e%2e%2fCMakeLists.txt",
        "/.%2e/CMakeLists.txt",
        "/%252e%252e/CMakeLists.txt",
        "/..\\CMakeLists.txt",
        "/..%5cCMakeLists.txt",
        "/js/../../CMakeLists.txt",
        "/js/%2e%2e/%2e%2e/CMakeLists.txt",
        "/./../CMakeLists.txt",
        "/../../../../../../../../etc/passwd",
        "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/....//....//CMakeLists.txt",
        "//etc/passwd",
        "/%2fetc%2fpasswd",
        "/index.html%00.js",
        "/%00",
    };
    for (const auto& target : targets) {
        const auto res = http(port(), "GET", target);
        EXPECT_TRUE(res.status == 400u || res.status == 404u)
            << target << " answered " << res.status;
        EXPECT_EQ(res.body.find("cmake_minimum_required"), std::string::npos) << target;
        EXPECT_EQ(res.body.find("root:"), std::string::npos) << target;
    }
    // And the server is still serving.
    EXPECT_EQ(http(port(), "GET", "/healthz").status, 200u);
}

TEST_F(StaticFiles, HealthzSaysOk) {
    const auto res = http(port(), "GET", "/healthz");
    ASSERT_EQ(res.status, 200u);
    EXPECT_EQ(res.header("Content-Type").rfind("application/json", 0), 0u)
        << res.header("Content-Type");
    EXPECT_EQ(res.json(), (json::value{{"status", "ok"}}));
}

TEST_F(StaticFiles, UnknownApiRouteIsNotFound) {
    const auto res = http(port(), "GET", "/api/no-such-thing");
    EXPECT_EQ(res.status, 404u);
    EXPECT_EQ(res.error_code(), "not_found") << res.body;
}
