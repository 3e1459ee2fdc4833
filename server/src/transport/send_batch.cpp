#include "transport/send_batch.hpp"

namespace carecircle::server {
namespace {

thread_local send_batch* open_batch = nullptr;

} // namespace

send_batch::send_batch() : outer_(open_batch) {
    open_batch = this;
}

send_batch::~send_batch() {
    // Closed before handing over, so the connections' send_all cannot land back in here.
    open_batch = outer_;
    for (auto& r : recipients_) {
        r.conn->send_all(std::move(r.frames), r.with_reply);
    }
}

send_batch* send_batch::current() {
    return open_batch;
}

void send_batch::add(std::shared_ptr<connection> conn, frame_ptr frame, bool is_reply) {
    auto [it, added] = index_.try_emplace(conn.get(), recipients_.size());
    if (added) {
        recipients_.push_back(recipient{std::move(conn), {}, false});
    }
    auto& r = recipients_[it->second];
    r.frames.push_back(std::move(frame));
    r.with_reply = r.with_reply || is_reply;
}

} // namespace carecircle::server
