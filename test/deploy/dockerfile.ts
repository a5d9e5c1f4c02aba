/**
 * A small reader and runner for docker/Dockerfile, so the tests exercise the image's real
 * build steps without a Docker engine: every stage gets its own directory standing in for
 * its filesystem, COPY copies (from the build context or an earlier stage), WORKDIR and ENV
 * are applied, and the build stages' RUN commands run in the stage's WORKDIR with the shared
 * npm cache, offline. The final stage is assembled the same way (its RUN lines only prepare
 * directories and are checked, not run); its CMD and HEALTHCHECK are returned for the test to
 * start.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, posix } from 'node:path';

export interface Instruction {
  keyword: string;
  flags: Record<string, string>;
  rest: string;
  line: number;
}

export interface Stage {
  base: string;
  name: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  args: Record<string, string>;
  stages: Stage[];
}

/** Splits `--a=b --c=d rest` into flags and the rest. */
function takeFlags(text: string): { flags: Record<string, string>; rest: string } {
  const flags: Record<string, string> = {};
  let rest = text.trim();
  for (;;) {
    const m = /^--([a-z-]+)(?:=(\S+))?\s*/.exec(rest);
    if (!m) break;
    flags[m[1]] = m[2] ?? 'true';
    rest = rest.slice(m[0].length);
  }
  return { flags, rest };
}

export function parseDockerfile(text: string): Dockerfile {
  const logical: { text: string; line: number }[] = [];
  let buf = '';
  let start = 0;
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (!buf && (/^\s*#/.test(line) || !line.trim())) return;
    if (buf && /^\s*#/.test(line)) return; // comments inside a continued instruction
    if (!buf) start = i + 1;
    if (/\\\s*$/.test(line)) {
      buf += line.replace(/\\\s*$/, ' ');
    } else {
      logical.push({ text: (buf + line).trim(), line: start });
      buf = '';
    }
  });
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const { text: l, line } of logical) {
    const m = /^(\w+)\s+([\s\S]*)$/.exec(l);
    if (!m) throw new Error(`Dockerfile line ${line}: cannot parse "${l}"`);
    const keyword = m[1].toUpperCase();
    const { flags, rest } = takeFlags(m[2]);
    if (keyword === 'FROM') {
      const f = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest);
      if (!f) throw new Error(`Dockerfile line ${line}: bad FROM`);
      const base = f[1].replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a, b) => args[a ?? b] ?? '');
      stages.push({ base, name: f[2] ?? String(stages.length), instructions: [] });
    } else if (keyword === 'ARG' && stages.length === 0) {
      const [k, v] = rest.split('=');
      args[k.trim()] = (v ?? '').trim();
    } else {
      if (!stages.length) throw new Error(`Dockerfile line ${line}: ${keyword} before FROM`);
      stages[stages.length - 1].instructions.push({ keyword, flags, rest, line });
    }
  }
  return { args, stages };
}

/** `ENV a=b c="d e"` (or the legacy `ENV a b`) as pairs. */
export function parseEnv(rest: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!rest.includes('=')) {
    const [k, ...v] = rest.split(/\s+/);
    out[k] = v.join(' ');
    return out;
  }
  const re = /(\w+)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g;
  for (let m = re.exec(rest); m; m = re.exec(rest)) {
    let v = m[2];
    if (/^["']/.test(v)) v = v.slice(1, -1);
    out[m[1]] = v;
  }
  return out;
}

/** JSON exec form of CMD / HEALTHCHECK CMD. */
export function execForm(rest: string): string[] {
  const json = rest.replace(/^CMD\s+/i, '');
  const parsed = JSON.parse(json);
  if (!Array.isArray(parsed)) throw new Error(`not exec form: ${rest}`);
  return parsed;
}

export interface BuiltStage {
  name: string;
  root: string;
  workdir: string;
  env: Record<string, string>;
  cmd?: string[];
  healthcheck?: { cmd: string[]; flags: Record<string, string> };
  user?: string;
  expose: number[];
  skippedRuns: string[];
}

export interface BuildOptions {
  context: string;
  workspace: string;
  log: (line: string) => void;
}

function sh(cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
}

/** Environment of a RUN step: the stage's ENV over a minimal host environment. */
export function runEnv(stageEnv: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME ?? homedir(),
    LANG: 'C.UTF-8',
    // The machine's npm cache (filled by the project's own `npm ci`): no download when it is complete.
    npm_config_cache: process.env.npm_config_cache || join(homedir(), '.npm'),
    npm_config_prefer_offline: 'true',
    ...stageEnv,
  };
}

