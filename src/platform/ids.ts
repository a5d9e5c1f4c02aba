import { randomBytes } from 'node:crypto';

/** Prefixed, sortable-enough random ids: `usr_…`, `ses_…`, `pay_…`, `evt_…`, `cli_…`. */
export type IdPrefix =
  'usr' | 'ses' | 'pay' | 'evt' | 'cli' | 'rfd' | 'aud' | 'ikey' | 'jrn' | 'inv' | 'fac';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

export function newId(prefix: IdPrefix): string {
  // 48-bit time prefix keeps ids roughly ordered by creation (useful for cursors and indexes),
  // 80 random bits make them unguessable.
  const time = Date.now().toString(36).padStart(10, '0');
  const bytes = randomBytes(16);
  let rand = '';
  for (let i = 0; i < 16; i++) rand += ALPHABET[bytes[i] % 36];
  return `${prefix}_${time}${rand}`;
}

export function hasPrefix(id: unknown, prefix: IdPrefix): id is string {
  return (
    typeof id === 'string' && id.startsWith(`${prefix}_`) && /^[a-z]+_[0-9a-z]{10,40}$/.test(id)
  );
}
