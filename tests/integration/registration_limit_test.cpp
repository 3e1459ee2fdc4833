// New accounts per client address: each costs an Argon2 hash on the one hashing thread, so a
// flood from one address is turned away before it slows everyone's sign-in.

#include "server_test.hpp"

#include <gtest/gtest.h>

using namespace carecircle::test;

namespace {

// Behind a trusted proxy, so a test can speak for other client addresses.
class RegistrationLimit : public server_test {
protected:
    server_options options() const override {
        return with_admin({"--registrations-per-address", "3", "--trust-proxy", "true"});
    }

    http_response register_from(std::string_view address, std::string_view username) {
        header_list headers;
        if (!address.empty())
            headers.emplace_back("X-Forwarded-For", std::string(address));
        return http(port(), "POST", "/api/register",
                    json::value{{"username", username},
                                {"password", "kettle-on-between-visits"},
                                {"display_name", username}},
                    headers);
    }
};

} // namespace

TEST_F(RegistrationLimit, OneAddressGetsItsShareAndOthersAreUnaffected) {
    for (const auto* name : {"amy", "ben", "cat"})
        ASSERT_EQ(register_from("203.0.113.7", name).status, 201u) << name;

    const auto refused = register_from("203.0.113.7", "dot");
    EXPECT_EQ(refused.status, 429u) << refused.body;
    EXPECT_EQ(refused.error_code(), "rate_limited");
    const auto retry_after = refused.header("Retry-After");
    ASSERT_FALSE(retry_after.empty()) << "429 needs a Retry-After header";
    EXPECT_GT(std::stol(retry_after), 0);
    EXPECT_LE(std::stol(retry_after), 3600);
    // Nothing was created for the refused request.
    EXPECT_EQ(http(port(), "POST", "/api/login",
                   json::value{{"username", "dot"}, {"password", "kettle-on-between-visits"}})
                  .status,
              401u);

    // A malformed request is still told what is wrong, and uses up nothing.
    EXPECT_EQ(register_from("203.0.113.7", "no spaces allowed").status, 400u);
    // Another address, and this machine itself, still sign up.
    EXPECT_EQ(register_from("203.0.113.8", "eve").status, 201u);
    EXPECT_EQ(register_from("", "fay").status, 201u);
}

class NoRegistrationLimit : public RegistrationLimit {
protected:
    server_options options() const override {
        return with_admin({"--registrations-per-address", "0", "--trust-proxy", "true"});
    }
};

TEST_F(NoRegistrationLimit, ZeroLiftsTheLimit) {
    for (int i = 0; i < 6; ++i) {
        const auto name = "worker" + std::to_string(i);
        EXPECT_EQ(register_from("203.0.113.7", name).status, 201u) << name;
    }
    const auto [status, output] =
        server().run_tool({"serve", "--registrations-per-address", "0", "--print-config"}, "");
    EXPECT_EQ(status, 0) << output;
    EXPECT_NE(output.find("registrations-per-address = 0\n"), std::string::npos) << output;
}
