#pragma once

#include "carecircle/protocol/meetup_types.hpp"

#include <optional>
#include <string>

namespace carecircle::server {

// The system message that tells the group about a new meet-up.
std::string created_text(const Meetup& m);
// The system message that tells the group a meet-up is cancelled: one occurrence when given,
// otherwise the whole series.
std::string cancelled_text(const Meetup& m, std::optional<local_minutes> occurrence);

} // namespace carecircle::server
