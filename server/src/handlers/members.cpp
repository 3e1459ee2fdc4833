// What a moderator does to a group's members (PROTOCOL.md section 3, "Groups"): roles,
// removal, bans and mutes.
#include "carecircle/protocol/requests.hpp"
#include "carecircle/storage/groups.hpp"
#include "carecircle/storage/time_codec.hpp"
#include "handlers/moderation_support.hpp"

namespace carecircle::server {
namespace {

void groups_set_role(const request_context& ctx, protocol::groups_set_role req) {
    if (auto problem = check_target(ctx, req.group, req.user, true)) {
        return ctx.fail(*problem);
    }
    auto target = *ctx.app->hub.membership(req.group, req.user);
    if (target.membership.status != membership_status::active) {
        return ctx.fail(error_code::conflict, "approve the request before giving a role");
    }
    if (target.membership.role == group_role::moderator && req.role != group_role::moderator &&
        ctx.app->hub.moderator_count(req.group) <= 1) {
        return ctx.fail(error_code::conflict, "a group needs at least one moderator");
    }
    auto entry = log_of(ctx, req.group, "set_role");
    entry.target_user = req.user;
    entry.reason = std::string(to_string(req.role));
    const storage::membership_record record{req.group, req.user,
                                            Membership{req.role, membership_status::active},
                                            target.last_read, target.requested_at};
    commit_then_reply(
        ctx,
        [record, entry](SQLite::Database& db) {
            storage::put_membership(db, record);
            storage::append_log(db, entry);
        },
        [ctx, record] {
            ctx.app->hub.put_membership(record);
            ctx.app->hub.publish(
                audience::person(record.user),
                make_frame(protocol::encode_event(
                    "membership.role_changed",
                    {{"group", record.group.value}, {"role", to_string(record.membership.role)}})));
        });
}

// Removing and banning take the person out of the group's fan-out before the write commits:
// what the group says next must not reach them, even for the few milliseconds of a commit.
// They are told why (the log entry's reason) and, for a ban, until when.
void take_out(const request_context& ctx, const storage::log_entry& entry, bool banned) {
    ctx.app->hub.remove_membership(entry.group, *entry.target_user);
    ctx.app->hub.publish(audience::person(*entry.target_user),
                         make_frame(protocol::encode_event(
                             "membership.removed", {{"group", entry.group.value},
                                                    {"reason", entry.reason},
                                                    {"banned", banned},
                                                    {"until", time_or_null(entry.until)}})));
}

// Ends the membership named by the log entry (with a ban when given), gives up the person's
// meet-up places and logs it, all in one transaction; then tells whoever moved up a waitlist.
void commit_removal(const request_context& ctx, const storage::log_entry& entry,
                    const std::optional<storage::ban_record>& ban) {
    auto promotions = std::make_shared<std::vector<storage::promotion>>();
    commit_then_reply(
        ctx,
        [entry, ban, promotions](SQLite::Database& db) {
            storage::delete_membership(db, entry.group, *entry.target_user);
            *promotions = withdraw_from_meetups(db, entry.group, *entry.target_user);
            if (ban) {
                storage::put_ban(db, *ban);
            }
            storage::append_log(db, entry);
        },
        [ctx, group = entry.group, promotions] {
            notify_promotions(ctx.app->hub, group, *promotions);
        });
}

std::optional<error> check_not_last_moderator(const request_context& ctx, GroupId group,
                                              UserId user) {
    auto target = ctx.app->hub.membership(group, user);
    if (target && target->membership.role == group_role::moderator &&
        target->membership.status == membership_status::active &&
        ctx.app->hub.moderator_count(group) <= 1) {
        return make_error(error_code::conflict, "a group needs at least one moderator");
    }
    return std::nullopt;
}

void groups_remove(const request_context& ctx, protocol::groups_remove req) {
    if (auto problem = check_target(ctx, req.group, req.user, false)) {
        return ctx.fail(*problem);
    }
    if (auto problem = check_not_last_moderator(ctx, req.group, req.user)) {
        return ctx.fail(*problem);
    }
    auto entry = log_of(ctx, req.group, "remove");
    entry.target_user = req.user;
    entry.reason = std::move(req.reason);
    take_out(ctx, entry, false);
    commit_removal(ctx, entry, std::nullopt);
}

void groups_ban(const request_context& ctx, protocol::groups_ban req) {
    if (req.user == ctx.user.id) {
        return ctx.fail(error_code::bad_request, "you cannot ban yourself");
    }
    // A person who already left can still be banned, so they cannot come straight back.
    if (!ctx.app->hub.find_user(req.user)) {
        return ctx.fail(error_code::not_found, "no such user");
    }
    const auto now = storage::now();
    if (req.until && *req.until <= now) {
        return ctx.fail(error_code::bad_request, "until must be in the future");
    }
    if (auto problem = check_not_last_moderator(ctx, req.group, req.user)) {
        return ctx.fail(*problem);
    }
    const storage::ban_record ban{req.group, req.user, req.reason, req.until, ctx.user.id, now};
    auto entry = log_of(ctx, req.group, "ban");
    entry.target_user = req.user;
    entry.reason = req.reason;
    entry.until = req.until;
    if (ctx.app->hub.membership(req.group, req.user)) {
        take_out(ctx, entry, true);
    }
    ctx.app->hub.put_ban(ban);
    commit_removal(ctx, entry, ban);
}

void groups_unban(const request_context& ctx, protocol::group_member_ref req) {
    if (!ctx.app->hub.active_ban(req.group, req.user, storage::now())) {
        return ctx.fail(error_code::not_found, "that person is not banned from this group");
    }
    auto entry = log_of(ctx, req.group, "unban");
    entry.target_user = req.user;
    commit_then_reply(
        ctx,
        [req, entry](SQLite::Database& db) {
            storage::delete_ban(db, req.group, req.user);
            storage::append_log(db, entry);
        },
        [ctx, req] { ctx.app->hub.remove_ban(req.group, req.user); });
}

void groups_mute(const request_context& ctx, protocol::groups_mute req) {
    if (auto problem = check_target(ctx, req.group, req.user, false)) {
        return ctx.fail(*problem);
    }
    // A time in the past lifts the mute, logged as `unmute`.
    const std::optional<timestamp> until =
        req.until > storage::now() ? std::optional(req.until) : std::nullopt;
    auto entry = log_of(ctx, req.group, until ? "mute" : "unmute");
    entry.target_user = req.user;
    entry.until = until;
    entry.reason = req.reason;
    commit_then_reply(
        ctx,
        [req, entry, until](SQLite::Database& db) {
            storage::set_muted_until(db, req.group, req.user, until, req.reason);
            storage::append_log(db, entry);
        },
        [ctx, req, until] {
            ctx.app->hub.set_muted_until(req.group, req.user, until, req.reason);
            ctx.app->hub.publish(audience::person(req.user),
                                 make_frame(protocol::encode_event("membership.muted",
                                                                   {{"group", req.group.value},
                                                                    {"until", time_or_null(until)},
                                                                    {"reason", req.reason}})));
            // The group's other moderators keep their member lists in step.
            ctx.app->hub.publish(
                audience::moderators_of(req.group),
                make_frame(protocol::encode_event("member.muted",
                                                  {{"group", req.group.value},
                                                   {"user", user_or_null(ctx.app->hub, req.user)},
                                                   {"until", time_or_null(until)}})));
        });
}

} // namespace

void add_member_handlers(handler_table& table) {
    add_for_moderators(table, "groups.set_role", groups_set_role);
    add_for_moderators(table, "groups.remove", groups_remove);
    add_for_moderators(table, "groups.ban", groups_ban);
    add_for_moderators(table, "groups.unban", groups_unban);
    add_for_moderators(table, "groups.mute", groups_mute);
}

} // namespace carecircle::server
