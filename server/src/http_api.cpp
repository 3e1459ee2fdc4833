#include "http_api.hpp"

#include "carecircle/protocol/encode.hpp"
#include "carecircle/protocol/validation.hpp"
#include "carecircle/storage/database.hpp"
#include "carecircle/storage/time_codec.hpp"
#include "carecircle/storage/users.hpp"
#include "http_calendar.hpp"
#include "security.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace carecircle::server {
namespace json = boost::json;
namespace {

struct credentials {
    std::string username;
    std::string password;
    std::string display_name;
};

// Reads the JSON body into named string fields, refusing anything that is not an object of
// strings where strings are expected.
std::optional<error> read_credentials(const http_request& request, bool with_display_name,
                                      credentials& out) {
    boost::system::error_code ec;
    const json::value body = json::parse(request.body(), ec);
    if (ec || !body.is_object()) {
        return make_error(error_code::bad_request, "the body must be a JSON object");
    }
    const auto& fields = body.get_object();
    auto read = [&](std::string_view key, std::string& into) -> std::optional<error> {
        const auto* value = fields.if_contains(key);
        if (value == nullptr || !value->is_string()) {
            return make_error(error_code::bad_request, std::string(key) + " must be a string");
        }
        into.assign(value->get_string().data(), value->get_string().size());
        return std::nullopt;
    };
    if (auto problem = read("username", out.username)) {
        return problem;
    }
    if (auto problem = read("password", out.password)) {
        return problem;
    }
    if (with_display_name) {
        if (auto problem = read("display_name", out.display_name)) {
            return problem;
        }
    }
    return std::nullopt;
}

std::string session_cookie(const std::string& token, bool secure) {
    std::string cookie = "cc_session=" + token + "; HttpOnly; SameSite=Strict; Path=/";
    if (secure) {
        cookie += "; Secure";
    }
    return cookie;
}

http_response signed_in(const http_request& request, http::status status, const User& user,
                        const std::string& token, bool secure) {
    auto response = json_response(
        request, status,
        json::serialize(json::object{{"user", protocol::to_json(user)}, {"token", token}}));
    response.set(http::field::set_cookie, session_cookie(token, secure));
    return response;
}

// Opens a sign-in session for `user`: the token's hash is committed before the token is given.
void start_session(application& app, http_request request, User user, bool secure,
                   http::status status, responder respond) {
    auto token = new_token();
    auto token_hash = hash_token(token);
    app.writer.submit(
        [token_hash, id = user.id](SQLite::Database& db) {
            storage::insert_session(db, token_hash, id, storage::now());
        },
        [&app, request = std::move(request), user, token, token_hash, secure, status,
         respond = std::move(respond)](std::exception_ptr failure) {
            if (failure) {
                respond(error_response(
                    request, make_error(error_code::internal, "could not start a session")));
                return;
            }
            app.state.add_session(token_hash, user.id);
            respond(signed_in(request, status, user, token, secure));
        });
}

void handle_register(application& app, http_request request, const std::string& address,
                     bool secure, responder respond) {
    credentials in;
    if (auto problem = read_credentials(request, true, in)) {
        return respond(error_response(request, *problem));
    }
    std::optional<std::string> problem = validation::check_username(in.username);
    if (!problem) {
        problem = validation::check_password(in.password);
    }
    if (!problem) {
        problem = validation::check_display_name(in.display_name);
    }
    if (problem) {
        return respond(error_response(request, make_error(error_code::bad_request, *problem)));
    }
    // Counted only once the request is well formed, so a typo costs nobody a place. Loopback
    // is this machine (the operator's scripts and load tests), or nginx when it sent no
    // client address, and is not counted.
    if (auto wait =
            is_loopback_address(address) ? std::nullopt : app.state.take_registration(address)) {
        auto limited = make_error(error_code::rate_limited,
                                  "too many new accounts from this address; try later");
        limited.retry_after_ms = std::chrono::milliseconds(*wait).count();
        auto response = error_response(request, limited);
        response.set(http::field::retry_after, std::to_string(wait->count()));
        return respond(std::move(response));
    }
    boost::asio::post(app.password_pool, [&app, request = std::move(request), in, secure,
                                          respond = std::move(respond)]() mutable {
        auto password_hash = hash_password(in.password);
        auto created = std::make_shared<std::optional<User>>();
        app.writer.submit(
            [created, in, password_hash](SQLite::Database& db) {
                *created = storage::insert_user(db, validation::normalise_username(in.username),
                                                std::string(validation::trim(in.display_name)),
                                                password_hash, site_role::member, storage::now());
            },
            [&app, created, request = std::move(request), secure,
             respond = std::move(respond)](std::exception_ptr failure) mutable {
                if (failure) {
                    try {
                        std::rethrow_exception(failure);
                    } catch (const storage::username_taken&) {
                        return respond(error_response(
                            request, make_error(error_code::conflict, "that username is taken")));
                    } catch (...) {
                        return respond(
                            error_response(request, make_error(error_code::internal,
                                                               "could not create the account")));
                    }
                }
                app.state.put_user(**created);
                start_session(app, std::move(request), **created, secure, http::status::created,
                              std::move(respond));
            });
    });
}

// Verifying against a fixed hash when the user does not exist keeps both answers equally slow,
// so timing does not tell which usernames exist.
const std::string& decoy_hash() {
    static const std::string hash = hash_password("decoy password, never matches");
    return hash;
}

void handle_login(application& app, http_request request, const std::string& address, bool secure,
                  responder respond) {
    credentials in;
    if (auto problem = read_credentials(request, false, in)) {
        return respond(error_response(request, *problem));
    }
    const auto username = validation::normalise_username(in.username);
    if (auto wait = app.state.login_locked(username, address)) {
        auto problem = make_error(error_code::rate_limited, "too many failed sign-ins; try later");
        problem.retry_after_ms = std::chrono::milliseconds(*wait).count();
        auto response = error_response(request, problem);
        response.set(http::field::retry_after, std::to_string(wait->count()));
        return respond(std::move(response));
    }
    app.reads.submit([&app, request = std::move(request), username, password = in.password, address,
                      secure, respond = std::move(respond)](SQLite::Database& db) mutable {
        std::optional<storage::user_record> found;
        try {
            found = storage::find_user_by_username(db, username);
        } catch (...) {
            return respond(
                error_response(request, make_error(error_code::internal, "database error")));
        }
        boost::asio::post(app.password_pool, [&app, request = std::move(request), found, username,
                                              password, address, secure,
                                              respond = std::move(respond)]() mutable {
            const bool ok = found ? verify_password(password, found->password_hash)
                                  : (verify_password(password, decoy_hash()), false);
            if (!ok) {
                app.state.login_failed(username, address);
                return respond(error_response(
                    request, make_error(error_code::unauthorized, "wrong username or password")));
            }
            // The hub's copy carries the current site role.
            const User user = app.state.find_user(found->user.id).value_or(found->user);
            start_session(app, std::move(request), user, secure, http::status::ok,
                          std::move(respond));
        });
    });
}

void handle_logout(application& app, http_request request, responder respond) {
    auto token = request_token(request);
    if (!token || !app.state.user_for_token(hash_token(*token))) {
        return respond(
            error_response(request, make_error(error_code::unauthorized, "not signed in")));
    }
    auto token_hash = hash_token(*token);
    // The token stops working at once, before the delete is even on disk.
    for (const auto& conn : app.state.remove_session(token_hash)) {
        conn->close(1008);
    }
    app.writer.submit(
        [token_hash](SQLite::Database& db) { storage::delete_session(db, token_hash); },
        [request = std::move(request), respond = std::move(respond)](std::exception_ptr) {
            http_response response{http::status::no_content, request.version()};
            response.keep_alive(request.keep_alive());
            response.set(http::field::set_cookie,
                         "cc_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
            response.prepare_payload();
            respond(std::move(response));
        });
}

void handle_me(application& app, const http_request& request, const responder& respond) {
    auto token = request_token(request);
    auto user = token ? app.state.user_for_token(hash_token(*token)) : std::nullopt;
    if (!user) {
        return respond(
            error_response(request, make_error(error_code::unauthorized, "not signed in")));
    }
    respond(json_response(request, http::status::ok,
                          json::serialize(json::object{{"user", protocol::to_json(*user)}})));
}

} // namespace

bool is_loopback_address(const std::string& address) {
    boost::system::error_code ec;
    auto parsed = boost::asio::ip::make_address(address, ec);
    if (ec) {
        return false;
    }
    if (parsed.is_v6() && parsed.to_v6().is_v4_mapped()) {
        parsed = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, parsed.to_v6());
    }
    return parsed.is_loopback();
}

