import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  Res,
  UseInterceptors,
  type RawBodyRequest,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiExtraModels,
  ApiHeader,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PaymentsClient } from '../../contracts/payments/payments.client.js';
import type { IdempotentResult } from '../../contracts/payments/payment.dto.js';
import { ApiIdParam } from '../../platform/http/api-fields.js';
import { ApiProblem } from '../../platform/http/api-problems.js';
import { Meta, Public, Roles } from '../../platform/http/index.js';
import type { RpcMeta } from '../../platform/transport/index.js';
import {
  CreatePaymentRequest,
  CreateRefundRequest,
  ListPaymentsRequest,
} from './dto/payment.requests.js';
import {
  LedgerResponse,
  PaymentPageResponse,
  PaymentResponse,
  RecheckResponse,
  ReconciliationReportResponse,
  RefundResponse,
  TotalsResponse,
  TrialBalanceResponse,
  WebhookAckResponse,
} from './dto/payment.responses.js';
import { RejectCardNumbersInterceptor } from './reject-card-numbers.interceptor.js';

const IDEMPOTENCY_HEADER = {
  name: 'Idempotency-Key',
  required: true,
  description:
    'A unique value per request (≤255 characters), kept 24 h per user. The same key and body replay the first answer with Idempotent-Replayed: true; another body → 422; while the first runs → 409.',
  example: '7b1c6d0e-8d7f-4a6e-9b5c-2f3d4e5f6a7b',
  schema: { type: 'string', minLength: 1, maxLength: 255 },
};

const CAMT053_EXAMPLE = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>MSG-2026-11-25</MsgId><CreDtTm>2026-11-25T06:00:00Z</CreDtTm></GrpHdr>
    <Stmt>
      <Id>STMT-1</Id>
      <Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct>
      <Ntry>
        <Amt Ccy="EUR">10.50</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>2026-11-25</Dt></BookgDt><AcctSvcrRef>BANKREF-0001</AcctSvcrRef>
        <NtryDtls><TxDtls>
          <RltdPties><Dbtr><Nm>Erika Mustermann</Nm></Dbtr>
            <DbtrAcct><Id><IBAN>DE02120300000000202051</IBAN></Id></DbtrAcct></RltdPties>
          <RmtInf><Strd><CdtrRefInf><Ref>RF18539007547034</Ref></CdtrRefInf></Strd></RmtInf>
        </TxDtls></NtryDtls>
      </Ntry>
    </Stmt>
  </BkToCstmrStmt>
