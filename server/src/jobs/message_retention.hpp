#pragma once

#include "app/application.hpp"

namespace carecircle::server {

// Every `opts.retention_interval`, deletes the messages of each group with a retention period
// that are older than that period (see storage::expire_messages for what is kept). The work is
// cut into short writes, so sends keep flowing while a large backlog is cleared. Each group's
// sweep is logged as `message_retention.swept` with the number deleted. The timer runs on the
// io_context and ends with it.
void start_message_retention(application& app);

} // namespace carecircle::server
