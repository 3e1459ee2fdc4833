#pragma once

// A SQLite VFS for tests that simulates losing power. It sits on top of the default VFS:
// reads and writes reach the real files at once (the operating system's page cache), but
// only what a file held at its last xSync counts as being on the disk. cut_power() makes
// every later read, write and sync fail, as if the machine had stopped; once every
// connection is closed, settle_disk() puts each file back to what was last synced, which is
// what a reboot would find.

#include <atomic>
#include <cstddef>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace carecircle::test {

class power_cut_vfs {
public:
    // Registers the VFS under `name` (not as the default). One instance per name per process.
    explicit power_cut_vfs(std::string name);
    ~power_cut_vfs();

    power_cut_vfs(const power_cut_vfs&) = delete;
    power_cut_vfs& operator=(const power_cut_vfs&) = delete;

    const std::string& name() const { return name_; }

    // The power goes off now.
    void cut_power();
    // The power goes off during the `n`th write to a WAL file from now on (that write fails),
    // so the cut lands in the middle of writing a commit.
    void cut_power_at_wal_write(std::size_t n);
    bool power_is_off() const { return power_off_; }

    // Rewrites every file this VFS has seen to its content as of its last sync (removing those
    // never synced) and removes the WAL index, which lives only in shared memory. Call only
    // when no connection through this VFS is open.
    void settle_disk();

    // How many syncs reached the simulated disk.
    std::size_t syncs() const { return syncs_; }

    // Used by the VFS callbacks.
    struct state;

private:
    std::string name_;
    std::atomic<bool> power_off_{false};
    std::atomic<std::size_t> wal_writes_until_cut_{0};
    std::atomic<std::size_t> syncs_{0};
    std::mutex mutex_;
    // What the disk holds for each file: its bytes at the last sync, or nullopt if it never
    // reached the disk.
    std::map<std::string, std::optional<std::string>> durable_;
    state* state_ = nullptr;

    friend struct state;
};

} // namespace carecircle::test
