#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace carecircle::server::push {

// What a browser hands over when it subscribes (PushSubscription.toJSON()): the public key of
// its P-256 pair (65 bytes, uncompressed point) and its 16-byte authentication secret, both
// raw bytes here, already decoded from base64url.
struct subscriber_keys {
    std::string p256dh;
    std::string auth;
};

// The sender's side of one encryption, fixed only by tests (RFC 8291, Appendix A); in service
// both are made fresh for every push.
struct sender_material {
    std::string private_key; // 32-byte P-256 scalar
    std::string salt;        // 16 bytes
};

// Throws std::invalid_argument, saying what is wrong, unless `keys` could be encrypted to: a
// 65-byte uncompressed point on P-256 and a 16-byte secret. For checking a subscription when
// it arrives, rather than at its first push.
void check_subscriber_keys(const subscriber_keys& keys);

// A push message body encrypted for one subscriber: the aes128gcm content coding of RFC 8188 in
// one record, keyed as RFC 8291 says. Throws std::invalid_argument on malformed keys or a
// plaintext longer than 3993 bytes (what fits in the 4096 bytes a push service must accept,
// RFC 8291 section 4), and std::runtime_error when OpenSSL fails.
std::string encrypt(std::string_view plaintext, const subscriber_keys& to);
std::string encrypt(std::string_view plaintext, const subscriber_keys& to,
                    const sender_material& from);

// The server's VAPID identity (RFC 8292): one P-256 key pair, made on first start and kept in a
// PEM file readable by the owner only, like the server secret.
class vapid_identity {
public:
    // Reads the key from `file`, or makes one and writes it there. Throws when neither works.
    static vapid_identity load_or_create(const std::filesystem::path& file);

    // The uncompressed public point, base64url without padding: the browser's
    // applicationServerKey.
    const std::string& public_key() const { return public_key_; }

    // The value of the Authorization header for a push service at `audience` (its origin,
    // "https://host[:port]"): "vapid t=<ES256 JWT>, k=<public key>", the JWT carrying aud, exp
    // and sub.
    std::string authorization(std::string_view audience, std::string_view subject,
                              std::chrono::system_clock::time_point expires) const;

private:
    struct key_pair;
    explicit vapid_identity(std::shared_ptr<const key_pair> keys, std::string public_key);
    std::shared_ptr<const key_pair> keys_;
    std::string public_key_;
};

std::string base64url_encode(std::string_view bytes);
// Throws std::invalid_argument on anything that is not base64url (padding is accepted).
std::string base64url_decode(std::string_view text);

} // namespace carecircle::server::push
