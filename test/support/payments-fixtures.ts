/** Test data for payments: camt.053 statements and signed provider webhooks. */
import Stripe from 'stripe';

export interface CamtCredit {
  amount: string;
  currency?: string;
  ref?: string;
  /** Unstructured remittance text instead of a structured reference. */
  text?: string;
  bankRef?: string;
  debtor?: string;
  debtorIban?: string;
  debit?: boolean;
  status?: string;
}

/** A camt.053.001.08 statement with one entry per credit. */
export function camt053(
  credits: CamtCredit[],
  messageId = `MSG-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
): string {
  const entries = credits
    .map(
      (c, i) => `
      <Ntry>
        <NtryRef>${i + 1}</NtryRef>
        <Amt Ccy="${c.currency ?? 'EUR'}">${c.amount}</Amt>
        <CdtDbtInd>${c.debit ? 'DBIT' : 'CRDT'}</CdtDbtInd>
        <Sts><Cd>${c.status ?? 'BOOK'}</Cd></Sts>
        <BookgDt><Dt>2026-11-25</Dt></BookgDt>
        <ValDt><Dt>2026-11-25</Dt></ValDt>
        <AcctSvcrRef>${c.bankRef ?? `BR-${messageId}-${i}`}</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls><TxDtls>
          <Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
          <RltdPties>
            <Dbtr><Pty><Nm>${c.debtor ?? 'Erika Mustermann'}</Nm></Pty></Dbtr>
            <DbtrAcct><Id><IBAN>${c.debtorIban ?? 'DE02120300000000202051'}</IBAN></Id></DbtrAcct>
          </RltdPties>
          <RmtInf>${
            c.ref
              ? `<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>ISO</Issr></Tp><Ref>${c.ref}</Ref></CdtrRefInf></Strd>`
              : `<Ustrd>${c.text ?? 'Thank you'}</Ustrd>`
          }</RmtInf>
        </TxDtls></NtryDtls>
      </Ntry>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>${messageId}</MsgId><CreDtTm>2026-11-25T06:00:00Z</CreDtTm></GrpHdr>
    <Stmt>
      <Id>${messageId}-1</Id>
      <ElctrncSeqNb>1</ElctrncSeqNb>
      <CreDtTm>2026-11-25T06:00:00Z</CreDtTm>
      <Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>
      <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">0.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-25</Dt></Dt></Bal>${entries}
    </Stmt>
  </BkToCstmrStmt>
</Document>`;
}

/** The body of a Stripe event about `object` (sign it with `Stripe.webhooks`). */
export function stripeEventBody(type: string, object: Record<string, unknown>, id: string): string {
  return JSON.stringify({
    id,
    object: 'event',
    api_version: '2025-01-27.acacia',
    created: Math.floor(Date.now() / 1000),
    type,
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
  });
}

/** A Stripe event for a PaymentIntent, signed with the real library. */
export function stripeEvent(
  secret: string,
  type: string,
  object: Record<string, unknown>,
  id = `evt_${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`,
  timestamp?: number,
): { body: string; signature: string; id: string } {
  const body = stripeEventBody(type, object, id);
  const signature = Stripe.webhooks.generateTestHeaderString({
    payload: body,
    secret,
    ...(timestamp ? { timestamp } : {}),
  });
  return { body, signature, id };
}

/** Asks the fake PayPal to sign a webhook event as PayPal would. */
export async function paypalWebhook(
  fakeUrl: string,
  event: Record<string, unknown>,
): Promise<{ body: string; headers: Record<string, string> }> {
  const res = await fetch(`${fakeUrl}/__control/sign`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ event }),
  });
  return (await res.json()) as { body: string; headers: Record<string, string> };
}

export async function control<T = any>(fakeUrl: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${fakeUrl}/__control/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await res.json()) as T;
}
