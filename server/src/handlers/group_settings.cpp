// A group's settings (PROTOCOL.md section 3, "Groups"): how long its messages are kept. Set by
// its moderators and written to the moderation log like their other actions.
#include "carecircle/protocol/requests.hpp"
#include "carecircle/storage/groups.hpp"
#include "handlers/moderation_support.hpp"

namespace carecircle::server {
namespace json = boost::json;
namespace {

void groups_set_retention(const request_context& ctx, protocol::groups_set_retention req) {
    auto entry = log_of(ctx, req.group, "set_retention");
    entry.reason = req.retention ? std::to_string(req.retention->count()) + " days" : "for good";
    commit(
        ctx, "the change could not be saved",
        [req, entry](SQLite::Database& db) {
            storage::set_group_retention(db, req.group, req.retention);
            storage::append_log(db, entry);
        },
        [ctx, req] {
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

} // namespace

void add_group_settings_handlers(handler_table& table) {
    add_for_moderators(table, "groups.set_retention", groups_set_retention);
}

} // namespace carecircle::server