async function run(command: string, cwd: string, env: NodeJS.ProcessEnv, log: BuildOptions['log']) {
  log(`RUN ${command}`);
  await new Promise<void>((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b) => (out += b));
    child.stderr.on('data', (b) => (out += b));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`RUN ${command} failed (${code}):\n${out.slice(-4000)}`)),
    );
  });
}

/** Builds every stage in order; returns them by name (the last one is the image). */
export async function buildStages(df: Dockerfile, opts: BuildOptions): Promise<BuiltStage[]> {
  const built: BuiltStage[] = [];
  const find = (name: string) => built.find((b) => b.name === name);
  for (const [i, stage] of df.stages.entries()) {
    const final = i === df.stages.length - 1;
    const root = join(opts.workspace, `stage-${i}-${stage.name}`);
    const parent = find(stage.base);
    let b: BuiltStage;
    if (parent) {
      // Hard links: a cheap copy of the parent's filesystem (later stages only add or delete).
      sh('cp', ['-al', parent.root, root]);
      b = { ...structuredClone(parent), name: stage.name, root, skippedRuns: [] };
    } else {
      mkdirSync(root, { recursive: true });
      b = { name: stage.name, root, workdir: '/', env: {}, expose: [], skippedRuns: [] };
    }
    const inStage = (p: string) => join(root, posix.resolve(b.workdir, p));
    for (const ins of stage.instructions) {
      switch (ins.keyword) {
        case 'WORKDIR':
          b.workdir = posix.resolve(b.workdir, ins.rest);
          mkdirSync(join(root, b.workdir), { recursive: true });
          break;
        case 'ENV':
          Object.assign(b.env, parseEnv(ins.rest));
          break;
        case 'COPY': {
          const parts = ins.rest.split(/\s+/);
          const dest = parts.pop()!;
          const from = ins.flags.from ? find(ins.flags.from) : undefined;
          if (ins.flags.from && !from)
            throw new Error(`COPY --from=${ins.flags.from}: no such stage`);
          for (const src of parts) {
            if (/[*?[]/.test(src)) throw new Error(`COPY ${src}: wildcards are not supported here`);
            const source = from
              ? join(from.root, posix.resolve(from.workdir, src))
              : join(opts.context, src);
            if (!existsSync(source))
              throw new Error(
                `COPY ${src}: not found in ${from ? `stage ${from.name}` : 'the context'}`,
              );
            const target = dest.endsWith('/')
              ? join(inStage(dest), posix.basename(src))
              : inStage(dest);
            mkdirSync(dirname(target), { recursive: true });
            sh('cp', ['-al', '--no-target-directory', source, target]);
          }
          break;
        }
        case 'RUN':
          if (final) b.skippedRuns.push(ins.rest);
          else await run(ins.rest, join(root, b.workdir), runEnv(b.env), opts.log);
          break;
        case 'CMD':
          b.cmd = execForm(ins.rest);
          break;
        case 'HEALTHCHECK':
          b.healthcheck = { cmd: execForm(ins.rest), flags: ins.flags };
          break;
        case 'USER':
          b.user = ins.rest;
          break;
        case 'EXPOSE':
          b.expose = ins.rest.split(/\s+/).map((p) => Number(p.replace(/\/.*$/, '')));
          break;
        case 'ARG':
        case 'LABEL':
          break;
        default:
          throw new Error(
            `Dockerfile line ${ins.line}: ${ins.keyword} is not handled by the test runner`,
          );
      }
    }
    built.push(b);
  }
  return built;
}

export function readDockerfile(path: string): Dockerfile {
  return parseDockerfile(readFileSync(path, 'utf8'));
}
