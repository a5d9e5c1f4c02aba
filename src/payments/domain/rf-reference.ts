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

/** The first valid RF reference inside free text (unstructured remittance information). */
export function findRfReference(text: string): string | undefined {
  // Accept the printed form in groups of four ("RF18 5390 0754 7034") as well as compact.
  const candidates = text.toUpperCase().match(/RF\d{2}(?:\s?[A-Z0-9]){1,21}/g) ?? [];
  for (const c of candidates) {
    // Try the longest candidate first, then shorter ones (the text may continue after it).
    const compact = c.replace(/\s+/g, '');
    for (let len = compact.length; len >= 5; len--) {
      const ok = parseRfReference(compact.slice(0, len));
      if (ok) return ok;
    }
  }
  return undefined;
}

/** Printed form in groups of four, as on an invoice: "RF18 5390 0754 7034". */
export function formatRfReference(ref: string): string {
  return ref.replace(/(.{4})/g, '$1 ').trim();
}
