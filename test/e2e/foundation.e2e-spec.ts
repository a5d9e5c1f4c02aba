import { describe, expect, it } from '@jest/globals';
import { api, baseUrl, expectProblem } from '../support/api.js';

describe(`foundation (${process.env.E2E_MODE} mode)`, () => {
  it('is live and ready, with every part answering through the transport', async () => {
    expect((await api('GET', '/health/live')).status).toBe(200);
    const ready = await api('GET', '/health/ready');
    expect(ready.status).toBe(200);
    for (const key of [
      'database',
      'kv',
      'part:auth',
      'part:users',
      'part:payments',
      'part:analytics',
    ]) {
      if (key === 'database' && process.env.E2E_MODE === 'split') continue; // the gateway has no database
      expect(ready.body.details[key]?.status).toBe('up');
    }
  });

  it('serves Swagger UI at /docs and an OpenAPI 3 document at /docs-json', async () => {
    const ui = await api('GET', '/docs');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger-ui');
    const doc = await api('GET', '/docs-json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(doc.body.info.title).toBe('Platform API');
    expect(doc.body.components.securitySchemes.bearer).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
  });

  it('answers unknown routes with a 404 problem', async () => {
    const res = await api('GET', '/api/v1/no-such-route');
    expectProblem(res, 404);
    expect(res.body.instance).toBe('/api/v1/no-such-route');
  });

  it('echoes a valid X-Request-Id and makes one otherwise', async () => {
    const given = await api('GET', '/api/v1/nothing-here', {
      headers: { 'x-request-id': 'abc-123' },
    });
    expect(given.headers.get('x-request-id')).toBe('abc-123');
    expect(given.body.request_id).toBe('abc-123');
    const made = await api('GET', '/health/live');
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const hostile = await api('GET', '/health/live', {
      headers: { 'x-request-id': 'a b <script>' },
    });
    expect(hostile.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('rejects malformed JSON with 400 and bodies over 1 MB with 413, both as problems', async () => {
    const bad = await api('POST', '/api/v1/auth/login', {
      raw: '{"email": ',
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(bad, 400);
    const big = await api('POST', '/api/v1/auth/login', {
      raw: JSON.stringify({ pad: 'x'.repeat(1024 * 1024 + 10) }),
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(big, 413);
  });

  it('exposes Prometheus metrics', async () => {
    const res = await fetch(`${baseUrl()}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('rpc_call_duration_seconds');
  });
});
