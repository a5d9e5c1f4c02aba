import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * `histogram.labels(...values)`, remembered per label values: prom-client builds and checks a
 * label object on every `labels()` call. For label sets known to be small (routes, patterns).
 */
export function seriesCache<T extends string>(
  histogram: Histogram<T>,
): (...values: string[]) => Histogram.Internal<T> {
  const series = new Map<string, Histogram.Internal<T>>();
  return (...values) => {
    const key = values.join('\u0000');
    let child = series.get(key);
    if (!child) {
      child = histogram.labels(...values);
      series.set(key, child);
    }
    return child;
  };
}

/** One registry per application instance (tests start several in one process). */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route, method and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly rpcDuration = new Histogram({
    name: 'rpc_call_duration_seconds',
    help: 'Duration of calls between parts by pattern and outcome',
    labelNames: ['pattern', 'outcome'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  private readonly gaugeFeeds = new Map<string, ((g: Gauge<string>) => Promise<void>)[]>();

  /**
   * A gauge read at scrape time. Several feeds may fill one gauge (one per part of the process,
   * each with its own labels); a feed that fails leaves its series out of that scrape.
   */
  gauge<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    feed: (g: Gauge<L>) => Promise<void>,
  ): void {
    let feeds = this.gaugeFeeds.get(name);
    if (!feeds) {
      const all: ((g: Gauge<string>) => Promise<void>)[] = [];
      feeds = all;
      this.gaugeFeeds.set(name, all);
      new Gauge({
        name,
        help,
        labelNames,
        registers: [this.registry],
        async collect() {
          this.reset();
          await Promise.all(all.map((f) => f(this).catch(() => undefined)));
        },
      });
    }
    feeds.push(feed as (g: Gauge<string>) => Promise<void>);
  }

  /** Parts register their own counters here (logins by outcome, payments by status, ...). */
  counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
    const existing = this.registry.getSingleMetric(name);
    if (existing) return existing as Counter<L>;
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }
}
