#include "handlers/moderation_support.hpp"

#include "carecircle/protocol/validation.hpp"
#include "carecircle/storage/time_codec.hpp"

namespace carecircle::server {
namespace json = boost::json;

storage::log_entry log_of(const request_context& ctx, GroupId group, std::string action) {
    storage::log_entry entry;
    entry.group = group;
    entry.actor = ctx.user.id;
    entry.action = std::move(action);
    entry.created_at = storage::now();
    return entry;
}

json::value user_or_null(const hub& hub, std::optional<UserId> id) {
    if (!id) {
        return nullptr;
    }
    if (auto user = hub.find_user(*id)) {
        return protocol::to_json(*user);
    }
    return nullptr;
}

json::value time_or_null(std::optional<timestamp> at) {
    return at ? json::value(format_timestamp(*at)) : json::value(nullptr);
}

std::optional<error> check_moderator(const request_context& ctx, GroupId group) {
    return check_group_role(ctx.app->hub.access(group, ctx.user), group_role::moderator);
}

std::optional<error> check_target(const request_context& ctx, GroupId group, UserId target,
                                  bool self_allowed) {
    if (!self_allowed && target == ctx.user.id) {
        return make_error(error_code::bad_request, "you cannot do that to yourself");
    }
    if (!ctx.app->hub.find_user(target)) {
        return make_error(error_code::not_found, "no such user");
    }
    if (!ctx.app->hub.membership(group, target)) {
        return make_error(error_code::not_found, "that person is not in this group");
    }
    return std::nullopt;
}

void commit_then_reply(const request_context& ctx, storage::writer::work work,
                       std::function<void()> after_commit) {
    commit(ctx, "the change could not be saved", std::move(work),
           [ctx, after_commit = std::move(after_commit)] {
               if (after_commit) {
                   after_commit();
               }
               ctx.reply({});
           });
}

void publish_deleted(const request_context& ctx, const Message& message) {
    ctx.app->recent.mark_deleted(message);
    ctx.app->hub.publish(
        audience::members_of(message.group),
        make_frame(protocol::encode_event("message.deleted", {{"group", message.group.value},
                                                              {"message", message.id.value},
                                                              {"seq", message.seq.value}})));
    // The deletion took the pin with it (storage::mark_message_deleted).
    if (ctx.app->pins.remove(message.group, message.id)) {
        ctx.app->hub.publish(audience::members_of(message.group),
                             unpinned_event(message.group, message.id));
    }
}

namespace {
// Enough to recognise a message by, short enough for one line of the log.
constexpr std::size_t excerpt_code_points = 80;
} // namespace

storage::log_entry deletion_log_of(const request_context& ctx, const Message& message,
                                   std::string action) {
    auto entry = log_of(ctx, message.group, std::move(action));
    entry.target_user = message.author.id;
    entry.message = message.id;
    entry.excerpt = validation::excerpt(message.text, excerpt_code_points);
    return entry;
}

void tell_author_of_deletion(const request_context& ctx, const Message& message,
                             const storage::log_entry& entry, const std::string& reason) {
    ctx.app->hub.publish(audience::person(message.author.id),
                         make_frame(protocol::encode_event("message.deleted_by_moderator",
                                                           {{"group", message.group.value},
                                                            {"message", message.id.value},
                                                            {"seq", message.seq.value},
                                                            {"excerpt", entry.excerpt.value_or("")},
                                                            {"reason", reason}})));
}

} // namespace carecircle::server
