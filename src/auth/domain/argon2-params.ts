/** The argon2id parameters the platform hashes with (OWASP: m=19456 KiB, t=2, p=1). */
export const ARGON2_PARAMS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/**
 * True when a stored hash is not argon2id or uses weaker parameters than ARGON2_PARAMS, so
 * it should be replaced at the next successful sign-in.
 */
export function needsRehash(phc: string): boolean {
  const m = /^\$(argon2(?:id|i|d))\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(phc);
  if (!m) return true;
  const [, variant, version, mem, time, par] = m;
  return (
    variant !== 'argon2id' ||
    Number(version) < 19 ||
    Number(mem) < ARGON2_PARAMS.memoryCost ||
    Number(time) < ARGON2_PARAMS.timeCost ||
    Number(par) < ARGON2_PARAMS.parallelism
  );
}
