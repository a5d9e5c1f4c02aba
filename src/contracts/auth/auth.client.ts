import { Injectable } from '@nestjs/common';
import { RpcClient } from '../../platform/transport/rpc-client.js';
import type { RpcMeta } from '../../platform/transport/rpc-meta.js';
import { AuthPatterns } from './auth.patterns.js';

/** Typed client of the auth part. */
@Injectable()
export class AuthClient {
  constructor(private readonly rpc: RpcClient) {}

  revokeUserSessions(
    userId: string,
    meta?: RpcMeta,
    exceptSessionId?: string,
  ): Promise<{ revoked: number }> {
    return this.rpc.send(
      AuthPatterns.revokeUserSessions,
      { user_id: userId, except_session_id: exceptSessionId },
      meta,
    );
  }
}
