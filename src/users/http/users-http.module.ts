import { Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { UsersClient } from '../../contracts/users/users.client.js';
import { MERGE_PATCH_JSON, UsersMeController } from './users-me.controller.js';
import { UsersAdminController } from './users-admin.controller.js';

/** HTTP controllers of the users part, mounted by the gateway; they reach the part via its client. */
@Module({
  controllers: [UsersMeController, UsersAdminController],
  providers: [UsersClient],
})
export class UsersHttpModule implements OnModuleInit {
  constructor(private readonly host: HttpAdapterHost) {}

  /** Accepts `application/merge-patch+json` (RFC 7396) bodies, parsed as JSON. */
  onModuleInit(): void {
    const fastify = this.host.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify || fastify.hasContentTypeParser(MERGE_PATCH_JSON)) return;
    fastify.addContentTypeParser(MERGE_PATCH_JSON, { parseAs: 'string' }, (_req, body, done) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      if (!text.trim()) {
        done(
          Object.assign(new Error('empty body'), {
            code: 'FST_ERR_CTP_EMPTY_JSON_BODY',
            statusCode: 400,
          }),
          undefined,
        );
        return;
      }
      try {
        done(null, JSON.parse(text));
      } catch {
        done(
          Object.assign(new Error('invalid JSON'), {
            code: 'FST_ERR_CTP_INVALID_JSON_BODY',
            statusCode: 400,
          }),
          undefined,
        );
      }
    });
  }
}
