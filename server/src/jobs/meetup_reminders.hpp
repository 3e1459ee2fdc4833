#pragma once

#include "app/application.hpp"

namespace carecircle::server {

// Every `opts.reminder_interval`, looks for occurrences starting within `opts.reminder_lead`
// and sends `{"event":"meetup.reminder",...}` to each active member going to one. Each reminder
// is recorded in the database before it is sent, so it goes out at most once per person and
// occurrence, across restarts too. A lead of zero turns reminders off. The timer runs on the
// io_context and ends with it.
void start_meetup_reminders(application& app);

} // namespace carecircle::server
