#pragma once

// What the moderation operations share (PROTOCOL.md section 3, "Groups" and "Messages"). Every
// action a moderator takes is written to the log in the same transaction as the action itself.

#include "carecircle/storage/moderation.hpp"
#include "handlers/request_context.hpp"

#include <boost/json/value.hpp>
#include <optional>
#include <string>

namespace carecircle::server {

// A log entry of `action` in `group` by the caller, now.
storage::log_entry log_of(const request_context& ctx, GroupId group, std::string action);

boost::json::value user_or_null(const hub& hub, std::optional<UserId> id);
boost::json::value time_or_null(std::optional<timestamp> at);

// The caller must be a moderator of the group (or a site moderator).
std::optional<error> check_moderator(const request_context& ctx, GroupId group);

// The person acted on must be in the group; acting on oneself is refused where it makes no
// sense (a moderator leaves with groups.leave, not by removing or banning themselves).
std::optional<error> check_target(const request_context& ctx, GroupId group, UserId target,
                                  bool self_allowed);

// Registers an operation only a moderator of the request's group may make: the request is
// decoded, then the caller's role checked, before the handler runs.
template <typename Request>
void add_for_moderators(handler_table& table, std::string_view op,
                        void (*handler)(const request_context&, Request),
                        request_cost cost = request_cost::read) {
    table.emplace(
        op, operation{[handler](const request_context& ctx, const boost::json::object& params) {
                          auto request = decoded<Request>(ctx, params);
                          if (!request) {
                              return;
                          }
                          if (auto problem = check_moderator(ctx, request->group)) {
                              return ctx.fail(*problem);
                          }
                          handler(ctx, std::move(*request));
                      },
                      cost});
}

// Commits `work`, then runs `after_commit` (when given) and replies with an empty result.
void commit_then_reply(const request_context& ctx, storage::writer::work work,
                       std::function<void()> after_commit = {});

// After the commit of a deletion: history read from memory and every member connection learn
// of it, and of its pin going with it.
void publish_deleted(const request_context& ctx, const Message& message);

// A log entry for a moderator's deletion of `message`: it names the author and keeps the start
// of the text, which deletion wipes.
storage::log_entry deletion_log_of(const request_context& ctx, const Message& message,
                                   std::string action);

// After the commit of a moderator's deletion: the author's connections are told which message
// went and why (the entry's excerpt and the reason given, empty when none was).
void tell_author_of_deletion(const request_context& ctx, const Message& message,
                             const storage::log_entry& entry, const std::string& reason);

} // namespace carecircle::server
