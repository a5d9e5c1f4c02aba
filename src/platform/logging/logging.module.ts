import { Module, RequestMethod, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { IncomingMessage } from 'node:http';
import { AppConfig } from '../config/config.js';
import { redactPaths, scrubSecrets } from './redaction.js';

/** pino JSON logs; each HTTP line carries the request id the client sees in X-Request-Id. */
@Module({})
export class LoggingModule {
  static forRoot(): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({
            // A wildcard Nest recognises, so paths outside /api/v1 are logged exactly once.
            forRoutes: [{ path: '*splat', method: RequestMethod.ALL }],
            pinoHttp: {
              level: config.get('LOG_LEVEL'),
              base: { pid: process.pid, roles: config.roles.join(',') },
              // Fastify already chose the id (and put it on the raw request in onRequest).
              genReqId: (req: IncomingMessage) =>
                (req as IncomingMessage & { id?: string }).id ?? '',
              customProps: () => ({}),
              redact: { paths: redactPaths, censor: '[redacted]' },
              serializers: {
                req: (req: { id: string; method: string; url: string }) => ({
                  id: req.id,
                  method: req.method,
                  url: scrubSecrets(req.url),
                }),
                // A redirect may carry a secret in its query (OAuth `code=`).
                res: (res: { statusCode: number; headers?: Record<string, unknown> }) => {
                  const location = res.headers?.location;
                  return typeof location === 'string'
                    ? { ...res, headers: { ...res.headers, location: scrubSecrets(location) } }
                    : res;
                },
              },
              hooks: {
                logMethod(args: unknown[], method: (...a: unknown[]) => void) {
                  method.apply(
                    this,
                    args.map((a) => (typeof a === 'string' ? scrubSecrets(a) : a)),
                  );
                },
              },
            },
          }),
        }),
      ],
    };
  }
}
