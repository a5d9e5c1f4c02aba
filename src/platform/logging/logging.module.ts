import { Module } from '@nestjs/common';
import { AppConfig } from '../config/config.js';
import { createLoggers, PlatformLogger, type Loggers } from './platform-logger.js';

export const LOGGERS = Symbol('LOGGERS');

/**
 * pino JSON logs: Nest's logger (PlatformLogger) and the request lines the bootstrap installs
 * (one per request, carrying the request id the client sees in X-Request-Id).
 */
@Module({
  providers: [
    { provide: LOGGERS, inject: [AppConfig], useFactory: (c: AppConfig) => createLoggers(c) },
    {
      provide: PlatformLogger,
      inject: [LOGGERS],
      useFactory: (l: Loggers) => new PlatformLogger(l.root),
    },
  ],
  exports: [LOGGERS, PlatformLogger],
})
export class LoggingModule {}
