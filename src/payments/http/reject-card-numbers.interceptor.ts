import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { findCardNumber } from '../../contracts/payments/card-number.js';
import { ProblemException } from '../../platform/errors/index.js';

/**
 * PCI-DSS: raw card numbers never reach the payments part. A JSON body or query with anything
 * shaped like one (13-19 digits passing Luhn), wherever it sits, is refused with 400 before
 * validation, and the number is not echoed back.
 */
@Injectable()
export class RejectCardNumbersInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = ctx.switchToHttp().getRequest<FastifyRequest>();
    const at = findCardNumber(req.body, 'body') ?? findCardNumber(req.query, 'query');
    if (at) {
      throw new ProblemException(
        400,
        'card-number-not-accepted',
        'The request contains something shaped like a card number. Card details go to the payment provider, never to this API.',
        { errors: [{ field: at, message: 'looks like a card number' }] },
      );
    }
    return next.handle();
  }
}
