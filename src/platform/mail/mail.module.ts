import { Module } from '@nestjs/common';
import { MailService } from './mail.service.js';

/** `MailService`: SMTP when SMTP_URL is set, logged otherwise. */
@Module({ providers: [MailService], exports: [MailService] })
export class MailModule {}
