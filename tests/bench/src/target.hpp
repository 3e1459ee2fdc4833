#pragma once

// The server a scenario measures: CareCircle (started here from its binary, or already
// running) or the reference broadcast server on Node `ws` (tests/bench/reference).

#include "fleet.hpp"
#include "usage.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace carecircle::bench {

struct target_config {
    // CareCircle: started from this binary on a fresh database, unless `external.port` is set.
    std::string server_binary;
    std::vector<std::string> server_args; // appended to `serve ...`
    endpoint external;
    pid_t external_pid = 0; // for memory figures of a server started elsewhere
    std::string admin_user = "benchadmin";
    std::string admin_password = "bench-admin-password";
    // A prepared database with signed-in users (and a long history), copied for each run
    // instead of registering users again: Argon2 makes registration slow on purpose.
    std::filesystem::path fixture;
    bool write_fixture = false; // run on the fixture itself and add new users to it

    // Reference: `node script` when `reference_script` is set, else `reference_external`.
    std::string node = "node";
    std::string reference_script;
    endpoint reference_external;

    std::string server_cpus;         // affinity of the servers started here, e.g. "0"
    std::filesystem::path work_root; // temporary folders go here
    bool keep_work = false;
};

struct seeded_history {
    std::int64_t group = 0;
    std::size_t messages = 0;
};

class target {
public:
    virtual ~target() = default;

    virtual std::string name() const = 0;
    virtual endpoint where() const = 0;
    // The server's process id when known (for memory and CPU figures).
    virtual pid_t pid() const = 0;
    // Bearer tokens of `n` distinct signed-in users (empty strings where no sign-in exists).
    virtual std::vector<std::string> tokens(std::size_t n) = 0;
    // A token that may create groups.
    virtual std::string admin_token() = 0;
    // True when seed_offline() is possible: the server was started here on its own database.
    virtual bool can_seed_offline() const { return false; }
    // Stops the server, appends `count` messages to `group` through the storage library,
    // starts it again and returns the start-up time in seconds.
    virtual double seed_offline(std::int64_t, std::size_t) { return 0; }
    // A group of the fixture that already holds a long history.
    virtual std::optional<seeded_history> fixture_history() const { return std::nullopt; }
    virtual void remember_history(const seeded_history&) {}
    virtual bool is_reference() const { return false; }
    // From starting the server process to its listening line, when it was started here.
    virtual double startup_seconds() const { return 0; }
};

std::unique_ptr<target> start_carecircle(const target_config& config);
std::unique_ptr<target> start_reference(const target_config& config);

} // namespace carecircle::bench
