/**
 * The load generator: a separate process (forked by the runner) that drives autocannon against
 * 127.0.0.1, so the load never shares an event loop with the platform or the runner.
 *
 * Protocol (IPC): the runner sends one spec; the worker warms up, sends `{type:'measuring'}`
 * right before the measured run (the runner then resets and samples the platform's RSS), and
 * ends with `{type:'result', result}`.
 *
 * Kinds of requests:
 * - static:    the same request every time;
 * - payments:  a fresh Idempotency-Key on every request;
 * - refresh:   each request presents a live refresh token from a pool and puts the successor
 *              it gets back into the pool (a rotation chain per session, never a replay);
 * - analytics: a batch of `batch` events with fresh event ids on every request.
 */
import autocannon from 'autocannon';
import { randomUUID, randomBytes } from 'node:crypto';

function requestsFor(spec, stats) {
  const base = { method: spec.method ?? 'GET', path: spec.path };
  const headers = { ...(spec.headers ?? {}) };
  if (spec.body !== undefined || spec.kind === 'refresh' || spec.kind === 'analytics') {
    headers['content-type'] = 'application/json';
  }
  const body = spec.body === undefined ? undefined : JSON.stringify(spec.body);
  switch (spec.kind ?? 'static') {
    case 'static':
      return [{ ...base, headers, body }];
    case 'payments':
      return [
        {
          ...base,
          setupRequest: (req) => ({
            ...req,
            headers: { ...req.headers, ...headers, 'idempotency-key': randomUUID() },
            body,
          }),
        },
      ];
    case 'refresh': {
      const pool = [...spec.tokens];
      let last = pool[0];
      // Tokens presented whose answer never came (autocannon drops what is in flight when a
      // run ends): put back after the warm-up, or every chain cut there would be lost and the
      // measured run would present `last` over and over (grace replays, not rotations).
      const inFlight = new Set();
      stats.afterWarmup = () => {
        pool.push(...inFlight);
        inFlight.clear();
      };
      return [
        {
          ...base,
          setupRequest: (req, context) => {
            const token = pool.shift() ?? last;
            last = token;
            context.token = token;
            inFlight.add(token);
            return {
              ...req,
              headers: { ...req.headers, ...headers },
              body: JSON.stringify({ refresh_token: token }),
            };
          },
          onResponse: (status, resBody, context) => {
            inFlight.delete(context.token);
            if (status !== 200) return;
            try {
              const next = JSON.parse(resBody).refresh_token;
              if (next) pool.push(next);
            } catch {
              stats.unparsed++;
            }
          },
        },
      ];
    }
    case 'analytics': {
      const run = randomBytes(4).toString('hex');
      let n = 0;
      const batch = spec.batch;
      return [
        {
          ...base,
          setupRequest: (req) => {
            let s = '{"events":[';
            for (let i = 0; i < batch; i++) {
              const id = n++;
              s += `${i ? ',' : ''}{"event_id":"bench_${run}_${id}","name":"Bench Event","anonymous_id":"anon_${id % 1000}","properties":{"i":${id},"plan":"pro"}}`;
            }
            s += ']}';
            return { ...req, headers: { ...req.headers, ...headers }, body: s };
          },
          onResponse: (status, resBody) => {
            if (status !== 202) return;
            try {
              stats.accepted += JSON.parse(resBody).accepted ?? 0;
            } catch {
              stats.unparsed++;
            }
          },
        },
      ];
    }
    default:
      throw new Error(`unknown kind ${spec.kind}`);
  }
}

/**
 * One autocannon run. Latencies of 2xx answers are kept as floats (autocannon's own histogram
 * holds whole milliseconds, too coarse for sub-millisecond routes).
 */
function fire(spec, requests, duration) {
  const latencies = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: spec.url,
        connections: spec.connections,
        pipelining: 1,
        duration,
        timeout: 30,
        requests,
      },
      (err, result) => (err ? reject(err) : resolve({ result, latencies })),
    );
    instance.on('response', (_client, status, _bytes, ms) => {
      if (status >= 200 && status < 300) latencies.push(ms);
    });
  });
}

function percentile(sorted, p) {
  if (!sorted.length) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

process.once('message', async (spec) => {
  try {
    const stats = { accepted: 0, unparsed: 0 };
    const requests = requestsFor(spec, stats);
    if (spec.warmup > 0) await fire(spec, requests, spec.warmup);
    stats.afterWarmup?.();
    stats.accepted = 0;
    process.send({ type: 'measuring' });
    const { result: r, latencies } = await fire(spec, requests, spec.duration);
    const sorted = Float64Array.from(latencies).sort();
    const seconds = r.duration || spec.duration;
    process.send({
      type: 'result',
      result: {
        seconds,
        requests: r.requests.total,
        ok: r['2xx'],
        non2xx: r.non2xx,
        errors: r.errors,
        timeouts: r.timeouts,
        statusCodes: r.statusCodeStats,
        okPerSec: r['2xx'] / seconds,
        acceptedPerSec: stats.accepted / seconds,
        accepted: stats.accepted,
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
        max: sorted.length ? sorted[sorted.length - 1] : undefined,
      },
    });
  } catch (err) {
    process.send({ type: 'error', message: String(err?.stack ?? err) });
  }
  process.disconnect();
});
