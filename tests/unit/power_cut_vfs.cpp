#include "power_cut_vfs.hpp"

#include <fstream>
#include <iterator>
#include <new>
#include <sqlite3.h>
#include <stdexcept>
#include <system_error>

namespace carecircle::test {

struct power_cut_vfs::state {
    sqlite3_vfs vfs{};
    sqlite3_vfs* real = nullptr;
    power_cut_vfs* owner = nullptr;

    bool off() const { return owner->power_off_; }

    // Counts down to the armed cut; true when this write is the one the power dies in.
    bool wal_write_cuts_power() {
        if (owner->wal_writes_until_cut_.load() == 0)
            return false;
        if (owner->wal_writes_until_cut_.fetch_sub(1) != 1)
            return false;
        owner->cut_power();
        return true;
    }

    void remember_disk_content(const std::string& path) {
        std::lock_guard lock(owner->mutex_);
        if (owner->durable_.contains(path))
            return;
        std::ifstream in(path, std::ios::binary);
        if (!in)
            owner->durable_[path] = std::nullopt;
        else
            owner->durable_[path] =
                std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }

    void reach_disk(const std::string& path) {
        std::lock_guard lock(owner->mutex_);
        std::ifstream in(path, std::ios::binary);
        owner->durable_[path] =
            std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        ++owner->syncs_;
    }

    void forget_file(const std::string& path) {
        std::lock_guard lock(owner->mutex_);
        owner->durable_[path] = std::nullopt;
    }
};

namespace {

using state = power_cut_vfs::state;

// SQLite allocates vfs.szOsFile bytes per open file: this header, then the real file.
struct cut_file {
    sqlite3_file base; // first, so SQLite's pointer is ours
    state* owner;
    std::string path; // empty for temporary files, which are not tracked
    bool is_wal;

