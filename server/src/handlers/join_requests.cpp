// Requests to join a private group (PROTOCOL.md section 3, "Groups"): the list a moderator
// sees, approval and rejection.
#include "carecircle/protocol/requests.hpp"
#include "carecircle/storage/groups.hpp"
#include "handlers/moderation_support.hpp"

namespace carecircle::server {
namespace json = boost::json;
namespace {

void groups_requests(const request_context& ctx, protocol::group_ref req) {
    json::array requests;
    for (const auto& pending : ctx.app->hub.pending_requests(req.group)) {
        requests.push_back(json::object{{"user", protocol::to_json(pending.user)},
                                        {"requested_at", format_timestamp(pending.requested_at)}});
    }
    ctx.reply({{"requests", std::move(requests)}});
}

void decide_request(const request_context& ctx, const protocol::group_member_ref& req,
                    bool approve) {
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

void groups_approve(const request_context& ctx, protocol::group_member_ref req) {
    decide_request(ctx, req, true);
}

void groups_reject(const request_context& ctx, protocol::group_member_ref req) {
    decide_request(ctx, req, false);
}

} // namespace

void add_join_request_handlers(handler_table& table) {
    add_for_moderators(table, "groups.requests", groups_requests);
    add_for_moderators(table, "groups.approve", groups_approve);
    add_for_moderators(table, "groups.reject", groups_reject);
}

} // namespace carecircle::server
