export { MailModule } from './mail.module.js';
export { MailService, type MailMessage } from './mail.service.js';
