import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ProblemException } from '../../platform/errors/problem.js';
import { KeyValueStore } from '../../platform/kv/key-value.store.js';
import type { RpcMeta } from '../../platform/transport/rpc-meta.js';
import { CredentialEntity } from '../persistence/auth.entities.js';
import { AuthEvents } from '../../contracts/auth/auth.patterns.js';
import { AuditLog } from './audit-log.js';
import { EventPublisher } from './event-publisher.js';
import { AuthMails } from './auth-mails.js';
import { AuthSettings } from './auth-settings.js';
import { OneTimeTokens } from './one-time-tokens.js';
import { invalidToken } from './password.use-cases.js';
import { UserDirectory } from './user-directory.js';

@Injectable()
export class EmailVerificationUseCase {
  constructor(
    private readonly ds: DataSource,
    private readonly tokens: OneTimeTokens,
    private readonly audit: AuditLog,
    private readonly events: EventPublisher,
    private readonly mails: AuthMails,
    private readonly directory: UserDirectory,
    private readonly kv: KeyValueStore,
    private readonly settings: AuthSettings,
  ) {}

  async verify(token: string, meta: RpcMeta): Promise<void> {
    const ok = await this.ds.transaction(async (m) => {
      const t = await this.tokens.consume(m, token, ['verify-email']);
      if (!t) return false;
      await m
        .getRepository(CredentialEntity)
        .update({ userId: t.userId }, { emailVerified: true, updatedAt: new Date() });
      await this.audit.record(m, { type: 'email.verified', userId: t.userId, meta });
      await this.events.publish(m, AuthEvents.emailVerified, t.userId, { user_id: t.userId });
      return true;
    });
    if (!ok) throw invalidToken();
  }

  /** Sends a fresh link (at most 5 an hour); accepted whatever happens. */
  async resend(meta: RpcMeta): Promise<void> {
    const userId = meta.actor?.id;
    if (!userId) throw new ProblemException(401, 'unauthorized', 'An access token is required.');
    const cred = await this.ds.getRepository(CredentialEntity).findOneBy({ userId });
    if (!cred || cred.emailVerified) return;
    const limit = await this.kv.hit(`auth:verify-resend:${userId}`, 5, 3_600_000);
    if (!limit.allowed) return;
    const user = await this.directory.find(userId, meta);
    const token = await this.ds.transaction((m) =>
      this.tokens.issue(m, userId, 'verify-email', this.settings.verifyTtl),
    );
    this.mails.verification(cred.email, user?.name ?? '', token);
  }

  /** Whether auth has seen the user's address proven. */
  async isVerified(userId: string): Promise<boolean> {
    const cred = await this.ds.getRepository(CredentialEntity).findOneBy({ userId });
    return !!cred?.emailVerified;
  }
}
