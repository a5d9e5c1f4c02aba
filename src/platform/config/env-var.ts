/**
 * Declarative environment variables: each one knows its default, how to parse it and how to
 * document it, so validation, typing and `.env.example` all come from one place.
 */
export interface EnvVar<T> {
  readonly doc: string;
  /** Text written to `.env.example`; `undefined` means "unset by default". */
  readonly example: string | undefined;
  readonly secret?: boolean;
  /**
   * Variables whose names this one implies (e.g. `OAUTH_<NAME>_ISSUER` for each listed
   * provider), documented in `.env.example` right after it.
   */
  readonly related?: readonly { name: string; doc: string }[];
  /** `source` is the whole environment, for a variable that reads the ones it implies. */
  parse(raw: string | undefined, source?: NodeJS.ProcessEnv): T;
}

/** A bad value; `variable` names it when it is not the variable being parsed. */
export class EnvError extends Error {
  constructor(
    message: string,
    readonly variable?: string,
  ) {
    super(message);
  }
}

/** Several bad values found while parsing one variable and the ones it implies. */
export class EnvErrors extends Error {
  constructor(readonly errors: EnvError[]) {
    super(errors.map((e) => e.message).join('; '));
  }
}

type Opts<T> = { doc: string; default?: T; secret?: boolean };

function make<T>(opts: Opts<T>, convert: (raw: string) => T, show: (v: T) => string): EnvVar<T> {
  return {
    doc: opts.doc,
    secret: opts.secret,
    example: opts.default === undefined ? undefined : show(opts.default),
    parse(raw) {
      if (raw === undefined || raw === '') {
        if (opts.default === undefined) return undefined as T;
        return opts.default;
      }
      return convert(raw.trim());
    },
  };
}

export function str(
  opts: Opts<string> & {
    choices?: readonly string[];
    minLength?: number;
    /** Most characters (e.g. what the API documents for a value it shows). */
    maxLength?: number;
    pattern?: RegExp;
  },
) {
  return make<string>(
    opts,
    (raw) => {
      if (opts.choices && !opts.choices.includes(raw)) {
        throw new EnvError(`must be one of ${opts.choices.join(', ')}`);
      }
      if (opts.minLength && Buffer.byteLength(raw) < opts.minLength) {
        throw new EnvError(`must be at least ${opts.minLength} bytes`);
      }
      if (opts.maxLength && [...raw].length > opts.maxLength) {
        throw new EnvError(`must be at most ${opts.maxLength} characters`);
      }
      if (opts.pattern && !opts.pattern.test(raw)) {
        throw new EnvError(`must match ${opts.pattern.source}`);
      }
      return raw;
    },
    String,
  );
}

export function optionalStr(opts: { doc: string; secret?: boolean }): EnvVar<string | undefined> {
  return make<string | undefined>(
    opts,
    (raw) => raw,
    (v) => v ?? '',
  );
}

export function int(opts: Opts<number> & { min?: number; max?: number }) {
  return make<number>(
    opts,
    (raw) => {
      if (!/^-?\d+$/.test(raw)) throw new EnvError(`must be an integer, got "${raw}"`);
      const n = Number(raw);
      if (opts.min !== undefined && n < opts.min) throw new EnvError(`must be >= ${opts.min}`);
      if (opts.max !== undefined && n > opts.max) throw new EnvError(`must be <= ${opts.max}`);
      return n;
    },
    String,
  );
}

export function port(opts: Opts<number>) {
  return int({ ...opts, min: 0, max: 65535 });
}

export function bool(opts: Opts<boolean>) {
  return make<boolean>(
    opts,
    (raw) => {
      const v = raw.toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(v)) return true;
      if (['0', 'false', 'no', 'off'].includes(v)) return false;
      throw new EnvError(`must be true or false, got "${raw}"`);
    },
    String,
  );
}

export function url(opts: { doc: string; secret?: boolean; protocols: readonly string[] }) {
  return make<string | undefined>(
    opts,
    (raw) => {
      let parsed: URL;
      try {
        parsed = new URL(raw);
      } catch {
        throw new EnvError('must be a URL');
      }
      if (!opts.protocols.includes(parsed.protocol.replace(/:$/, ''))) {
        throw new EnvError(`must use ${opts.protocols.join(' or ')}`);
      }
      return raw;
    },
    (v) => v ?? '',
  );
}

/** Comma-separated list, blanks dropped. */
export function list(opts: Opts<string[]> & { item?: (v: string) => void }) {
  return make<string[]>(
    opts,
    (raw) => {
      const items = raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      items.forEach((v) => opts.item?.(v));
      return items;
    },
    (v) => v.join(','),
  );
}

/** Decodes a 256-bit key given as 64 hex characters or as base64 of 32 bytes. */
export function decodeKey256(raw: string): Buffer {
  const v = raw.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(v) ? Buffer.from(v, 'hex') : Buffer.from(v, 'base64');
  if (key.length !== 32) throw new EnvError('must be 32 bytes (64 hex characters or base64)');
  return key;
}

/** An optional 256-bit secret key (kept as given; `decodeKey256` turns it into bytes). */
export function key256(opts: { doc: string }): EnvVar<string | undefined> {
  return make<string | undefined>(
    { ...opts, secret: true },
    (raw) => {
      decodeKey256(raw);
      return raw;
    },
    (v) => v ?? '',
  );
}
