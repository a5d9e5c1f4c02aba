// Spectral ruleset for the OpenAPI document served at /docs-json: the OpenAPI rules and the
// OWASP API Security Top 10 rules, both loaded from node_modules (no download at run time).
import { oas } from '@stoplight/spectral-rulesets';
import owasp from '@stoplight/spectral-owasp-ruleset';

export default {
  extends: [
    [oas, 'recommended'],
    [owasp, 'recommended'],
  ],
  rules: {},
};
