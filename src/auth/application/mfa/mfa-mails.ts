import { Injectable, Logger } from '@nestjs/common';
import { MailService } from '../../../platform/mail/mail.service.js';

/** Security mails about the second factor; sending never fails the request. */
@Injectable()
export class MfaMails {
  private readonly logger = new Logger('MfaMails');

  constructor(private readonly mail: MailService) {}

  changed(to: string, what: 'activated' | 'disabled'): void {
    const subject =
      what === 'activated'
        ? 'Two-factor authentication is on'
        : 'Two-factor authentication was turned off';
    const text =
      what === 'activated'
        ? 'Two-factor authentication was just turned on for your account. Signing in now needs a ' +
          'code from your authenticator app (or one of your recovery codes).\n' +
          'If this was not you, reset your password at once and contact support.\n'
        : 'Two-factor authentication was just turned off for your account: signing in needs ' +
          'only your password.\nIf this was not you, reset your password at once and turn ' +
          'two-factor authentication back on.\n';
    this.mail.send({ to, subject, text }).catch((err: unknown) => {
      this.logger.warn(`mail "${subject}" not sent: ${(err as Error)?.message ?? String(err)}`);
    });
  }
}
