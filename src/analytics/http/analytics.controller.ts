import {
  applyDecorators,
  Body,
  Controller,
  Get,
  HttpCode,
  Post,
  Query,
  Req,
  UseGuards,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBody,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { AnalyticsClient } from '../../contracts/analytics/analytics.client.js';
import type { IngestResult } from '../../contracts/analytics/analytics.dto.js';
import { ProblemException } from '../../platform/errors/index.js';
import { ApiProblem } from '../../platform/http/api-problems.js';
import { Meta, Public, Roles } from '../../platform/http/index.js';
import type { RpcMeta } from '../../platform/transport/index.js';
import { IngestBatchDto, IngestResultDto } from './dto/ingest.dto.js';
import {
  ActiveUsersQueryDto,
  EventMetricsQueryDto,
  FunnelDto,
  RetentionQueryDto,
  RevenueQueryDto,
} from './dto/query.dto.js';
import {
  ActiveUsersDto,
  EventMetricsDto,
  FunnelResultDto,
  RetentionResultDto,
  RevenueDto,
} from './dto/results.dto.js';
import { IngestAuthGuard, type IngestRequest } from './ingest-auth.guard.js';
import { checkBatch, type BodyRequest } from './ingest-body.js';

const MAX_BATCH_BYTES = 1024 * 1024;
/** The documentation every admin query shares. */
const adminDocs = () =>
  applyDecorators(
    ApiBearerAuth('bearer'),
    ApiProblem(400, 'Invalid query: errors[] names each field'),
    ApiProblem(401, 'No valid access token'),
    ApiProblem(403, 'Not an admin'),
  );

@ApiTags('analytics')
@Controller('analytics')
export class AnalyticsController {
  constructor(private readonly analytics: AnalyticsClient) {}

  @Post('events')
  @Public()
  @UseGuards(IngestAuthGuard)
  @HttpCode(202)
  @ApiBearerAuth('bearer')
  @ApiOperation({
    summary: 'Ingest a batch of events',
    description:
      'A signed-in user (Bearer access token; events are theirs) or a server with an ingestion key from ANALYTICS_WRITE_KEYS (`Authorization: Basic base64(<key>:)`). ' +
      'At most 500 events and 1 MB. Each event is accepted, a duplicate (its event_id was seen before: never counted twice) or rejected with reasons; ' +
      'timestamps more than 7 days back or 1 hour ahead are rejected. Counts include accepted events as soon as this returns.',
  })
  @ApiBody({ type: IngestBatchDto })
  @ApiAcceptedResponse({ type: IngestResultDto, description: 'Outcome per event' })
  @ApiProblem(400, 'Not a batch, or more than 500 events')
  @ApiProblem(401, 'Neither a signed-in user nor a valid ingestion key')
  @ApiProblem(413, 'Body over 1 MB')
  async ingest(
    @Req() req: IngestRequest & BodyRequest,
    @Meta() meta: RpcMeta,
  ): Promise<IngestResult> {
    const events = await checkBatch(req);
    const size = req.rawBody?.length ?? 0;
    if (size > MAX_BATCH_BYTES) {
      throw new ProblemException(413, 'body-too-large', 'A batch is at most 1 MB.');
    }
    return this.analytics.ingest(
      { events, write_key_id: req.actor ? undefined : req.writeKeyId },
      meta,
    );
  }

  @Get('metrics/events')
  @Roles('admin')
  @adminDocs()
  @ApiOperation({
    summary: 'Event counts per bucket',
    description:
      'Zero-filled counts per hour, day, week or month, aligned in `timezone` (a 23- or 25-hour day is one day). Exact right after ingestion. ' +
      'Optional `group_by=properties.<key>` splits by a property (top `limit` values).',
  })
  @ApiOkResponse({ type: EventMetricsDto })
  eventMetrics(@Query() q: EventMetricsQueryDto, @Meta() meta: RpcMeta) {
    return this.analytics.eventMetrics({ ...q }, meta);
  }

  @Get('metrics/active-users')
  @Roles('admin')
  @adminDocs()
  @ApiOperation({
    summary: 'Distinct active users per bucket (DAU, WAU, MAU)',
    description:
      'Distinct signed-in users with at least one event in each bucket (failed logins and deletions do not count).',
  })
  @ApiOkResponse({ type: ActiveUsersDto })
  activeUsers(@Query() q: ActiveUsersQueryDto, @Meta() meta: RpcMeta) {
    return this.analytics.activeUsers({ ...q }, meta);
  }

  @Get('metrics/revenue')
  @Roles('admin')
  @adminDocs()
  @ApiOperation({
    summary: 'Revenue per bucket from payment events',
    description:
      'Gross (succeeded payments), refunds and net, in minor units per ISO 4217 currency.',
  })
  @ApiOkResponse({ type: RevenueDto })
  revenue(@Query() q: RevenueQueryDto, @Meta() meta: RpcMeta) {
    return this.analytics.revenue({ ...q }, meta);
  }

  @Post('funnels')
  @HttpCode(200)
  @Roles('admin')
  @adminDocs()
  @ApiOperation({
    summary: 'Ordered funnel',
    description:
      'Users (or anonymous ids) whose first step falls in [from, to) and who then did each later step in order within window_seconds of it; conversion per step.',
  })
  @ApiOkResponse({ type: FunnelResultDto })
  funnel(@Body() body: FunnelDto, @Meta() meta: RpcMeta) {
    return this.analytics.funnel({ ...body }, meta);
  }

  @Get('retention')
  @Roles('admin')
  @adminDocs()
  @ApiOperation({
    summary: 'Signup cohort retention',
    description:
      'One row per signup cohort (users whose first signup falls in that bucket); retained[k] counts cohort users active in the k-th bucket after it, up to now.',
  })
  @ApiOkResponse({ type: RetentionResultDto })
  retention(@Query() q: RetentionQueryDto, @Meta() meta: RpcMeta) {
    return this.analytics.retention({ ...q }, meta);
  }
}
