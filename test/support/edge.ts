/** Helpers for gateway-edge e2e tests that run their own platform (tight limits, proxies). */
import { createSecretKey, randomBytes } from 'node:crypto';
import { ACCESS_TOKEN_TYP, signHs256 } from '../../src/contracts/auth/access-token.js';
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface EdgeResponse {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

/** One HTTP call to a given base URL (api() targets the shared platform only). */
export async function call(
  base: string,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: unknown } = {},
): Promise<EdgeResponse> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(opts.body);
  }
  const res = await fetch(base + path, {
    method,
    headers,
    body,
    redirect: 'manual',
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  const ct = res.headers.get('content-type') ?? '';
  return {
    status: res.status,
    headers: res.headers,
    body: ct.includes('json') && text ? JSON.parse(text) : text,
    text,
  };
}

/**
 * An access token as the auth part issues them (default issuer and audience), signed with
 * `secret`: a forged one when the secret is wrong. Its session does not exist, so the guard
 * refuses it; the rate limiter still counts a well-signed one under its user.
 */
export function accessToken(secret: string, sub: string): string {
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub, sid: 'ses_none', role: 'user', typ: 'access', aal: 'aal1', amr: ['pwd'] };
  return signHs256(
    { ...claims, auth_time: now, iat: now, exp: now + 600, iss: 'platform', aud: 'platform-api' },
    createSecretKey(Buffer.from(secret, 'utf8')),
    ACCESS_TOKEN_TYP,
  );
}

/** A client address from the documentation ranges, unique per call. */
export function testIp(): string {
  const b = randomBytes(3);
  return `198.${18 + (b[0] % 2)}.${b[1]}.${1 + (b[2] % 254)}`;
}

/** Parses `"ip";r=4;t=30, "login";r=2;t=60` into { ip: {r, t}, login: {...} }. */
export function parseRateLimit(value: string | null): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const part of (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [name, ...params] = part.split(';');
    const key = name.replace(/"/g, '');
    out[key] = Object.fromEntries(
      params.map((p) => {
        const [k, v] = p.split('=');
        return [k, Number(v)];
      }),
    );
  }
  return out;
}

/** A TCP relay in front of Redis that a test can cut, to see the platform with its store down. */
export class TcpRelay {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(
    private readonly host: string,
    private readonly targetPort: number,
  ) {}

  async open(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(this.targetPort, this.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((res) => this.server!.listen(this.port, '127.0.0.1', () => res()));
    this.port = (this.server.address() as { port: number }).port;
  }

  /** Drops every connection and stops accepting new ones. */
  async cut(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((res) => this.server?.close(res));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
