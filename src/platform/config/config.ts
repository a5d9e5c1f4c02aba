import type { Env } from './env.schema.js';
import type { PartName } from './load-config.js';

/** The validated environment, injected wherever settings are read. */
export class AppConfig {
  constructor(
    readonly env: Env,
    readonly roles: readonly PartName[],
  ) {}

  get<K extends keyof Env>(key: K): Env[K] {
    return this.env[key];
  }

  runs(part: PartName): boolean {
    return this.roles.includes(part);
  }

  get split(): boolean {
    return !this.env.APP_ROLES.includes('all');
  }

  get publicUrl(): string {
    return (this.env.PUBLIC_URL ?? `http://localhost:${this.env.PORT}`).replace(/\/$/, '');
  }
}
