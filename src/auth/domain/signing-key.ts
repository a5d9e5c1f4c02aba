/**
 * Lifecycle of an asymmetric signing key, decided by two instants so that every process
 * holding a copy of the keys agrees without talking to the others:
 *
 *   next     now < activatesAt                 published in the JWKS, signs nothing yet
 *   active   activatesAt <= now < retiresAt    signs (retiresAt is null until a rotation)
 *   retired  retiresAt <= now                  published until retiresAt + retention, when
 *                                              every token it signed has expired; then gone
 *
 * A rotation creates a key that activates `publishDelay` from now and sets the current key's
 * retiresAt to that same instant: one key signs at any moment.
 */
export type KeyState = 'next' | 'active' | 'retired';

export interface KeyWindow {
  kid: string;
  activatesAt: Date;
  retiresAt: Date | null;
}

export function keyState(k: KeyWindow, now: Date): KeyState {
  if (now < k.activatesAt) return 'next';
  if (k.retiresAt === null || now < k.retiresAt) return 'active';
  return 'retired';
}

/** When the key leaves the JWKS (null while it is next or active). */
export function publishedUntil(k: KeyWindow, retentionSec: number): Date | null {
  return k.retiresAt ? new Date(k.retiresAt.getTime() + retentionSec * 1000) : null;
}

export function isPublished(k: KeyWindow, now: Date, retentionSec: number): boolean {
  const until = publishedUntil(k, retentionSec);
  return until === null || now < until;
}

/** The key that signs at `now`: the most recently activated active key. */
export function signingKeyAt<K extends KeyWindow>(keys: readonly K[], now: Date): K | undefined {
  let best: K | undefined;
  for (const k of keys) {
    if (keyState(k, now) !== 'active') continue;
    if (!best || k.activatesAt > best.activatesAt) best = k;
  }
  return best;
}

export type RotationPlan<K extends KeyWindow> =
  /** No key signs: create one that signs at once (first start, or a new algorithm). */
  | { kind: 'first'; activatesAt: Date }
  /** Create a key that signs at `activatesAt`; the active keys retire at that instant. */
  | { kind: 'rotate'; activatesAt: Date; retire: K[] }
  /** A key is already waiting to sign: one rotation at a time. */
  | { kind: 'pending'; next: K };

export function planRotation<K extends KeyWindow>(
  keys: readonly K[],
  now: Date,
  publishDelaySec: number,
): RotationPlan<K> {
  const next = keys.find((k) => keyState(k, now) === 'next');
  if (next) return { kind: 'pending', next };
  const active = keys.filter((k) => keyState(k, now) === 'active');
  if (!active.length) return { kind: 'first', activatesAt: wholeSecond(now) };
  // Whole seconds, rounded up, like the iat of the tokens it will sign.
  const activatesAt = new Date(Math.ceil((now.getTime() + publishDelaySec * 1000) / 1000) * 1000);
  return { kind: 'rotate', activatesAt, retire: active };
}

/** Keys whose publication has ended (nothing they signed is still valid): safe to delete. */
export function expiredKeys<K extends KeyWindow>(
  keys: readonly K[],
  now: Date,
  retentionSec: number,
): K[] {
  return keys.filter((k) => !isPublished(k, now, retentionSec));
}

function wholeSecond(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 1000) * 1000);
}
