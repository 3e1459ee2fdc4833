// The moderation log (PROTOCOL.md section 3, "Groups"): what the group's moderators have done,
// newest first, for its moderators to read.
#include "carecircle/protocol/requests.hpp"
#include "handlers/moderation_support.hpp"

namespace carecircle::server {
namespace json = boost::json;
namespace {

void moderation_log(const request_context& ctx, protocol::moderation_log_query req) {
    read(ctx, "the log could not be read", [ctx, req](SQLite::Database& db) {
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
                {"created_at", format_timestamp(e.created_at)},
                {"excerpt", e.excerpt ? json::value(*e.excerpt) : json::value(nullptr)}});
        }
        ctx.reply({{"entries", std::move(entries)}});
    });
}

} // namespace

void add_moderation_log_handlers(handler_table& table) {
    add_for_moderators(table, "moderation.log", moderation_log);
}

} // namespace carecircle::server
