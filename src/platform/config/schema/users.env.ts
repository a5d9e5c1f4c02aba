import { int } from '../env-var.js';

/** Settings read by the users part. */
export const usersEnv = {
  USER_RETENTION_DAYS: int({
    doc: 'Days between an account deletion and the erasure of its personal data (0 = next job run)',
    default: 30,
    min: 0,
    max: 3650,
  }),
  USERS_ERASURE_INTERVAL_MS: int({
    doc: 'How often the users part looks for accounts whose personal data is due for erasure',
    default: 60000,
    min: 100,
  }),
  USERS_REAUTH_MAX_AGE_S: int({
    doc: 'How recent a sign-in must be to delete the account without re-entering the password',
    default: 300,
    min: 0,
    max: 86400,
  }),
};
