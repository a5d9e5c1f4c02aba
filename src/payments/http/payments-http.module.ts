import { Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { PaymentsClient } from '../../contracts/payments/payments.client.js';
import { PaymentsController } from './payments.controller.js';

/** HTTP controllers of the payments part, mounted by the gateway; they reach the part via its client. */
@Module({
  controllers: [PaymentsController],
  providers: [PaymentsClient],
})
export class PaymentsHttpModule implements OnModuleInit {
  constructor(private readonly adapter: HttpAdapterHost) {}

  /** Bank statements (camt.053) arrive as XML: read them as text. */
  onModuleInit(): void {
    const fastify = this.adapter.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    for (const type of ['application/xml', 'text/xml']) {
      if (!fastify.hasContentTypeParser(type)) {
        fastify.addContentTypeParser(type, { parseAs: 'string' }, (_req, body, done) =>
          done(null, body),
        );
      }
    }
  }
}
