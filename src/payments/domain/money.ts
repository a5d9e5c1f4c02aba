/**
 * Money in integer minor units of an ISO 4217 currency. The currency's exponent (ISO 4217
 * "minor unit") decides what one unit means: JPY 0 (1 = ¥1), EUR 2 (1 = €0.01), KWD 3.
 */

// Active ISO 4217 codes (list one, 2024 edition) whose minor unit is not 2.
const EXPONENTS: Record<string, number> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  CLF: 4,
  UYW: 4,
};

// Active ISO 4217 codes with minor unit 2 (funds and precious metals without a unit excluded).
const TWO = (
  'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN ' +
  'BZD CAD CDF CHE CHF CHW COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL ' +
  'GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR ' +
  'LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD ' +
  'PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC ' +
  'SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG'
).split(' ');
for (const code of TWO) EXPONENTS[code] ??= 2;

/** The largest amount accepted, in minor units (fits a bigint column and a JS safe integer). */
export const MAX_MINOR_AMOUNT = 99_999_999_999;

export function isCurrency(code: unknown): code is string {
  return typeof code === 'string' && Object.hasOwn(EXPONENTS, code);
}

/** ISO 4217 exponent of a currency; throws on an unknown code. */
export function exponentOf(currency: string): number {
  if (!isCurrency(currency)) throw new RangeError(`unknown ISO 4217 currency "${currency}"`);
  return EXPONENTS[currency];
}

export function currencies(): string[] {
  return Object.keys(EXPONENTS).sort();
}

/** Minor units to the decimal string providers such as PayPal expect: 1050 EUR -> "10.50". */
export function toDecimal(amount: number, currency: string): string {
  if (!Number.isSafeInteger(amount) || amount < 0)
    throw new RangeError('amount must be a non-negative integer');
  const exp = exponentOf(currency);
  if (exp === 0) return String(amount);
  const s = String(amount).padStart(exp + 1, '0');
  return `${s.slice(0, -exp)}.${s.slice(-exp)}`;
}

/**
 * A decimal string ("10.5", "10.50", "1000") to minor units, exactly (no floating point).
 * Throws when it has more decimals than the currency allows or is not a plain decimal.
 */
export function fromDecimal(value: string, currency: string): number {
  const exp = exponentOf(currency);
  const m = /^\s*(\d+)(?:\.(\d+))?\s*$/.exec(value);
  if (!m) throw new RangeError(`"${value}" is not a decimal amount`);
  const frac = (m[2] ?? '').replace(/0+$/, '');
  if (frac.length > exp)
    throw new RangeError(`"${value}" has more than ${exp} decimals for ${currency}`);
  const minor = Number(m[1] + frac.padEnd(exp, '0'));
  if (!Number.isSafeInteger(minor)) throw new RangeError(`"${value}" is too large`);
  return minor;
}
