import { Module } from '@nestjs/common';
import { EVENT_CONSUMERS } from '../contracts/events.js';
import { UsersClient } from '../contracts/users/users.client.js';
import { MailModule } from '../platform/mail/mail.module.js';
import { OutboxModule } from '../platform/outbox/outbox.module.js';
import { AccountUseCases } from './application/account.use-cases.js';
import { AdminBootstrap } from './application/admin-bootstrap.js';
import { AuditLog } from './application/audit-log.js';
import { AuthMails } from './application/auth-mails.js';
import { AuthSettings } from './application/auth-settings.js';
import { CommonPasswords } from './application/common-passwords.js';
import { EmailVerificationUseCase } from './application/email-verification.use-case.js';
import { EventPublisher } from './application/event-publisher.js';
import { LockoutService } from './application/lockout.service.js';
import { LoginUseCase } from './application/login.use-case.js';
import { OneTimeTokens } from './application/one-time-tokens.js';
import { PasswordHasher } from './application/password-hasher.js';
import { PasswordUseCases } from './application/password.use-cases.js';
import { PendingRegistrations } from './application/pending-registrations.js';
import { RefreshGraceCache } from './application/refresh-grace-cache.js';
import { RefreshUseCase } from './application/refresh.use-case.js';
import { RegisterUseCase } from './application/register.use-case.js';
import { SessionService } from './application/session.service.js';
import { TokenIssuer } from './application/token-issuer.js';
import { UserDirectory } from './application/user-directory.js';
import { SigningKeyRing } from './application/keys/signing-key-ring.js';
import { SigningKeys } from './application/keys/signing-keys.service.js';
import { MfaCrypto } from './application/mfa/mfa-crypto.js';
import { MfaMails } from './application/mfa/mfa-mails.js';
import { MfaUseCases } from './application/mfa/mfa.use-cases.js';
import { AuthorizationCodeGrant } from './application/oauth/authorization-code.grant.js';
import { AuthorizationRequests } from './application/oauth/authorization-requests.js';
import { AuthorizeUseCase } from './application/oauth/authorize.use-case.js';
import { ClientAuthenticator } from './application/oauth/client-authenticator.js';
import { ClientRegistry } from './application/oauth/client-registry.js';
import { IdTokens } from './application/oauth/id-tokens.js';
import { IntrospectionUseCase } from './application/oauth/introspection.use-case.js';
import { RevocationUseCase } from './application/oauth/revocation.use-case.js';
import { TokenEndpointUseCase } from './application/oauth/token-endpoint.use-case.js';
import { AuthRpcController } from './rpc/auth.rpc-controller.js';
import { KeysRpcController } from './rpc/keys.rpc-controller.js';
import { MfaRpcController } from './rpc/mfa.rpc-controller.js';
import { SocialLoginRpcController } from './rpc/social-login.rpc-controller.js';
import { SignInService } from './application/sign-in.service.js';
import { FederatedIdentities } from './application/social/federated-identities.js';
import { SocialLoginUseCases } from './application/social/social-login.use-cases.js';
import { SocialProviders } from './application/social/social-providers.js';
import { OAuthRpcController } from './rpc/oauth.rpc-controller.js';

/** The auth part: message handlers, use cases and persistence. Runs where APP_ROLES has auth. */
@Module({
  imports: [MailModule, OutboxModule.forPart('auth', EVENT_CONSUMERS)],
  controllers: [
    AuthRpcController,
    MfaRpcController,
    SocialLoginRpcController,
    OAuthRpcController,
    KeysRpcController,
  ],
  providers: [
    UsersClient,
    AuthSettings,
    PasswordHasher,
    CommonPasswords,
    AuditLog,
    EventPublisher,
    SigningKeys,
    {
      // Started before anything can sign: the first key exists and the keys are loaded.
      provide: SigningKeyRing,
      inject: [AuthSettings, SigningKeys],
      useFactory: (settings: AuthSettings, keys: SigningKeys) =>
        new SigningKeyRing(settings, keys).start(),
    },
    TokenIssuer,
    RefreshGraceCache,
    LockoutService,
    SessionService,
    OneTimeTokens,
    AuthMails,
    UserDirectory,
    PendingRegistrations,
    RegisterUseCase,
    LoginUseCase,
    RefreshUseCase,
    PasswordUseCases,
    EmailVerificationUseCase,
    AccountUseCases,
    AdminBootstrap,
    MfaCrypto,
    MfaMails,
    MfaUseCases,
    SignInService,
    FederatedIdentities,
    SocialProviders,
    SocialLoginUseCases,
    ClientRegistry,
    ClientAuthenticator,
    AuthorizationRequests,
    AuthorizeUseCase,
    IdTokens,
    AuthorizationCodeGrant,
    TokenEndpointUseCase,
    RevocationUseCase,
    IntrospectionUseCase,
  ],
})
export class AuthModule {}
