import { Injectable, type OnModuleInit } from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';

// Algorithm.Argon2id (a const enum, which isolatedModules cannot inline).
const ARGON2ID = 2;
import { ARGON2_PARAMS, needsRehash } from '../domain/argon2-params.js';

/** argon2id with the OWASP parameters; unknown users are checked against a dummy hash. */
@Injectable()
export class PasswordHasher implements OnModuleInit {
  private dummy = '';

  async onModuleInit(): Promise<void> {
    this.dummy = await this.hash('dummy password for timing equalisation');
  }

  hash(password: string): Promise<string> {
    return hash(password, { algorithm: ARGON2ID, ...ARGON2_PARAMS });
  }

  /** False for a wrong password or a malformed hash; never throws for bad input. */
  async verify(phc: string | null | undefined, password: string): Promise<boolean> {
    if (!phc) {
      await this.verifyDummy(password);
      return false;
    }
    try {
      return await verify(phc, password);
    } catch {
      return false;
    }
  }

  /** Spends the time of one verification, so an unknown user looks like a wrong password. */
  async verifyDummy(password: string): Promise<void> {
    try {
      await verify(this.dummy || (await this.hash('x')), password);
    } catch {}
  }

  needsRehash(phc: string): boolean {
    return needsRehash(phc);
  }
}