</Document>`;

function send<T>(reply: FastifyReply, result: IdempotentResult<T>): T {
  reply.status(result.status);
  reply.header('Idempotent-Replayed', result.replayed ? 'true' : 'false');
  return result.body;
}

@ApiTags('payments')
@ApiExtraModels(TotalsResponse)
@Controller('payments')
export class PaymentsController {
  constructor(private readonly payments: PaymentsClient) {}

  @Post()
  @ApiBearerAuth('bearer')
  @UseInterceptors(RejectCardNumbersInterceptor)
  @ApiOperation({
    summary: 'Create a payment',
    description:
      'Starts a card (Stripe PaymentIntent), PayPal (Orders v2) or wire (ISO 11649 RF reference) payment. `next_action` tells the payer what to do. Raw card numbers are refused (400): card details go to Stripe.js.',
  })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiResponse({
    status: 201,
    type: PaymentResponse,
    description: 'Created (or replayed: header Idempotent-Replayed: true)',
  })
  @ApiProblem(400, 'Invalid body, missing Idempotency-Key, or a card number in the body')
  @ApiProblem(401)
  @ApiProblem(402, 'The provider refused the payment')
  @ApiProblem(409, 'A request with this key is still running')
  @ApiProblem(
    422,
    'Key reused with another body, or the method has no provider keys configured (missing_setting)',
  )
  @ApiProblem(502, 'Provider unreachable; retry with the same key')
  async create(
    @Body() body: CreatePaymentRequest,
    @Headers('idempotency-key') key: string | undefined,
    @Meta() meta: RpcMeta,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return send(reply, await this.payments.create({ ...body, idempotency_key: key ?? '' }, meta));
  }

  @Get()
  @ApiBearerAuth('bearer')
  @ApiOperation({
    summary: 'List payments',
    description: 'Newest first. Members see their own payments; admins see all.',
  })
  @ApiResponse({ status: 200, type: PaymentPageResponse })
  @ApiProblem(400)
  @ApiProblem(401)
  list(@Query() query: ListPaymentsRequest, @Meta() meta: RpcMeta) {
    return this.payments.list(query, meta);
  }

  @Get('ledger/trial-balance')
  @ApiBearerAuth('bearer')
  @Roles('admin')
  @ApiOperation({
    summary: 'Trial balance of the payments ledger (admin)',
    description:
      'Debits and credits of every account per currency; `balanced` is true when they are equal.',
  })
  @ApiResponse({ status: 200, type: TrialBalanceResponse })
  @ApiProblem(401)
  @ApiProblem(403)
  trialBalance(@Meta() meta: RpcMeta) {
    return this.payments.trialBalance(meta);
  }

  @Post('webhooks/stripe')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Stripe webhook endpoint',
    description:
      'Checks Stripe-Signature over the raw body with STRIPE_WEBHOOK_SECRET (300 s tolerance). Each event id is processed once; a late event never moves a payment back.',
  })
  @ApiHeader({
    name: 'Stripe-Signature',
    required: true,
    schema: { type: 'string', maxLength: 1024, pattern: '^t=\\d+,' },
    example: 't=1732500000,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd',
  })
  @ApiBody({
    schema: { type: 'object' },
    examples: {
      succeeded: {
        value: {
          id: 'evt_3Q1',
          object: 'event',
          type: 'payment_intent.succeeded',
          data: {
            object: {
              id: 'pi_3Q1',
              object: 'payment_intent',
              status: 'succeeded',
              metadata: { payment_id: 'pay_0mhx3k2a1b9f3k2a1b9f3k2a1b' },
            },
          },
        },
      },
    },
  })
  @ApiResponse({ status: 200, type: WebhookAckResponse })
  @ApiProblem(400, 'Bad signature')
  @ApiProblem(422, 'STRIPE_WEBHOOK_SECRET is not set')
  stripeWebhook(
    @Req() req: RawBodyRequest<FastifyRequest>,
    @Headers('stripe-signature') signature: string | undefined,
    @Meta() meta: RpcMeta,
  ) {
    const raw = req.rawBody ?? Buffer.from('');
    return this.payments.stripeWebhook(raw.toString('base64'), signature ?? '', meta);
  }

  @Post('webhooks/paypal')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'PayPal webhook endpoint',
    description:
      'Verified as PayPal specifies: the PAYPAL-TRANSMISSION-* headers, PAYPAL_WEBHOOK_ID and the event are sent to PayPal’s verify-webhook-signature API, which must answer SUCCESS. Each event id is processed once.',
  })
  @ApiHeader({
    name: 'PAYPAL-TRANSMISSION-ID',
    required: true,
    schema: { type: 'string', maxLength: 64 },
    example: '69cd13f0-d67a-11e5-baa3-778b53f4ae55',
  })
  @ApiHeader({
    name: 'PAYPAL-TRANSMISSION-TIME',
    required: true,
    example: '2026-11-25T03:00:00Z',
    schema: { type: 'string', format: 'date-time', maxLength: 40 },
  })
  @ApiHeader({
    name: 'PAYPAL-TRANSMISSION-SIG',
    required: true,
    schema: { type: 'string', maxLength: 1024, pattern: '^[A-Za-z0-9+/=]+$' },
    example:
      'lmI95Jx3Y9nhR5SJWlHVIWpg4AgFk7n9bCHSRxbrd8A9zrhdu2rMyFrmz+Zjh3s3boXB07VXCXUZy/UFzUlnGJn0wDugt7FlSvdKeIJenLRemUxYCPVoEZzg9VFNqOa48gMkvF+XTpxBeUx/kWy6B5cp7GkT2+pOowfRK7OaynuxUoKW3JcMWw272VKjLTtTAShncla7tGF+55rxyt2KNZIIqxNMJ48RDZheGU5w1npu9dZHnPgTXB9iomeVRoD8O/jhRpnKsGrDschyNdkeh81BJJMH4Ctc6lnCCquoP/GzCzz33MMsNdid7vL/NIWaCsekQpW26FpWPi/tfj8nLA==',
  })
  @ApiHeader({
    name: 'PAYPAL-CERT-URL',
    required: true,
    schema: { type: 'string', format: 'uri', maxLength: 2048 },
    example: 'https://api.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-1d93a270',
  })
  @ApiHeader({
    name: 'PAYPAL-AUTH-ALGO',
    required: true,
    example: 'SHA256withRSA',
    schema: { type: 'string', maxLength: 32, pattern: '^[A-Za-z0-9]+$' },
  })
  @ApiBody({
    schema: { type: 'object' },
    examples: {
      captureCompleted: {
        value: {
          id: 'WH-2WR32451HC0233532-67976317FL4543714',
          event_type: 'PAYMENT.CAPTURE.COMPLETED',
          resource: {
            id: '2GG279541U471931P',
            status: 'COMPLETED',
            custom_id: 'pay_0mhx3k2a1b9f3k2a1b9f3k2a1b',
          },
        },
      },
    },
  })
  @ApiResponse({ status: 200, type: WebhookAckResponse })
  @ApiProblem(400, 'PayPal did not confirm the signature')
  @ApiProblem(422, 'PayPal keys or PAYPAL_WEBHOOK_ID not set')
  @ApiProblem(502, 'PayPal could not be asked (PayPal retries)')
  paypalWebhook(@Req() req: RawBodyRequest<FastifyRequest>, @Meta() meta: RpcMeta) {
    const raw = req.rawBody ?? Buffer.from('');
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (k.startsWith('paypal-') && typeof v === 'string') headers[k] = v;
    }
    return this.payments.paypalWebhook(raw.toString('base64'), headers, meta);
  }

  @Post('wire/statements')
  @ApiBearerAuth('bearer')
  @Roles('admin')
  @ApiOperation({
    summary: 'Import a camt.053 bank statement (admin)',
    description:
      'Matches booked credits to wire payments by RF reference, then by amount. Exact totals succeed the payment; under- and over-payments are flagged; unknown credits are held as unapplied. Importing the same statement again books nothing twice. Answers a reconciliation report.',
  })
  @ApiConsumes('application/xml', 'text/xml')
  @ApiBody({ schema: { type: 'string', example: CAMT053_EXAMPLE } })
  @ApiResponse({ status: 200, type: ReconciliationReportResponse })
  @ApiProblem(400, 'Not a camt.053 document')
  @ApiProblem(401)
  @ApiProblem(403)
  @ApiProblem(415, 'Send application/xml')
  @HttpCode(200)
  importStatement(@Body() xml: string, @Meta() meta: RpcMeta) {
    return this.payments.importStatement(typeof xml === 'string' ? xml : '', meta);
  }

  @Post('recheck')
  @ApiBearerAuth('bearer')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Re-check payments in processing with their provider now (admin)',
    description: 'The same job runs on its own every PAYMENTS_RECHECK_INTERVAL_MS.',
  })
  @ApiResponse({ status: 200, type: RecheckResponse })
  @ApiProblem(401)
  @ApiProblem(403)
  recheck(@Meta() meta: RpcMeta) {
    return this.payments.recheck(meta);
  }

  @Get(':id')
  @ApiBearerAuth('bearer')
  @ApiOperation({ summary: 'Get a payment', description: "Another member's payment answers 404." })
  @ApiIdParam('id', 'pay', 'pay_0mhx3k2a1b9f3k2a1b9f3k2a1b', 'A payment id (pay_…)')
  @ApiResponse({ status: 200, type: PaymentResponse })
  @ApiProblem(401)
  @ApiProblem(404)
  get(@Param('id') id: string, @Meta() meta: RpcMeta) {
    return this.payments.get(id, meta);
  }

  @Post(':id/capture')
  @ApiBearerAuth('bearer')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Capture an approved PayPal payment',
    description: 'After the payer approved the order at PayPal. Capturing twice changes nothing.',
  })
  @ApiIdParam('id', 'pay', 'pay_0mhx3k2a1b9f3k2a1b9f3k2a1b', 'A payment id (pay_…)')
  @ApiResponse({ status: 200, type: PaymentResponse })
  @ApiProblem(401)
  @ApiProblem(404)
  @ApiProblem(409, 'Not approved yet, not PayPal, or not capturable')
  @ApiProblem(502)
  capture(@Param('id') id: string, @Meta() meta: RpcMeta) {
    return this.payments.capture(id, meta);
  }

  @Post(':id/cancel')
  @ApiBearerAuth('bearer')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Cancel a payment that has not completed',
    description:
      'A payment waiting for the payer (requires_action), or an approved PayPal order not captured yet. Card payments are canceled at Stripe too. Canceling twice changes nothing.',
  })
  @ApiIdParam('id', 'pay', 'pay_0mhx3k2a1b9f3k2a1b9f3k2a1b', 'A payment id (pay_…)')
  @ApiResponse({ status: 200, type: PaymentResponse })
  @ApiProblem(401)
  @ApiProblem(404)
  @ApiProblem(409, 'Already completed, failed or refunded')
  cancel(@Param('id') id: string, @Meta() meta: RpcMeta) {
    return this.payments.cancel(id, meta);
  }

  @Post(':id/refunds')
  @ApiBearerAuth('bearer')
  @Roles('admin')
  @UseInterceptors(RejectCardNumbersInterceptor)
  @ApiOperation({
    summary: 'Refund a payment (admin)',
    description:
      'Partial refunds until the amount is used up. A wire refund is recorded at once with the payout instruction for the bank transfer back.',
  })
  @ApiIdParam('id', 'pay', 'pay_0mhx3k2a1b9f3k2a1b9f3k2a1b', 'A payment id (pay_…)')
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiResponse({ status: 201, type: RefundResponse })
  @ApiProblem(400)
  @ApiProblem(401)
  @ApiProblem(403)
  @ApiProblem(404)
  @ApiProblem(409, 'Not refundable (not paid, already refunded) or another refund running')
  @ApiProblem(422, 'More than what is left to refund, or key reused with another body')
  async refund(
    @Param('id') id: string,
    @Body() body: CreateRefundRequest,
    @Headers('idempotency-key') key: string | undefined,
    @Meta() meta: RpcMeta,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return send(
      reply,
      await this.payments.refund({ ...body, payment_id: id, idempotency_key: key ?? '' }, meta),
    );
  }

  @Get(':id/ledger')
  @ApiBearerAuth('bearer')
  @ApiOperation({
    summary: 'Journal lines of a payment',
    description:
      'The double-entry lines booked for this payment (minor units); `balanced` per currency.',
  })
  @ApiIdParam('id', 'pay', 'pay_0mhx3k2a1b9f3k2a1b9f3k2a1b', 'A payment id (pay_…)')
  @ApiResponse({ status: 200, type: LedgerResponse })
  @ApiProblem(401)
  @ApiProblem(404)
  ledger(@Param('id') id: string, @Meta() meta: RpcMeta) {
    return this.payments.ledger(id, meta);
  }
}
