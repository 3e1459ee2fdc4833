#pragma once

// A small synchronous client for black-box tests: HTTP and WebSocket to 127.0.0.1, over
// plain TCP or over TLS (which trusts any certificate: tests compare fingerprints instead). Every
// read has a timeout, so a missing answer fails the test instead of hanging it. Failures that leave
// no value to return are thrown as std::runtime_error with a description of what was expected and
// what arrived.

#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace carecircle::test {

namespace json = boost::json;
using namespace std::chrono_literals;

using header_list = std::vector<std::pair<std::string, std::string>>;

constexpr std::chrono::milliseconds default_timeout = 5s;

// A server's port on 127.0.0.1 and whether it speaks TLS there. A bare port means plain TCP,
// so `http(port, ...)` and `http(server.address(), ...)` both read naturally.
struct server_address {
    server_address(unsigned short p, bool secure = false) : port(p), tls(secure) {}
    unsigned short port;
    bool tls;
};

// --- HTTP ---------------------------------------------------------------------

struct http_response {
    unsigned status = 0;
    header_list headers; // in the order received, names as sent
    std::string body;

    // The first value of a header (case-insensitive name), or "" when absent.
    std::string header(std::string_view name) const;
    std::vector<std::string> header_values(std::string_view name) const;
    bool has_header(std::string_view name) const;
    // The body parsed as JSON; throws with the body in the message when it is not JSON.
    json::value json() const;
    // The `error.code` of an error body, or "" when there is none.
    std::string error_code() const;
};

// Sends one request on a fresh connection. `target` is sent exactly as given
// (no normalisation or escaping), so tests can send hostile paths.
http_response http(server_address to, std::string_view method, std::string_view target,
                   const std::optional<json::value>& body = std::nullopt,
                   const header_list& headers = {});

// Same, with a raw body (e.g. malformed JSON) and a content type.
http_response http_raw(server_address to, std::string_view method, std::string_view target,
                       std::string body, const header_list& headers = {},
                       std::string_view content_type = "application/json");

header_list bearer(std::string_view token);

// --- accounts -----------------------------------------------------------------

struct account {
    json::object user; // the protocol's User object
    std::string token;
    std::string username; // as typed at registration / login
    std::string password;

    std::int64_t id() const { return user.at("id").as_int64(); }
    std::string display_name() const {
        return json::value_to<std::string>(user.at("display_name"));
    }
};

// POST /api/register; throws unless the answer is 201 with a user and a token.
account register_user(server_address to, std::string_view username, std::string_view password,
                      std::string_view display_name);
// POST /api/login; throws unless the answer is 200 with a user and a token.
account login(server_address to, std::string_view username, std::string_view password);

// --- WebSocket ----------------------------------------------------------------

struct ws_options {
    std::string token;                 // sent as `Authorization: Bearer`, when not empty
    std::string cookie;                // sent as the `Cookie` header, when not empty
    std::optional<std::string> origin; // sent as the `Origin` header, when set
    header_list headers;               // any others
    std::string target = "/ws";
};

ws_options token_auth(std::string_view token);
ws_options cookie_auth(std::string_view token); // cc_session=token

// The server's answer to an upgrade request that it refused (or 101 when it accepted).
struct upgrade_answer {
    unsigned status = 0;
    std::string body;
};

// Attempts the upgrade and reports the HTTP status; closes at once if accepted.
upgrade_answer try_upgrade(server_address to, const ws_options& options);

// Close codes as the client saw them.
constexpr int still_open = 0;           // no close within the time allowed
constexpr int closed_without_code = -1; // TCP ended without a close frame

class ws_client {
public:
    // Connects, upgrades and reads the `hello` event; throws if any step fails.
    ws_client(server_address to, const ws_options& options);
    ws_client(server_address to, std::string_view token);
    ~ws_client();
    ws_client(ws_client&&) noexcept;
    ws_client& operator=(ws_client&&) noexcept;

    // The `hello` event the server sent right after the upgrade.
    const json::object& hello() const;

    // Sends {"id":N,"type":type,...params} and returns the reply with that id.
    // Events that arrive meanwhile are kept for next_event().
    json::object request(std::string_view type, json::object params = {},
                         std::chrono::milliseconds timeout = default_timeout);
    // Like request(), but returns `result` and throws when the reply is not ok.
    json::object call(std::string_view type, json::object params = {},
                      std::chrono::milliseconds timeout = default_timeout);

    // Sends a request without waiting; returns its id for wait_reply().
    json::value send_request(std::string_view type, json::object params = {});
    // Sends an arbitrary JSON object as one text frame.
    void send_json(const json::object& frame);
    // The reply whose `id` equals `id` (a null id matches replies with "id":null).
    json::object wait_reply(const json::value& id,
                            std::chrono::milliseconds timeout = default_timeout);

    // The next buffered or arriving event named `name` (others stay buffered).
    json::object next_event(std::string_view name,
                            std::chrono::milliseconds timeout = default_timeout);
    std::optional<json::object> try_next_event(std::string_view name,
                                               std::chrono::milliseconds timeout);
    // True when no event named `name` arrives within `within`. An event that did
    // arrive is left buffered.
    bool no_event(std::string_view name, std::chrono::milliseconds within);
    // The next message of any kind (event or reply) in arrival order.
    std::optional<json::value> next_message(std::chrono::milliseconds timeout = default_timeout);

    // Raw frames. Write errors are reported as false (the server may already have closed).
    bool send_text(std::string_view text);
    bool send_binary(std::string_view bytes);
    // One text message sent as one frame per fragment (the last one ends the message).
    bool send_text_in_fragments(const std::vector<std::string_view>& fragments);
    // A ping with `payload`; the pongs that come back are counted as frames are read.
    bool send_ping(std::string_view payload);
    // Pongs received so far whose payload equals what one of our pings carried.
    int matching_pongs() const;

    // Waits for the connection to end; returns the close code the server sent,
    // closed_without_code, or still_open when it did not end within `timeout`.
    int wait_close(std::chrono::milliseconds timeout = default_timeout);
    bool is_open() const;
    // What ended the connection, for failure messages.
    std::string close_description() const;
    // Closes from the client side with a normal close.
    void close();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
    friend upgrade_answer try_upgrade(server_address to, const ws_options& options);
};

// --- TLS ----------------------------------------------------------------------

// What a bare TLS handshake with the server showed.
struct tls_handshake {
    bool ok = false;
    std::string error;       // why it failed, when it did
    std::string fingerprint; // SHA-256 of the server's certificate, lowercase hex
    std::string version;     // e.g. "TLSv1.3"
};

// Connects and completes a TLS handshake offering at most `max_version` (an OpenSSL
// TLS1_*_VERSION constant; 0 means the library's newest), then closes.
tls_handshake tls_handshake_with(unsigned short port, int max_version = 0);

// --- JSON conveniences for assertions -------------------------------------------

// `result` of an ok reply; throws with the whole reply when it is an error.
json::object result_of(const json::object& reply);
// `error.code` of an error reply, or "ok" when the reply succeeded.
std::string error_code_of(const json::object& reply);
std::string str(const json::value& v);
std::int64_t num(const json::value& v);
// `value` at a path like "result.message.seq" (throws naming the path when absent).
const json::value& at_path(const json::value& v, std::string_view path);
const json::value& at_path(const json::object& o, std::string_view path); // no copy of `o`

} // namespace carecircle::test
