import { Controller, Get, Header, Headers } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { createHash, timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../config/config.js';
import { ProblemException } from '../errors/problem.js';
import { Public } from '../http/auth.decorators.js';
import { MetricsService } from './metrics.service.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Prometheus scrape endpoint of this process; METRICS_TOKEN guards it when set. */
@ApiExcludeController()
@Public()
@Controller('metrics')
export class MetricsController {
  private readonly token?: Buffer;

  constructor(
    private readonly metrics: MetricsService,
    config: AppConfig,
  ) {
    const token = config.get('METRICS_TOKEN');
    this.token = token ? digest(token) : undefined;
  }

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @Header('cache-control', 'no-store')
  scrape(@Headers('authorization') authorization?: string): Promise<string> {
    if (this.token) {
      const given = /^bearer (.+)$/i.exec(authorization ?? '')?.[1] ?? '';
      if (!timingSafeEqual(digest(given), this.token)) {
        throw new ProblemException(401, 'unauthorized', 'A valid metrics token is required.', {
          headers: { 'www-authenticate': 'Bearer realm="metrics"' },
        });
      }
    }
    return this.metrics.registry.metrics();
  }
}
