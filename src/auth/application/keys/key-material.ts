import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import type { AsymmetricAlgorithm, PublicJwk } from '../../../contracts/auth/jwt.js';
import { seal, unseal } from '../../../platform/crypto/sealed.js';

export interface NewKeyMaterial {
  /** RFC 7638 JWK thumbprint (SHA-256) of the public key: stable, unique, reveals nothing. */
  kid: string;
  publicJwk: PublicJwk;
  /** PKCS#8 private key sealed with the key encryption key. */
  privateKeyEnc: string;
}

/** A fresh key pair for `alg` (P-256 for ES256, Ed25519 for EdDSA), private part sealed. */
export async function newKeyMaterial(
  alg: AsymmetricAlgorithm,
  encryptionKey: Buffer,
): Promise<NewKeyMaterial> {
  const pair =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('ed25519');
  const { kty, crv, x, y } = pair.publicKey.export({ format: 'jwk' });
  const bare = { kty, crv, x, ...(y ? { y } : {}) } as Omit<PublicJwk, 'kid' | 'alg' | 'use'>;
  const kid = await calculateJwkThumbprint(bare, 'sha256');
  const pkcs8 = pair.privateKey.export({ type: 'pkcs8', format: 'der' });
  return {
    kid,
    publicJwk: { ...bare, kid, alg, use: 'sig' },
    privateKeyEnc: seal(encryptionKey, pkcs8),
  };
}

/** Opens a sealed private key (throws with another encryption key or a tampered value). */
export function openPrivateKey(sealed: string, encryptionKey: Buffer): KeyObject {
  return createPrivateKey({ key: unseal(encryptionKey, sealed), format: 'der', type: 'pkcs8' });
}
