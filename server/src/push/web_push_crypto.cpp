#include "push/web_push_crypto.hpp"

#include "crypto/owner_only_file.hpp"

#include <array>
#include <boost/json.hpp>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <stdexcept>

namespace carecircle::server::push {
namespace {

struct openssl_free {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
    void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
    void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
    void operator()(EVP_CIPHER_CTX* p) const { EVP_CIPHER_CTX_free(p); }
    void operator()(EVP_KDF* p) const { EVP_KDF_free(p); }
    void operator()(EVP_KDF_CTX* p) const { EVP_KDF_CTX_free(p); }
    void operator()(BIGNUM* p) const { BN_clear_free(p); }
    void operator()(BN_CTX* p) const { BN_CTX_free(p); }
    void operator()(EC_GROUP* p) const { EC_GROUP_free(p); }
    void operator()(EC_POINT* p) const { EC_POINT_free(p); }
    void operator()(ECDSA_SIG* p) const { ECDSA_SIG_free(p); }
    void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
    void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
    void operator()(BIO* p) const { BIO_free(p); }
};

template <class T> using owned = std::unique_ptr<T, openssl_free>;

constexpr std::size_t point_size = 65; // 0x04 || x || y
constexpr std::size_t scalar_size = 32;
constexpr std::size_t auth_size = 16;
constexpr std::size_t salt_size = 16;
constexpr std::size_t key_size = 16;   // AES-128
constexpr std::size_t nonce_size = 12; // RFC 8188 section 2.3
constexpr std::size_t tag_size = 16;
constexpr std::uint32_t record_size = 4096;
// RFC 8291 section 4: a push service need take no more than 4096 bytes of body, which leaves
// this much plaintext after the 86-byte header, the delimiter and the tag.
constexpr std::size_t longest_plaintext = 3993;
constexpr unsigned char last_record_delimiter = 0x02; // RFC 8188 section 2
constexpr const char* curve_name = "prime256v1";

// The queue of OpenSSL's errors belongs to the thread; leaving an entry there would show up
// in whatever this thread next asks OpenSSL.
[[noreturn]] void fail(const std::string& what) {
    std::string detail;
    if (const unsigned long code = ERR_get_error(); code != 0) {
        std::array<char, 256> text{};
        ERR_error_string_n(code, text.data(), text.size());
        detail = std::string(": ") + text.data();
    }
    ERR_clear_error();
    throw std::runtime_error("web push: " + what + detail);
}

void check(bool ok, const char* what) {
    if (!ok) {
        fail(what);
    }
}

const unsigned char* bytes(std::string_view text) {
    return reinterpret_cast<const unsigned char*>(text.data());
}

unsigned char* bytes(std::string& text) {
    return reinterpret_cast<unsigned char*>(text.data());
}

// A P-256 key from its parts; `private_scalar` may be empty for a public key only. OpenSSL
// refuses a point that is not on the curve.
owned<EVP_PKEY> make_key(std::string_view public_point, std::string_view private_scalar) {
    owned<OSSL_PARAM_BLD> builder(OSSL_PARAM_BLD_new());
    check(builder != nullptr, "OSSL_PARAM_BLD_new");
    owned<BIGNUM> scalar;
    check(OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, curve_name,
                                          0) == 1,
          "setting the curve");
    check(OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY,
                                           public_point.data(), public_point.size()) == 1,
          "setting the public key");
    if (!private_scalar.empty()) {
        scalar.reset(
            BN_bin2bn(bytes(private_scalar), static_cast<int>(private_scalar.size()), nullptr));
        check(scalar != nullptr, "BN_bin2bn");
        check(OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_PRIV_KEY, scalar.get()) == 1,
              "setting the private key");
    }
    owned<OSSL_PARAM> params(OSSL_PARAM_BLD_to_param(builder.get()));
    check(params != nullptr, "OSSL_PARAM_BLD_to_param");
    owned<EVP_PKEY_CTX> context(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
    check(context != nullptr && EVP_PKEY_fromdata_init(context.get()) == 1, "EVP_PKEY_fromdata");
    EVP_PKEY* key = nullptr;
    const int selection = private_scalar.empty() ? EVP_PKEY_PUBLIC_KEY : EVP_PKEY_KEYPAIR;
    if (EVP_PKEY_fromdata(context.get(), &key, selection, params.get()) != 1) {
        ERR_clear_error();
        return nullptr;
    }
    return owned<EVP_PKEY>(key);
}

