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

// Each domain adds its operations to the table.
void add_group_handlers(handler_table& table);
void add_message_handlers(handler_table& table);
void add_moderation_handlers(handler_table& table);
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
