import { Injectable } from '@nestjs/common';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { KeyValueStore } from '../../../platform/kv/key-value.store.js';
import { AUTHORIZATION_REQUEST_TTL_S } from '../../domain/oauth/lifetimes.js';
import { newOpaqueToken } from '../../domain/opaque-token.js';

/** An authorization request between its validation and its answer (sign-in, consent). */
export interface AuthorizationRequest {
  client_id: string;
  client_name: string;
  redirect_uri: string;
  /** Whether the request named redirect_uri (the token request must then repeat it). */
  redirect_uri_given: boolean;
  scope: string[];
  state?: string;
  nonce?: string;
  code_challenge?: string;
  /** SHA-256 of the browser-binding cookie: the form must come from the same browser. */
  browser: string;
  /** The CSRF token of the form on the page now shown (a new one per page). */
  csrf: string;
  step: 'login' | 'mfa' | 'consent';
  user_id?: string;
  mfa_token?: string;
  aal?: string;
  amr?: string[];
  /** Epoch seconds of the sign-in. */
  auth_time?: number;
  /** Epoch ms when the request expires. */
  exp: number;
}

const digest = (s: string) => createHash('sha256').update(s).digest('base64url');
const keyOf = (handle: string) => `auth:oauth:authorize:${digest(handle)}`;

/** Constant-time equality of two strings (CSRF tokens, browser bindings). */
export function sameSecret(a: unknown, b: unknown): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  const x = Buffer.from(digest(a));
  const y = Buffer.from(digest(b));
  return timingSafeEqual(x, y);
}

export const browserBinding = (cookie: string) => digest(`browser:${cookie}`);

/**
 * Pending authorization requests in the key-value store, under the SHA-256 of an opaque
 * handle that the page carries in its form. Each form post claims the request atomically
 * (`getDel`), so a form cannot be submitted twice, and puts it back for the next step.
 */
@Injectable()
export class AuthorizationRequests {
  constructor(private readonly kv: KeyValueStore) {}

  /** A new request at its first step, with its handle; `put` stores it. */
  create(r: Omit<AuthorizationRequest, 'csrf' | 'exp' | 'step'>): {
    handle: string;
    request: AuthorizationRequest;
  } {
    const request: AuthorizationRequest = {
      ...r,
      step: 'login',
      csrf: '',
      exp: Date.now() + AUTHORIZATION_REQUEST_TTL_S * 1000,
    };
    return { handle: newOpaqueToken('ar'), request };
  }

  /** Takes the request out of the store (null when unknown, expired or being used). */
  async claim(handle: string | undefined): Promise<AuthorizationRequest | null> {
    if (!handle || handle.length > 128) return null;
    const raw = await this.kv.getDel(keyOf(handle));
    if (!raw) return null;
    const r = JSON.parse(raw) as AuthorizationRequest;
    return r.exp > Date.now() ? r : null;
  }

  /** Stores the request with a fresh CSRF token for the page about to be shown. */
  async put(handle: string, r: AuthorizationRequest): Promise<void> {
    r.csrf = randomBytes(32).toString('base64url');
    const ttl = r.exp - Date.now();
    if (ttl > 0) await this.kv.set(keyOf(handle), JSON.stringify(r), ttl);
  }
}
