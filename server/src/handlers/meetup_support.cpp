#include "handlers/meetup_support.hpp"

#include "carecircle/storage/time_codec.hpp"

namespace carecircle::server {

storage::new_message system_message(const request_context& ctx, GroupId group, std::string text) {
    return storage::new_message{group,
                                Author{ctx.user.id, ctx.user.username, ctx.user.display_name},
                                message_kind::system,
                                std::move(text),
                                std::nullopt,
                                storage::now()};
}

void publish_message(const request_context& ctx, const Message& message) {
    ctx.app->hub.message_committed(message.group, message.seq);
    ctx.app->recent.append(message);
    ctx.app->hub.publish(audience::members_of(message.group),
                         make_frame(protocol::encode_event(
                             "message.created", {{"message", protocol::to_json(message)}})));
}

std::optional<error> check_visible(const request_context& ctx,
                                   const std::optional<storage::meetup_record>& record,
                                   group_access& access) {
    if (!record) {
        return make_error(error_code::not_found, "no such meetup");
    }
    access = ctx.app->hub.access(record->meetup.group, ctx.user);
    if (auto problem = check_can_read(access)) {
        if (access.visibility == group_visibility::private_group) {
            return make_error(error_code::not_found, "no such meetup");
        }
        return problem; // a pending member of a public group: forbidden, as everywhere
    }
    return std::nullopt;
}

std::optional<error> check_can_manage(const request_context& ctx,
                                      const storage::meetup_record& record,
                                      const group_access& access) {
    return check_can_manage_meetup(access, record.created_by == ctx.user.id);
}

} // namespace carecircle::server
