// The configured public URL: the server's own origin whatever Host header a proxy passes on
// (PROTOCOL.md section 3), with the address checked at start-up.

#include "server_test.hpp"

#include <gtest/gtest.h>

using namespace carecircle::test;

namespace {

class PublicUrl : public server_test {
protected:
    server_options options() const override {
        return with_admin({"--public-url", "HTTPS://Care.Example.org:443/"});
    }

    unsigned upgrade_from(std::string origin) {
        auto options = token_auth(admin().token);
        options.origin = std::move(origin);
        return try_upgrade(port(), options).status;
    }
};

} // namespace

TEST_F(PublicUrl, BrowsersAtThePublicAddressOpenWebSockets) {
    // As a browser writes it: lower case, and no port when it is the scheme's default.
    EXPECT_EQ(upgrade_from("https://care.example.org"), 101u);
    // The Host-based origin still works, for the server's own address.
    EXPECT_EQ(upgrade_from("http://127.0.0.1:" + std::to_string(port())), 101u);
    for (const auto* other : {"http://care.example.org", "https://care.example.org:8443",
                              "https://evil.example.org", "https://care.example.org.evil.example"})
        EXPECT_EQ(upgrade_from(other), 403u) << other;
}

TEST_F(PublicUrl, OnlyAnHttpAddressWithoutAPathIsAccepted) {
    const auto [shown_status, shown] = server().run_tool(
        {"serve", "--public-url", "https://care.example.org:8443", "--print-config"}, "");
    EXPECT_EQ(shown_status, 0) << shown;
    EXPECT_NE(shown.find("public-url = https://care.example.org:8443\n"), std::string::npos)
        << shown;

    for (const auto* bad :
         {"care.example.org", "ftp://care.example.org", "https://", "https://care.example.org/chat",
          "https://care.example.org/?x=1", "https://jo@care.example.org"}) {
        const auto [status, output] =
            server().run_tool({"serve", "--public-url", bad, "--print-config"}, "");
        EXPECT_NE(status, 0) << bad;
        EXPECT_NE(output.find("public-url"), std::string::npos) << bad << ": " << output;
    }
}
