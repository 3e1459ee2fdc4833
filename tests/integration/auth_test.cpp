// Accounts and sessions over HTTP (PROTOCOL.md section 2).

#include "server_test.hpp"

#include <algorithm>
#include <cctype>
#include <gtest/gtest.h>
#include <string>
#include <vector>

using namespace carecircle::test;

namespace {

class Auth : public server_test {
protected:
    server_options options() const override { return without_accounts(); }
};

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string trim(std::string_view s) {
    const auto first = s.find_first_not_of(" \t");
    if (first == std::string_view::npos)
        return {};
    const auto last = s.find_last_not_of(" \t");
    return std::string(s.substr(first, last - first + 1));
}

std::string repeat(std::string_view unit, std::size_t times) {
    std::string s;
    for (std::size_t i = 0; i < times; ++i)
        s += unit;
    return s;
}

// The `cc_session` Set-Cookie header of a response, or "".
std::string session_cookie(const http_response& res) {
    for (const auto& value : res.header_values("Set-Cookie"))
        if (value.rfind("cc_session=", 0) == 0)
            return value;
    return {};
}

// Attribute names (and values) of a Set-Cookie header after the first pair, lower-cased.
std::vector<std::string> cookie_attributes(const std::string& set_cookie) {
    std::vector<std::string> attributes;
    std::size_t pos = set_cookie.find(';');
    while (pos != std::string::npos) {
        const auto next = set_cookie.find(';', pos + 1);
        attributes.push_back(lower(
            trim(set_cookie.substr(pos + 1, next == std::string::npos ? next : next - pos - 1))));
        pos = next;
    }
    return attributes;
}

std::string cookie_value(const std::string& set_cookie) {
    const auto start = set_cookie.find('=') + 1;
    return set_cookie.substr(start, set_cookie.find(';') - start);
}

bool has(const std::vector<std::string>& v, std::string_view s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

json::value registration(std::string_view username, std::string_view password,
                         std::string_view display_name) {
    return json::value{
        {"username", username}, {"password", password}, {"display_name", display_name}};
}

void expect_session_cookie_for(const http_response& res, const std::string& token) {
    const auto cookie = session_cookie(res);
    ASSERT_FALSE(cookie.empty()) << "no cc_session cookie was set";
    EXPECT_EQ(cookie_value(cookie), token) << cookie;
    const auto attributes = cookie_attributes(cookie);
    EXPECT_TRUE(has(attributes, "httponly")) << cookie;
    EXPECT_TRUE(has(attributes, "samesite=strict")) << cookie;
    EXPECT_TRUE(has(attributes, "path=/")) << cookie;
    EXPECT_FALSE(has(attributes, "secure")) << "Secure only under TLS: " << cookie;
}

} // namespace

TEST_F(Auth, RegisterReturnsTheNewUserAndAToken) {
    const auto res = http(port(), "POST", "/api/register",
                          registration("carol_1", "correct-horse-1", "Carol Smith"));
    ASSERT_EQ(res.status, 201u) << res.body;
    EXPECT_EQ(res.header("Content-Type").rfind("application/json", 0), 0u)
        << res.header("Content-Type");
    const auto body = res.json();
    const auto& user = at_path(body, "user").as_object();
    EXPECT_TRUE(user.at("id").is_int64() || user.at("id").is_uint64());
    EXPECT_EQ(str(user.at("username")), "carol_1");
    EXPECT_EQ(str(user.at("display_name")), "Carol Smith");
    EXPECT_EQ(str(user.at("role")), "member");
    // At least 128 bits, whatever the text encoding (22 characters of base64).
    EXPECT_GE(str(at_path(body, "token")).size(), 22u);
}

TEST_F(Auth, RegisterSetsAnHttpOnlyStrictSessionCookie) {
    const auto res =
        http(port(), "POST", "/api/register", registration("dave_2", "correct-horse-2", "Dave"));
    ASSERT_EQ(res.status, 201u) << res.body;
    expect_session_cookie_for(res, str(at_path(res.json(), "token")));
}

TEST_F(Auth, EachRegistrationGetsADifferentToken) {
    const auto a = register_user("erin_a");
    const auto b = register_user("erin_b");
    EXPECT_NE(a.token, b.token);
    EXPECT_NE(a.id(), b.id());
}

TEST_F(Auth, UsernamesAreStoredLowerCaseAndComparedCaseInsensitively) {
    const auto res = http(port(), "POST", "/api/register",
                          registration("Mixed.Case-Name", "correct-horse-3", "Mixed"));
    ASSERT_EQ(res.status, 201u) << res.body;
    const auto registered = res.json();
    EXPECT_EQ(str(at_path(registered, "user.username")), "mixed.case-name");

    const auto again = http(port(), "POST", "/api/register",
                            registration("MIXED.case-NAME", "correct-horse-4", "Other"));
    EXPECT_EQ(again.status, 409u) << again.body;
    EXPECT_EQ(again.error_code(), "conflict") << again.body;

    const auto signed_in = login(port(), "MIXED.CASE-NAME", "correct-horse-3");
    EXPECT_EQ(signed_in.id(), num(at_path(registered, "user.id")));
}

TEST_F(Auth, TakenUsernameIsAConflict) {
    register_user("frank");
    const auto res = http(port(), "POST", "/api/register",
                          registration("frank", "another-password", "Frank Two"));
    EXPECT_EQ(res.status, 409u) << res.body;
    EXPECT_EQ(res.error_code(), "conflict") << res.body;
    EXPECT_TRUE(at_path(res.json(), "error.message").is_string());
}

TEST_F(Auth, RegisterRefusesFieldsOutsideTheRules) {
    struct bad_case {
        const char* why;
        std::string body;
    };
    const auto body = [](std::string_view u, std::string_view p, std::string_view d) {
        return json::serialize(registration(u, p, d));
    };
    const std::vector<bad_case> cases = {
        {"username of 2 characters", body("ab", "good-password-1", "Ann")},
        {"username of 33 characters", body(repeat("a", 33), "good-password-1", "Ann")},
        {"empty username", body("", "good-password-1", "Ann")},
        {"username with a space", body("bad name", "good-password-1", "Ann")},
        {"username with a slash", body("bad/name", "good-password-1", "Ann")},
        {"username with an at sign", body("bad@name", "good-password-1", "Ann")},
        {"username with a non-ASCII letter", body("\xc3\xa9mile", "good-password-1", "Emile")},
        {"password of 9 characters", body("ann_1", "123456789", "Ann")},
        {"password of 257 characters", body("ann_2", repeat("p", 257), "Ann")},
        {"empty display name", body("ann_3", "good-password-1", "")},
        {"display name of spaces only", body("ann_4", "good-password-1", "   ")},
        {"display name of 65 characters", body("ann_5", "good-password-1", repeat("d", 65))},
        {"display name of 65 code points",
         body("ann_6", "good-password-1", repeat("\xc3\xa9", 65))},
        {"display name with a bell character", body("ann_7", "good-password-1", "Ann\aMarie")},
        {"display name with a newline", body("ann_8", "good-password-1", "Ann\nMarie")},
        {"display name with DEL", body("ann_9", "good-password-1", "Ann\x7f")},
        {"missing username", R"({"password":"good-password-1","display_name":"Ann"})"},
        {"missing password", R"({"username":"ann_10","display_name":"Ann"})"},
        {"missing display name", R"({"username":"ann_11","password":"good-password-1"})"},
        {"username that is a number",
         R"({"username":12345,"password":"good-password-1","display_name":"Ann"})"},
        {"password that is null", R"({"username":"ann_12","password":null,"display_name":"Ann"})"},
        {"body that is not JSON", "username=ann&password=good-password-1"},
        {"body that is a JSON array", R"(["ann_13","good-password-1","Ann"])"},
        {"empty body", ""},
    };
    for (const auto& c : cases) {
        const auto res = http_raw(port(), "POST", "/api/register", c.body);
        EXPECT_EQ(res.status, 400u) << c.why << ": " << res.body;
        EXPECT_EQ(res.error_code(), "bad_request") << c.why << ": " << res.body;
    }
    // None of them created an account.
    const auto check = http(port(), "POST", "/api/login",
                            json::value{{"username", "ann_1"}, {"password", "123456789"}});
    EXPECT_EQ(check.status, 401u);
}

TEST_F(Auth, RegisterAcceptsFieldsAtTheirLimits) {
    EXPECT_EQ(
        http(port(), "POST", "/api/register", registration("abc", "good-password-1", "A")).status,
        201u);
    EXPECT_EQ(
        http(port(), "POST", "/api/register",
             registration("a_b.c-" + repeat("z", 26), repeat("p", 10), repeat("\xc3\xa9", 64)))
            .status,
        201u);
    EXPECT_EQ(http(port(), "POST", "/api/register",
                   registration("user_0.9-x", repeat("p", 256), "  Padded  "))
                  .status,
              201u);
    // And the extreme password works for signing in.
    EXPECT_NO_THROW(login(port(), "user_0.9-x", repeat("p", 256)));
}

TEST_F(Auth, LoginReturnsTheUserAFreshTokenAndTheSessionCookie) {
    const auto registered = register_user("grace");
    const auto res = http(port(), "POST", "/api/login",
                          json::value{{"username", "grace"}, {"password", password_for("grace")}});
    ASSERT_EQ(res.status, 200u) << res.body;
    const auto body = res.json();
    EXPECT_EQ(at_path(body, "user").as_object(), registered.user);
    const auto token = str(at_path(body, "token"));
    EXPECT_NE(token, registered.token);
    expect_session_cookie_for(res, token);
}

TEST_F(Auth, LoginFailsAlikeForUnknownUserAndWrongPassword) {
    register_user("heidi");
    const auto wrong_password =
        http(port(), "POST", "/api/login",
             json::value{{"username", "heidi"}, {"password", "not-her-password"}});
    const auto unknown_user =
        http(port(), "POST", "/api/login",
             json::value{{"username", "nobody_here"}, {"password", "not-her-password"}});
    EXPECT_EQ(wrong_password.status, 401u) << wrong_password.body;
    EXPECT_EQ(unknown_user.status, 401u) << unknown_user.body;
    EXPECT_EQ(wrong_password.error_code(), "unauthorized") << wrong_password.body;
    EXPECT_EQ(unknown_user.error_code(), "unauthorized") << unknown_user.body;
    EXPECT_EQ(wrong_password.body, unknown_user.body)
        << "the two failures must be indistinguishable";
    EXPECT_TRUE(session_cookie(wrong_password).empty());
}

TEST_F(Auth, TenFailedLoginsLockTheUsernameWithRetryAfter) {
    register_user("ivan");
    register_user("judy");
    for (int i = 0; i < 10; ++i) {
        const auto res = http(port(), "POST", "/api/login",
                              json::value{{"username", "ivan"}, {"password", "wrong-password-x"}});
        ASSERT_EQ(res.status, 401u) << "attempt " << i + 1 << ": " << res.body;
    }
    const auto locked = http(port(), "POST", "/api/login",
                             json::value{{"username", "ivan"}, {"password", password_for("ivan")}});
    EXPECT_EQ(locked.status, 429u)
        << "even the right password waits for the window: " << locked.body;
    EXPECT_EQ(locked.error_code(), "rate_limited") << locked.body;
    const auto retry_after = locked.header("Retry-After");
    ASSERT_FALSE(retry_after.empty()) << "429 needs a Retry-After header";
    EXPECT_EQ(retry_after.find_first_not_of("0123456789"), std::string::npos) << retry_after;
    EXPECT_GT(std::stol(retry_after), 0);

    // Another person signing in from the same address is not affected.
    EXPECT_NO_THROW(login(port(), "judy", password_for("judy")));
}

TEST_F(Auth, MeReturnsTheSignedInUserByBearerOrCookie) {
    const auto kim = register_user("kim");
    const auto by_bearer = http(port(), "GET", "/api/me", std::nullopt, bearer(kim.token));
    ASSERT_EQ(by_bearer.status, 200u) << by_bearer.body;
    EXPECT_EQ(at_path(by_bearer.json(), "user").as_object(), kim.user);

    const auto by_cookie =
        http(port(), "GET", "/api/me", std::nullopt, {{"Cookie", "cc_session=" + kim.token}});
    ASSERT_EQ(by_cookie.status, 200u) << by_cookie.body;
    EXPECT_EQ(at_path(by_cookie.json(), "user").as_object(), kim.user);
}

TEST_F(Auth, MeWithoutAValidTokenIsUnauthorized) {
    const auto kim = register_user("kim_2");
    const std::vector<header_list> attempts = {
        {},
        bearer("not-a-real-token"),
        bearer(kim.token + "x"),
        {{"Cookie", "cc_session=not-a-real-token"}},
        {{"Authorization", "Basic " + kim.token}},
    };
    for (const auto& headers : attempts) {
        const auto res = http(port(), "GET", "/api/me", std::nullopt, headers);
        EXPECT_EQ(res.status, 401u)
            << (headers.empty() ? "no credentials" : headers[0].second) << ": " << res.body;
        EXPECT_EQ(res.error_code(), "unauthorized") << res.body;
    }
}

TEST_F(Auth, LogoutRevokesTheTokenAtOnceButNotOtherSessions) {
    const auto first = register_user("liam");
    const auto second = login(port(), "liam", password_for("liam"));

    const auto out = http(port(), "POST", "/api/logout", std::nullopt, bearer(first.token));
    EXPECT_EQ(out.status, 204u) << out.body;
    EXPECT_TRUE(out.body.empty());

    EXPECT_EQ(http(port(), "GET", "/api/me", std::nullopt, bearer(first.token)).status, 401u);
    EXPECT_EQ(
        http(port(), "GET", "/api/me", std::nullopt, {{"Cookie", "cc_session=" + first.token}})
            .status,
        401u);
    EXPECT_EQ(try_upgrade(port(), token_auth(first.token)).status, 401u);
    EXPECT_EQ(http(port(), "GET", "/api/me", std::nullopt, bearer(second.token)).status, 200u);
}

TEST_F(Auth, LogoutByCookieRevokesTheCookieSession) {
    const auto mia = register_user("mia");
    const auto out =
        http(port(), "POST", "/api/logout", std::nullopt, {{"Cookie", "cc_session=" + mia.token}});
    EXPECT_EQ(out.status, 204u) << out.body;
    EXPECT_EQ(http(port(), "GET", "/api/me", std::nullopt, bearer(mia.token)).status, 401u);
}

TEST_F(Auth, LogoutClosesWebSocketsOpenedWithThatTokenWith1008) {
    const auto first = register_user("noah");
    const auto second = login(port(), "noah", password_for("noah"));
    ws_client phone(port(), first.token);
    ws_client tablet(port(), first.token);
    ws_client laptop(port(), second.token);

    ASSERT_EQ(http(port(), "POST", "/api/logout", std::nullopt, bearer(first.token)).status, 204u);

    EXPECT_EQ(phone.wait_close(), 1008) << phone.close_description();
    EXPECT_EQ(tablet.wait_close(), 1008) << tablet.close_description();
    // The session signed in elsewhere carries on.
    EXPECT_TRUE(laptop.is_open()) << laptop.close_description();
    EXPECT_EQ(error_code_of(laptop.request("groups.list")), "ok");
}
