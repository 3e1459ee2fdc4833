#include "jobs/periodic.hpp"

#include <boost/asio/steady_timer.hpp>
#include <memory>

namespace carecircle::server {
namespace {

struct periodic_task {
    boost::asio::steady_timer timer;
    std::chrono::steady_clock::duration interval;
    std::function<void()> work;
};

void wait_then_run(const std::shared_ptr<periodic_task>& task,
                   std::chrono::steady_clock::duration delay) {
    task->timer.expires_after(delay);
    task->timer.async_wait([task](boost::system::error_code ec) {
        if (ec) {
            return;
        }
        task->work();
        wait_then_run(task, task->interval);
    });
}

} // namespace

void run_periodically(boost::asio::io_context& ioc, std::chrono::steady_clock::duration first_delay,
                      std::chrono::steady_clock::duration interval, std::function<void()> work) {
    wait_then_run(std::make_shared<periodic_task>(
                      periodic_task{boost::asio::steady_timer(ioc), interval, std::move(work)}),
                  first_delay);
}

} // namespace carecircle::server
