/** Progressive account lockout (the shape of Keycloak's brute-force detection). */
export interface LockoutPolicy {
  /** Failures allowed before the first lock. */
  threshold: number;
  /** First lock, in seconds; each further failure doubles it. */
  baseDelaySec: number;
  /** The longest lock, in seconds. */
  maxDelaySec: number;
}

/**
 * How long the account is locked after its `failures`-th consecutive failure: nothing below
 * the threshold, then base, 2x base, 4x base ... capped at the maximum.
 */
export function lockoutDelaySec(failures: number, policy: LockoutPolicy): number {
  if (failures < policy.threshold) return 0;
  const steps = Math.min(failures - policy.threshold, 30);
  return Math.min(policy.baseDelaySec * 2 ** steps, policy.maxDelaySec);
}
