#include "web_push_decrypt.hpp"

#include <array>
#include <boost/json.hpp>
#include <cstdint>
#include <memory>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>
#include <stdexcept>

namespace carecircle::test {
namespace {

struct openssl_free {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
    void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
    void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
    void operator()(EVP_CIPHER_CTX* p) const { EVP_CIPHER_CTX_free(p); }
    void operator()(BIGNUM* p) const { BN_free(p); }
    void operator()(ECDSA_SIG* p) const { ECDSA_SIG_free(p); }
    void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
    void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
    void operator()(unsigned char* p) const { OPENSSL_free(p); }
};

template <class T> using owned = std::unique_ptr<T, openssl_free>;

constexpr std::size_t point_size = 65;
constexpr std::size_t scalar_size = 32;
constexpr std::size_t header_size = 21; // salt(16) rs(4) idlen(1), before the key id
constexpr std::size_t tag_size = 16;

const unsigned char* bytes(std::string_view text) {
    return reinterpret_cast<const unsigned char*>(text.data());
}

unsigned char* bytes(std::string& text) {
    return reinterpret_cast<unsigned char*>(text.data());
}

// A P-256 key from its uncompressed point and, for our own key, its scalar; null when
// OpenSSL will not have it (a point off the curve, a scalar out of range).
owned<EVP_PKEY> p256_key(std::string_view point, std::string_view scalar = {}) {
    owned<OSSL_PARAM_BLD> builder(OSSL_PARAM_BLD_new());
    owned<BIGNUM> private_number;
    if (builder == nullptr ||
        OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, "P-256", 0) !=
            1 ||
        OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                         point.size()) != 1) {
        return nullptr;
    }
    if (!scalar.empty()) {
        private_number.reset(BN_bin2bn(bytes(scalar), static_cast<int>(scalar.size()), nullptr));
        if (private_number == nullptr ||
            OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_PRIV_KEY, private_number.get()) !=
                1) {
            return nullptr;
        }
    }
    owned<OSSL_PARAM> params(OSSL_PARAM_BLD_to_param(builder.get()));
    owned<EVP_PKEY_CTX> context(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
    EVP_PKEY* key = nullptr;
    if (params == nullptr || context == nullptr || EVP_PKEY_fromdata_init(context.get()) != 1 ||
        EVP_PKEY_fromdata(context.get(), &key,
                          scalar.empty() ? EVP_PKEY_PUBLIC_KEY : EVP_PKEY_KEYPAIR,
                          params.get()) != 1) {
        return nullptr;
    }
    return owned<EVP_PKEY>(key);
}

std::optional<std::string> ecdh(EVP_PKEY* own, EVP_PKEY* peer) {
    owned<EVP_PKEY_CTX> context(EVP_PKEY_CTX_new_from_pkey(nullptr, own, nullptr));
    std::string secret(scalar_size, '\0');
    std::size_t size = secret.size();
    if (context == nullptr || EVP_PKEY_derive_init(context.get()) != 1 ||
        EVP_PKEY_derive_set_peer(context.get(), peer) != 1 ||
        EVP_PKEY_derive(context.get(), bytes(secret), &size) != 1 || size != scalar_size) {
        return std::nullopt;
    }
    return secret;
}

// HKDF-SHA-256 through the EVP_PKEY interface (the server uses EVP_KDF), extract and expand.
std::optional<std::string> hkdf(std::string_view salt, std::string_view input,
                                std::string_view info, std::size_t length) {
    owned<EVP_PKEY_CTX> context(EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr));
    std::string out(length, '\0');
    std::size_t size = length;
    if (context == nullptr || EVP_PKEY_derive_init(context.get()) != 1 ||
        EVP_PKEY_CTX_set_hkdf_md(context.get(), EVP_sha256()) != 1 ||
        EVP_PKEY_CTX_set1_hkdf_salt(context.get(), bytes(salt), static_cast<int>(salt.size())) !=
            1 ||
        EVP_PKEY_CTX_set1_hkdf_key(context.get(), bytes(input), static_cast<int>(input.size())) !=
            1 ||
        EVP_PKEY_CTX_add1_hkdf_info(context.get(), bytes(info), static_cast<int>(info.size())) !=
            1 ||
        EVP_PKEY_derive(context.get(), bytes(out), &size) != 1 || size != length) {
        return std::nullopt;
    }
    return out;
}

