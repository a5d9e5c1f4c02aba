import { Module } from '@nestjs/common';
import { AuthClient } from '../../contracts/auth/auth.client.js';
import { OAuthServerClient } from '../../contracts/auth/oauth.client.js';
import { TokenVerifierModule } from '../../contracts/auth/token-verifier.module.js';
import { AdminSessionsController } from './admin-sessions.controller.js';
import { AuthController } from './auth.controller.js';
import { KeysController } from './keys.controller.js';
import { MfaController } from './mfa.controller.js';
import { SocialLoginController } from './social-login.controller.js';
import { OAuthAuthorizeController } from './oauth-authorize.controller.js';
import { OAuthClientsController } from './oauth-clients.controller.js';
import { OAuthTokenController } from './oauth-token.controller.js';
import { WellKnownController } from './well-known.controller.js';

/** HTTP controllers of the auth part, mounted by the gateway; they reach the part via its client. */
@Module({
  imports: [TokenVerifierModule],
  controllers: [
    AuthController,
    MfaController,
    SocialLoginController,
    AdminSessionsController,
    OAuthClientsController,
    OAuthTokenController,
    OAuthAuthorizeController,
    KeysController,
    WellKnownController,
  ],
  providers: [AuthClient, OAuthServerClient],
})
export class AuthHttpModule {}
