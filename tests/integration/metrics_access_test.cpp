// GET /metrics from outside this machine: only with the operator's token.

#include "server_test.hpp"

#include <gtest/gtest.h>

using namespace carecircle::test;

namespace {

constexpr std::string_view metrics_token = "scrape-token-4f7a9c";

// Behind the trusted proxy, a forwarded address makes a request come from outside.
class MetricsFromOutside : public server_test {
protected:
    server_options options() const override {
        return with_admin({"--trust-proxy", "true", "--metrics-token", std::string(metrics_token)});
    }

    http_response scrape(std::string_view token) {
        header_list headers{{"X-Forwarded-For", "198.51.100.23"}};
        if (!token.empty())
            headers.emplace_back("Authorization", "Bearer " + std::string(token));
        return http(port(), "GET", "/metrics", std::nullopt, headers);
    }
};

} // namespace

TEST_F(MetricsFromOutside, TheRightTokenOpensMetrics) {
    const auto response = scrape(metrics_token);
    ASSERT_EQ(response.status, 200u) << response.body;
    EXPECT_NE(response.body.find("\ncarecircle_connections_open "), std::string::npos)
        << response.body;
    EXPECT_EQ(response.header("Cache-Control"), "no-store");
}

TEST_F(MetricsFromOutside, AWrongOrMissingTokenIsForbidden) {
    for (const auto& token : {std::string("scrape-token-wrong"), std::string(metrics_token) + "x",
                              std::string(metrics_token.substr(0, 10)), std::string()}) {
        const auto response = scrape(token);
        EXPECT_EQ(response.status, 403u) << "token \"" << token << "\": " << response.body;
        EXPECT_EQ(response.error_code(), "forbidden");
        EXPECT_EQ(response.body.find("carecircle_"), std::string::npos);
    }
}