    sqlite3_file* real() { return reinterpret_cast<sqlite3_file*>(this + 1); }
};
static_assert(sizeof(cut_file) % alignof(std::max_align_t) == 0 || sizeof(cut_file) % 8 == 0,
              "the real file that follows must stay pointer-aligned");

cut_file* as_cut(sqlite3_file* file) {
    return reinterpret_cast<cut_file*>(file);
}

int file_close(sqlite3_file* file) {
    auto* f = as_cut(file);
    const int rc = f->real()->pMethods ? f->real()->pMethods->xClose(f->real()) : SQLITE_OK;
    f->~cut_file();
    return rc;
}

int file_read(sqlite3_file* file, void* buffer, int amount, sqlite3_int64 offset) {
    auto* f = as_cut(file);
    if (f->owner->off())
        return SQLITE_IOERR_READ;
    return f->real()->pMethods->xRead(f->real(), buffer, amount, offset);
}

int file_write(sqlite3_file* file, const void* buffer, int amount, sqlite3_int64 offset) {
    auto* f = as_cut(file);
    if (f->owner->off() || (f->is_wal && f->owner->wal_write_cuts_power()))
        return SQLITE_IOERR_WRITE;
    return f->real()->pMethods->xWrite(f->real(), buffer, amount, offset);
}

int file_truncate(sqlite3_file* file, sqlite3_int64 size) {
    auto* f = as_cut(file);
    if (f->owner->off())
        return SQLITE_IOERR_TRUNCATE;
    return f->real()->pMethods->xTruncate(f->real(), size);
}

// The simulated disk is the record kept here, so no real fsync is needed (and the test
// stays fast on slow disks).
int file_sync(sqlite3_file* file, int) {
    auto* f = as_cut(file);
    if (f->owner->off())
        return SQLITE_IOERR_FSYNC;
    if (!f->path.empty())
        f->owner->reach_disk(f->path);
    return SQLITE_OK;
}

int file_size(sqlite3_file* file, sqlite3_int64* size) {
    auto* f = as_cut(file);
    return f->real()->pMethods->xFileSize(f->real(), size);
}

int file_lock(sqlite3_file* file, int level) {
    auto* f = as_cut(file);
    return f->real()->pMethods->xLock(f->real(), level);
}

int file_unlock(sqlite3_file* file, int level) {
    auto* f = as_cut(file);
    return f->real()->pMethods->xUnlock(f->real(), level);
}

int file_check_reserved_lock(sqlite3_file* file, int* out) {
    auto* f = as_cut(file);
    return f->real()->pMethods->xCheckReservedLock(f->real(), out);
}

int file_control(sqlite3_file* file, int op, void* arg) {
    auto* f = as_cut(file);
    return f->real()->pMethods->xFileControl(f->real(), op, arg);
}

int file_sector_size(sqlite3_file* file) {
    auto* f = as_cut(file);
    return f->real()->pMethods->xSectorSize(f->real());
}

int file_device_characteristics(sqlite3_file* file) {
    auto* f = as_cut(file);
    return f->real()->pMethods->xDeviceCharacteristics(f->real());
}

int file_shm_map(sqlite3_file* file, int region, int size, int extend, void volatile** out) {
    auto* f = as_cut(file);
    return f->real()->pMethods->xShmMap(f->real(), region, size, extend, out);
}

int file_shm_lock(sqlite3_file* file, int offset, int n, int flags) {
    auto* f = as_cut(file);
    return f->real()->pMethods->xShmLock(f->real(), offset, n, flags);
}

void file_shm_barrier(sqlite3_file* file) {
    auto* f = as_cut(file);
    f->real()->pMethods->xShmBarrier(f->real());
}

int file_shm_unmap(sqlite3_file* file, int delete_flag) {
    auto* f = as_cut(file);
    return f->real()->pMethods->xShmUnmap(f->real(), delete_flag);
}

// Version 2: shared memory for WAL, but no memory-mapped reads, which would bypass xRead.
const sqlite3_io_methods cut_methods = {
    2,
    file_close,
    file_read,
    file_write,
    file_truncate,
    file_sync,
    file_size,
    file_lock,
    file_unlock,
    file_check_reserved_lock,
    file_control,
    file_sector_size,
    file_device_characteristics,
    file_shm_map,
    file_shm_lock,
    file_shm_barrier,
    file_shm_unmap,
    nullptr,
    nullptr,
};

state* state_of(sqlite3_vfs* vfs) {
    return static_cast<state*>(vfs->pAppData);
}

int vfs_open(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags, int* out_flags) {
    auto* s = state_of(vfs);
    const bool tracked = name != nullptr && (flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL)) != 0;
    auto* f = new (file) cut_file{
        {nullptr}, s, tracked ? std::string(name) : std::string(), (flags & SQLITE_OPEN_WAL) != 0};
    if (s->off()) {
        f->~cut_file();
        file->pMethods = nullptr;
        return SQLITE_CANTOPEN;
    }
    if (tracked)
        s->remember_disk_content(f->path);
    const int rc = s->real->xOpen(s->real, name, f->real(), flags, out_flags);
    if (rc != SQLITE_OK) {
        if (f->real()->pMethods)
            f->real()->pMethods->xClose(f->real());
        f->~cut_file();
        file->pMethods = nullptr;
        return rc;
    }
    file->pMethods = &cut_methods;
    return SQLITE_OK;
}

int vfs_delete(sqlite3_vfs* vfs, const char* name, int sync_dir) {
    auto* s = state_of(vfs);
    if (s->off())
        return SQLITE_IOERR_DELETE;
    const int rc = s->real->xDelete(s->real, name, sync_dir);
    if (rc == SQLITE_OK)
        s->forget_file(name);
    return rc;
}

int vfs_access(sqlite3_vfs* vfs, const char* name, int flags, int* out) {
    auto* s = state_of(vfs);
    return s->real->xAccess(s->real, name, flags, out);
}

int vfs_full_pathname(sqlite3_vfs* vfs, const char* name, int size, char* out) {
    auto* s = state_of(vfs);
    return s->real->xFullPathname(s->real, name, size, out);
}

void* vfs_dl_open(sqlite3_vfs* vfs, const char* name) {
    auto* s = state_of(vfs);
    return s->real->xDlOpen(s->real, name);
}

void vfs_dl_error(sqlite3_vfs* vfs, int size, char* out) {
    auto* s = state_of(vfs);
    s->real->xDlError(s->real, size, out);
}

void (*vfs_dl_sym(sqlite3_vfs* vfs, void* handle, const char* symbol))(void) {
    auto* s = state_of(vfs);
    return s->real->xDlSym(s->real, handle, symbol);
}

void vfs_dl_close(sqlite3_vfs* vfs, void* handle) {
    auto* s = state_of(vfs);
    s->real->xDlClose(s->real, handle);
}

int vfs_randomness(sqlite3_vfs* vfs, int size, char* out) {
    auto* s = state_of(vfs);
    return s->real->xRandomness(s->real, size, out);
}

int vfs_sleep(sqlite3_vfs* vfs, int microseconds) {
    auto* s = state_of(vfs);
    return s->real->xSleep(s->real, microseconds);
}

int vfs_current_time(sqlite3_vfs* vfs, double* out) {
    auto* s = state_of(vfs);
    return s->real->xCurrentTime(s->real, out);
}

int vfs_get_last_error(sqlite3_vfs* vfs, int size, char* out) {
    auto* s = state_of(vfs);
    return s->real->xGetLastError(s->real, size, out);
}

int vfs_current_time_int64(sqlite3_vfs* vfs, sqlite3_int64* out) {
    auto* s = state_of(vfs);
    return s->real->xCurrentTimeInt64(s->real, out);
}

} // namespace