// The subscriber's public key, checked as RFC 8291 section 3.1 asks of a receiver's key: an
// uncompressed point on P-256.
owned<EVP_PKEY> subscriber_public_key(std::string_view point) {
    if (point.size() != point_size || static_cast<unsigned char>(point[0]) != 0x04) {
        throw std::invalid_argument("p256dh is not a 65-byte uncompressed P-256 point");
    }
    owned<EVP_PKEY> key = make_key(point, {});
    bool on_curve = false;
    if (key != nullptr) {
        owned<EVP_PKEY_CTX> context(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
        on_curve = context != nullptr && EVP_PKEY_public_check(context.get()) == 1;
        ERR_clear_error();
    }
    if (!on_curve) {
        throw std::invalid_argument("p256dh is not a point on P-256");
    }
    return key;
}

// The public point of a private scalar, which EVP_PKEY_fromdata does not work out itself.
std::string public_point_of(std::string_view private_scalar) {
    owned<EC_GROUP> group(EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1));
    check(group != nullptr, "EC_GROUP_new_by_curve_name");
    owned<BIGNUM> scalar(
        BN_bin2bn(bytes(private_scalar), static_cast<int>(private_scalar.size()), nullptr));
    check(scalar != nullptr, "BN_bin2bn");
    if (BN_is_zero(scalar.get()) || BN_cmp(scalar.get(), EC_GROUP_get0_order(group.get())) >= 0) {
        throw std::invalid_argument("the sender's private key is not a P-256 scalar");
    }
    owned<BN_CTX> bn_context(BN_CTX_new());
    owned<EC_POINT> point(EC_POINT_new(group.get()));
    check(bn_context != nullptr && point != nullptr, "EC_POINT_new");
    check(EC_POINT_mul(group.get(), point.get(), scalar.get(), nullptr, nullptr,
                       bn_context.get()) == 1,
          "EC_POINT_mul");
    std::string out(point_size, '\0');
    check(EC_POINT_point2oct(group.get(), point.get(), POINT_CONVERSION_UNCOMPRESSED, bytes(out),
                             out.size(), bn_context.get()) == point_size,
          "EC_POINT_point2oct");
    return out;
}

std::string public_point_of(const EVP_PKEY* key) {
    std::string out(point_size, '\0');
    std::size_t size = 0;
    check(EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, bytes(out), out.size(),
                                          &size) == 1 &&
              size == point_size,
          "reading the public key");
    return out;
}

owned<EVP_PKEY> new_p256_key() {
    owned<EVP_PKEY> key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve_name));
    check(key != nullptr, "making a P-256 key");
    return key;
}

std::string random_bytes(std::size_t size) {
    std::string out(size, '\0');
    check(RAND_bytes(bytes(out), static_cast<int>(size)) == 1, "RAND_bytes");
    return out;
}

std::string ecdh(EVP_PKEY* own, EVP_PKEY* peer) {
    owned<EVP_PKEY_CTX> context(EVP_PKEY_CTX_new_from_pkey(nullptr, own, nullptr));
    check(context != nullptr && EVP_PKEY_derive_init(context.get()) == 1 &&
              EVP_PKEY_derive_set_peer(context.get(), peer) == 1,
          "ECDH");
    std::size_t size = 0;
    check(EVP_PKEY_derive(context.get(), nullptr, &size) == 1, "ECDH");
    std::string secret(size, '\0');
    check(EVP_PKEY_derive(context.get(), bytes(secret), &size) == 1, "ECDH");
    secret.resize(size);
    return secret;
}

