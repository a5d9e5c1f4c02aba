import type { AppConfig } from '../../platform/config/config.js';
import { JWS_ALGORITHMS, type JwsAlgorithm } from './jwt.js';

/** JWT_ALGORITHM, typed (the schema only lets these through). */
export function jwtAlgorithmOf(config: AppConfig): JwsAlgorithm {
  const alg = config.get('JWT_ALGORITHM') as JwsAlgorithm;
  if (!JWS_ALGORITHMS.includes(alg)) throw new Error(`unknown JWT_ALGORITHM ${alg}`);
  return alg;
}

/**
 * How long any process may rely on its copy of the key set: a quarter of the publish delay,
 * between 250 ms and 5 minutes. Signers and verifiers reload at least this often, so every
 * one of them knows a new key (and when it starts signing) well before it signs, and the
 * JWKS answer is cacheable for as long.
 */
export function keyRefreshMs(config: AppConfig): number {
  const quarter = (config.get('JWT_KEY_PUBLISH_DELAY_S') * 1000) / 4;
  return Math.round(Math.min(Math.max(quarter, 250), 300_000));
}
