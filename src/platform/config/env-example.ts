import type { EnvVar } from './env-var.js';
import { envSections } from './env.schema.js';

/** The text of `.env.example`: every variable, its default and what it does. */
export function renderEnvExample(): string {
  const out = [
    '# Every setting of the platform with its default. Copy to .env or export the ones you change.',
    '# Unset DATABASE_URL / REDIS_URL / NATS_URL = embedded PGlite, in-memory store, one process.',
    '',
  ];
  for (const [section, vars] of Object.entries(envSections)) {
    const entries = Object.entries(vars as Record<string, EnvVar<unknown>>);
    if (!entries.length) continue;
    out.push(`# --- ${section} ---`);
    for (const [name, spec] of entries) {
      out.push(`# ${spec.doc}`);
      // Unset and secret values stay commented out: a copied file must not pin a dev secret.
      out.push(
        spec.example === undefined || spec.secret ? `# ${name}=` : `${name}=${spec.example}`,
      );
      for (const r of spec.related ?? []) out.push(`#   ${r.name}: ${r.doc}`);
    }
    out.push('');
  }
  return out.join('\n');
}