// HKDF-SHA-256, extract then expand (RFC 5869).
std::string hkdf(std::string_view salt, std::string_view input, std::string_view info,
                 std::size_t length) {
    owned<EVP_KDF> kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr));
    check(kdf != nullptr, "fetching HKDF");
    owned<EVP_KDF_CTX> context(EVP_KDF_CTX_new(kdf.get()));
    check(context != nullptr, "EVP_KDF_CTX_new");
    // OSSL_PARAM wants non-const pointers, but only reads through them here.
    char digest[] = "SHA256";
    const std::array params{
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<char*>(salt.data()),
                                          salt.size()),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<char*>(input.data()),
                                          input.size()),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, const_cast<char*>(info.data()),
                                          info.size()),
        OSSL_PARAM_construct_end(),
    };
    std::string out(length, '\0');
    check(EVP_KDF_derive(context.get(), bytes(out), out.size(), params.data()) == 1, "HKDF");
    return out;
}

std::string aes128gcm_seal(std::string_view key, std::string_view nonce,
                           std::string_view plaintext) {
    owned<EVP_CIPHER_CTX> context(EVP_CIPHER_CTX_new());
    check(context != nullptr, "EVP_CIPHER_CTX_new");
    check(EVP_EncryptInit_ex2(context.get(), EVP_aes_128_gcm(), bytes(key), bytes(nonce),
                              nullptr) == 1,
          "starting AES-128-GCM");
    std::string out(plaintext.size() + tag_size, '\0');
    int written = 0;
    check(EVP_EncryptUpdate(context.get(), bytes(out), &written, bytes(plaintext),
                            static_cast<int>(plaintext.size())) == 1,
          "AES-128-GCM");
    int finished = 0;
    check(EVP_EncryptFinal_ex(context.get(), bytes(out) + written, &finished) == 1, "AES-128-GCM");
    const std::size_t sealed =
        static_cast<std::size_t>(written) + static_cast<std::size_t>(finished);
    check(sealed == plaintext.size(), "AES-128-GCM");
    check(EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_GET_TAG, tag_size, bytes(out) + sealed) ==
              1,
          "reading the GCM tag");
    return out;
}

void append_big_endian(std::string& out, std::uint32_t value) {
    for (int shift = 24; shift >= 0; shift -= 8) {
        out += static_cast<char>((value >> shift) & 0xffU);
    }
}

std::string encrypt_with(std::string_view plaintext, const subscriber_keys& to,
                         EVP_PKEY* sender_key, std::string_view sender_point,
                         std::string_view salt) {
    if (plaintext.size() > longest_plaintext) {
        throw std::invalid_argument("a push message holds at most 3993 bytes");
    }
    const owned<EVP_PKEY> receiver = subscriber_public_key(to.p256dh);
    const std::string shared = ecdh(sender_key, receiver.get());

    // RFC 8291 section 3.4.
    std::string key_info = "WebPush: info";
    key_info += '\0';
    key_info += to.p256dh;
    key_info += sender_point;
    const std::string ikm = hkdf(to.auth, shared, key_info, 32);
    const std::string cek =
        hkdf(salt, ikm, std::string_view("Content-Encoding: aes128gcm\0", 28), key_size);
    const std::string nonce =
        hkdf(salt, ikm, std::string_view("Content-Encoding: nonce\0", 24), nonce_size);

    std::string record(plaintext);
    record += static_cast<char>(last_record_delimiter);

    // RFC 8188 section 2.1: salt, record size, key id (here the sender's public point).
    std::string body(salt);
    append_big_endian(body, record_size);
    body += static_cast<char>(point_size);
    body += sender_point;
    // One record with sequence number 0, so its nonce is the derived one unchanged.
    body += aes128gcm_seal(cek, nonce, record);
    return body;
}

