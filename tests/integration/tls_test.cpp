// HTTPS and WSS with a certificate made at test time: what a client sees of the TLS port, and
// what a certificate reload does to new and open connections.

#include "raw_socket.hpp"
#include "server_test.hpp"

#include <csignal>
#include <gtest/gtest.h>
#include <openssl/ssl.h>

using namespace carecircle::test;

namespace {

class Tls : public server_test {
protected:
    server_options options() const override {
        auto opts = with_admin();
        opts.tls = true;
        return opts;
    }
};

class TlsHandshakeTimeout : public server_test {
protected:
    server_options options() const override {
        auto opts = with_admin({"--handshake-timeout-seconds", "1"});
        opts.tls = true;
        return opts;
    }
};

} // namespace

TEST_F(Tls, ServesTheWebClientOverHttpsAndNotOverPlainHttp) {
    // The fixture started only once the server printed `listening on https://127.0.0.1:PORT`.
    const auto page = http(address(), "GET", "/");
    EXPECT_EQ(page.status, 200u);
    EXPECT_NE(page.body.find("<html"), std::string::npos);
    EXPECT_THROW(http(port(), "GET", "/"), std::runtime_error);
}

TEST_F(Tls, RegistrationSetsASecureCookieAndAnswersCarryHsts) {
    const auto response = http(
        address(), "POST", "/api/register",
        json::value{{"username", "amy"}, {"password", "a long password"}, {"display_name", "Amy"}});
    ASSERT_EQ(response.status, 201u) << response.body;
    const auto cookie = response.header("Set-Cookie");
    EXPECT_EQ(cookie.rfind("cc_session=", 0), 0u) << cookie;
    EXPECT_NE(cookie.find("; Secure"), std::string::npos) << cookie;
    EXPECT_EQ(response.header("Strict-Transport-Security"), "max-age=31536000");
    for (const auto* target : {"/", "/healthz", "/no-such-file"}) {
        EXPECT_EQ(http(address(), "GET", target).header("Strict-Transport-Security"),
                  "max-age=31536000")
            << target;
    }
}

TEST_F(Tls, ChatWorksEndToEndOverWss) {
    const auto group = create_group("Nottingham");
    const auto amy = register_user("amy", "Amy Pond");
    const auto bob = register_user("bob", "Bob Smith");
    ws_client amy_ws = connect(amy);
    ws_client bob_ws = connect(bob);
    join(amy_ws, group);
    join(bob_ws, group);

    send(amy_ws, group, "Anyone at the library on Thursday?");

    const auto event = bob_ws.next_event("message.created");
    EXPECT_EQ(str(at_path(event, "message.text")), "Anyone at the library on Thursday?");
    EXPECT_EQ(num(at_path(event, "message.author.id")), amy.id());
}

TEST_F(Tls, OnlyTls12AndNewerAreAccepted) {
    const auto modern = tls_handshake_with(port());
    ASSERT_TRUE(modern.ok) << modern.error;
    EXPECT_EQ(modern.version, "TLSv1.3");
    const auto tls12 = tls_handshake_with(port(), TLS1_2_VERSION);
    ASSERT_TRUE(tls12.ok) << tls12.error;
    EXPECT_EQ(tls12.version, "TLSv1.2");

    const auto tls11 = tls_handshake_with(port(), TLS1_1_VERSION);
    EXPECT_FALSE(tls11.ok) << "the server accepted " << tls11.version;
    const auto tls10 = tls_handshake_with(port(), TLS1_VERSION);
    EXPECT_FALSE(tls10.ok) << "the server accepted " << tls10.version;
    // The server is still there for everyone else.
    EXPECT_TRUE(tls_handshake_with(port()).ok);
}

TEST_F(Tls, SighupGivesNewConnectionsTheNewCertificateAndKeepsOpenOnes) {
    const auto group = create_group("Nottingham");
    const auto amy = register_user("amy", "Amy Pond");
    ws_client before = connect(amy);
    join(before, group);
    const auto old_fingerprint = server().certificate_fingerprint();
    ASSERT_EQ(tls_handshake_with(port()).fingerprint, old_fingerprint);

    const auto new_fingerprint = server().replace_certificate();
    ASSERT_NE(new_fingerprint, old_fingerprint);
    server().send_signal(SIGHUP);

    // The reload happens on the server's own time; wait for it rather than guess.
    std::string seen;
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (std::chrono::steady_clock::now() < deadline) {
        seen = tls_handshake_with(port()).fingerprint;
        if (seen == new_fingerprint)
            break;
        std::this_thread::sleep_for(50ms);
    }
    ASSERT_EQ(seen, new_fingerprint) << "new connections still get the old certificate";

    // The connection opened before the reload carries on, both ways.
    ws_client after = connect(amy);
    join(after, group);
    send(before, group, "sent on the old connection");
    EXPECT_EQ(str(at_path(after.next_event("message.created"), "message.text")),
              "sent on the old connection");
    EXPECT_TRUE(before.is_open()) << before.close_description();
}

TEST_F(TlsHandshakeTimeout, ClientThatNeverStartsTheHandshakeIsClosedAtTheTimeout) {
    const auto opened = std::chrono::steady_clock::now();
    raw_socket silent(port());
    raw_socket half_hello(port());
    // The first bytes of a TLS record header (handshake, TLS 1.0 record version), then nothing.
    ASSERT_TRUE(half_hello.send(std::string("\x16\x03\x01", 3)));

    EXPECT_TRUE(silent.closed_by_server(4s)) << "a silent client kept its TLS connection";
    EXPECT_TRUE(half_hello.closed_by_server(4s)) << "a stalled handshake kept its connection";
    EXPECT_GE(std::chrono::steady_clock::now() - opened, 900ms) << "closed before the timeout";
    // Others still get through.
    EXPECT_TRUE(tls_handshake_with(port()).ok);
}
