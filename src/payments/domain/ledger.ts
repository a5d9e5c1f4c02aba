/**
 * Double-entry bookkeeping in minor units. Every money movement is one journal entry whose
 * lines balance: the debits equal the credits, per currency.
 */
export const ACCOUNTS = {
  /** Money held for us by a provider or the bank (assets). */
  stripe: 'assets:stripe',
  paypal: 'assets:paypal',
  bank: 'assets:bank',
  /** Income from payments, and refunds as a contra-revenue account. */
  revenue: 'revenue:payments',
  refunds: 'revenue:refunds',
  /** Received but not (yet) owed to us: under-payments, over-payments, unknown credits. */
  unapplied: 'liabilities:unapplied_receipts',
  /** Wire refunds recorded and waiting for the outgoing bank transfer. */
  payoutsDue: 'liabilities:payouts_due',
} as const;

export type Direction = 'debit' | 'credit';

export interface JournalLine {
  account: string;
  direction: Direction;
  /** Minor units, always positive. */
  amount: number;
  currency: string;
}

export class UnbalancedEntryError extends Error {}

/** Throws unless every line is a positive integer and debits equal credits per currency. */
export function assertBalanced(lines: readonly JournalLine[]): void {
  if (lines.length < 2) throw new UnbalancedEntryError('an entry has at least two lines');
  const sums = new Map<string, number>();
  for (const l of lines) {
    if (!Number.isSafeInteger(l.amount) || l.amount <= 0) {
      throw new UnbalancedEntryError(`line amount must be a positive integer, got ${l.amount}`);
    }
    const signed = l.direction === 'debit' ? l.amount : -l.amount;
    sums.set(l.currency, (sums.get(l.currency) ?? 0) + signed);
  }
  for (const [currency, sum] of sums) {
    if (sum !== 0) throw new UnbalancedEntryError(`entry does not balance in ${currency} (${sum})`);
  }
}

/** Drops zero lines (e.g. no excess) and checks the balance. */
export function entry(lines: JournalLine[]): JournalLine[] {
  const kept = lines.filter((l) => l.amount !== 0);
  assertBalanced(kept);
  return kept;
}

const dr = (account: string, amount: number, currency: string): JournalLine => ({
  account,
  direction: 'debit',
  amount,
  currency,
});
const cr = (account: string, amount: number, currency: string): JournalLine => ({
  account,
  direction: 'credit',
  amount,
  currency,
});

export function providerAccount(method: 'card' | 'paypal' | 'wire'): string {
  return method === 'card'
    ? ACCOUNTS.stripe
    : method === 'paypal'
      ? ACCOUNTS.paypal
      : ACCOUNTS.bank;
}

/** A card or PayPal payment succeeded: the provider holds the money, we earned it. */
export function paymentCaptured(
  method: 'card' | 'paypal' | 'wire',
  amount: number,
  currency: string,
) {
  return entry([
    dr(providerAccount(method), amount, currency),
    cr(ACCOUNTS.revenue, amount, currency),
  ]);
}

/** A refund: revenue goes back; for wire the money is owed until the transfer is made. */
export function refundIssued(method: 'card' | 'paypal' | 'wire', amount: number, currency: string) {
  const source = method === 'wire' ? ACCOUNTS.payoutsDue : providerAccount(method);
  return entry([dr(ACCOUNTS.refunds, amount, currency), cr(source, amount, currency)]);
}

/**
 * A bank credit for a wire payment. `applied` settles the payment (earlier partial receipts
 * held as unapplied move to revenue with it), `held` stays unapplied (under-payment not yet
 * complete, over-payment excess, or a credit nobody can be matched to).
 */
export function wireReceived(opts: {
  received: number;
  currency: string;
  /** Amount recognised as revenue now (0 while the payment is incomplete). */
  recognised: number;
  /** Earlier receipts held as unapplied that this credit completes. */
  releasedFromUnapplied: number;
}) {
  const { received, currency, recognised, releasedFromUnapplied } = opts;
  const held = received + releasedFromUnapplied - recognised;
  if (held < 0) throw new UnbalancedEntryError('recognised more than received');
  return entry([
    dr(ACCOUNTS.bank, received, currency),
    dr(ACCOUNTS.unapplied, releasedFromUnapplied, currency),
    cr(ACCOUNTS.revenue, recognised, currency),
    cr(ACCOUNTS.unapplied, held, currency),
  ]);
}