std::optional<std::string> aes128gcm_open(std::string_view key, std::string_view nonce,
                                          std::string_view sealed) {
    if (sealed.size() < tag_size) {
        return std::nullopt;
    }
    const std::string_view ciphertext = sealed.substr(0, sealed.size() - tag_size);
    std::string tag(sealed.substr(ciphertext.size()));
    owned<EVP_CIPHER_CTX> context(EVP_CIPHER_CTX_new());
    std::string out(ciphertext.size(), '\0');
    int written = 0;
    int finished = 0;
    if (context == nullptr ||
        EVP_DecryptInit_ex2(context.get(), EVP_aes_128_gcm(), bytes(key), bytes(nonce), nullptr) !=
            1 ||
        EVP_DecryptUpdate(context.get(), bytes(out), &written, bytes(ciphertext),
                          static_cast<int>(ciphertext.size())) != 1 ||
        EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(tag_size),
                            bytes(tag)) != 1 ||
        EVP_DecryptFinal_ex(context.get(), bytes(out) + written, &finished) != 1) {
        return std::nullopt;
    }
    out.resize(static_cast<std::size_t>(written) + static_cast<std::size_t>(finished));
    return out;
}

std::optional<std::string> decrypt_or_nullopt(const test_subscriber& subscriber,
                                              std::string_view body) {
    if (body.size() < header_size) {
        return std::nullopt;
    }
    const std::string_view salt = body.substr(0, 16);
    std::uint32_t record_size = 0;
    for (std::size_t i = 16; i < 20; ++i) {
        record_size = (record_size << 8) | static_cast<unsigned char>(body[i]);
    }
    const auto key_id_size = static_cast<unsigned char>(body[20]);
    // RFC 8291 section 4: the key id is the sender's public point, and there is one record.
    if (key_id_size != point_size || body.size() < header_size + point_size || record_size < 18) {
        return std::nullopt;
    }
    const std::string_view sender_point = body.substr(header_size, point_size);
    const std::string_view record = body.substr(header_size + point_size);
    if (record.size() > record_size) {
        return std::nullopt;
    }

    const auto own_point = from_base64url(subscriber.p256dh);
    const auto auth = from_base64url(subscriber.auth);
    if (!own_point || !auth) {
        return std::nullopt;
    }
    const owned<EVP_PKEY> own = p256_key(*own_point, subscriber.private_key);
    const owned<EVP_PKEY> sender = p256_key(sender_point);
    if (own == nullptr || sender == nullptr) {
        return std::nullopt;
    }
    const auto shared = ecdh(own.get(), sender.get());
    if (!shared) {
        return std::nullopt;
    }
    std::string key_info("WebPush: info", 13);
    key_info += '\0';
    key_info += *own_point;
    key_info += sender_point;
    const auto ikm = hkdf(*auth, *shared, key_info, 32);
    if (!ikm) {
        return std::nullopt;
    }
    const auto key = hkdf(salt, *ikm, std::string_view("Content-Encoding: aes128gcm\0", 28), 16);
    const auto nonce = hkdf(salt, *ikm, std::string_view("Content-Encoding: nonce\0", 24), 12);
    if (!key || !nonce) {
        return std::nullopt;
    }
    auto plain = aes128gcm_open(*key, *nonce, record);
    if (!plain) {
        return std::nullopt;
    }
    // RFC 8188 section 2: zero padding after a delimiter, 0x02 in the last record.
    const auto delimiter = plain->find_last_not_of('\0');
    if (delimiter == std::string::npos || (*plain)[delimiter] != '\x02') {
        return std::nullopt;
    }
    plain->resize(delimiter);
    return plain;
}

std::optional<std::string> es256_der(std::string_view jose) {
    if (jose.size() != 2 * scalar_size) {
        return std::nullopt;
    }
    owned<BIGNUM> r(BN_bin2bn(bytes(jose), scalar_size, nullptr));
    owned<BIGNUM> s(BN_bin2bn(bytes(jose.substr(scalar_size)), scalar_size, nullptr));
    owned<ECDSA_SIG> signature(ECDSA_SIG_new());
    if (r == nullptr || s == nullptr || signature == nullptr ||
        ECDSA_SIG_set0(signature.get(), r.get(), s.get()) != 1) {
        return std::nullopt;
    }
    static_cast<void>(r.release()); // the signature owns them now
    static_cast<void>(s.release());
    unsigned char* der = nullptr;
    const int size = i2d_ECDSA_SIG(signature.get(), &der);
    const owned<unsigned char> freed(der);
    if (size <= 0) {
        return std::nullopt;
    }
    return std::string(reinterpret_cast<const char*>(der), static_cast<std::size_t>(size));
}

bool es256_verify(std::string_view point, std::string_view input, std::string_view jose) {
    const owned<EVP_PKEY> key = p256_key(point);
    const auto der = es256_der(jose);
    owned<EVP_MD_CTX> context(EVP_MD_CTX_new());
    return key != nullptr && der && context != nullptr &&
           EVP_DigestVerifyInit_ex(context.get(), nullptr, "SHA256", nullptr, nullptr, key.get(),
                                   nullptr) == 1 &&
           EVP_DigestVerify(context.get(), bytes(*der), der->size(), bytes(input), input.size()) ==
               1;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && text.front() == ' ') {
        text.remove_prefix(1);
    }
    while (!text.empty() && text.back() == ' ') {
        text.remove_suffix(1);
    }
    return text;
}

