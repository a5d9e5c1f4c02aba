/**
 * Runs last: scans everything the run's platforms logged (.test-data/logs/<run>/*.log of each
 * platform the suite started) for the secrets the suite sent or received: passwords, access
 * and refresh tokens, the signing secret, tokens of mailed links, card numbers. Also looks for
 * anything shaped like a JWT or a refresh token, whatever its origin. Then merges the figures
 * of every spec into figures.json.
 */
import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allFigures, logDirs, recordFigures, recordedSecrets, runDir } from './support/run.js';

const JWT = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/g;
const REFRESH = /\brt_[A-Za-z0-9_-]{32,}/g;

/** Tokens of the mails the platforms sent (verification, reset, invitation links). */
function mailedTokens(): string[] {
  const dir = join(runDir(), 'mail');
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.json'))) {
    const raw = JSON.parse(readFileSync(join(dir, f), 'utf8')).raw as string;
    const text = raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    for (const m of text.matchAll(/[?&]token=([A-Za-z0-9_.~-]{16,})/g)) out.push(m[1]);
  }
  return out;
}

describe('logs', () => {
  it('hold no password, token, secret or card number the suite sent or received', () => {
    const secrets = new Map<string, string>();
    for (const s of recordedSecrets()) secrets.set(s.value, s.kind);
    for (const t of mailedTokens()) secrets.set(t, 'mailed token');
    const files = logDirs()
      .filter((d) => existsSync(d))
      .flatMap((d) => readdirSync(d).map((f) => join(d, f)))
      .filter((f) => f.endsWith('.log'));
    const findings: string[] = [];
    let bytes = 0;
    let lines = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      bytes += statSync(file).size;
      lines += text.split('\n').length;
      for (const [value, kind] of secrets) {
        const at = text.indexOf(value);
        if (at >= 0) {
          findings.push(`${kind} in ${file}: …${text.slice(Math.max(0, at - 120), at + 20)}…`);
        }
      }
      for (const m of text.matchAll(JWT))
        findings.push(`JWT-shaped string in ${file}: ${m[0].slice(0, 40)}…`);
      for (const m of text.matchAll(REFRESH))
        findings.push(`refresh-token-shaped string in ${file}: ${m[0].slice(0, 12)}…`);
    }
    recordFigures('logs', {
      files: files.length,
      bytes,
      lines,
      secrets_checked: secrets.size,
      violations: findings.length,
      details: findings.slice(0, 30),
    });
    expect(files.length).toBeGreaterThan(0);
    expect(secrets.size).toBeGreaterThan(5);
    expect(findings).toEqual([]);
  }, 120_000);

  it('writes the figures of the run', () => {
    const figures = allFigures();
    writeFileSync(join(runDir(), 'figures.json'), JSON.stringify(figures, null, 2));
    const summary = Object.entries(figures).map(([name, f]) => {
      const keep = [
        'requests',
        'operations',
        'cells',
        'faults_injected',
        'crashes_injected',
        'crashes_survived',
        'violations',
        'seconds',
      ];
      return `${name}: ${keep
        .filter((k) => k in f)
        .map((k) => `${k}=${f[k]}`)
        .join(' ')}`;
    });
    process.stdout.write(`\nreliability figures (${runDir()}):\n  ${summary.join('\n  ')}\n`);
    expect(Object.keys(figures).length).toBeGreaterThan(0);
  });
});
