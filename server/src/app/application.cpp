#include "app/application.hpp"

#include "carecircle/storage/database.hpp"
#include "crypto/server_secret.hpp"
#include "transport/send_batch.hpp"

namespace carecircle::server {
namespace net = boost::asio;

namespace {

// Group commit that waits a moment for more work (see writer_options), with what each commit's
// completions send leaving once per connection.
storage::writer_options writer_settings(metrics& stats) {
    storage::writer_options settings;
    settings.max_batch = 512;
    settings.linger = std::chrono::microseconds(300);
    settings.linger_max = std::chrono::milliseconds(2);
    settings.on_commit = [&stats](std::size_t operations,
                                  std::chrono::steady_clock::duration took) {
        stats.write_batch_size.observe(static_cast<double>(operations));
        stats.commit_seconds.observe(std::chrono::duration<double>(took).count());
    };
    settings.around_completions = [](const std::function<void()>& run_completions) {
        const send_batch batch;
        run_completions();
    };
    return settings;
}

} // namespace

application::application(net::io_context& io, server::options settings)
    : ioc(io), opts(std::move(settings)), secret(load_server_secret(opts.secret_file)),
      writer(opts.database, writer_settings(stats)), reads(opts.database, opts.read_connections) {
    auto db = storage::open_database(opts.database, storage::access::read_only);
    hub.load(db);
    recent.load(db, hub.group_ids());
    pins.load(db, hub);
}

} // namespace carecircle::server
