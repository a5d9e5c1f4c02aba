import { Injectable } from '@nestjs/common';

/** The time source of the analytics part (tests replace it to ingest at a chosen instant). */
@Injectable()
export class AnalyticsClock {
  now(): number {
    return Date.now();
  }
}
