import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * `npm run bench` in smoke mode (BENCH_SMOKE=1: one-second loads, a few connections, all parts
 * in one process): the runner starts the built platform and the baseline, loads them from a
 * second process, and reports every scenario as measured or as skipped with its reason. It
 * checks that the runner works; speed is never asserted.
 */
interface Row {
  id: string;
  status: 'ok' | 'skipped' | 'failed';
  reason?: string;
  rate?: number;
  requests?: number;
  non2xx?: number;
  peakRssMb?: number;
}

function runBench(env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bench/run.mjs'], {
      env: { ...process.env, NODE_OPTIONS: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('bench runner (smoke mode)', () => {
  it('measures the baseline and the health route, and runs or skips every other scenario', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
    try {
      const out = join(dir, 'benchmarks.md');
      const json = join(dir, 'results.json');
      const { code, output } = await runBench({
        BENCH_SMOKE: '1',
        BENCH_OUT: out,
        BENCH_JSON: json,
      });
      expect({ code, output: code === 0 ? '' : output }).toEqual({ code: 0, output: '' });

      const results = JSON.parse(readFileSync(json, 'utf8'));
      expect(results.machine.cores).toBeGreaterThan(0);
      expect(results.modes).toHaveLength(1);
      const [mode] = results.modes;
      expect(mode.mode).toBe('all');
      expect(mode.startupMs).toBeGreaterThan(0);
      expect(mode.idleRssMb).toBeGreaterThan(0);

      const rows: Row[] = mode.rows;
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const id of [
        'hello',
        'live',
        'users.get',
        'login',
        'refresh',
        'analytics',
        'payments',
      ]) {
        expect(byId.has(id)).toBe(true);
      }
      for (const r of rows) {
        // A runner error is "failed"; an endpoint that is not there (yet) is a clear skip.
        expect({ id: r.id, status: r.status, reason: r.reason }).toEqual(
          expect.objectContaining({ status: expect.stringMatching(/^(ok|skipped)$/) }),
        );
        if (r.status === 'skipped') expect(r.reason).toBeTruthy();
      }
      for (const id of ['hello', 'live']) {
        const r = byId.get(id)!;
        expect(r.status).toBe('ok');
        expect(r.requests).toBeGreaterThan(0);
        expect(r.non2xx).toBe(0);
        expect(r.peakRssMb).toBeGreaterThan(0);
      }

      const md = readFileSync(out, 'utf8');
      expect(md).toContain('<!-- bench:results:start');
      expect(md).toContain('<!-- bench:results:end -->');
      expect(md).toContain('GET /health/live');
      expect(output).toContain('raw Fastify "hello" (baseline)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
