#pragma once

#include "application.hpp"
#include "http_types.hpp"

namespace carecircle::server {

// The meet-up calendar feeds of PROTOCOL.md section 2:
//   GET /api/groups/{id}/meetups.ics  a group's feed (public groups: anyone; private: members,
//                                     by token, or by the `key` of calendar.key)
//   GET /api/calendar.ics?key=K       the feed of every meet-up in the key owner's groups
// Returns false, having done nothing, when the request is for neither; otherwise it answers
// through `respond`, possibly later and from another thread.
bool handle_calendar(application& app, const http_request& request, const responder& respond);

} // namespace carecircle::server
