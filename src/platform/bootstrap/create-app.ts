import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { RequestMethod } from '@nestjs/common';
import { closeConnectionsOnShutdown } from './graceful-close.js';
import { AppConfig } from '../config/config.js';
import { loadConfig, rolesOf } from '../config/load-config.js';
import { HttpEdgeHook } from '../http/edge.js';
import { LOGGERS } from '../logging/logging.module.js';
import { PlatformLogger, type Loggers } from '../logging/platform-logger.js';
import { installRequestLog } from '../logging/request-log.js';
import { installEdgeHooks, registerEdgePlugins, trustProxyOf } from '../http/edge-plugins.js';
import {
  clientErrorProblem,
  frameworkErrorProblem,
  ProblemFilter,
} from '../http/problem.filter.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { requestIdOf } from '../http/request-id.js';
import { createValidationPipe } from '../http/validation.js';
import { RpcTracing } from '../tracing/rpc-tracing.js';
import { InProcessBus } from '../transport/in-process.bus.js';
import { InProcessServer } from '../transport/in-process.server.js';
import { natsOptions } from '../transport/nats-options.js';
import { PrefixedNatsServer } from '../transport/nats.server.js';
import type { PartDefinition } from './part-definition.js';
import { RootModule } from './root.module.js';
import { setupSwagger } from './swagger.js';

export interface RunningApp {
  app: NestFastifyApplication;
  config: AppConfig;
  /** Where this process serves HTTP (the gateway, or health only). */
  url: string;
}

/** Paths served at the root, outside /api/v1. */
const ROOT_PATHS = [
  'health/live',
  'health/ready',
  'metrics',
  '.well-known/jwks.json',
  '.well-known/openid-configuration',
];

/**
 * Builds and starts one process of the platform: the parts named by APP_ROLES, their message
 * handlers on the in-process bus or NATS, and HTTP (the API when the gateway runs, health
 * only otherwise).
 */
export async function startApp(
  parts: PartDefinition[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<RunningApp> {
  const config = new AppConfig(loadConfig(env), []);
  const roles = rolesOf(config.env);
  Object.assign(config, { roles });
  const bus = new InProcessBus();
  const gateway = config.runs('gateway');

  const adapter = new FastifyAdapter({
    frameworkErrors: frameworkErrorProblem,
    clientErrorHandler: clientErrorProblem,
    bodyLimit: config.get('BODY_LIMIT_BYTES'),
    genReqId: requestIdOf,
    requestIdHeader: false,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // X-Forwarded-For is believed only from these proxies (the client IP of rate limits).
    trustProxy: trustProxyOf(config),
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    RootModule.forRoles(config, bus, parts),
    adapter,
    { bufferLogs: true, rawBody: true, abortOnError: false },
  );
  app.useLogger(app.get(PlatformLogger));
  app.flushLogs();

  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id);
    done();
  });
  installRequestLog(fastify, app.get<Loggers>(LOGGERS).requests);
  installEdgeHooks(fastify, config, app.get(MetricsService));
  closeConnectionsOnShutdown(fastify);
  if (config.get('OTEL_EXPORTER_OTLP_ENDPOINT')) {
    // HTTP server spans are named after the route pattern (`GET /api/v1/users/:user_id`).
    const tracing = app.get(RpcTracing);
    fastify.addHook('onRequest', async (req) => {
      const route = req.routeOptions?.url;
      if (route) tracing.nameHttpRoute(req.method, route);
    });
  }
  if (gateway) {
    await registerEdgePlugins(app, config);
    app.get(HttpEdgeHook, { strict: false }).install(fastify);
  }

  app.setGlobalPrefix('api/v1', {
    exclude: ROOT_PATHS.map((path) => ({ path, method: RequestMethod.ALL })),
  });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemFilter());

  const serves = roles.filter((r) => r !== 'gateway');
  if (serves.length) {
    const strategy = config.split
      ? new PrefixedNatsServer(
          natsOptions(config, `platform-${serves.join('-')}`),
          config.get('NATS_SUBJECT_PREFIX'),
        )
      : new InProcessServer(bus);
    app.connectMicroservice({ strategy }, { inheritAppConfig: true });
  }
  if (gateway) setupSwagger(app, config);

  // SIGTERM: Nest closes the HTTP server (no new requests; in-flight ones finish), the
  // transports and the connections. Past SHUTDOWN_GRACE_MS the process exits anyway.
  app.enableShutdownHooks();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => process.exit(1), config.get('SHUTDOWN_GRACE_MS')).unref();
    });
  }
  await app.startAllMicroservices();
  const port = gateway ? config.get('PORT') : config.get('HEALTH_PORT');
  await app.listen({ port, host: config.get('HOST') });
  const address = fastify.server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return { app, config, url: `http://127.0.0.1:${actualPort}` };
}
