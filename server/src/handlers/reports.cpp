// Reports (PROTOCOL.md section 3, "Messages"): a member reports a message, the group's
// moderators list the open reports and resolve each by dismissing it or deleting the message.
#include "carecircle/protocol/requests.hpp"
#include "carecircle/storage/messages.hpp"
#include "carecircle/storage/time_codec.hpp"
#include "handlers/moderation_support.hpp"

namespace carecircle::server {
namespace json = boost::json;
namespace {

void messages_report(const request_context& ctx, protocol::messages_report req) {
    if (auto problem = check_active_member(ctx.app->hub.access(req.group, ctx.user))) {
        return ctx.fail(*problem);
    }
    auto report = std::make_shared<ReportId>();
    commit(
        ctx, "the report could not be saved",
        [req, report, reporter = ctx.user.id](SQLite::Database& db) {
            auto message = storage::find_message(db, req.message);
            if (!message || message->group != req.group) {
                throw refusal(make_error(error_code::not_found, "no such message in this group"));
            }
            *report = storage::insert_report(db, req.group, req.message, reporter, req.reason,
                                             storage::now());
        },
        [ctx, req, report] {
            ctx.app->hub.publish(
                audience::moderators_of(req.group),
                make_frame(protocol::encode_event(
                    "report.created", {{"group", req.group.value}, {"report", report->value}})));
            ctx.reply({{"report", json::object{{"id", report->value}}}});
        });
}

void reports_list(const request_context& ctx, protocol::group_ref req) {
    read(ctx, "reports could not be read", [ctx, req](SQLite::Database& db) {
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
    });
}

void reports_resolve(const request_context& ctx, protocol::reports_resolve req) {
    read(ctx, "the report could not be read", [ctx, req](SQLite::Database& db) {
        const auto report = storage::find_report(db, req.report);
        const auto message =
            report ? storage::find_message(db, report->message) : std::optional<Message>();
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
        const bool delete_message = req.delete_message && !message->deleted;
        auto entry = delete_message ? deletion_log_of(ctx, *message, "resolve")
                                    : log_of(ctx, report->group, "resolve");
        entry.target_user = message->author.id;
        entry.message = message->id;
        entry.reason = req.delete_message ? "delete_message" : "dismiss";
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
            [ctx, delete_message, message = *message, entry] {
                if (delete_message) {
                    publish_deleted(ctx, message);
                    // reports.resolve takes no reason: the report's own stays with moderators.
                    tell_author_of_deletion(ctx, message, entry, "");
                }
            });
    });
}

} // namespace

void add_report_handlers(handler_table& table) {
    add(table, "messages.report", messages_report, request_cost::create);
    add_for_moderators(table, "reports.list", reports_list);
    // Decoded only: the report names its group, checked once it has been read.
    add(table, "reports.resolve", reports_resolve);
}

} // namespace carecircle::server
