// Web Push encryption (RFC 8291) and the server's VAPID identity (RFC 8292), read back with the
// test support's own decryption and signature check.
#include "push/web_push_crypto.hpp"
#include "scratch_directory.hpp"
#include "web_push_decrypt.hpp"

#include <fstream>
#include <gtest/gtest.h>
#include <memory>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>

using namespace carecircle;
using namespace carecircle::server::push;
using namespace std::chrono_literals;

namespace {

// RFC 8291, Appendix A.
constexpr std::string_view rfc_plaintext = "When I grow up, I want to be a watermelon";
constexpr std::string_view rfc_sender_private = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
constexpr std::string_view rfc_receiver_private = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94";
constexpr std::string_view rfc_receiver_public =
    "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
constexpr std::string_view rfc_auth = "BTBZMqHH6r4Tts7J_aSIgg";
constexpr std::string_view rfc_salt = "DGv6ra1nlYgDCS1FRnbzlw";
constexpr std::string_view rfc_body =
    "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS"
    "6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Q"
    "ulcy4a-fN";

subscriber_keys rfc_receiver() {
    return {base64url_decode(rfc_receiver_public), base64url_decode(rfc_auth)};
}

subscriber_keys keys_of(const test::test_subscriber& subscriber) {
    return {base64url_decode(subscriber.p256dh), base64url_decode(subscriber.auth)};
}

std::string read_file(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_key_of_another_curve(const std::filesystem::path& file) {
    const std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
        EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"), &EVP_PKEY_free);
    const std::unique_ptr<BIO, decltype(&BIO_free)> out(BIO_new_file(file.c_str(), "w"), &BIO_free);
    ASSERT_TRUE(key && out);
    ASSERT_EQ(PEM_write_bio_PrivateKey(out.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr),
              1);
}

} // namespace

TEST(WebPushEncryption, ReproducesTheWorkedExampleOfRfc8291ByteForByte) {
    const sender_material from{base64url_decode(rfc_sender_private), base64url_decode(rfc_salt)};

    const std::string body = encrypt(rfc_plaintext, rfc_receiver(), from);

    EXPECT_EQ(base64url_encode(body), rfc_body);
}

TEST(WebPushEncryption, TheRfcExampleReceiverReadsTheRfcBody) {
    test::test_subscriber receiver;
    receiver.p256dh = std::string(rfc_receiver_public);
    receiver.auth = std::string(rfc_auth);
    receiver.private_key = base64url_decode(rfc_receiver_private);

    EXPECT_EQ(test::decrypt(receiver, base64url_decode(rfc_body)), rfc_plaintext);
}

TEST(WebPushEncryption, ASubscriberReadsMessagesOfEverySize) {
    const test::test_subscriber subscriber;
    for (const std::size_t size : {0, 1, 3000, 3993}) {
        std::string message(size, '\0');
        for (std::size_t i = 0; i < size; ++i) {
            message[i] = static_cast<char>(i * 7 + 1);
        }

        const std::string body = encrypt(message, keys_of(subscriber));

        EXPECT_EQ(test::decrypt(subscriber, body), message) << size << " bytes";
        // Salt, record size, key id length, the sender's point, padding delimiter, GCM tag.
        EXPECT_EQ(body.size(), 16 + 4 + 1 + 65 + size + 1 + 16);
    }
}

TEST(WebPushEncryption, EveryMessageHasItsOwnSaltAndSenderKey) {
    const test::test_subscriber subscriber;

    const std::string first = encrypt("hello", keys_of(subscriber));
    const std::string second = encrypt("hello", keys_of(subscriber));

    EXPECT_NE(first.substr(0, 16), second.substr(0, 16));
    EXPECT_NE(first.substr(21, 65), second.substr(21, 65));
    EXPECT_EQ(test::decrypt(subscriber, second), "hello");
}

TEST(WebPushEncryption, AnAlteredByteAnywhereMakesTheMessageUnreadable) {
    const test::test_subscriber subscriber;
    const std::string body = encrypt("Ann: see you at the meet-up", keys_of(subscriber));
    // In the salt, the sender's key, the ciphertext and the tag.
    for (const std::size_t at :
         {std::size_t{3}, std::size_t{40}, std::size_t{90}, body.size() - 1}) {
        std::string altered = body;
        altered[at] = static_cast<char>(altered[at] ^ 0x01);

        EXPECT_EQ(test::decrypt(subscriber, altered), std::nullopt) << "byte " << at;
    }
}

TEST(WebPushEncryption, ACutShortBodyIsUnreadableRatherThanACrash) {
    const test::test_subscriber subscriber;
    const std::string body = encrypt("hello", keys_of(subscriber));

    for (const std::size_t size :
         {std::size_t{0}, std::size_t{20}, std::size_t{86}, body.size() - 1}) {
        EXPECT_EQ(test::decrypt(subscriber, body.substr(0, size)), std::nullopt) << size;
    }
}

TEST(WebPushEncryption, AnotherSubscriberCannotReadIt) {
    const test::test_subscriber subscriber;
    const test::test_subscriber someone_else;

    const std::string body = encrypt("for one person", keys_of(subscriber));

    EXPECT_EQ(test::decrypt(someone_else, body), std::nullopt);
}

TEST(WebPushEncryption, MalformedSubscriberKeysAreRefused) {
    const subscriber_keys good = rfc_receiver();
    subscriber_keys short_point = good;
    short_point.p256dh.pop_back();
    subscriber_keys compressed = good;
    compressed.p256dh[0] = '\x02';
    subscriber_keys off_curve = good;
    off_curve.p256dh[64] = static_cast<char>(off_curve.p256dh[64] ^ 0x01);
    subscriber_keys long_auth = good;
    long_auth.auth += 'x';
    subscriber_keys no_auth = good;
    no_auth.auth.clear();

    for (const auto& keys : {short_point, compressed, off_curve, long_auth, no_auth}) {
        EXPECT_THROW(check_subscriber_keys(keys), std::invalid_argument);
        EXPECT_THROW(encrypt("hello", keys), std::invalid_argument);
    }
    EXPECT_NO_THROW(check_subscriber_keys(good));
}

TEST(WebPushEncryption, AMessageTooLongForAPushServiceIsRefused) {
    const test::test_subscriber subscriber;

    EXPECT_THROW(encrypt(std::string(3994, 'x'), keys_of(subscriber)), std::invalid_argument);
}

TEST(WebPushEncryption, MalformedSenderMaterialIsRefused) {
    const sender_material short_salt{base64url_decode(rfc_sender_private), "salt"};
    const sender_material zero_key{std::string(32, '\0'), base64url_decode(rfc_salt)};
    const sender_material huge_key{std::string(32, '\xff'), base64url_decode(rfc_salt)};

    for (const auto& from : {short_salt, zero_key, huge_key}) {
        EXPECT_THROW(encrypt("hello", rfc_receiver(), from), std::invalid_argument);
    }
}

TEST(Base64url, RoundTripsEveryLengthAndByte) {
    std::string bytes;
    for (int i = 0; i < 300; ++i) {
        EXPECT_EQ(base64url_decode(base64url_encode(bytes)), bytes) << i << " bytes";
        bytes += static_cast<char>(255 - i);
    }
}

TEST(Base64url, UsesTheUrlAlphabetWithoutPadding) {
    EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
    EXPECT_EQ(base64url_encode(""), "");
    EXPECT_EQ(base64url_encode("a"), "YQ");
    EXPECT_EQ(base64url_decode("-_8"), "\xfb\xff");
    EXPECT_EQ(base64url_decode("YQ=="), "a");
    EXPECT_EQ(base64url_decode("YWI="), "ab");
}

TEST(Base64url, RefusesWhatIsNotBase64url) {
    for (const std::string_view text :
         {"+/8", "YQ+", "Y Q", "YQ\n", "YWJjZ", "Y=Q", "YQ=", "YQ===", "=", "YWJj=", "é"}) {
        EXPECT_THROW(base64url_decode(text), std::invalid_argument) << text;
    }
}

TEST(VapidIdentity, SignsAHeaderThePushServiceCanCheck) {
    const test::scratch_directory folder("vapid");
    const auto identity = vapid_identity::load_or_create(folder / "vapid.pem");
    const auto expires = std::chrono::system_clock::time_point(1'900'000'000s);

    const std::string header = identity.authorization("https://push.example.net:8443",
                                                      "mailto:admin@example.org", expires);

    const test::vapid_check check = test::check_vapid(header);
    EXPECT_TRUE(check.valid);
    EXPECT_EQ(check.aud, "https://push.example.net:8443");
    EXPECT_EQ(check.sub, "mailto:admin@example.org");
    EXPECT_EQ(check.exp, expires);
    EXPECT_EQ(check.key, identity.public_key());
    EXPECT_EQ(base64url_decode(identity.public_key()).size(), 65U);
}

TEST(VapidIdentity, ASignatureFromAnotherKeyOrOverOtherClaimsIsRejected) {
    const test::scratch_directory folder("vapid");
    const auto ours = vapid_identity::load_or_create(folder / "ours.pem");
    const auto theirs = vapid_identity::load_or_create(folder / "theirs.pem");
    const auto expires = std::chrono::system_clock::now() + 12h;
    const std::string header =
        ours.authorization("https://push.example.net", "mailto:a@b.c", expires);

    const std::string wrong_key = header.substr(0, header.find("k=") + 2) + theirs.public_key();
    EXPECT_FALSE(test::check_vapid(wrong_key).valid);

    // The same signature over claims naming another push service.
    const auto first_dot = header.find('.');
    const auto second_dot = header.find('.', first_dot + 1);
    const std::string other_claims =
        header.substr(0, first_dot + 1) +
        base64url_encode(
            R"({"aud":"https://evil.example","exp":1900000000,"sub":"mailto:a@b.c"})") +
        header.substr(second_dot);
    EXPECT_FALSE(test::check_vapid(other_claims).valid);
}

TEST(VapidIdentity, ClaimsAreJsonEvenWhenTheSubjectHoldsQuotes) {
    const test::scratch_directory folder("vapid");
    const auto identity = vapid_identity::load_or_create(folder / "vapid.pem");

    const auto check = test::check_vapid(identity.authorization("https://push.example.net",
                                                                R"(mailto:"a\b"@example.org)",
                                                                std::chrono::system_clock::now()));

    EXPECT_TRUE(check.valid);
    EXPECT_EQ(check.sub, R"(mailto:"a\b"@example.org)");
}

TEST(VapidIdentity, TheKeyIsMadeOwnerOnlyAndKeptAcrossRestarts) {
    const test::scratch_directory folder("vapid");
    const auto file = folder / "keys" / "vapid.pem";

    const auto first = vapid_identity::load_or_create(file);
    const auto second = vapid_identity::load_or_create(file);

    struct stat info {};
    ASSERT_EQ(::stat(file.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600U);
    EXPECT_EQ(first.public_key(), second.public_key());
    EXPECT_NE(read_file(file).find("-----BEGIN PRIVATE KEY-----"), std::string::npos);
    EXPECT_TRUE(test::check_vapid(second.authorization("https://push.example.net", "mailto:a@b.c",
                                                       std::chrono::system_clock::now()))
                    .valid);
}

TEST(VapidIdentity, AFileWithoutAP256KeyStopsTheStart) {
    const test::scratch_directory folder("vapid");
    const auto garbage = folder / "garbage.pem";
    std::ofstream(garbage)
        << "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n";
    const auto empty = folder / "empty.pem";
    const std::ofstream made_empty(empty);

    const auto p384 = folder / "p384.pem";
    write_key_of_another_curve(p384);

    for (const auto& file : {garbage, empty, p384}) {
        try {
            vapid_identity::load_or_create(file);
            ADD_FAILURE() << file << " was taken";
        } catch (const std::runtime_error& error) {
            EXPECT_NE(std::string(error.what()).find(file.string() + " holds no P-256"),
                      std::string::npos)
                << error.what();
        }
    }
    // Left for the operator to look at, not replaced by a new key.
    EXPECT_EQ(read_file(garbage).substr(0, 11), "-----BEGIN ");
}

TEST(VapidIdentity, AnUnreadableFileStopsTheStart) {
    const test::scratch_directory folder("vapid");
    const auto directory_not_file = folder / "vapid.pem";
    std::filesystem::create_directories(directory_not_file);

    EXPECT_THROW(vapid_identity::load_or_create(directory_not_file), std::runtime_error);
}
