// Moderation (PROTOCOL.md section 3, "Groups" and "Messages"): join requests, roles, removal,
// bans, mutes, message deletion, reports and the moderation log. Every action a moderator takes
// is written to the log in the same transaction as the action itself.
#include "carecircle/storage/moderation.hpp"

#include "carecircle/protocol/requests.hpp"
#include "carecircle/storage/groups.hpp"
#include "carecircle/storage/messages.hpp"
#include "carecircle/storage/time_codec.hpp"
#include "handlers/request_context.hpp"

namespace carecircle::server {
namespace json = boost::json;
namespace {

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

// The caller must be a moderator of the group (or a site moderator).
std::optional<error> check_moderator(const request_context& ctx, GroupId group) {
    return check_group_role(ctx.app->hub.access(group, ctx.user), group_role::moderator);
}

// The person acted on must be in the group; acting on oneself is refused where it makes no
// sense (a moderator leaves with groups.leave, not by removing or banning themselves).
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

// Decodes a request only a moderator of its group may make. On a bad request or a caller
// without the role, the request has already been answered with the error.
template <typename Request>
bool decode_as_moderator(const request_context& ctx, const json::object& params, Request& req) {
    if (auto problem = protocol::decode(params, req)) {
        ctx.fail(*problem);
        return false;
    }
    if (auto problem = check_moderator(ctx, req.group)) {
        ctx.fail(*problem);
        return false;
    }
    return true;
}

void commit_then_reply(const request_context& ctx, storage::writer::work work,
                       std::function<void()> after_commit = {}) {
    ctx.app->writer.submit(
        std::move(work), [ctx, after_commit = std::move(after_commit)](std::exception_ptr failure) {
            if (failure) {
                return ctx.fail(error_code::internal, "the change could not be saved");
            }
            if (after_commit) {
                after_commit();
            }
            ctx.reply({});
        });
}

void groups_requests(const request_context& ctx, const json::object& params) {
    protocol::group_ref req;
    if (!decode_as_moderator(ctx, params, req)) {
        return;
    }
    json::array requests;
    for (const auto& pending : ctx.app->hub.pending_requests(req.group)) {
        requests.push_back(json::object{{"user", protocol::to_json(pending.user)},
                                        {"requested_at", format_timestamp(pending.requested_at)}});
    }
    ctx.reply({{"requests", std::move(requests)}});
}

void decide_request(const request_context& ctx, const json::object& params, bool approve) {
    protocol::group_member_ref req;
    if (!decode_as_moderator(ctx, params, req)) {
        return;
    }
    const auto pending = ctx.app->hub.membership(req.group, req.user);
    if (!pending || pending->membership.status != membership_status::pending) {
        return ctx.fail(error_code::not_found, "there is no request from that person");
    }
    auto entry = log_of(ctx, req.group, approve ? "approve" : "reject");
    entry.target_user = req.user;
    const storage::membership_record record{
        req.group, req.user, Membership{group_role::member, membership_status::active},
        ctx.app->hub.last_seq(req.group), pending->requested_at};
    commit_then_reply(
        ctx,
        [record, entry, approve](SQLite::Database& db) {
            if (approve) {
                storage::put_membership(db, record);
            } else {
                storage::delete_membership(db, record.group, record.user);
            }
            storage::append_log(db, entry);
        },
        [ctx, record, approve] {
            auto& hub = ctx.app->hub;
            if (approve) {
                hub.put_membership(record);
                hub.set_last_read(record.group, record.user, record.last_read);
                hub.publish(audience::person(record.user),
                            make_frame(protocol::encode_event("membership.approved",
                                                              {{"group", record.group.value}})));
            } else {
                hub.remove_membership(record.group, record.user);
                hub.publish(audience::person(record.user),
                            make_frame(protocol::encode_event("membership.rejected",
                                                              {{"group", record.group.value}})));
            }
        });
}

void groups_approve(const request_context& ctx, const json::object& params) {
    decide_request(ctx, params, true);
}

void groups_reject(const request_context& ctx, const json::object& params) {
    decide_request(ctx, params, false);
}

void groups_set_role(const request_context& ctx, const json::object& params) {
    protocol::groups_set_role req;
    if (!decode_as_moderator(ctx, params, req)) {
        return;
    }
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
void take_out(const request_context& ctx, GroupId group, UserId user) {
    ctx.app->hub.remove_membership(group, user);
    ctx.app->hub.publish(
        audience::person(user),
        make_frame(protocol::encode_event("membership.removed", {{"group", group.value}})));
}

// Ends the membership named by the log entry (with a ban when given), gives up the person's
// meet-up places and logs it, all in one transaction; then tells whoever moved up a waitlist.
void commit_removal(const request_context& ctx, const storage::log_entry& entry,
                    std::optional<storage::ban_record> ban) {
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

void groups_remove(const request_context& ctx, const json::object& params) {
    protocol::group_member_ref req;
    if (!decode_as_moderator(ctx, params, req)) {
        return;
    }
    if (auto problem = check_target(ctx, req.group, req.user, false)) {
        return ctx.fail(*problem);
    }
    if (auto problem = check_not_last_moderator(ctx, req.group, req.user)) {
        return ctx.fail(*problem);
    }
    auto entry = log_of(ctx, req.group, "remove");
    entry.target_user = req.user;
    take_out(ctx, req.group, req.user);
    commit_removal(ctx, entry, std::nullopt);
}

void groups_ban(const request_context& ctx, const json::object& params) {
    protocol::groups_ban req;
    if (!decode_as_moderator(ctx, params, req)) {
        return;
    }
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
        take_out(ctx, req.group, req.user);
    }
    ctx.app->hub.put_ban(ban);
    commit_removal(ctx, entry, ban);
}

void groups_unban(const request_context& ctx, const json::object& params) {
    protocol::group_member_ref req;
    if (!decode_as_moderator(ctx, params, req)) {
        return;
    }
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

void groups_mute(const request_context& ctx, const json::object& params) {
    protocol::groups_mute req;
    if (!decode_as_moderator(ctx, params, req)) {
        return;
    }
    if (auto problem = check_target(ctx, req.group, req.user, false)) {
        return ctx.fail(*problem);
    }
    // A time in the past lifts the mute, logged as `unmute`.
    const std::optional<timestamp> until =
        req.until > storage::now() ? std::optional(req.until) : std::nullopt;
    auto entry = log_of(ctx, req.group, until ? "mute" : "unmute");
    entry.target_user = req.user;
    entry.until = until;
    commit_then_reply(
        ctx,
        [req, entry, until](SQLite::Database& db) {
            storage::set_muted_until(db, req.group, req.user, until);
            storage::append_log(db, entry);
        },
        [ctx, req, until] {
            ctx.app->hub.set_muted_until(req.group, req.user, until);
            ctx.app->hub.publish(audience::person(req.user),
                                 make_frame(protocol::encode_event(
                                     "membership.muted", {{"group", req.group.value},
                                                          {"until", time_or_null(until)}})));
        });
}

void groups_set_retention(const request_context& ctx, const json::object& params) {
    protocol::groups_set_retention req;
    if (!decode_as_moderator(ctx, params, req)) {
        return;
    }
    auto entry = log_of(ctx, req.group, "set_retention");
    entry.reason = req.retention ? std::to_string(req.retention->count()) + " days" : "for good";
    ctx.app->writer.submit(
        [req, entry](SQLite::Database& db) {
            storage::set_group_retention(db, req.group, req.retention);
            storage::append_log(db, entry);
        },
        [ctx, req](std::exception_ptr failure) {
            if (failure) {
                return ctx.fail(error_code::internal, "the change could not be saved");
            }
            auto& hub = ctx.app->hub;
            hub.set_retention(req.group, req.retention);
            const json::value days =
                req.retention ? json::value(req.retention->count()) : json::value(nullptr);
            hub.publish(audience::members_of(req.group),
                        make_frame(protocol::encode_event(
                            "group.retention_changed",
                            {{"group", req.group.value}, {"retention_days", days}})));
            auto group = hub.group_for(req.group, ctx.user);
            ctx.reply({{"group", protocol::to_json(*group, true)}});
        });
}

// After the commit: history read from memory and every member connection learn of it.
void publish_deleted(const request_context& ctx, const Message& message) {
    ctx.app->recent.mark_deleted(message);
    ctx.app->hub.publish(
        audience::members_of(message.group),
        make_frame(protocol::encode_event("message.deleted", {{"group", message.group.value},
                                                              {"message", message.id.value},
                                                              {"seq", message.seq.value}})));
}

void messages_delete(const request_context& ctx, const json::object& params) {
    protocol::message_ref req;
    if (auto problem = protocol::decode(params, req)) {
        return ctx.fail(*problem);
    }
    const auto access = ctx.app->hub.access(req.group, ctx.user);
    if (auto problem = check_can_read(access)) {
        return ctx.fail(*problem);
    }
    ctx.app->reads.submit([ctx, req, access](SQLite::Database& db) {
        std::optional<Message> message;
        try {
            message = storage::find_message(db, req.message);
        } catch (const std::exception&) {
            return ctx.fail(error_code::internal, "the message could not be read");
        }
        if (!message || message->group != req.group) {
            return ctx.fail(error_code::not_found, "no such message in this group");
        }
        const bool author = message->author.id == ctx.user.id && access.active_member();
        const bool moderator = !check_group_role(access, group_role::moderator);
        if (!author && !moderator) {
            return ctx.fail(error_code::forbidden, "only the author or a moderator may delete it");
        }
        if (message->deleted) {
            return ctx.reply({});
        }
        std::optional<storage::log_entry> entry;
        if (!author) {
            entry = log_of(ctx, req.group, "delete");
            entry->target_user = message->author.id;
            entry->message = message->id;
        }
        commit_then_reply(
            ctx,
            [id = message->id, entry](SQLite::Database& write) {
                storage::mark_message_deleted(write, id);
                if (entry) {
                    storage::append_log(write, *entry);
                }
            },
            [ctx, message = *message] { publish_deleted(ctx, message); });
    });
}

void messages_report(const request_context& ctx, const json::object& params) {
    protocol::messages_report req;
    if (auto problem = protocol::decode(params, req)) {
        return ctx.fail(*problem);
    }
    if (auto problem = check_active_member(ctx.app->hub.access(req.group, ctx.user))) {
        return ctx.fail(*problem);
    }
    auto report = std::make_shared<ReportId>();
    ctx.app->writer.submit(
        [req, report, reporter = ctx.user.id](SQLite::Database& db) {
            auto message = storage::find_message(db, req.message);
            if (!message || message->group != req.group) {
                throw std::out_of_range("no such message");
            }
            *report = storage::insert_report(db, req.group, req.message, reporter, req.reason,
                                             storage::now());
        },
        [ctx, req, report](std::exception_ptr failure) {
            if (failure) {
                try {
                    std::rethrow_exception(failure);
                } catch (const std::out_of_range&) {
                    return ctx.fail(error_code::not_found, "no such message in this group");
                } catch (...) {
                    return ctx.fail(error_code::internal, "the report could not be saved");
                }
            }
            ctx.app->hub.publish(
                audience::moderators_of(req.group),
                make_frame(protocol::encode_event(
                    "report.created", {{"group", req.group.value}, {"report", report->value}})));
            ctx.reply({{"report", json::object{{"id", report->value}}}});
        });
}

void reports_list(const request_context& ctx, const json::object& params) {
    protocol::group_ref req;
    if (!decode_as_moderator(ctx, params, req)) {
        return;
    }
    ctx.app->reads.submit([ctx, req](SQLite::Database& db) {
        try {
            json::array reports;
            for (const auto& report : storage::open_reports(db, req.group)) {
                auto message = storage::find_message(db, report.message);
                if (!message) {
                    continue;
                }
                reports.push_back(
                    json::object{{"id", report.id.value},
                                 {"message", protocol::to_json(*message)},
                                 {"reporter", user_or_null(ctx.app->hub, report.reporter)},
                                 {"reason", report.reason},
                                 {"created_at", format_timestamp(report.created_at)}});
            }
            ctx.reply({{"reports", std::move(reports)}});
        } catch (const std::exception&) {
            ctx.fail(error_code::internal, "reports could not be read");
        }
    });
}

void reports_resolve(const request_context& ctx, const json::object& params) {
    protocol::reports_resolve req;
    if (auto problem = protocol::decode(params, req)) {
        return ctx.fail(*problem);
    }
    ctx.app->reads.submit([ctx, req](SQLite::Database& db) {
        std::optional<storage::report_record> report;
        std::optional<Message> message;
        try {
            report = storage::find_report(db, req.report);
            if (report) {
                message = storage::find_message(db, report->message);
            }
        } catch (const std::exception&) {
            return ctx.fail(error_code::internal, "the report could not be read");
        }
        if (!report || !message) {
            return ctx.fail(error_code::not_found, "no such report");
        }
        // Checked against the report's own group: a moderator elsewhere learns nothing.
        if (auto problem = check_moderator(ctx, report->group)) {
            return ctx.fail(*problem);
        }
        if (report->resolved) {
            return ctx.fail(error_code::conflict, "that report is already resolved");
        }
        auto entry = log_of(ctx, report->group, "resolve");
        entry.target_user = message->author.id;
        entry.message = message->id;
        entry.reason = req.delete_message ? "delete_message" : "dismiss";
        const bool delete_message = req.delete_message && !message->deleted;
        commit_then_reply(
            ctx,
            [req, entry, delete_message, message_id = message->id,
             moderator = ctx.user.id](SQLite::Database& write) {
                if (delete_message) {
                    storage::mark_message_deleted(write, message_id);
                }
                storage::resolve_report(write, req.report, moderator, req.delete_message,
                                        storage::now());
                storage::append_log(write, entry);
            },
            [ctx, delete_message, message = *message] {
                if (delete_message) {
                    publish_deleted(ctx, message);
                }
            });
    });
}

void moderation_log(const request_context& ctx, const json::object& params) {
    protocol::moderation_log_query req;
    if (!decode_as_moderator(ctx, params, req)) {
        return;
    }
    ctx.app->reads.submit([ctx, req](SQLite::Database& db) {
        try {
            json::array entries;
            for (const auto& e : storage::read_log(db, req.group, req.before, req.limit)) {
                entries.push_back(json::object{
                    {"id", e.id},
                    {"action", e.action},
                    {"actor", user_or_null(ctx.app->hub, e.actor)},
                    {"target", user_or_null(ctx.app->hub, e.target_user)},
                    {"message", e.message ? json::value(e.message->value) : json::value(nullptr)},
                    {"reason", e.reason},
                    {"until", time_or_null(e.until)},
                    {"created_at", format_timestamp(e.created_at)}});
            }
            ctx.reply({{"entries", std::move(entries)}});
        } catch (const std::exception&) {
            ctx.fail(error_code::internal, "the log could not be read");
        }
    });
}

} // namespace

void add_moderation_handlers(handler_table& table) {
    table.emplace("groups.requests", operation{groups_requests});
    table.emplace("groups.approve", operation{groups_approve});
    table.emplace("groups.reject", operation{groups_reject});
    table.emplace("groups.set_role", operation{groups_set_role});
    table.emplace("groups.remove", operation{groups_remove});
    table.emplace("groups.ban", operation{groups_ban});
    table.emplace("groups.unban", operation{groups_unban});
    table.emplace("groups.mute", operation{groups_mute});
    table.emplace("groups.set_retention", operation{groups_set_retention});
    table.emplace("messages.delete", operation{messages_delete});
    table.emplace("messages.report", operation{messages_report, request_cost::create});
    table.emplace("reports.list", operation{reports_list});
    table.emplace("reports.resolve", operation{reports_resolve});
    table.emplace("moderation.log", operation{moderation_log});
}

} // namespace carecircle::server