power_cut_vfs::power_cut_vfs(std::string name) : name_(std::move(name)) {
    sqlite3_initialize();
    auto* real = sqlite3_vfs_find(nullptr);
    if (real == nullptr || real->iVersion < 2)
        throw std::runtime_error("power_cut_vfs: no default VFS of version 2 or later");
    state_ = new state;
    state_->real = real;
    state_->owner = this;
    sqlite3_vfs& v = state_->vfs;
    v.iVersion = 2;
    v.szOsFile = static_cast<int>(sizeof(cut_file)) + real->szOsFile;
    v.mxPathname = real->mxPathname;
    v.zName = name_.c_str();
    v.pAppData = state_;
    v.xOpen = vfs_open;
    v.xDelete = vfs_delete;
    v.xAccess = vfs_access;
    v.xFullPathname = vfs_full_pathname;
    v.xDlOpen = vfs_dl_open;
    v.xDlError = vfs_dl_error;
    v.xDlSym = vfs_dl_sym;
    v.xDlClose = vfs_dl_close;
    v.xRandomness = vfs_randomness;
    v.xSleep = vfs_sleep;
    v.xCurrentTime = vfs_current_time;
    v.xGetLastError = vfs_get_last_error;
    v.xCurrentTimeInt64 = vfs_current_time_int64;
    if (sqlite3_vfs_register(&v, 0) != SQLITE_OK) {
        delete state_;
        throw std::runtime_error("power_cut_vfs: cannot register " + name_);
    }
}

power_cut_vfs::~power_cut_vfs() {
    sqlite3_vfs_unregister(&state_->vfs);
    delete state_;
}

void power_cut_vfs::cut_power() {
    power_off_ = true;
}

void power_cut_vfs::cut_power_at_wal_write(std::size_t n) {
    wal_writes_until_cut_ = n;
}

void power_cut_vfs::settle_disk() {
    std::lock_guard lock(mutex_);
    for (const auto& [path, content] : durable_) {
        std::error_code ignored;
        std::filesystem::remove(path + "-shm", ignored);
        if (!content) {
            std::filesystem::remove(path, ignored);
            continue;
        }
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(content->data(), static_cast<std::streamsize>(content->size()));
        if (!out)
            throw std::runtime_error("power_cut_vfs: cannot rewrite " + path);
    }
    durable_.clear();
    power_off_ = false;
    wal_writes_until_cut_ = 0;
}

} // namespace carecircle::test
