#pragma once

// The other ends of Web Push, written apart from the server's code so that each checks the
// other: a browser reading an RFC 8291 message, and a push service checking an RFC 8292
// (VAPID) Authorization header.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace carecircle::test {

// A browser's push subscription keys: a fresh P-256 pair and 16-byte authentication secret
// for every instance.
struct test_subscriber {
    test_subscriber();

    // As PushSubscription.toJSON() gives them: base64url without padding.
    std::string p256dh; // the uncompressed public point
    std::string auth;

    std::string private_key; // the 32-byte scalar, raw
};

// The plaintext of an aes128gcm body (RFC 8188, keyed as RFC 8291 section 3.4) sent to
// `subscriber`; nullopt when it is malformed, for someone else, or altered.
std::optional<std::string> decrypt(const test_subscriber& subscriber, std::string_view body);

// What a push service reads from "vapid t=<JWT>, k=<key>".
struct vapid_check {
    bool valid = false; // well formed, ES256, and signed by the key in k=
    std::string aud;
    std::string sub;
    std::chrono::system_clock::time_point exp;
    std::string key; // k=, base64url
};

vapid_check check_vapid(std::string_view authorization_header);

// base64url without padding, and its reverse (nullopt for anything else); for tests that
// need to read the bodies and keys they are handed.
std::string base64url(std::string_view bytes);
std::optional<std::string> from_base64url(std::string_view text);

} // namespace carecircle::test
