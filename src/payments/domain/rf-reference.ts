/**
 * ISO 11649 structured creditor reference ("RF reference"): `RF`, two check digits, then 1 to
 * 21 alphanumerics. The check digits make the whole string, rearranged with letters as numbers
 * (A=10 … Z=35), equal 1 modulo 97 (the IBAN scheme, ISO 7064 MOD 97-10).
 */

const BODY = /^[A-Z0-9]{1,21}$/;

function mod97(text: string): number {
  let rest = 0;
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    const digits = code >= 65 ? String(code - 55) : ch;
    for (const d of digits) rest = (rest * 10 + (d.charCodeAt(0) - 48)) % 97;
  }
  return rest;
}

/** Builds the RF reference for a body (case-insensitive, spaces ignored). */
export function rfReference(body: string): string {
  const b = body.replace(/\s+/g, '').toUpperCase();
  if (!BODY.test(b)) throw new RangeError('an RF reference body is 1 to 21 letters or digits');
  const check = 98 - mod97(`${b}RF00`);
  return `RF${String(check).padStart(2, '0')}${b}`;
}

/** Normalises (upper case, no spaces) and validates; `undefined` when not a valid RF reference. */
export function parseRfReference(value: string): string | undefined {
  const v = value.replace(/\s+/g, '').toUpperCase();
  if (!/^RF\d{2}[A-Z0-9]{1,21}$/.test(v)) return undefined;
  return mod97(v.slice(4) + v.slice(0, 4)) === 1 ? v : undefined;
}

/**
 * Every valid RF reference inside free text (unstructured remittance information), longest
 * first. A reference is written compact ("RF18539007547034") or in groups of four
 * ("RF18 5390 0754 7034", the last group shorter). Text after it may by chance extend it to
 * another valid reference, so the caller tries each against what it knows.
 */
export function findRfReferences(text: string): string[] {
  const tokens = text
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter(Boolean);
  const found: string[] = [];
  tokens.forEach((token, i) => {
    if (!/^RF\d{2}/.test(token)) return;
    const candidates: string[] = [token];
    let joined = token;
    for (let j = i + 1; j < tokens.length && tokens[j - 1].length === 4; j++) {
      if (tokens[j].length > 4 || joined.length + tokens[j].length > 25) break;
      joined += tokens[j];
      candidates.push(joined);
    }
    for (const c of candidates.reverse()) {
      const ok = parseRfReference(c);
      if (ok && !found.includes(ok)) found.push(ok);
    }
  });
  return found;
}

/** The first valid RF reference inside free text. */
export function findRfReference(text: string): string | undefined {
  return findRfReferences(text)[0];
}

/** Printed form in groups of four, as on an invoice: "RF18 5390 0754 7034". */
export function formatRfReference(ref: string): string {
  return ref.replace(/(.{4})/g, '$1 ').trim();
}
