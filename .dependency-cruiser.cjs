/**
 * The slice boundaries, checked by `npm run lint` (and so by `npm test`). README: "How the code is laid
 * out". A slice is a folder directly under src/; its index.ts is what other slices may use.
 */
const SERVER_SLICES =
  '^src/(auth|cli|config|connected-clients|database|decision-log|delivery|environments|evaluation|event-store|export|flags|health|history|http|integrity|lifecycle|metrics|replay|shared|telemetry)/';

/** @type {import('dependency-cruiser').IDependencyCruiserConfig} */
module.exports = {
  forbidden: [
    {
      name: 'slice-api-only',
      comment: "A slice imports another slice only through that slice's index.ts; anything else is its internals.",
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      to: { path: '^src/([^/]+)/.+', pathNot: ['^src/$1/', '^src/[^/]+/index\\.ts$'] },
    },
    {
      name: 'dialect-folders-stay-inside',
      comment: 'Only event-store/ and database/ know a dialect: no other slice imports a sqlite/ or postgres/ folder.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(event-store|database)/' },
      to: { path: '/(sqlite|postgres)/' },
    },
    {
      name: 'pure-engine-and-sdk',
      comment:
        'evaluation-engine/ and sdk/ run inside customer services: no Nest, no database driver, no server slice.',
      severity: 'error',
      from: { path: '^src/(evaluation-engine|sdk)/', pathNot: '\\.spec\\.ts$' },
      to: {
        path: ['^(node_modules/)?(@nestjs/|kysely|pg|better-sqlite3)', SERVER_SLICES, '^src/[^/]+\\.ts$'],
      },
    },
    {
      name: 'console-stands-alone',
      comment:
        'The console (src/console) runs in the browser and speaks to the server over HTTP only: it imports no server code, and the server none of it.',
      severity: 'error',
      from: { path: '^src/console/' },
      to: { path: '^src/', pathNot: '^src/console/' },
    },
    {
      name: 'server-does-not-import-console',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/console/' },
      to: { path: '^src/console/' },
    },
    {
      name: 'no-cycles',
      comment: 'No import cycles at run time (type-only imports are erased by the compiler and do not count).',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // Packages' `exports` maps (csv-parse/sync, …), resolved as Node resolves them.
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
    exclude: { path: '^(dist|dist-bench)/' },
  },
};