void check_auth(const subscriber_keys& keys) {
    if (keys.auth.size() != auth_size) {
        throw std::invalid_argument("auth is not 16 bytes");
    }
}

// --- VAPID key file ----------------------------------------------------------------------------

std::string pem_of(EVP_PKEY* key) {
    owned<BIO> memory(BIO_new(BIO_s_mem()));
    check(memory != nullptr && PEM_write_bio_PrivateKey(memory.get(), key, nullptr, nullptr, 0,
                                                        nullptr, nullptr) == 1,
          "writing the VAPID key as PEM");
    char* data = nullptr;
    const long size = BIO_get_mem_data(memory.get(), &data);
    return {data, static_cast<std::size_t>(size)};
}

bool is_p256(const EVP_PKEY* key) {
    if (EVP_PKEY_is_a(key, "EC") != 1) {
        return false;
    }
    std::array<char, 64> group{};
    std::size_t size = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group.data(), group.size(),
                                       &size) != 1) {
        ERR_clear_error();
        return false;
    }
    const std::string_view name(group.data(), size);
    return name == curve_name || name == "P-256";
}

owned<EVP_PKEY> read_key(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot read the VAPID key file " + file.string());
    }
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (in.bad()) {
        throw std::runtime_error("cannot read the VAPID key file " + file.string());
    }
    owned<BIO> memory(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
    check(memory != nullptr, "BIO_new_mem_buf");
    owned<EVP_PKEY> key(PEM_read_bio_PrivateKey(memory.get(), nullptr, nullptr, nullptr));
    ERR_clear_error();
    if (key == nullptr || !is_p256(key.get())) {
        throw std::runtime_error(file.string() +
                                 " holds no P-256 private key in PEM (the VAPID key)");
    }
    return key;
}

// --- ES256 (RFC 7518 section 3.4) ----------------------------------------------------------------

std::string es256_sign(EVP_PKEY* key, std::string_view input) {
    owned<EVP_MD_CTX> context(EVP_MD_CTX_new());
    check(context != nullptr && EVP_DigestSignInit_ex(context.get(), nullptr, "SHA256", nullptr,
                                                      nullptr, key, nullptr) == 1,
          "starting ES256");
    std::size_t size = 0;
    check(EVP_DigestSign(context.get(), nullptr, &size, bytes(input), input.size()) == 1, "ES256");
    std::string der(size, '\0');
    check(EVP_DigestSign(context.get(), bytes(der), &size, bytes(input), input.size()) == 1,
          "ES256");
    // OpenSSL gives the DER ECDSA-Sig-Value; JWS wants r and s as two 32-byte big-endian halves.
    const unsigned char* cursor = bytes(std::string_view(der).substr(0, size));
    owned<ECDSA_SIG> signature(d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(size)));
    check(signature != nullptr, "reading the ECDSA signature");
    std::string out(2 * scalar_size, '\0');
    constexpr int half = scalar_size;
    check(BN_bn2binpad(ECDSA_SIG_get0_r(signature.get()), bytes(out), half) == half &&
              BN_bn2binpad(ECDSA_SIG_get0_s(signature.get()), bytes(out) + half, half) == half,
          "writing the JOSE signature");
    return out;
}

} // namespace

struct vapid_identity::key_pair {
    owned<EVP_PKEY> key;
};

void check_subscriber_keys(const subscriber_keys& keys) {
    check_auth(keys);
    subscriber_public_key(keys.p256dh);
}

std::string encrypt(std::string_view plaintext, const subscriber_keys& to) {
    check_auth(to);
    const owned<EVP_PKEY> sender = new_p256_key();
    return encrypt_with(plaintext, to, sender.get(), public_point_of(sender.get()),
                        random_bytes(salt_size));
}

