import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AppConfig } from '../../platform/config/config.js';
import {
  PaymentProvider,
  ProviderError,
  type CreatedAtProvider,
  type ProviderPayment,
  type ProviderState,
  type RefundAtProvider,
} from '../application/payment-provider.js';
import { rfReference } from '../domain/rf-reference.js';

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ'; // no I/O: easy to read out loud

/** A fresh RF creditor reference body: 16 characters, ~81 bits. */
export function newReferenceBody(): string {
  const bytes = randomBytes(16);
  let s = '';
  for (const b of bytes) s += ALPHABET[b % ALPHABET.length];
  return s;
}

/** Bank transfers: built in, no keys. The customer pays to our account with an RF reference. */
@Injectable()
export class WireProvider extends PaymentProvider {
  readonly method = 'wire' as const;

  constructor(private readonly config: AppConfig) {
    super();
  }

  missingSetting(): undefined {
    return undefined;
  }

  async create(p: ProviderPayment): Promise<CreatedAtProvider> {
    const reference = p.wire_reference ?? rfReference(newReferenceBody());
    return {
      providerRef: null,
      wireReference: reference,
      status: 'requires_action',
      nextAction: {
        type: 'wire_instructions',
        reference,
        beneficiary: this.config.get('WIRE_BENEFICIARY'),
        iban: this.config.get('WIRE_IBAN'),
        bic: this.config.get('WIRE_BIC'),
        amount: p.amount,
        currency: p.currency,
      },
    };
  }

  async capture(): Promise<ProviderState> {
    throw new ProviderError(
      'conflict',
      'capture_not_applicable',
      'Wire payments complete when the bank statement shows the transfer.',
    );
  }

  async cancel(): Promise<ProviderState> {
    return { status: 'canceled' };
  }

  /** Recorded at once; the payout instruction for the bank transfer back is added by the caller. */
  async refund(): Promise<RefundAtProvider> {
    return { providerRef: null, status: 'succeeded' };
  }

  async retrieve(): Promise<ProviderState | undefined> {
    return undefined;
  }
}
