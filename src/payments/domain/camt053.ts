import { createHash } from 'node:crypto';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { fromDecimal, isCurrency } from './money.js';

/**
 * ISO 20022 camt.053 (Bank-to-Customer Statement) reading: every booked credit with its amount
 * in minor units, the creditor reference (structured `CdtrRefInf/Ref` or found in the
 * unstructured remittance text) and the debtor. Versions 001.02 to 001.13 share these paths.
 */
export interface StatementCredit {
  /** Stable per bank entry (and transaction inside a batched entry): a re-import is spotted. */
  entryKey: string;
  amount: number;
  currency: string;
  bookingDate?: string;
  /** Structured reference, or the remittance text to search for one. */
  structuredReference?: string;
  remittanceText?: string;
  endToEndId?: string;
  debtorName?: string;
  debtorIban?: string;
  bankReference?: string;
}

export interface ParsedStatement {
  messageId?: string;
  statementId?: string;
  accountIban?: string;
  credits: StatementCredit[];
  /** Debit entries and non-booked entries are not matched; counted for the report. */
  skipped: number;
}

export class StatementFormatError extends Error {}

const ARRAYS = new Set(['Stmt', 'Ntry', 'TxDtls', 'Ustrd', 'Strd', 'CdtrRefInf', 'Bal']);

type Node = Record<string, unknown> | undefined;

function child(node: unknown, ...path: string[]): unknown {
  let cur: unknown = node;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
    if (Array.isArray(cur)) cur = cur[0];
  }
  return cur;
}

function text(node: unknown, ...path: string[]): string | undefined {
  const v = child(node, ...path);
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'object') {
    const t = (v as Record<string, unknown>)['#text'];
    return t === undefined ? undefined : String(t).trim();
  }
  return String(v).trim();
}

function list(node: unknown, key: string): Node[] {
  if (!node || typeof node !== 'object') return [];
  const v = (node as Record<string, unknown>)[key];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]) as Node[];
}

function amountOf(node: unknown): { amount: number; currency: string } | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const raw = text(node);
  const currency = (node as Record<string, unknown>)['@_Ccy'];
  if (raw === undefined || typeof currency !== 'string') return undefined;
  if (!isCurrency(currency)) throw new StatementFormatError(`unknown currency "${currency}"`);
  try {
    return { amount: fromDecimal(raw, currency), currency };
  } catch (err) {
    throw new StatementFormatError(`bad amount "${raw}" (${(err as Error).message})`);
  }
}

/** ISO 20022 lengths of the texts the reconciliation report echoes back. */
const MAX35 = 35;
const MAX140 = 140;
/** IBAN2007Identifier, as the camt.053 schema defines it. */
const IBAN = /^[A-Z]{2}[0-9]{2}[a-zA-Z0-9]{1,30}$/;

function bounded(value: string | undefined, max: number, what: string): string | undefined {
  if (value !== undefined && value.length > max) {
    throw new StatementFormatError(`${what} is longer than ${max} characters`);
  }
  return value;
}

function iban(value: string | undefined, what: string): string | undefined {
  if (value !== undefined && !IBAN.test(value)) {
    throw new StatementFormatError(`${what} is not an IBAN`);
  }
  return value;
}

export function parseCamt053(xml: string): ParsedStatement {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) {
    throw new StatementFormatError('document type declarations are not accepted');
  }
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new StatementFormatError(`not well-formed XML: ${valid.err.msg}`);
  const parser = new XMLParser({
    removeNSPrefix: true,
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    parseTagValue: false,
    parseAttributeValue: false,
    processEntities: false,
    isArray: (name) => ARRAYS.has(name),
  });
  const doc = parser.parse(xml) as Record<string, unknown>;
  const root = child(doc, 'Document', 'BkToCstmrStmt');
  if (!root) throw new StatementFormatError('not a camt.053 document (no Document/BkToCstmrStmt)');
  const messageId = bounded(text(root, 'GrpHdr', 'MsgId'), MAX35, 'GrpHdr/MsgId');
  const statements = list(root, 'Stmt');
  if (!statements.length) throw new StatementFormatError('the statement has no Stmt');

  const credits: StatementCredit[] = [];
  let skipped = 0;
  let accountIban: string | undefined;
  let statementId: string | undefined;
  statements.forEach((stmt, s) => {
    statementId ??= bounded(text(stmt, 'Id'), MAX35, 'Stmt/Id');
    const accountOf = iban(text(stmt, 'Acct', 'Id', 'IBAN'), 'Stmt/Acct/Id/IBAN');
    accountIban ??= accountOf;
    list(stmt, 'Ntry').forEach((ntry, n) => {
      const indicator = text(ntry, 'CdtDbtInd');
      const status = text(ntry, 'Sts', 'Cd') ?? text(ntry, 'Sts');
      const entryAmount = amountOf(child(ntry, 'Amt'));
      if (!entryAmount) throw new StatementFormatError(`entry ${n + 1} has no Amt with Ccy`);
      if (indicator !== 'CRDT' || (status && status !== 'BOOK')) {
        skipped++;
        return;
      }
      const bankRef = text(ntry, 'AcctSvcrRef') ?? text(ntry, 'NtryRef');
      const baseKey = bankRef ?? `${messageId ?? ''}:${text(stmt, 'Id') ?? s}:${n}`;
      const bookingDate = text(ntry, 'BookgDt', 'Dt') ?? text(ntry, 'BookgDt', 'DtTm');
      const txs = list(child(ntry, 'NtryDtls'), 'TxDtls');
      const batched = txs.length > 1;
      const units = txs.length ? txs : [undefined];
      units.forEach((tx, t) => {
        const txAmount = batched
          ? (amountOf(child(tx, 'Amt')) ?? amountOf(child(tx, 'AmtDtls', 'TxAmt', 'Amt')))
          : entryAmount;
        if (!txAmount)
          throw new StatementFormatError(`entry ${n + 1} transaction ${t + 1} has no amount`);
        const rmt = child(tx, 'RmtInf');
        const structured = list(rmt, 'Strd')
          .flatMap((strd) => list(strd, 'CdtrRefInf'))
          .map((c) => text(c, 'Ref'))
          .find(Boolean);
        const ustrd = list(rmt, 'Ustrd')
          .map((u) => (typeof u === 'object' ? text(u) : String(u ?? '')))
          .filter(Boolean)
          .join(' ');
        credits.push({
          entryKey: digest(`${accountOf ?? ''}|${baseKey}|${batched ? t : ''}`),
          amount: txAmount.amount,
          currency: txAmount.currency,
          bookingDate,
          structuredReference: structured,
          remittanceText: ustrd || undefined,
          endToEndId: text(tx, 'Refs', 'EndToEndId'),
          debtorName: bounded(
            text(tx, 'RltdPties', 'Dbtr', 'Nm') ?? text(tx, 'RltdPties', 'Dbtr', 'Pty', 'Nm'),
            MAX140,
            'Dbtr/Nm',
          ),
          debtorIban: iban(text(tx, 'RltdPties', 'DbtrAcct', 'Id', 'IBAN'), 'DbtrAcct/Id/IBAN'),
          bankReference: bankRef,
        });
      });
    });
  });
  return { messageId, statementId, accountIban, credits, skipped };
}

function digest(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 40);
}
