import type { JwsAlgorithm, PublicJwk } from './jwt.js';

/** Lifecycle of an asymmetric signing key (see docs/auth.md, "Signing keys and JWKS"). */
export type SigningKeyState = 'next' | 'active' | 'retired';

/** A published public key and its window, as the gateway needs it (times in epoch seconds). */
export interface PublishedKeyDto {
  jwk: PublicJwk;
  /** When it starts (or started) signing. */
  not_before: number;
  /** When it stopped signing (retired), or null while it is next or active. */
  not_after: number | null;
  /** When it leaves the JWKS, or null while it is next or active. */
  published_until: number | null;
}

/** `auth.keys.public`: every key to publish now; empty with HS256 (secrets are never published). */
export interface PublicKeySetDto {
  alg: JwsAlgorithm;
  keys: PublishedKeyDto[];
}

/** An operator's view of one key (never the private part). */
export interface SigningKeyDto {
  kid: string;
  alg: JwsAlgorithm;
  state: SigningKeyState;
  created_at: string;
  activates_at: string;
  retires_at: string | null;
  published_until: string | null;
}

export interface SigningKeyListDto {
  alg: JwsAlgorithm;
  /** Seconds between publishing a key and signing with it (JWT_KEY_PUBLISH_DELAY_S). */
  publish_delay_s: number;
  keys: SigningKeyDto[];
}

/** What a rotation did: the new key (state next) and the key it replaces (none on a first key). */
export interface KeyRotationDto {
  key: SigningKeyDto;
  previous: SigningKeyDto | null;
}
