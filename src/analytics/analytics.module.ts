import { Module } from '@nestjs/common';

/** The analytics part: message handlers, use cases and persistence. Runs where APP_ROLES has analytics. */
@Module({})
export class AnalyticsModule {}
