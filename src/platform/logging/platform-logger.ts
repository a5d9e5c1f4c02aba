import type { LoggerService } from '@nestjs/common';
import { pino, type DestinationStream, type Level, type Logger } from 'pino';
import type { AppConfig } from '../config/config.js';
import { redactPaths, scrubSecrets } from './redaction.js';

/** The process's loggers: both write JSON lines to stdout at LOG_LEVEL. */
export interface Loggers {
  /**
   * Everything the code logs: strings are scrubbed of secret query parameters and card
   * numbers, and secret-named fields of logged objects are redacted.
   */
  root: Logger;
  /**
   * The request lines: fixed fields the edge chose (see request-log.ts), no redaction,
   * written in batches.
   */
  requests: Logger;
}

let requestSink: DestinationStream | undefined;

/**
 * Where request lines go: stdout in batches (a write at 4 KiB or every 100 ms, the rest at
 * exit), since one write per request costs more than the line itself. One per process.
 */
function requestLineSink(): DestinationStream {
  if (!requestSink) {
    const sink = pino.destination({ dest: 1, sync: true, minLength: 4096, periodicFlush: 100 });
    process.once('exit', () => sink.flushSync());
    requestSink = sink;
  }
  return requestSink;
}

export function createLoggers(config: AppConfig, destination?: DestinationStream): Loggers {
  const base = { pid: process.pid, roles: config.roles.join(',') };
  const level = config.get('LOG_LEVEL');
  const root = pino(
    {
      level,
      base,
      redact: { paths: redactPaths, censor: '[redacted]' },
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((a) => (typeof a === 'string' ? scrubSecrets(a) : a)) as Parameters<
              typeof method
            >,
          );
        },
      },
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
  return { root, requests: pino({ level, base }, destination ?? requestLineSink()) };
}

/**
 * Nest's logger on top of pino. The last extra argument of a Nest log call is the context (the
 * name given to `new Logger(...)`); an object first argument becomes fields of the line, as
 * pino does; the `(message, stack)` form of Nest's own exception handlers becomes `err`.
 */
export class PlatformLogger implements LoggerService {
  constructor(readonly pino: Logger) {}

  verbose(message: unknown, ...params: unknown[]): void {
    this.call('trace', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.call('debug', message, params);
  }

  log(message: unknown, ...params: unknown[]): void {
    this.call('info', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.call('warn', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.call('error', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.call('fatal', message, params);
  }

  private call(level: Level, message: unknown, params: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const fields: Record<string, unknown> = {};
    let rest = params;
    if (params.length) {
      fields.context = params[params.length - 1];
      rest = params.slice(0, -1);
    }
    const log = this.pino[level].bind(this.pino) as (...args: unknown[]) => void;
    if (typeof message === 'object' && message !== null) {
      if (message instanceof Error) fields.err = message;
      else Object.assign(fields, message);
      log(fields, ...rest);
    } else if (
      level === 'error' &&
      typeof message === 'string' &&
      rest.length === 1 &&
      typeof rest[0] === 'string' &&
      /\n\s*at /.test(rest[0])
    ) {
      const err = new Error(message);
      err.stack = rest[0];
      fields.err = err;
      log(fields);
    } else {
      log(fields, message, ...rest);
    }
  }
}