namespace {

void handle_metrics(application& app, const http_request& request, const std::string& address,
                    const responder& respond) {
    const auto token = request_token(request);
    const bool allowed =
        is_loopback_address(address) ||
        (token && !app.opts.metrics_token.empty() && same_secret(*token, app.opts.metrics_token));
    if (!allowed) {
        return respond(error_response(
            request, make_error(error_code::forbidden, "metrics are for the operator only")));
    }
    http_response response{http::status::ok, request.version()};
    response.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
    response.set(http::field::cache_control, "no-store");
    response.keep_alive(request.keep_alive());
    response.body() = app.stats.render(app.writer.queue_depth());
    response.prepare_payload();
    respond(std::move(response));
}

// Ready when a write transaction goes through the writer and the schema is current.
void handle_ready(application& app, http_request request, responder respond) {
    auto version = std::make_shared<int>(0);
    app.writer.submit(
        [version](SQLite::Database& db) {
            *version = storage::schema_version(db);
            db.exec("CREATE TEMP TABLE IF NOT EXISTS readiness_probe (x)");
            db.exec("INSERT INTO readiness_probe VALUES (1)");
            db.exec("DELETE FROM readiness_probe");
        },
        [version, request = std::move(request),
         respond = std::move(respond)](std::exception_ptr failure) {
            const bool ready = !failure && *version == storage::latest_schema_version();
            json::object body{{"status", ready ? "ready" : "unavailable"},
                              {"schema_version", *version},
                              {"database_writable", !failure}};
            respond(json_response(request,
                                  ready ? http::status::ok : http::status::service_unavailable,
                                  json::serialize(body)));
        });
}

} // namespace

