/** Analytics helpers for e2e tests: the ingestion key the harness gives the platform. */
import { api, type ApiResponse } from './api.js';

export const ANALYTICS_WRITE_KEY = 'e2e-analytics-write-key-0000000001';

export const writeKeyAuth = (key = ANALYTICS_WRITE_KEY) =>
  `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

/** POST /api/v1/analytics/events with the server ingestion key. */
export function ingest(events: unknown[], key = ANALYTICS_WRITE_KEY): Promise<ApiResponse> {
  return api('POST', '/api/v1/analytics/events', {
    body: { events },
    headers: { authorization: writeKeyAuth(key) },
  });
}