std::optional<boost::json::object> json_part(std::string_view base64url_json) {
    const auto text = from_base64url(base64url_json);
    if (!text) {
        return std::nullopt;
    }
    boost::system::error_code error;
    boost::json::value value = boost::json::parse(*text, error);
    if (error || !value.is_object()) {
        return std::nullopt;
    }
    return std::move(value.as_object());
}

} // namespace

test_subscriber::test_subscriber() {
    const owned<EVP_PKEY> key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    std::string point(point_size, '\0');
    std::size_t size = 0;
    BIGNUM* number = nullptr;
    if (key == nullptr ||
        EVP_PKEY_get_octet_string_param(key.get(), OSSL_PKEY_PARAM_PUB_KEY, bytes(point),
                                        point.size(), &size) != 1 ||
        size != point_size ||
        EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_PRIV_KEY, &number) != 1) {
        throw std::runtime_error("making a test push subscriber's key failed");
    }
    const owned<BIGNUM> scalar(number);
    private_key.assign(scalar_size, '\0');
    std::string secret(16, '\0');
    if (BN_bn2binpad(scalar.get(), bytes(private_key), scalar_size) !=
            static_cast<int>(scalar_size) ||
        RAND_bytes(bytes(secret), static_cast<int>(secret.size())) != 1) {
        throw std::runtime_error("making a test push subscriber's key failed");
    }
    p256dh = base64url(point);
    auth = base64url(secret);
}

std::optional<std::string> decrypt(const test_subscriber& subscriber, std::string_view body) {
    auto plain = decrypt_or_nullopt(subscriber, body);
    ERR_clear_error();
    return plain;
}

vapid_check check_vapid(std::string_view header) {
    vapid_check result;
    constexpr std::string_view scheme = "vapid ";
    if (header.substr(0, scheme.size()) != scheme) {
        return result;
    }
    header.remove_prefix(scheme.size());
    std::string_view token;
    while (!header.empty()) {
        const auto comma = header.find(',');
        const std::string_view part = trim(header.substr(0, comma));
        header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
        if (part.substr(0, 2) == "t=") {
            token = part.substr(2);
        } else if (part.substr(0, 2) == "k=") {
            result.key = std::string(part.substr(2));
        }
    }
    const auto first_dot = token.find('.');
    const auto second_dot =
        token.find('.', first_dot == std::string_view::npos ? 0 : first_dot + 1);
    if (first_dot == std::string_view::npos || second_dot == std::string_view::npos) {
        return result;
    }
    const auto jose_header = json_part(token.substr(0, first_dot));
    const auto claims = json_part(token.substr(first_dot + 1, second_dot - first_dot - 1));
    if (!jose_header || !claims) {
        return result;
    }
    const auto* alg = jose_header->if_contains("alg");
    const auto* aud = claims->if_contains("aud");
    const auto* sub = claims->if_contains("sub");
    const auto* exp = claims->if_contains("exp");
    if (alg == nullptr || !alg->is_string() || alg->as_string() != "ES256" || aud == nullptr ||
        !aud->is_string() || sub == nullptr || !sub->is_string() || exp == nullptr ||
        !exp->is_int64()) {
        return result;
    }
    result.aud = std::string(aud->as_string());
    result.sub = std::string(sub->as_string());
    result.exp = std::chrono::system_clock::time_point(std::chrono::seconds(exp->as_int64()));
    const auto point = from_base64url(result.key);
    const auto signature = from_base64url(token.substr(second_dot + 1));
    result.valid =
        point && signature && es256_verify(*point, token.substr(0, second_dot), *signature);
    ERR_clear_error();
    return result;
}

std::string base64url(std::string_view data) {
    std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
    const int size = EVP_EncodeBlock(bytes(out), bytes(data), static_cast<int>(data.size()));
    out.resize(static_cast<std::size_t>(size));
    while (!out.empty() && out.back() == '=') {
        out.pop_back();
    }
    for (char& c : out) {
        c = c == '+' ? '-' : c == '/' ? '_' : c;
    }
    return out;
}

std::optional<std::string> from_base64url(std::string_view text) {
    if (text.size() % 4 == 1) {
        return std::nullopt;
    }
    std::string standard;
    for (const char c : text) {
        const bool plain =
            (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!plain && c != '-' && c != '_') {
            return std::nullopt;
        }
        standard += c == '-' ? '+' : c == '_' ? '/' : c;
    }
    const std::size_t padding = (4 - standard.size() % 4) % 4;
    standard.append(padding, '=');
    std::string out(standard.size() / 4 * 3, '\0');
    const int size =
        EVP_DecodeBlock(bytes(out), bytes(standard), static_cast<int>(standard.size()));
    if (size < 0) {
        return std::nullopt;
    }
    out.resize(static_cast<std::size_t>(size) - padding);
    return out;
}

} // namespace carecircle::test
