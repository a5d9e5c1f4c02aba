/** Who may do what with a user record; the caller comes from a verified token only. */

export interface Caller {
  id: string;
  role: string;
}

export const isAdmin = (caller: Caller | undefined): boolean => caller?.role === 'admin';

/** A member sees only themself; an admin sees anyone. Anything else looks like "not found". */
export function canSee(caller: Caller | undefined, userId: string): boolean {
  return !!caller && (caller.id === userId || isAdmin(caller));
}

/** A sign-in no older than `maxAgeS` (auth_time in the token, seconds since epoch). */
export function isRecentSignIn(
  authTime: number | undefined,
  nowMs: number,
  maxAgeS: number,
): boolean {
  if (typeof authTime !== 'number' || !Number.isFinite(authTime)) return false;
  const age = nowMs / 1000 - authTime;
  return age >= -60 && age <= maxAgeS;
}
