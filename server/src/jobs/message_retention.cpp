#include "jobs/message_retention.hpp"

#include "carecircle/storage/retention.hpp"
#include "carecircle/storage/time_codec.hpp"
#include "jobs/periodic.hpp"
#include "settings/log.hpp"

#include <memory>

namespace carecircle::server {
namespace {

// Messages deleted per write: small enough that a send queued behind it waits milliseconds.
constexpr int chunk = 500;

struct group_sweep {
    GroupId group;
    timestamp cutoff;
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    std::int64_t deleted = 0;
};

// The group's window of recent messages may hold some that are now gone. Read inside the
// writer's transaction, the new window misses nothing committed after it.
void reload_recent(application& app, GroupId group) {
    auto latest = std::make_shared<storage::history_page>();
    app.writer.submit([&app, group, latest](
                          SQLite::Database& db) { *latest = app.recent.read_latest(db, group); },
                      [&app, group, latest](const std::exception_ptr& failure) {
                          if (failure) {
                              // Without a window, the group's history is read from the database.
                              app.recent.forget(group);
                              return;
                          }
                          app.recent.replace(group, *latest);
                      });
}

void expire_chunk(application& app, const std::shared_ptr<group_sweep>& sweep) {
    auto result = std::make_shared<storage::expiry_result>();
    app.writer.submit(
        [sweep, result](SQLite::Database& db) {
            *result = storage::expire_messages(db, sweep->group, sweep->cutoff, chunk);
        },
        [&app, sweep, result](const std::exception_ptr& failure) {
            if (failure) {
                log::write(log::level::error, "message_retention.failed",
                           {{"group", sweep->group.value}});
                return; // the next sweep tries again
            }
            // The expired messages' pins went with them.
            for (const auto message : result->unpinned) {
                if (app.pins.remove(sweep->group, message)) {
                    app.hub.publish(audience::members_of(sweep->group),
                                    unpinned_event(sweep->group, message));
                }
            }
            sweep->deleted += result->deleted;
            app.stats.messages_expired += static_cast<std::uint64_t>(result->deleted);
            if (result->more) {
                return expire_chunk(app, sweep);
            }
            if (sweep->deleted > 0) {
                reload_recent(app, sweep->group);
                const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - sweep->started);
                log::write(log::level::info, "message_retention.swept",
                           {{"group", sweep->group.value},
                            {"deleted", sweep->deleted},
                            {"latency_ms", elapsed.count()}});
            }
        });
}

void sweep_all(application& app) {
    const auto now = storage::now();
    for (const auto& [group, keep_for] : app.hub.retention_policies()) {
        auto sweep = std::make_shared<group_sweep>();
        sweep->group = group;
        sweep->cutoff = now - keep_for;
        expire_chunk(app, sweep);
    }
}

} // namespace

void start_message_retention(application& app) {
    // A first sweep soon after start, so a server restarted often still clears old messages.
    run_periodically(app.ioc, std::chrono::seconds{1}, app.opts.retention_interval,
                     [&app] { sweep_all(app); });
}

} // namespace carecircle::server
