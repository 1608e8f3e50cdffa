// House rules (`npm run lint`, run by .ci/run). Beyond typescript-eslint's recommended checks, the rules
// that keep the layers (docs/ARCHITECTURE.md):
//   - no import cycles;
//   - a domain (src/<domain>) never imports src/server, the HTTP layer: the caller's type lives in
//     src/auth/principal.ts and the resolvers' context in src/graphql/context.ts. HTTP handlers kept beside
//     their domain (`*.handler.ts`) are routes of the server and may use its HTTP helpers;
//   - the pure modules (src/privacy, src/policy) import no database or GraphQL code, so their rules stay
//     testable in microseconds and usable from the command line and the partner-side gate.
import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/** Top-level folders and files that sit above the domains: they wire the hub together. */
const ABOVE_DOMAINS = ['server', 'cli', 'graphql', 'web'];

const SERVER_IMPORTS = {
  // The logger (and its error summary that never carries a value) is cross-cutting: a domain may log.
  group: ['**/server/*', '**/server/**', '!**/server/logger.ts'],
  message: 'a domain must not import src/server (the HTTP layer): Principal is in src/auth/principal.ts, the resolver context in src/graphql/context.ts',
};

const DATABASE_AND_GRAPHQL = [
  { group: ['kysely', 'pg', 'pg-*', '@electric-sql/*'], message: 'a pure module must not touch the database' },
  { group: ['graphql', 'graphql-*', '@graphql-*/*', '@pothos/*'], message: 'a pure module must not import GraphQL code' },
  {
    group: ['**/db/**', '**/graphql/**', '**/server/**', '**/*.repository.ts', '**/*.service.ts', '**/*.graphql.ts'],
    message: 'a pure module must not import database, service or GraphQL code',
  },
  // Row-type files (`*.table.ts`) stay allowed: they hold types and constant lists (the party roles), no queries.
];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'test-artifacts/', '.hub-data/', 'src/documents/documents.generated.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,js}'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js', '.json'] })],
      // Without these import-x treats .ts files as unparseable and follows no import through them.
      'import-x/extensions': ['.ts', '.tsx', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
    },
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', performance: 'readonly', Buffer: 'readonly', setTimeout: 'readonly' },
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      // Unused names are an error, except the `_name` a destructuring drops on purpose.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // The code base types its boundaries; a deliberate `any` (ajv, migrations' Kysely<any>) is allowed.
      '@typescript-eslint/no-explicit-any': 'off',
      // The privacy scanner matches control characters on purpose (they hide digits between separators).
      'no-control-regex': 'off',
      // A variable a closure reads before its one assignment (a server's handler naming the server) stays `let`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    files: ['src/*/**/*.ts'],
    ignores: [...ABOVE_DOMAINS.map((dir) => `src/${dir}/**`), 'src/*/*.handler.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [SERVER_IMPORTS] }] },
  },
  {
    files: ['src/privacy/**/*.ts', 'src/policy/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: DATABASE_AND_GRAPHQL }] },
  },
);
