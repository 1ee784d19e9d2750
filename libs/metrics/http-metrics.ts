import { gauge, histogram } from './registered.js';

/** From a cached redirect (well under 1 ms) to a 5 s outlier and beyond. */
export const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const httpRequestDuration = histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request latency by method, route template (never the raw path) and status code',
  labelNames: ['method', 'route', 'status_code'],
  buckets: DURATION_BUCKETS,
});

export const httpRequestsInFlight = gauge({
  name: 'http_requests_in_flight',
  help: 'HTTP requests being served right now',
});
