const SECRET_FIELDS = [
  'password',
  'current_password',
  'new_password',
  'token',
  'access_token',
  'refresh_token',
  'client_secret',
  'secret',
  'code',
];

/** Fields never written to logs, at the top of a logged object or one level down. */
export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((f) => `*.${f}`),
];

const CARD_LIKE = /\b(?:\d[ -]?){13,19}\b/g;
const TOKEN_PARAMS =
  /([?&](?:token|code|access_token|refresh_token|client_secret|password)=)[^&#\s]+/gi;

function luhn(digits: string): boolean {
  let sum = 0;
  let dbl = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return sum % 10 === 0;
}

/** Whether the patterns below can match at all: a parameter needs `=`, a card 13 digits. */
function mayHoldSecret(text: string): boolean {
  if (text.includes('=')) return true;
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57 && ++digits >= 13) return true;
  }
  return false;
}

/** Masks card numbers (13-19 digits passing Luhn) and secret query parameters in a string. */
export function scrubSecrets(text: string): string {
  if (!mayHoldSecret(text)) return text;
  return text.replace(TOKEN_PARAMS, '$1[redacted]').replace(CARD_LIKE, (m) => {
    const digits = m.replace(/[ -]/g, '');
    return digits.length >= 13 && digits.length <= 19 && luhn(digits) ? '[card redacted]' : m;
  });
}

export { luhn };