std::string encrypt(std::string_view plaintext, const subscriber_keys& to,
                    const sender_material& from) {
    check_auth(to);
    if (from.private_key.size() != scalar_size || from.salt.size() != salt_size) {
        throw std::invalid_argument("sender material needs a 32-byte key and a 16-byte salt");
    }
    const std::string point = public_point_of(from.private_key);
    const owned<EVP_PKEY> sender = make_key(point, from.private_key);
    check(sender != nullptr, "building the sender's key");
    return encrypt_with(plaintext, to, sender.get(), point, from.salt);
}

vapid_identity vapid_identity::load_or_create(const std::filesystem::path& file) {
    if (!std::filesystem::exists(file)) {
        create_owner_only_file(file, [] { return pem_of(new_p256_key().get()); });
    }
    auto keys = std::make_shared<key_pair>(key_pair{read_key(file)});
    std::string public_key = base64url_encode(public_point_of(keys->key.get()));
    return vapid_identity(std::move(keys), std::move(public_key));
}

vapid_identity::vapid_identity(std::shared_ptr<const key_pair> keys, std::string public_key)
    : keys_(std::move(keys)), public_key_(std::move(public_key)) {}

std::string vapid_identity::authorization(std::string_view audience, std::string_view subject,
                                          std::chrono::system_clock::time_point expires) const {
    const boost::json::object header{{"typ", "JWT"}, {"alg", "ES256"}};
    const boost::json::object claims{
        {"aud", audience},
        {"exp",
         std::chrono::duration_cast<std::chrono::seconds>(expires.time_since_epoch()).count()},
        {"sub", subject},
    };
    const std::string signing_input = base64url_encode(boost::json::serialize(header)) + "." +
                                      base64url_encode(boost::json::serialize(claims));
    const std::string signature = es256_sign(keys_->key.get(), signing_input);
    return "vapid t=" + signing_input + "." + base64url_encode(signature) + ", k=" + public_key_;
}

std::string base64url_encode(std::string_view data) {
    if (data.empty()) {
        return {};
    }
    std::string out(4 * ((data.size() + 2) / 3) + 1, '\0'); // EVP_EncodeBlock adds a NUL
    const int size = EVP_EncodeBlock(bytes(out), bytes(data), static_cast<int>(data.size()));
    out.resize(static_cast<std::size_t>(size));
    while (!out.empty() && out.back() == '=') {
        out.pop_back();
    }
    for (char& c : out) {
        if (c == '+') {
            c = '-';
        } else if (c == '/') {
            c = '_';
        }
    }
    return out;
}

std::string base64url_decode(std::string_view text) {
    std::size_t padding = 0;
    while (padding < text.size() && text[text.size() - 1 - padding] == '=') {
        ++padding;
    }
    text.remove_suffix(padding);
    // A lone character carries 6 bits, less than a byte; padding, when present, must be exact.
    if (text.size() % 4 == 1 || padding > 2 || (padding != 0 && (text.size() + padding) % 4 != 0)) {
        throw std::invalid_argument("not base64url: wrong length or padding");
    }
    std::string standard(text);
    for (char& c : standard) {
        if (c == '-') {
            c = '+';
        } else if (c == '_') {
            c = '/';
        } else if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
            throw std::invalid_argument("not base64url: unexpected character");
        }
    }
    const std::size_t missing = (4 - standard.size() % 4) % 4;
    standard.append(missing, '=');
    if (standard.empty()) {
        return {};
    }
    std::string out(standard.size() / 4 * 3, '\0');
    const int size =
        EVP_DecodeBlock(bytes(out), bytes(standard), static_cast<int>(standard.size()));
    if (size < 0) {
        throw std::invalid_argument("not base64url");
    }
    // EVP_DecodeBlock counts the bytes the padding stands for as zeros.
    out.resize(static_cast<std::size_t>(size) - missing);
    return out;
}

} // namespace carecircle::server::push
