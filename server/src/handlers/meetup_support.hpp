#pragma once

// What the meet-up handlers share: the system message a change posts in the chat, and the
// check that a meetup is one the caller may see at all.

#include "carecircle/protocol/meetup_types.hpp"
#include "carecircle/storage/meetups.hpp"
#include "carecircle/storage/messages.hpp"
#include "handlers/request_context.hpp"

#include <optional>
#include <string>

namespace carecircle::server {

storage::new_message system_message(const request_context& ctx, GroupId group, std::string text);

// After the commit, like messages.send: the hub learns the new seq, then the group sees it.
void publish_message(const request_context& ctx, const Message& message);

// A meetup of a group the caller may not read is answered as if it did not exist, so probing
// ids tells nothing about private groups. Fills `access` for the checks that follow.
std::optional<error> check_visible(const request_context& ctx,
                                   const std::optional<storage::meetup_record>& record,
                                   group_access& access);

// Whether the caller may edit or cancel the meetup and see who is coming.
std::optional<error> check_can_manage(const request_context& ctx,
                                      const storage::meetup_record& record,
                                      const group_access& access);

// meetups.edit and meetups.attendees.
void add_meetup_organising_handlers(handler_table& table);

} // namespace carecircle::server
