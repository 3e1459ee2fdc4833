// The "Groups" operations of PROTOCOL.md section 3: decode, check permission, do, reply.
#include "carecircle/storage/groups.hpp"

#include "carecircle/protocol/requests.hpp"
#include "carecircle/storage/time_codec.hpp"
#include "handlers/request_context.hpp"

namespace carecircle::server {
namespace json = boost::json;
namespace {

// From memory, so a list of many groups costs no query per group.
json::value last_message(const request_context& ctx, GroupId group) {
    const auto message = ctx.app->recent.last(group);
    if (!message) {
        return nullptr;
    }
    const auto author = ctx.app->hub.find_user(message->author.id)
                            .value_or(User{message->author.id, message->author.username,
                                           message->author.display_name, site_role::member});
    return protocol::last_message_to_json(*message, author);
}

void groups_list(const request_context& ctx) {
    json::array groups;
    for (const auto& group : ctx.app->hub.list_groups(ctx.user)) {
        const bool details =
            group.visibility == group_visibility::public_group ||
            (group.my_membership && group.my_membership->status == membership_status::active) ||
            ctx.user.role != site_role::member;
        auto out = protocol::to_json(group, details);
        out["last_message"] = details ? last_message(ctx, group.id) : json::value(nullptr);
        groups.push_back(std::move(out));
    }
    ctx.reply({{"groups", std::move(groups)}});
}

void groups_create(const request_context& ctx, protocol::groups_create req) {
    if (ctx.user.role == site_role::member) {
        return ctx.fail(error_code::forbidden, "only site moderators and admins create groups");
    }
    auto created = std::make_shared<storage::group_record>();
    auto membership = std::make_shared<storage::membership_record>();
    commit(
        ctx, "could not create the group",
        [req = std::move(req), created, membership, creator = ctx.user.id](SQLite::Database& db) {
            const auto now = storage::now();
            *created = storage::insert_group(db, req.name, req.region, req.description,
                                             req.visibility, creator, now);
            if (req.retention) {
                storage::set_group_retention(db, created->id, req.retention);
                created->retention = req.retention;
            }
            *membership = storage::membership_record{
                created->id, creator, Membership{group_role::moderator, membership_status::active},
                Seq{0}, now};
            storage::put_membership(db, *membership);
        },
        [ctx, created, membership] {
            ctx.app->hub.put_group(*created);
            ctx.app->hub.put_membership(*membership);
            auto group = ctx.app->hub.group_for(created->id, ctx.user);
            ctx.reply({{"group", protocol::to_json(*group, true)}});
        });
}

void groups_join(const request_context& ctx, protocol::group_ref req) {
    const auto access = ctx.app->hub.access(req.group, ctx.user);
    if (!access.group_exists) {
        return ctx.fail(error_code::not_found, "no such group");
    }
    if (access.membership) {
        // Joining twice changes nothing and says where the person stands.
        return ctx.reply({{"membership", protocol::to_json(*access.membership)}});
    }
    if (auto ban = ctx.app->hub.active_ban(req.group, ctx.user.id, storage::now())) {
        return ctx.fail(error_code::forbidden, ban->until
                                                   ? "you are banned from this group until " +
                                                         format_timestamp(*ban->until)
                                                   : std::string("you are banned from this group"));
    }
    const auto status = access.visibility == group_visibility::public_group
                            ? membership_status::active
                            : membership_status::pending;
    const storage::membership_record record{req.group, ctx.user.id,
                                            Membership{group_role::member, status},
                                            ctx.app->hub.last_seq(req.group), storage::now()};
    commit(
        ctx, "could not join the group",
        [record](SQLite::Database& db) { storage::put_membership(db, record); },
        [ctx, record] {
            ctx.app->hub.put_membership(record);
            if (record.membership.status == membership_status::pending) {
                ctx.app->hub.publish(
                    audience::moderators_of(record.group),
                    make_frame(protocol::encode_event(
                        "membership.requested",
                        {{"group", record.group.value}, {"user", protocol::to_json(ctx.user)}})));
            }
            ctx.reply({{"membership", protocol::to_json(record.membership)}});
        });
}

void groups_leave(const request_context& ctx, protocol::group_ref req) {
    const auto access = ctx.app->hub.access(req.group, ctx.user);
    if (!access.group_exists) {
        return ctx.fail(error_code::not_found, "no such group");
    }
    if (!access.membership) {
        return ctx.fail(error_code::forbidden, "you are not a member of this group");
    }
    if (access.active_member() && access.membership->role == group_role::moderator &&
        ctx.app->hub.moderator_count(req.group) <= 1) {
        return ctx.fail(error_code::conflict,
                        "you are the group's last moderator: make someone else moderator first");
    }
    auto promotions = std::make_shared<std::vector<storage::promotion>>();
    commit(
        ctx, "could not leave the group",
        [group = req.group, user = ctx.user.id, promotions](SQLite::Database& db) {
            storage::delete_membership(db, group, user);
            *promotions = withdraw_from_meetups(db, group, user);
        },
        [ctx, group = req.group, promotions] {
            ctx.app->hub.remove_membership(group, ctx.user.id);
            notify_promotions(ctx.app->hub, group, *promotions);
            ctx.reply({});
        });
}

void groups_members(const request_context& ctx, protocol::group_ref req) {
    const auto access = ctx.app->hub.access(req.group, ctx.user);
    if (!access.site_moderator()) {
        if (auto problem = check_active_member(access)) {
            return ctx.fail(*problem);
        }
    } else if (!access.group_exists) {
        return ctx.fail(error_code::not_found, "no such group");
    }
    // Who is muted is a moderation matter: only those who can lift a mute see it.
    const bool moderator = !check_group_role(access, group_role::moderator);
    json::array members;
    for (const auto& member : ctx.app->hub.active_members(req.group)) {
        json::object entry{{"user", protocol::to_json(member.user)},
                           {"role", to_string(member.role)},
                           {"online", member.online}};
        if (moderator) {
            entry["muted_until"] = member.muted_until
                                       ? json::value(format_timestamp(*member.muted_until))
                                       : json::value(nullptr);
        }
        members.push_back(std::move(entry));
    }
    ctx.reply({{"members", std::move(members)}});
}

} // namespace

void add_group_handlers(handler_table& table) {
    add(table, "groups.list", groups_list);
    add(table, "groups.create", groups_create, request_cost::create);
    add(table, "groups.join", groups_join);
    add(table, "groups.leave", groups_leave);
    add(table, "groups.members", groups_members);
}

} // namespace carecircle::server
