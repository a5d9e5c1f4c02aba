import { Controller, Get, HttpCode, ServiceUnavailableException } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { ProblemException } from '../errors/problem.js';
import { Public } from '../http/auth.decorators.js';
import { ReadinessService } from './readiness.service.js';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly readiness: ReadinessService) {}

  @Get('live')
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness: the process is up and its event loop answers' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: database, key-value store and every part answer' })
  @ApiOkResponse({ schema: { example: { status: 'ok', details: { database: { status: 'up' } } } } })
  @ApiServiceUnavailableResponse({ description: 'A dependency is down; `checks` says which' })
  async ready() {
    try {
      const result = await this.readiness.check();
      return { status: result.status, details: result.details };
    } catch (err) {
      if (err instanceof ServiceUnavailableException) {
        const body = err.getResponse() as {
          details?: Record<string, unknown>;
          error?: Record<string, unknown>;
        };
        const failing = Object.keys(body.error ?? {});
        throw new ProblemException(503, 'not-ready', `Not ready: ${failing.join(', ')} down.`, {
          checks: body.details ?? {},
        });
      }
      throw err;
    }
  }
}
