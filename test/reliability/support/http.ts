/**
 * HTTP for specs that talk to platforms they start themselves (faults, crashes): never throws,
 * a request that gets no answer (refused, reset, timed out) has status 0.
 */

export interface Res {
  status: number;
  ct: string;
  headers: Headers;
  body: any;
  text: string;
}

export interface ReqOptions {
  token?: string;
  body?: unknown;
  /** Sent as-is (already serialised): a signed webhook body must stay byte for byte. */
  raw?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export async function req(
  base: string,
  method: string,
  path: string,
  opts: ReqOptions = {},
): Promise<Res> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined || opts.raw !== undefined) {
    headers['content-type'] ??= 'application/json';
  }
  try {
    const res = await fetch(base + path, {
      method,
      headers,
      body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 20_000),
    });
    const text = await res.text();
    let body: any = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON
    }
    return {
      status: res.status,
      ct: res.headers.get('content-type') ?? '',
      headers: res.headers,
      body,
      text,
    };
  } catch (err) {
    return { status: 0, ct: '', headers: new Headers(), body: undefined, text: String(err) };
  }
}

/**
 * What a client can know about a request: acknowledged (2xx), refused (4xx: nothing happened),
 * or unknown (no answer, or 5xx: it may or may not have taken effect).
 */
export type Outcome = 'ack' | 'refused' | 'unknown';

export function outcomeOf(status: number): Outcome {
  if (status >= 200 && status < 300) return 'ack';
  if (status >= 400 && status < 500) return 'refused';
  return 'unknown';
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
