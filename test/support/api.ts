/** A small HTTP client for e2e tests against the platform started by the global setup. */
export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface ApiOptions {
  body?: unknown;
  /** Sent as-is (already serialised), for malformed-input tests. */
  raw?: string | Buffer;
  token?: string;
  headers?: Record<string, string>;
  form?: Record<string, string>;
}

export function baseUrl(): string {
  const url = process.env.E2E_URL;
  if (!url) throw new Error('E2E_URL is not set: run e2e tests through jest --selectProjects e2e');
  return url;
}

export async function api<T = any>(
  method: string,
  path: string,
  opts: ApiOptions = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  let body: string | Buffer | undefined;
  if (opts.raw !== undefined) {
    body = opts.raw;
  } else if (opts.form) {
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
    body = new URLSearchParams(opts.form).toString();
  } else if (opts.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(opts.body);
  }
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const res = await fetch(baseUrl() + path, {
    method,
    headers,
    body,
    redirect: 'manual',
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let parsed: unknown = text;
  if ((res.headers.get('content-type') ?? '').includes('json') && text) {
    parsed = JSON.parse(text);
  }
  return { status: res.status, headers: res.headers, body: parsed as T, text };
}

/** Asserts the RFC 9457 shape every error of the platform has. */
export function expectProblem(res: ApiResponse, status: number): void {
  const ct = res.headers.get('content-type') ?? '';
  if (res.status !== status || !ct.startsWith('application/problem+json')) {
    throw new Error(
      `expected ${status} problem+json, got ${res.status} ${ct}: ${res.text.slice(0, 500)}`,
    );
  }
  for (const key of ['type', 'title', 'status', 'request_id']) {
    if (!(key in res.body)) throw new Error(`problem lacks "${key}": ${res.text}`);
  }
  if (res.body.status !== status) throw new Error(`problem status ${res.body.status} != ${status}`);
  if (/at .*\.(js|ts):\d+|SELECT |INSERT |node_modules/.test(res.text)) {
    throw new Error(`problem leaks internals: ${res.text}`);
  }
}

export const uniqueEmail = (tag = 'user') =>
  `${tag}.${Date.now().toString(36)}.${Math.random().toString(36).slice(2, 8)}@example.com`;
