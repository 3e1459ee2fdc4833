#include "http/auth_endpoints.hpp"

#include "carecircle/protocol/credentials.hpp"
#include "carecircle/protocol/encode.hpp"
#include "carecircle/protocol/validation.hpp"
#include "carecircle/storage/time_codec.hpp"
#include "carecircle/storage/users.hpp"
#include "crypto/security.hpp"
#include "http/responses.hpp"

#include <boost/asio/post.hpp>
#include <boost/json/serialize.hpp>

namespace carecircle::server {
namespace json = boost::json;
namespace {

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
void start_session(application& app, http_request request, const User& user, bool secure,
                   http::status status, responder respond) {
    auto token = new_token();
    auto token_hash = hash_token(token);
    app.writer.submit(
        [token_hash, id = user.id](SQLite::Database& db) {
            storage::insert_session(db, token_hash, id, storage::now());
        },
        [&app, request = std::move(request), user, token, token_hash, secure, status,
         respond = std::move(respond)](const std::exception_ptr& failure) {
            if (failure) {
                respond(error_response(
                    request, make_error(error_code::internal, "could not start a session")));
                return;
            }
            app.hub.add_session(token_hash, user.id);
            respond(signed_in(request, status, user, token, secure));
        });
}

// A place in the password queue, shared by the steps of one request (std::function, which
// carries them between threads, needs copyable captures).
using queue_place = std::shared_ptr<password_queue::ticket>;

// A place for one more Argon2 hash, or the 503 to send when the queue is full.
std::optional<queue_place> enter_password_queue(application& app, const http_request& request,
                                                const responder& respond) {
    auto ticket = app.password_admission.try_enter();
    if (!ticket) {
        app.stats.password_queue_full.fetch_add(1, std::memory_order_relaxed);
        respond(retry_later(request, error_code::unavailable,
                            "too many sign-ins at once; try again shortly",
                            app.password_admission.retry_after()));
        return std::nullopt;
    }
    return std::make_shared<password_queue::ticket>(std::move(*ticket));
}

// The credentials in the body, or nothing when the bad_request has already been answered.
std::optional<protocol::credentials> credentials_of(const endpoint_call& call,
                                                    protocol::credentials_kind kind) {
    auto decoded = protocol::decode_credentials(call.request.body(), kind);
    if (const auto* problem = std::get_if<error>(&decoded)) {
        call.respond(error_response(call.request, *problem));
        return std::nullopt;
    }
    return std::get<protocol::credentials>(std::move(decoded));
}

} // namespace

void register_account(endpoint_call&& call) {
    auto& app = call.app;
    auto& request = call.request;
    auto& respond = call.respond;
    const auto& address = call.client.address;
    const bool secure = call.client.secure;
    auto sent = credentials_of(call, protocol::credentials_kind::registration);
    if (!sent) {
        return;
    }
    auto& in = *sent;
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
    auto place = enter_password_queue(app, request, respond);
    if (!place) {
        return;
    }
    // Counted only once the request is well formed, so a typo costs nobody a place. Loopback
    // is this machine (the operator's scripts and load tests), or nginx when it sent no
    // client address, and is not counted.
    if (auto wait =
            is_loopback_address(address) ? std::nullopt : app.limits.take_registration(address)) {
        return respond(retry_later(request, error_code::rate_limited,
                                   "too many new accounts from this address; try later", *wait));
    }
    boost::asio::post(app.password_pool, [&app, request = std::move(request), in, secure,
                                          place = std::move(*place),
                                          respond = std::move(respond)]() mutable {
        auto password_hash = hash_password(in.password);
        place.reset(); // the hash is done: the next one may start
        auto created = std::make_shared<std::optional<User>>();
        app.writer.submit(
            [created, in, password_hash](SQLite::Database& db) {
                *created = storage::insert_user(db, validation::normalise_username(in.username),
                                                std::string(validation::trim(in.display_name)),
                                                password_hash, site_role::member, storage::now());
            },
            [&app, created, request = std::move(request), secure,
             respond = std::move(respond)](const std::exception_ptr& failure) mutable {
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
                app.hub.put_user(**created);
                start_session(app, std::move(request), **created, secure, http::status::created,
                              std::move(respond));
            });
    });
}

namespace {

// Verifying against a fixed hash when the user does not exist keeps both answers equally slow,
// so timing does not tell which usernames exist.
const std::string& decoy_hash() {
    static const std::string hash = hash_password("decoy password, never matches");
    return hash;
}

} // namespace

void sign_in(endpoint_call&& call) {
    auto& app = call.app;
    auto& request = call.request;
    auto& respond = call.respond;
    const auto& address = call.client.address;
    const bool secure = call.client.secure;
    auto sent = credentials_of(call, protocol::credentials_kind::sign_in);
    if (!sent) {
        return;
    }
    auto& in = *sent;
    const auto username = validation::normalise_username(in.username);
    if (auto wait = app.limits.login_locked(username, address)) {
        return respond(retry_later(request, error_code::rate_limited,
                                   "too many failed sign-ins; try later", *wait));
    }
    auto place = enter_password_queue(app, request, respond);
    if (!place) {
        return;
    }
    app.reads.submit([&app, request = std::move(request), username, password = in.password, address,
                      secure, place = std::move(*place),
                      respond = std::move(respond)](SQLite::Database& db) mutable {
        std::optional<storage::user_record> found;
        try {
            found = storage::find_user_by_username(db, username);
        } catch (...) {
            return respond(
                error_response(request, make_error(error_code::internal, "database error")));
        }
        boost::asio::post(app.password_pool, [&app, request = std::move(request), found, username,
                                              password, address, secure, place = std::move(place),
                                              respond = std::move(respond)]() mutable {
            const bool ok = found ? verify_password(password, found->password_hash)
                                  : (verify_password(password, decoy_hash()), false);
            place.reset(); // the hash is done: the next one may start
            if (!ok) {
                app.limits.login_failed(username, address);
                return respond(error_response(
                    request, make_error(error_code::unauthorized, "wrong username or password")));
            }
            // The hub's copy carries the current site role.
            const User user = app.hub.find_user(found->user.id).value_or(found->user);
            start_session(app, std::move(request), user, secure, http::status::ok,
                          std::move(respond));
        });
    });
}

void sign_out(endpoint_call&& call) {
    auto& app = call.app;
    auto& request = call.request;
    auto& respond = call.respond;
    auto token = request_token(request);
    auto token_hash = token ? hash_token(*token) : std::string();
    const auto user = token ? app.hub.user_for_token(token_hash) : std::nullopt;
    if (!user) {
        return respond(
            error_response(request, make_error(error_code::unauthorized, "not signed in")));
    }
    // The token stops working at once, before the delete is even on disk.
    for (const auto& conn : app.hub.remove_session(token_hash)) {
        conn->close(1008);
    }
    app.writer.submit(
        [token_hash](SQLite::Database& db) { storage::delete_session(db, token_hash); },
        [&app, token_hash, user_id = user->id, request = std::move(request),
         respond = std::move(respond)](const std::exception_ptr& failure) {
            if (failure) {
                // The row is still on disk, so the token would work again after a restart.
                // Saying so (500) and keeping it usable until then lets the client sign out
                // again, instead of believing it is signed out when it is not.
                app.hub.add_session(token_hash, user_id);
                return respond(error_response(
                    request, make_error(error_code::internal, "could not sign out; try again")));
            }
            http_response response{http::status::no_content, request.version()};
            response.keep_alive(request.keep_alive());
            response.set(http::field::set_cookie,
                         "cc_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
            response.prepare_payload();
            respond(std::move(response));
        });
}

void who_am_i(endpoint_call&& call) {
    auto& app = call.app;
    const auto& request = call.request;
    const auto& respond = call.respond;
    auto token = request_token(request);
    auto user = token ? app.hub.user_for_token(hash_token(*token)) : std::nullopt;
    if (!user) {
        return respond(
            error_response(request, make_error(error_code::unauthorized, "not signed in")));
    }
    respond(json_response(request, http::status::ok,
                          json::serialize(json::object{{"user", protocol::to_json(*user)}})));
}

} // namespace carecircle::server
