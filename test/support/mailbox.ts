/**
 * A real SMTP server for e2e tests (the `smtp-server` package on 127.0.0.1) that stores every
 * message it receives as a JSON file under a run directory, and `waitForMail` to read them.
 * The global setup starts it and passes SMTP_URL to the platform; tests only read files, so
 * they work whichever process (jest worker or main) runs them.
 * Loaded by the global setup as CommonJS: no import.meta here.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { SMTPServer } from 'smtp-server';

export interface MailSink {
  url: string;
  dir: string;
  close(): Promise<void>;
}

export interface ReceivedMail {
  file: string;
  to: string[];
  from: string;
  subject: string;
  /** The decoded text body. */
  text: string;
  raw: string;
  received_at: number;
  /** The first `token=` value in the body (mailed links carry one). */
  token?: string;
}

export async function startMailSink(dir: string): Promise<MailSink> {
  mkdirSync(dir, { recursive: true });
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 5 * 1024 * 1024,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const name = `${Date.now()}-${randomBytes(4).toString('hex')}`;
        const body = JSON.stringify({
          to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          raw: Buffer.concat(chunks).toString('utf8'),
          received_at: Date.now(),
        });
        writeFileSync(join(dir, `${name}.tmp`), body);
        renameSync(join(dir, `${name}.tmp`), join(dir, `${name}.json`));
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.server.address() as { port: number };
  return {
    url: `smtp://127.0.0.1:${address.port}`,
    dir,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function decodeQuotedPrintable(s: string): string {
  const bytes = s
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** Enough MIME for the platform's own mails: headers, one text part, QP or base64. */
export function parseMail(raw: string): { subject: string; text: string } {
  const split = raw.search(/\r?\n\r?\n/);
  const head = raw.slice(0, split).replace(/\r?\n[ \t]+/g, ' ');
  let body = raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const header = (name: string) =>
    new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1]?.trim() ?? '';
  const subject = header('Subject').replace(
    /=\?utf-8\?([BQ])\?([^?]*)\?=/gi,
    (_, enc: string, text: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : decodeQuotedPrintable(text.replace(/_/g, ' ')),
  );
  const type = header('Content-Type');
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (boundary) {
    const parts = body.split(`--${boundary}`).slice(1, -1);
    const textPart = parts.find((p) => /content-type:\s*text\/plain/i.test(p)) ?? parts[0] ?? '';
    return { subject, text: parseMail(textPart.replace(/^\r?\n/, '')).text };
  }
  const encoding = header('Content-Transfer-Encoding').toLowerCase();
  if (encoding === 'quoted-printable') body = decodeQuotedPrintable(body);
  else if (encoding === 'base64')
    body = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return { subject, text: body };
}

function mailDir(): string {
  const dir = process.env.E2E_MAIL_DIR;
  if (!dir)
    throw new Error('E2E_MAIL_DIR is not set: run e2e tests through jest --selectProjects e2e');
  return dir;
}

/** Every mail received so far, oldest first. */
export function allMail(): ReceivedMail[] {
  const dir = mailDir();
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const stored = JSON.parse(readFileSync(join(dir, file), 'utf8'));
      const { subject, text } = parseMail(stored.raw);
      const token = /token=([A-Za-z0-9_-]+)/.exec(text)?.[1];
      return { file, ...stored, subject, text, token } as ReceivedMail;
    });
}

const seen = new Set<string>();

/**
 * Waits for the oldest mail to `to` whose subject matches and that no earlier call returned.
 * Throws after `timeoutMs` (default 15 s).
 */
export async function waitForMail(
  to: string,
  subject: RegExp,
  opts: { timeoutMs?: number } = {},
): Promise<ReceivedMail> {
  const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
  const who = to.toLowerCase();
  for (;;) {
    const found = allMail().find(
      (m) => !seen.has(m.file) && m.to.includes(who) && subject.test(m.subject),
    );
    if (found) {
      seen.add(found.file);
      return found;
    }
    if (Date.now() > deadline) {
      const got = allMail()
        .filter((m) => m.to.includes(who))
        .map((m) => m.subject);
      throw new Error(`no mail to ${to} matching ${subject} (got: ${JSON.stringify(got)})`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Mails to `to` received so far (for asserting that none was sent). */
export function mailTo(to: string): ReceivedMail[] {
  return allMail().filter((m) => m.to.includes(to.toLowerCase()));
}
