#pragma once

#include "http/endpoint.hpp"

namespace carecircle::server {

// Accounts and sign-in sessions (PROTOCOL.md section 2). Argon2 runs on the password pool,
// never on an I/O thread; a token is given only once its hash has been committed.
void register_account(endpoint_call&& call); // POST /api/register
void sign_in(endpoint_call&& call);          // POST /api/login
void sign_out(endpoint_call&& call);         // POST /api/logout
void who_am_i(endpoint_call&& call);         // GET /api/me

} // namespace carecircle::server
