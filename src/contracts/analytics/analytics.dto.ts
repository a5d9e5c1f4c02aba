/** Requests and answers of the analytics part, as they cross the transport. */

export type AnalyticsInterval = 'hour' | 'day' | 'week' | 'month';

/** One event as a client sends it; checked by the analytics part, one by one. */
export interface IngestEventInput {
  event_id?: string;
  name: string;
  user_id?: string;
  anonymous_id?: string;
  /** ISO 8601 with offset; default: when received. */
  timestamp?: string;
  properties?: Record<string, unknown>;
}

export interface IngestCommand {
  events: unknown[];
  /** Set by the gateway when the caller authenticated with an ingestion (write) key. */
  write_key_id?: string;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: { index: number; errors: { field: string; message: string }[] }[];
}

interface RangeQuery {
  from: string;
  to: string;
  interval?: AnalyticsInterval;
  timezone?: string;
}

export interface EventMetricsQuery extends RangeQuery {
  name?: string;
  group_by?: string;
  limit?: number;
}

export interface SeriesPoint {
  bucket_start: string;
  count: number;
}

export interface EventMetricsResult {
  name: string | null;
  interval: AnalyticsInterval;
  timezone: string;
  from: string;
  to: string;
  total: number;
  series: SeriesPoint[];
  group_by?: string;
  groups?: { value: string | null; total: number; series: SeriesPoint[] }[];
  /** Everything outside the top groups. */
  other?: { total: number; series: SeriesPoint[] };
}

export type ActiveUsersQuery = RangeQuery;

export interface ActiveUsersResult {
  interval: AnalyticsInterval;
  timezone: string;
  from: string;
  to: string;
  series: SeriesPoint[];
}

export interface RevenueQuery extends RangeQuery {
  currency?: string;
}

export interface Money {
  gross: number;
  refunds: number;
  net: number;
}

export interface RevenueResult {
  interval: AnalyticsInterval;
  timezone: string;
  from: string;
  to: string;
  /** Per currency (ISO 4217), amounts in minor units. */
  totals: Record<string, Money>;
  series: { bucket_start: string; currencies: Record<string, Money> }[];
}

export interface FunnelQuery {
  steps: string[];
  window_seconds: number;
  from: string;
  to: string;
  timezone?: string;
}

export interface FunnelResult {
  from: string;
  to: string;
  window_seconds: number;
  steps: {
    name: string;
    users: number;
    conversion: number | null;
    step_conversion: number | null;
  }[];
  /** Share of the first step's users that completed every step. */
  conversion: number | null;
}

export interface RetentionQuery {
  cohort: 'signup';
  interval?: 'day' | 'week' | 'month';
  from: string;
  to: string;
  timezone?: string;
}

export interface RetentionCohort {
  cohort_start: string;
  users: number;
  /** retained[k]: cohort users active in the k-th interval after the signup interval (k = 0 is it). */
  retained: number[];
  rates: (number | null)[];
}

export interface RetentionResult {
  cohort: 'signup';
  interval: 'day' | 'week' | 'month';
  timezone: string;
  from: string;
  to: string;
  cohorts: RetentionCohort[];
}

export interface AnalyticsUserExport {
  user_id: string;
  events: {
    event_id: string;
    name: string;
    timestamp: string;
    received_at: string;
    anonymous_id: string | null;
    source: string;
    properties: Record<string, unknown>;
  }[];
  /** True when more than the export limit exist (the newest are included). */
  truncated: boolean;
}

/**
 * What analytics reads from payment events (`DomainEvent.data`): `amount` (integer minor units)
 * and `currency` (ISO 4217) on `payments.payment.succeeded.v1`; on
 * `payments.payment.refunded.v1` the amount of that refund as `refund.amount` (or
 * `refund_amount`, or `amount`) and its currency. `DomainEvent.user_id` is the payer.
 */
export interface PaymentEventData {
  payment_id?: string;
  amount?: number;
  currency?: string;
  refund?: { id?: string; amount: number; currency?: string };
  refund_amount?: number;
}
