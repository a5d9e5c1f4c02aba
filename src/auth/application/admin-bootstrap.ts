import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { newId } from '../../contracts/common/ids.js';
import { UsersClient } from '../../contracts/users/users.client.js';
import { ProblemException } from '../../platform/errors/problem.js';
import { normalizeEmail } from '../domain/password-policy.js';
import { CredentialEntity } from '../persistence/auth.entities.js';
import { AuthSettings } from './auth-settings.js';
import { PasswordHasher } from './password-hasher.js';
import { PendingRegistrations } from './pending-registrations.js';
import { RegisterUseCase } from './register.use-case.js';

/**
 * ADMIN_EMAIL + ADMIN_PASSWORD: creates that admin at start when no such account exists
 * (an existing account is left as it is). Runs in the background and retries until the users
 * part answers, since in split mode it may start after auth.
 */
@Injectable()
export class AdminBootstrap implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('AdminBootstrap');
  private timer?: NodeJS.Timeout;
  private stopped = false;
  /** Settles when the admin exists (or bootstrap is off). */
  done: Promise<void> = Promise.resolve();

  constructor(
    private readonly ds: DataSource,
    private readonly users: UsersClient,
    private readonly hasher: PasswordHasher,
    private readonly register: RegisterUseCase,
    private readonly settings: AuthSettings,
    private readonly pending: PendingRegistrations,
  ) {}

  onApplicationBootstrap(): void {
    const { adminEmail, adminPassword } = this.settings;
    if (!adminEmail || !adminPassword) return;
    this.done = new Promise((resolve) => {
      let attempt = 0;
      const run = async () => {
        if (this.stopped) return resolve();
        try {
          await this.ensure(normalizeEmail(adminEmail), adminPassword);
          resolve();
        } catch (err) {
          attempt++;
          if (attempt % 10 === 1) {
            this.logger.warn(`admin not created yet (${(err as Error)?.message ?? err}); retrying`);
          }
          this.timer = setTimeout(run, Math.min(250 * attempt, 2000));
        }
      };
      this.timer = setTimeout(run, 50);
    });
  }

  onModuleDestroy(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private async ensure(email: string, password: string): Promise<void> {
    const existing = await this.ds.getRepository(CredentialEntity).findOneBy({ email });
    if (existing) return;
    const hash = await this.hasher.hash(password);
    let profile;
    try {
      profile = await this.users.getByEmail(email);
    } catch (err) {
      if (!(err instanceof ProblemException && err.getStatus() === 404)) throw err;
    }
    if (profile) {
      // A profile without credentials (e.g. an earlier start failed half-way): attach them,
      // unless that registration is being undone (then the next attempt starts afresh).
      const now = new Date();
      await this.ds.transaction(async (m) => {
        await this.pending.complete(m, profile.id, false);
        await m.getRepository(CredentialEntity).insert({
          userId: profile.id,
          email,
          passwordHash: hash,
          emailVerified: true,
          createdAt: now,
          updatedAt: now,
          passwordChangedAt: now,
        });
      });
    } else {
      await this.register.createAccount(
        { id: newId('usr'), email, name: 'Administrator', passwordHash: hash, role: 'admin' },
        { requestId: 'admin-bootstrap' },
        { verified: true },
      );
    }
    this.logger.log(`bootstrap admin ${email} created`);
  }
}
