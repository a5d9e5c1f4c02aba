import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  containsCardNumber,
  findCardNumber,
  luhnValid,
} from '../../contracts/payments/card-number.js';
import { parseCamt053, StatementFormatError } from './camt053.js';
import { assertBalanced, paymentCaptured, refundIssued, wireReceived } from './ledger.js';
import { exponentOf, fromDecimal, isCurrency, toDecimal } from './money.js';
import { canTransition, PAYMENT_STATUSES, refundedStatus } from './payment-state.js';
import {
  findRfReference,
  findRfReferences,
  formatRfReference,
  parseRfReference,
  rfReference,
} from './rf-reference.js';
import { decideCredit } from './wire-matching.js';

describe('money (ISO 4217)', () => {
  it('knows the exponents', () => {
    expect(exponentOf('JPY')).toBe(0);
    expect(exponentOf('EUR')).toBe(2);
    expect(exponentOf('KWD')).toBe(3);
    expect(exponentOf('CLF')).toBe(4);
    expect(isCurrency('XYZ')).toBe(false);
    expect(isCurrency('eur')).toBe(false);
  });

  it('converts minor units to decimals and back exactly', () => {
    expect(toDecimal(1050, 'EUR')).toBe('10.50');
    expect(toDecimal(5, 'EUR')).toBe('0.05');
    expect(toDecimal(500, 'JPY')).toBe('500');
    expect(toDecimal(1234, 'KWD')).toBe('1.234');
    expect(fromDecimal('10.5', 'EUR')).toBe(1050);
    expect(fromDecimal('0.10', 'EUR')).toBe(10);
    expect(() => fromDecimal('1.001', 'EUR')).toThrow();
    expect(() => fromDecimal('1.5', 'JPY')).toThrow();
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 99_999_999_999 }),
        fc.constantFrom('EUR', 'JPY', 'KWD'),
        (n, c) => {
          expect(fromDecimal(toDecimal(n, c), c)).toBe(n);
        },
      ),
    );
  });
});

describe('RF creditor reference (ISO 11649)', () => {
  it('validates the published example and builds check digits', () => {
    expect(parseRfReference('RF18 5390 0754 7034')).toBe('RF18539007547034');
    expect(parseRfReference('RF19539007547034')).toBeUndefined();
    expect(rfReference('539007547034')).toBe('RF18539007547034');
    expect(formatRfReference('RF18539007547034')).toBe('RF18 5390 0754 7034');
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Z0-9]{1,21}$/), (body) => {
        expect(parseRfReference(rfReference(body))).toBe(rfReference(body));
      }),
    );
  });

  it('finds a reference in remittance text', () => {
    expect(findRfReference('Invoice RF18 5390 0754 7034 thanks')).toBe('RF18539007547034');
    expect(findRfReference('nothing here RF00')).toBeUndefined();
    expect(findRfReference('ref:RF18539007547034.')).toBe('RF18539007547034');
  });

  it('always offers the issued reference, whatever text follows it', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Z0-9]{16}$/),
        fc.stringMatching(/^[A-Z0-9]{1,12}$/),
        (body, tail) => {
          const ref = rfReference(body);
          expect(findRfReferences(`Invoice ${formatRfReference(ref)} ${tail}`)).toContain(ref);
          expect(findRfReferences(`${ref} ${tail}`)).toContain(ref);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('card numbers (Luhn)', () => {
  it('finds card-shaped values anywhere', () => {
    expect(luhnValid('4242424242424242')).toBe(true);
    expect(luhnValid('4242424242424241')).toBe(false);
    expect(containsCardNumber('pay with 4242 4242 4242 4242 please')).toBe(true);
    expect(containsCardNumber('5555-5555-5555-4444')).toBe(true);
    expect(containsCardNumber('order 123456789012')).toBe(false);
    expect(findCardNumber({ a: { b: ['x', 4111111111111111] } })).toBe('a.b[1]');
    expect(findCardNumber({ '4000056655665556': 'key' })).toBe('4000056655665556');
    expect(findCardNumber({ amount: 1050, iban: 'DE89370400440532013000' })).toBeUndefined();
  });
});

describe('state machine', () => {
  it('moves forward only', () => {
    expect(canTransition('requires_action', 'processing')).toBe(true);
    expect(canTransition('processing', 'succeeded')).toBe(true);
    expect(canTransition('succeeded', 'processing')).toBe(false);
    expect(canTransition('succeeded', 'failed')).toBe(false);
    expect(canTransition('refunded', 'partially_refunded')).toBe(false);
    expect(canTransition('partially_refunded', 'refunded')).toBe(true);
    for (const s of ['failed', 'canceled', 'refunded'] as const) {
      for (const t of PAYMENT_STATUSES) expect(canTransition(s, t)).toBe(false);
    }
    expect(refundedStatus(100, 40)).toBe('partially_refunded');
    expect(refundedStatus(100, 100)).toBe('refunded');
  });
});

describe('ledger', () => {
  it('balances every entry', () => {
    for (const lines of [
      paymentCaptured('card', 1050, 'EUR'),
      refundIssued('wire', 50, 'EUR'),
      wireReceived({
        received: 5000,
        currency: 'EUR',
        recognised: 20000,
        releasedFromUnapplied: 15000,
      }),
    ]) {
      expect(() => assertBalanced(lines)).not.toThrow();
    }
    expect(() =>
      assertBalanced([
        { account: 'a', direction: 'debit', amount: 1, currency: 'EUR' },
        { account: 'b', direction: 'credit', amount: 1, currency: 'USD' },
      ]),
    ).toThrow();
  });

  it('decides wire credits: exact, under, over, unknown', () => {
    const open = {
      amount: 1000,
      currency: 'EUR',
      status: 'requires_action' as const,
      amountReceived: 0,
    };
    expect(decideCredit({ amount: 1000, currency: 'EUR' }, open)).toMatchObject({
      outcome: 'matched',
      newStatus: 'succeeded',
    });
    expect(decideCredit({ amount: 400, currency: 'EUR' }, open)).toMatchObject({
      outcome: 'underpaid',
      difference: -600,
    });
    expect(decideCredit({ amount: 1200, currency: 'EUR' }, open)).toMatchObject({
      outcome: 'overpaid',
      difference: 200,
    });
    expect(decideCredit({ amount: 1200, currency: 'EUR' }, undefined)).toMatchObject({
      outcome: 'unknown',
    });
    expect(decideCredit({ amount: 1000, currency: 'USD' }, open)).toMatchObject({
      outcome: 'currency_mismatch',
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e9 }),
        fc.integer({ min: 0, max: 1e9 }),
        fc.integer({ min: 1, max: 1e9 }),
        (amount, prior, credit) => {
          const d = decideCredit(
            { amount: credit, currency: 'EUR' },
            { ...open, amount: amount + prior, amountReceived: prior },
          );
          expect(() => assertBalanced(d.journal)).not.toThrow();
        },
      ),
    );
  });
});

describe('camt.053', () => {
  it('refuses what is not a statement', () => {
    expect(() => parseCamt053('<x/>')).toThrow(StatementFormatError);
    expect(() => parseCamt053('<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "c">]><a/>')).toThrow(
      StatementFormatError,
    );
    expect(() => parseCamt053('not xml <')).toThrow(StatementFormatError);
  });
});