http_response json_response(const http_request& request, http::status status, std::string body) {
    http_response response{status, request.version()};
    response.set(http::field::content_type, "application/json; charset=utf-8");
    response.set(http::field::cache_control, "no-store");
    response.keep_alive(request.keep_alive());
    response.body() = std::move(body);
    response.prepare_payload();
    return response;
}

http_response error_response(const http_request& request, const error& problem) {
    return json_response(request, static_cast<http::status>(http_status(problem.code)),
                         protocol::encode_http_error(problem));
}

void handle_api(application& app, http_request request, std::string remote_address, bool secure,
                responder respond) {
    const std::string target(request.target());
    const auto method = request.method();
    if (target == "/healthz" && (method == http::verb::get || method == http::verb::head)) {
        return respond(json_response(request, http::status::ok, R"({"status":"ok"})"));
    }
    if (target == "/readyz" && (method == http::verb::get || method == http::verb::head)) {
        return handle_ready(app, std::move(request), std::move(respond));
    }
    if (target == "/metrics" && method == http::verb::get) {
        return handle_metrics(app, request, remote_address, respond);
    }
    if (target == "/api/register" && method == http::verb::post) {
        return handle_register(app, std::move(request), remote_address, secure, std::move(respond));
    }
    if (target == "/api/login" && method == http::verb::post) {
        return handle_login(app, std::move(request), remote_address, secure, std::move(respond));
    }
    if (target == "/api/logout" && method == http::verb::post) {
        return handle_logout(app, std::move(request), std::move(respond));
    }
    if (target == "/api/me" && method == http::verb::get) {
        return handle_me(app, request, respond);
    }
    if (handle_calendar(app, request, respond)) {
        return;
    }
    respond(error_response(request, make_error(error_code::not_found, "no such endpoint")));
}

std::optional<std::string> request_token(const http_request& request) {
    if (auto auth = request.find(http::field::authorization); auth != request.end()) {
        const std::string_view value = auth->value();
        constexpr std::string_view bearer = "Bearer ";
        if (value.size() > bearer.size() && value.substr(0, bearer.size()) == bearer) {
            return std::string(value.substr(bearer.size()));
        }
    }
    // Cookie: name=value pairs separated by "; " (RFC 6265 section 4.2.1).
    for (auto it = request.find(http::field::cookie);
         it != request.end() && it->name() == http::field::cookie; ++it) {
        std::string_view rest = it->value();
        while (!rest.empty()) {
            const auto end = rest.find(';');
            auto pair = validation::trim(rest.substr(0, end));
            rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
            constexpr std::string_view name = "cc_session=";
            if (pair.substr(0, name.size()) == name) {
                return std::string(pair.substr(name.size()));
            }
        }
    }
    return std::nullopt;
}

} // namespace carecircle::server
