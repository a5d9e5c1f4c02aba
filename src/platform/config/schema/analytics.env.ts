import { int, list, optionalStr } from '../env-var.js';

/** The highest ANALYTICS_MAX_BUCKETS: the OpenAPI document bounds every series by it. */
export const ANALYTICS_MAX_BUCKETS_CEILING = 10_000;

/** Settings read by the analytics part. */
export const analyticsEnv = {
  ANALYTICS_WRITE_KEYS: list({
    doc: 'Ingestion keys for servers sending POST /analytics/events (comma list, each at least 16 characters); empty = signed-in users only',
    default: [],
    secret: true,
    item: (v) => {
      if (v.length < 16)
        throw new Error('each ANALYTICS_WRITE_KEYS entry must be at least 16 characters');
    },
  }),
  ANALYTICS_PSEUDONYM_SECRET: optionalStr({
    doc: 'Key of the pseudonyms that replace an erased user id in analytics events (default: derived from JWT_SECRET)',
    secret: true,
  }),
  ANALYTICS_PARTITIONS_AHEAD: int({
    doc: 'Monthly event partitions created ahead of the current month',
    default: 2,
    min: 1,
    max: 24,
  }),
  ANALYTICS_MAX_BUCKETS: int({
    doc: 'Most buckets one metrics query may return (at most 10000)',
    default: 2000,
    min: 10,
    max: ANALYTICS_MAX_BUCKETS_CEILING,
  }),
};
