/** Password rules (NIST SP 800-63B / ASVS 5.0): length, not a common password, not the email. */
export const PASSWORD_MIN_CHARS = 8;
export const PASSWORD_MAX_CHARS = 128;

export interface PolicyViolation {
  field: string;
  message: string;
}

/**
 * Checks a new password. Length counts characters (code points), not bytes or UTF-16 units,
 * and the password is never truncated. `isCommon` tells whether it is among the most common
 * passwords.
 */
export function checkPassword(
  password: string,
  email: string,
  isCommon: (password: string) => boolean,
  field = 'password',
): PolicyViolation[] {
  const chars = [...password].length;
  if (chars < PASSWORD_MIN_CHARS || chars > PASSWORD_MAX_CHARS) {
    return [
      {
        field,
        message: `must be between ${PASSWORD_MIN_CHARS} and ${PASSWORD_MAX_CHARS} characters`,
      },
    ];
  }
  const out: PolicyViolation[] = [];
  if (isCommon(password)) {
    out.push({ field, message: 'is too common: choose a password that is not widely used' });
  }
  if (email && password.trim().toLowerCase() === email.trim().toLowerCase()) {
    out.push({ field, message: 'must not be the same as the email' });
  }
  return out;
}

/** Emails are compared and stored trimmed and lower-cased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
