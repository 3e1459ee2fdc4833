#pragma once

#include "http/endpoint.hpp"

namespace carecircle::server {

// What an operator, their load balancer and their monitoring ask (docs/operations.md).

// GET /healthz: the process answers.
void health_check(endpoint_call&& call);
// GET /readyz: a write goes through the writer and the schema is current.
void readiness_check(endpoint_call&& call);
// GET /metrics: Prometheus text, for loopback or the metrics token only.
void metrics_page(endpoint_call&& call);

} // namespace carecircle::server
