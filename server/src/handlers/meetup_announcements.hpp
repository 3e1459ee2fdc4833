#pragma once

#include "carecircle/protocol/meetup_types.hpp"

#include <optional>
#include <string>

namespace carecircle::server {

// The system message that tells the group about a new meet-up.
std::string created_text(const Meetup& m);
// The system message that tells the group a meet-up has changed: when and where it now meets.
std::string edited_text(const Meetup& m);
// The system message that tells the group a meet-up is cancelled: one occurrence when given,
// otherwise the whole series, with the organiser's reason when they gave one.
std::string cancelled_text(const Meetup& m, std::optional<local_minutes> occurrence,
                           const std::optional<std::string>& reason);
// "Wed 13 Jan 2027 at 16:00"
std::string spoken_time(local_minutes at);

} // namespace carecircle::server
