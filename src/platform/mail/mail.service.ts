import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { AppConfig } from '../config/config.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** The action link of the mail, logged when no SMTP server is configured. */
  link?: string;
}

/**
 * Sends mail over SMTP (nodemailer) when SMTP_URL is set. Without it (development), the
 * subject and the action link are logged instead, so flows can be followed from the logs.
 */
@Injectable()
export class MailService implements OnModuleDestroy {
  private readonly logger = new Logger('Mail');
  private readonly transport?: Transporter;
  private readonly from: string;

  constructor(config: AppConfig) {
    const url = config.get('SMTP_URL');
    this.from = config.get('MAIL_FROM');
    if (url) {
      this.transport = nodemailer.createTransport(url, { from: this.from });
    }
  }

  get enabled(): boolean {
    return this.transport !== undefined;
  }

  async send(message: MailMessage): Promise<void> {
    if (!this.transport) {
      // The link goes in a separate field the logger does not scrub (it is the whole point).
      this.logger.log(
        { mail: { to: message.to, subject: message.subject, link: message.link } },
        `mail (no SMTP_URL): "${message.subject}"`,
      );
      return;
    }
    await this.transport.sendMail({
      from: this.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      html: message.html,
    });
  }

  onModuleDestroy(): void {
    this.transport?.close();
  }
}
