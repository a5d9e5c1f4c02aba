import { Module } from '@nestjs/common';
import { AuthClient } from './auth.client.js';
import { TokenVerifier } from './token-verifier.js';

/** One TokenVerifier (one key cache) per gateway process, for every module that needs it. */
@Module({ providers: [AuthClient, TokenVerifier], exports: [TokenVerifier] })
export class TokenVerifierModule {}
