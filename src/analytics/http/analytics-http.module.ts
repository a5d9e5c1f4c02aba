import { Module } from '@nestjs/common';

/** HTTP controllers of the analytics part, mounted by the gateway; they reach the part via its client. */
@Module({})
export class AnalyticsHttpModule {}
