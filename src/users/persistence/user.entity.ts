import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Notification switches; `security` cannot be turned off. */
export interface NotificationSettings {
  security: true;
  product: boolean;
  marketing: boolean;
}

/** A row of `users.users`: the profile, the account state and the preferences. */
@Entity({ schema: 'users', name: 'users' })
export class UserRecord {
  @PrimaryColumn({ type: 'text' })
  id: string;

  /** Null once the personal data has been erased. */
  @Column({ type: 'text', nullable: true })
  email: string | null;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  role: string;

  @Column({ type: 'boolean', name: 'email_verified' })
  emailVerified: boolean;

  @Column({ type: 'boolean' })
  disabled: boolean;

  @Column({ type: 'text', nullable: true })
  locale: string | null;

  @Column({ type: 'text', nullable: true })
  timezone: string | null;

  @Column({ type: 'text', nullable: true, name: 'avatar_url' })
  avatarUrl: string | null;

  @Column({ type: 'text' })
  theme: string;

  @Column({ type: 'jsonb' })
  notifications: NotificationSettings;

  @Column({ type: 'jsonb' })
  custom: Record<string, unknown>;

  @Column({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @Column({ type: 'timestamptz', name: 'updated_at' })
  updatedAt: Date;

  /** When the user (or an admin) asked for deletion; sign-in is impossible from then on. */
  @Column({ type: 'timestamptz', nullable: true, name: 'deleted_at' })
  deletedAt: Date | null;

  /** When the personal data is due to be erased (deleted_at + USER_RETENTION_DAYS). */
  @Column({ type: 'timestamptz', nullable: true, name: 'erase_after' })
  eraseAfter: Date | null;

  /** When the personal data was erased; the row stays as a tombstone. */
  @Column({ type: 'timestamptz', nullable: true, name: 'erased_at' })
  erasedAt: Date | null;
}
