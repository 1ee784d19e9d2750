/**
 * The service's own metrics (libs/metrics, libs/cache, libs/events, libs/redirect), beside the
 * prom-client defaults. One list for the tests that check /metrics and those that check the
 * dashboards and rules against it.
 */
export const SERVICE_METRICS = [
  'http_requests_in_flight',
  'shortener_redirects_total',
  'shortener_cache_lookups_total',
  'shortener_clicks_accepted_total',
  'shortener_clicks_failed_total',
  'shortener_clicks_persisted_total',
  'shortener_clicks_duplicates_total',
  'shortener_click_lag_seconds',
  'shortener_click_backlog',
  'shortener_db_pool_connections',
  'shortener_redis_up',
] as const;
