/**
 * PCI-DSS: raw card numbers (PANs) must never reach us. Anything shaped like one, 13 to 19
 * digits (optionally grouped by spaces or dashes) passing the Luhn check, is found wherever it
 * sits in a request body: values, numbers and keys.
 */
const CANDIDATE = /(?<![\d])(?:\d[ -]?){12,18}\d(?![\d])/g;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

export function containsCardNumber(text: string): boolean {
  for (const m of text.matchAll(CANDIDATE)) {
    const digits = m[0].replace(/[ -]/g, '');
    if (digits.length >= 13 && digits.length <= 19 && luhnValid(digits)) return true;
  }
  return false;
}

/** The path of the first card-number-shaped value in a JSON-like value, or undefined. */
export function findCardNumber(value: unknown, path = '', depth = 0): string | undefined {
  if (depth > 32) return undefined;
  if (typeof value === 'string') return containsCardNumber(value) ? path || '(body)' : undefined;
  if (typeof value === 'number' || typeof value === 'bigint') {
    return containsCardNumber(String(value)) ? path || '(body)' : undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findCardNumber(value[i], `${path}[${i}]`, depth + 1);
      if (hit) return hit;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const p = path ? `${path}.${k}` : k;
      if (containsCardNumber(k)) return p;
      const hit = findCardNumber(v, p, depth + 1);
      if (hit) return hit;
    }
  }
  return undefined;
}
