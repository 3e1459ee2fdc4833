#pragma once

#include "http/endpoint.hpp"

namespace carecircle::server {

// The meet-up calendar feeds of PROTOCOL.md section 2:
//   GET /api/groups/{id}/meetups.ics  a group's feed (public groups: anyone; private: members,
//                                     by token, or by the `key` of calendar.key)
//   GET /api/calendar.ics?key=K       the feed of every meet-up in the key owner's groups
void group_calendar(endpoint_call&& call);
void personal_calendar(endpoint_call&& call);

} // namespace carecircle::server
