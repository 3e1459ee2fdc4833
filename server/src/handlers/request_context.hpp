#pragma once

#include "app/application.hpp"
#include "carecircle/protocol/encode.hpp"
#include "carecircle/storage/meetups.hpp"
#include "settings/log.hpp"
#include "transport/connection.hpp"

#include <boost/json/object.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <unordered_map>

namespace carecircle::server {

// One WebSocket request in flight: who asked, on which connection, and how to answer.
// Copyable, so a handler can carry it into the writer's or the read pool's completion.
struct request_context {
    application* app;
    std::shared_ptr<connection> conn;
    User user;
    boost::json::value id;
    std::string_view op; // a key of the handler table, which lives as long as the program
    std::chrono::steady_clock::time_point received = std::chrono::steady_clock::now();

    void reply(boost::json::object result) const {
        reply_encoded(protocol::encode_reply(id, std::move(result)));
    }
    // A reply already encoded, `{"id":ID,"ok":true,"result":...}`.
    void reply_encoded(std::string_view text) const {
        app->stats.observe_request(op, std::chrono::steady_clock::now() - received);
        conn->reply(make_frame(text));
    }
    void fail(const error& problem) const {
        app->stats.observe_request(op, std::chrono::steady_clock::now() - received);
        app->stats.count_error(to_string(problem.code));
        if (problem.code == error_code::internal) {
            log::write(log::level::error, "request.failed",
                       {{"op", op}, {"user", user.id.value}, {"reason", problem.message}});
        } else if (log::enabled(log::level::debug)) {
            log::write(log::level::debug, "request.refused",
                       {{"op", op}, {"user", user.id.value}, {"code", to_string(problem.code)}});
        }
        conn->reply(make_frame(protocol::encode_error_reply(id, problem)));
    }
    void fail(error_code code, std::string message) const {
        fail(make_error(code, std::move(message)));
    }
};

using ws_handler = std::function<void(const request_context&, const boost::json::object& params)>;
struct operation {
    ws_handler run;
    request_cost cost = request_cost::read;
};
using handler_table = std::unordered_map<std::string_view, operation>;

// The request decoded from its params, or nothing when it does not decode: then it has been
// answered with the problem.
template <typename Request>
std::optional<Request> decoded(const request_context& ctx, const boost::json::object& params) {
    Request request;
    // Found by argument-dependent lookup, beside Request in protocol.
    if (auto problem = decode(params, request)) {
        ctx.fail(*problem);
        return std::nullopt;
    }
    return request;
}

// Registers an operation whose handler takes its request already decoded.
template <typename Request>
void add(handler_table& table, std::string_view op,
         void (*handler)(const request_context&, Request), request_cost cost = request_cost::read) {
    table.emplace(
        op, operation{[handler](const request_context& ctx, const boost::json::object& params) {
                          if (auto request = decoded<Request>(ctx, params)) {
                              handler(ctx, std::move(*request));
                          }
                      },
                      cost});
}

// An operation without parameters.
void add(handler_table& table, std::string_view op, void (*handler)(const request_context&),
         request_cost cost = request_cost::read);

// A refusal found while the work runs (in the writer's transaction or on the read pool):
// throwing it rolls back that operation alone, and its error becomes the reply.
struct refusal : std::exception {
    explicit refusal(error reason) : problem(std::move(reason)) {}
    const char* what() const noexcept override { return "refused"; }
    error problem;
};

// Runs `work` in the writer's next transaction; once it has committed, `on_committed` runs
// (and replies). A refusal thrown by the work is answered with its error, anything else with
// `internal` and `what_failed`.
void commit(const request_context& ctx, std::string what_failed, storage::writer::work work,
            std::function<void()> on_committed);

// Runs `work` on the read pool, where it replies. A refusal it throws is answered with its
// error, anything else with `internal` and `what_failed`.
void read(const request_context& ctx, std::string what_failed, storage::read_pool::work work);

// Each domain adds its operations to the table (dispatch.cpp gathers them).
void add_group_handlers(handler_table& table);
void add_group_settings_handlers(handler_table& table);
void add_message_handlers(handler_table& table);
void add_join_request_handlers(handler_table& table);
void add_member_handlers(handler_table& table);
void add_message_moderation_handlers(handler_table& table);
void add_pin_handlers(handler_table& table);
void add_report_handlers(handler_table& table);
void add_moderation_log_handlers(handler_table& table);
void add_meetup_handlers(handler_table& table);

// A person who leaves or is taken out of a group gives up their meet-up places: run inside the
// writer's transaction, then tell whoever moved up from the waitlist.
std::vector<storage::promotion> withdraw_from_meetups(SQLite::Database& db, GroupId group,
                                                      UserId user);
void notify_promotions(const hub& hub, GroupId group,
                       const std::vector<storage::promotion>& promotions);

// Decodes one text frame and runs its handler; every failure becomes an error reply.
void dispatch(application& app, const std::shared_ptr<connection>& conn, UserId user,
              std::string_view frame);

} // namespace carecircle::server
