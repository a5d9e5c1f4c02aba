import { bool, int, list, optionalStr, port, str, url } from '../env-var.js';

export const PART_NAMES = ['gateway', 'auth', 'users', 'payments', 'analytics'] as const;

export const coreEnv = {
  NODE_ENV: str({
    doc: 'development, test or production; production enforces real services and strong secrets',
    default: 'development',
    choices: ['development', 'test', 'production'],
  }),
  APP_ROLES: list({
    doc: 'Parts this process runs: all, or a comma list of gateway,auth,users,payments,analytics',
    default: ['all'],
    item: (v) => {
      if (v !== 'all' && !(PART_NAMES as readonly string[]).includes(v)) {
        throw new Error(`unknown role "${v}" (use all or ${PART_NAMES.join(', ')})`);
      }
    },
  }),
  PORT: port({ doc: 'HTTP port of the gateway', default: 8000 }),
  HOST: str({ doc: 'Interface the HTTP server binds to', default: '0.0.0.0' }),
  HEALTH_PORT: port({
    doc: 'Health port for processes that run no gateway (split mode)',
    default: 8081,
  }),
  PUBLIC_URL: optionalStr({
    doc: 'External base URL used in links and OpenAPI servers (default http://localhost:PORT)',
  }),
  LOG_LEVEL: str({
    doc: 'pino level',
    default: 'info',
    choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
  }),
  DATABASE_URL: url({
    doc: 'PostgreSQL URL; unset = embedded PGlite under DATA_DIR',
    protocols: ['postgres', 'postgresql'],
    secret: true,
  }),
  DATABASE_POOL_SIZE: int({ doc: 'PostgreSQL pool size per process', default: 10, min: 1 }),
  DATA_DIR: str({ doc: 'Directory for embedded PGlite data', default: './data' }),
  MIGRATIONS_RUN: bool({
    doc: 'Run pending migrations at start (under an advisory lock)',
    default: true,
  }),
  REDIS_URL: url({
    doc: 'Redis URL; unset = in-memory key-value store (single process only)',
    protocols: ['redis', 'rediss'],
    secret: true,
  }),
  KV_PREFIX: str({ doc: 'Prefix for every key-value key', default: 'platform:' }),
  NATS_URL: url({
    doc: 'NATS URL; required when APP_ROLES is not all',
    protocols: ['nats', 'tls'],
  }),
  NATS_SUBJECT_PREFIX: str({
    doc: 'Prefix for every NATS subject, to share one NATS between platforms',
    default: '',
  }),
  RPC_TIMEOUT_MS: int({ doc: 'Timeout of every call between parts', default: 5000, min: 10 }),
  REQUEST_TIMEOUT_MS: int({ doc: 'HTTP request timeout (504 after it)', default: 15000, min: 100 }),
  BODY_LIMIT_BYTES: int({
    doc: 'Largest accepted request body (413 above)',
    default: 1048576,
    min: 1024,
  }),
  SHUTDOWN_GRACE_MS: int({
    doc: 'How long SIGTERM waits for in-flight requests',
    default: 10000,
    min: 0,
  }),
  OTEL_EXPORTER_OTLP_ENDPOINT: url({
    doc: 'OpenTelemetry collector (OTLP over HTTP, JSON); when set, every process exports traces, with the trace context carried across the transport; unset = no tracing code is loaded',
    protocols: ['http', 'https'],
  }),
  OTEL_SERVICE_NAME: optionalStr({
    doc: 'service.name of the traces (default platform-<roles>, e.g. platform-gateway)',
  }),
  JWT_SECRET: str({
    doc: 'HS256 signing secret, at least 32 bytes in production',
    default: 'dev-only-insecure-secret-change-me-0000',
    secret: true,
  }),
};
