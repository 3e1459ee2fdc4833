#include "handlers/request_context.hpp"

namespace carecircle::server {
namespace {

void fail_with(const request_context& ctx, const std::exception_ptr& failure,
               std::string what_failed) {
    try {
        std::rethrow_exception(failure);
    } catch (const refusal& refused) {
        ctx.fail(refused.problem);
    } catch (...) {
        ctx.fail(error_code::internal, std::move(what_failed));
    }
}

} // namespace

void add(handler_table& table, std::string_view op, void (*handler)(const request_context&),
         request_cost cost) {
    table.emplace(op, operation{[handler](const request_context& ctx, const boost::json::object&) {
                                    handler(ctx);
                                },
                                cost});
}

void commit(const request_context& ctx, std::string what_failed, storage::writer::work work,
            std::function<void()> on_committed) {
    ctx.app->writer.submit(std::move(work), [ctx, what_failed = std::move(what_failed),
                                             on_committed = std::move(on_committed)](
                                                const std::exception_ptr& failure) {
        if (failure) {
            return fail_with(ctx, failure, what_failed);
        }
        on_committed();
    });
}

void read(const request_context& ctx, std::string what_failed, storage::read_pool::work work) {
    ctx.app->reads.submit(
        [ctx, what_failed = std::move(what_failed), work = std::move(work)](SQLite::Database& db) {
            try {
                work(db);
            } catch (...) {
                fail_with(ctx, std::current_exception(), what_failed);
            }
        });
}

} // namespace carecircle::server
