import { Injectable } from '@nestjs/common';
import { ProblemException } from '../../platform/errors/index.js';
import type { PaymentMethod } from '../domain/payment-state.js';
import { PaypalProvider } from '../providers/paypal.provider.js';
import { StripeProvider } from '../providers/stripe.provider.js';
import { WireProvider } from '../providers/wire.provider.js';
import { PaymentProvider, ProviderError } from './payment-provider.js';

/** The providers by payment method; a method whose keys are missing is refused with 422. */
@Injectable()
export class ProviderRegistry {
  private readonly byMethod: Record<PaymentMethod, PaymentProvider>;

  constructor(
    readonly stripe: StripeProvider,
    readonly paypal: PaypalProvider,
    readonly wire: WireProvider,
  ) {
    this.byMethod = { card: stripe, paypal, wire };
  }

  of(method: PaymentMethod): PaymentProvider {
    return this.byMethod[method];
  }

  /** The provider, or a 422 naming the missing setting. */
  configured(method: PaymentMethod): PaymentProvider {
    const provider = this.byMethod[method];
    const missing = provider.missingSetting();
    if (missing) throw notConfigured(method, missing);
    return provider;
  }
}

export function notConfigured(method: string, setting: string): ProblemException {
  return new ProblemException(
    422,
    'provider-not-configured',
    `The ${method} payment method is not available: the setting ${setting} is missing.`,
    { method, missing_setting: setting },
  );
}

/** A provider failure as the HTTP caller should see it. */
export function providerProblem(err: ProviderError): ProblemException {
  switch (err.kind) {
    case 'unavailable':
      return new ProblemException(
        502,
        'provider-unavailable',
        'The payment provider could not be reached. Retry with the same Idempotency-Key.',
        { provider_code: err.code },
      );
    case 'conflict':
      return new ProblemException(409, 'provider-conflict', err.message, {
        provider_code: err.code,
      });
    default:
      return new ProblemException(402, 'payment-rejected', err.message, {
        provider_code: err.code,
      });
  }
}
