import { Injectable } from '@nestjs/common';
import { AuthPatterns } from '../../contracts/auth/auth.patterns.js';
import { userErasePattern, userExportPattern } from '../../contracts/users/users.patterns.js';
import { ProblemException } from '../../platform/errors/index.js';
import { RpcClient } from '../../platform/transport/rpc-client.js';
import type { RpcMeta } from '../../platform/transport/rpc-meta.js';

/** The calls the users part makes to other parts, all through the transport. */
@Injectable()
export class OtherParts {
  constructor(private readonly rpc: RpcClient) {}

  /** Signs the user out everywhere; retried a few times because a stale session is a risk. */
  async revokeSessions(userId: string, meta: RpcMeta): Promise<void> {
    let last: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await this.rpc.send(AuthPatterns.revokeUserSessions, { user_id: userId }, meta);
        return;
      } catch (err) {
        last = err;
        if (err instanceof ProblemException && err.getStatus() < 500) throw err;
      }
    }
    throw new ProblemException(
      503,
      'sessions-not-revoked',
      'The change is saved, but the sessions of the user could not be revoked yet; retry the request.',
      { cause_status: last instanceof ProblemException ? last.getStatus() : undefined },
    );
  }

  /** Logs the registration in auth before the profile exists (undone if never completed). */
  async beginRegistration(userId: string, meta: RpcMeta): Promise<void> {
    await this.rpc.send(AuthPatterns.beginRegistration, { user_id: userId }, meta);
  }

  /** Credentials without a password, and an invitation mail whose link sets it. */
  async invite(user: { id: string; email: string; name: string }, meta: RpcMeta): Promise<void> {
    await this.rpc.send(
      AuthPatterns.invite,
      { user_id: user.id, email: user.email, name: user.name },
      meta,
    );
  }

  async verifyPassword(userId: string, password: string, meta: RpcMeta): Promise<boolean> {
    const res = await this.rpc.send<{ valid?: boolean }>(
      AuthPatterns.verifyPassword,
      { user_id: userId, password },
      meta,
    );
    return res?.valid === true;
  }

  /**
   * What `part` holds about the user. A part that does not know the user (404) holds nothing:
   * `null`. Any other failure (part down, timing out, failing) fails the whole export, which
   * must never be silently incomplete.
   */
  async exportFrom(part: string, userId: string, meta: RpcMeta): Promise<unknown> {
    try {
      const data = await this.rpc.send<unknown>(userExportPattern(part), { user_id: userId }, meta);
      return data ?? null;
    } catch (err) {
      if (err instanceof ProblemException && err.getStatus() === 404) return null;
      const status = err instanceof ProblemException ? err.getStatus() : 502;
      throw new ProblemException(
        503,
        'export-unavailable',
        `The data held by the ${part} part cannot be gathered right now; no partial export is given. Retry later.`,
        { part, cause_status: status, headers: { 'retry-after': '30' } },
      );
    }
  }

  /** Erases what `part` holds about the user; a part that does not know the user is done. */
  async eraseIn(part: string, userId: string, meta: RpcMeta): Promise<void> {
    try {
      await this.rpc.send(userErasePattern(part), { user_id: userId }, meta);
    } catch (err) {
      if (err instanceof ProblemException && err.getStatus() === 404) return;
      throw err;
    }
  }
}
