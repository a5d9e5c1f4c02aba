/** Fields never written to logs, wherever they appear in a logged object. */
export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.current_password',
  '*.new_password',
  '*.token',
  '*.access_token',
  '*.refresh_token',
  '*.client_secret',
  '*.secret',
  '*.code',
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

/** Masks card numbers (13-19 digits passing Luhn) and secret query parameters in a string. */
export function scrubSecrets(text: string): string {
  return text.replace(TOKEN_PARAMS, '$1[redacted]').replace(CARD_LIKE, (m) => {
    const digits = m.replace(/[ -]/g, '');
    return digits.length >= 13 && digits.length <= 19 && luhn(digits) ? '[card redacted]' : m;
  });
}

export { luhn };
