import { Injectable, Logger } from '@nestjs/common';
import { MailService } from '../../platform/mail/mail.service.js';
import { AuthSettings } from './auth-settings.js';

/**
 * The mails auth sends. Links carry the token in the URL fragment (`#token=`), which browsers
 * never send to servers or in Referer headers; the page posts it to the API.
 * Sending never blocks or fails the request that caused it: errors are logged.
 */
@Injectable()
export class AuthMails {
  private readonly logger = new Logger('AuthMails');

  constructor(
    private readonly mail: MailService,
    private readonly settings: AuthSettings,
  ) {}

  private link(page: string, token: string): string {
    return `${this.settings.linkBase}/${page}#token=${token}`;
  }

  private fire(to: string, subject: string, text: string, link?: string): void {
    this.mail.send({ to, subject, text, link }).catch((err: unknown) => {
      this.logger.warn(`mail "${subject}" not sent: ${(err as Error)?.message ?? String(err)}`);
    });
  }

  verification(to: string, name: string, token: string): void {
    const link = this.link('verify-email', token);
    const hours = Math.round(this.settings.verifyTtl / 3600);
    this.fire(
      to,
      'Verify your email address',
      `Hello ${name},\n\nPlease confirm your email address by opening this link:\n\n${link}\n\n` +
        `Or send this token to POST /api/v1/auth/email/verify:\n${token}\n\n` +
        `The link expires in ${hours} hours. If you did not create an account, ignore this mail.\n`,
      link,
    );
  }

  passwordReset(to: string, token: string): void {
    const link = this.link('reset-password', token);
    this.fire(
      to,
      'Reset your password',
      `Someone asked to reset the password of your account.\n\nOpen this link to choose a new ` +
        `password:\n\n${link}\n\nOr send this token to POST /api/v1/auth/password/reset:\n${token}\n\n` +
        `The link works once and expires in ${Math.round(this.settings.resetTtl / 60)} minutes. ` +
        `If it was not you, ignore this mail: your password stays the same.\n`,
      link,
    );
  }

  invitation(to: string, name: string, token: string): void {
    const link = this.link('set-password', token);
    this.fire(
      to,
      'You have been invited',
      `Hello ${name},\n\nAn account was created for you. Open this link to choose your ` +
        `password:\n\n${link}\n\nOr send this token to POST /api/v1/auth/password/reset:\n${token}\n\n` +
        `The link works once and expires in ${Math.round(this.settings.inviteTtl / 86400)} days.\n`,
      link,
    );
  }

  passwordChanged(to: string): void {
    this.fire(
      to,
      'Your password was changed',
      'The password of your account was just changed and your other sessions were signed out.\n' +
        'If this was not you, reset your password at once.\n',
    );
  }
}
