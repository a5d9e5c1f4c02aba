import { Module } from '@nestjs/common';

/** The payments part: message handlers, use cases and persistence. Runs where APP_ROLES has payments. */
@Module({})
export class PaymentsModule {}
