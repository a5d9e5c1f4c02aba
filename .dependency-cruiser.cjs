/** Boundaries between the parts, checked by `npm run depcheck` (part of `npm test`). */
const PARTS = ['gateway', 'auth', 'users', 'payments', 'analytics'];

module.exports = {
  forbidden: [
    ...PARTS.map((part) => ({
      name: `no-cross-part-${part}`,
      comment: `${part} talks to other parts only through src/contracts and the transport`,
      severity: 'error',
      from: { path: `^src/${part}/` },
      to: { path: `^src/(${PARTS.filter((p) => p !== part).join('|')})/` },
    })),
    {
      name: 'http-imports-contracts-and-platform-only',
      comment: 'controllers run in the gateway process: they reach their part through its contract client',
      severity: 'error',
      from: { path: '^src/[^/]+/http/' },
      to: { path: '^src/', pathNot: ['^src/contracts/', '^src/platform/', '^src/[^/]+/http/'] },
    },
    {
      name: 'domain-is-pure',
      comment: 'domain code has no Nest, TypeORM or platform imports',
      severity: 'error',
      from: { path: '^src/[^/]+/domain/' },
      to: { path: ['^src/platform/', 'node_modules/@nestjs/', 'node_modules/typeorm/'] },
    },
    {
      name: 'contracts-are-shared-only',
      comment: 'contracts depend on platform plumbing only, never on a part',
      severity: 'error',
      from: { path: '^src/contracts/' },
      to: { path: `^src/(${PARTS.join('|')})/` },
    },
    {
      name: 'platform-has-no-business-logic',
      comment: 'platform plumbing never imports a part or a contract (only the CLI may list the parts)',
      severity: 'error',
      from: { path: '^src/platform/', pathNot: '^src/platform/cli/' },
      to: { path: `^src/(${PARTS.join('|')}|contracts)/` },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true, dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.spec\\.ts$' },
  },
};
