// Lint: typescript-eslint's recommended rules for the server, database, emails and tests, and
// eslint-plugin-svelte's for the pages; formatting is Prettier's (eslint-config-prettier turns off the
// rules it would fight with). Each rule switched off or narrowed below says why.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default ts.config(
  {
    ignores: [
      'node_modules/',
      'data/',
      'web/build/',
      'web/.svelte-kit/',
      'web/src/lib/paraglide/',
      'web/src/lib/api/openapi.json',
      'web/src/lib/api/schema.d.ts',
      'test-output/',
      'coverage/',
    ],
  },
  // An `eslint-disable` comment that no longer suppresses anything is an error, so every one left is real.
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  prettier,
  ...svelte.configs.prettier,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // `_` names a value deliberately left unused (a field dropped from a copy, a callback's leading argument).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['web/src/**/*.{ts,js,svelte}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      // The app has no base path (svelte.config.js sets none), so resolve() would return every path as it
      // is; links get their language prefix from $lib/i18n's href (Paraglide), which the rule can't see.
      'svelte/no-navigation-without-resolve': 'off',
      // Significant spaces are written {' '}: Svelte trims whitespace at the start of an {#if} block, and a
      // formatter may re-flow bare text; the mustache keeps the space where it is meant.
      'svelte/no-useless-mustaches': 'off',
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: { projectService: false, extraFileExtensions: ['.svelte'], parser: ts.parser, svelteConfig },
    },
  },
  {
    // Migrations are frozen in time and must not import the current schema's types (db/migrations/), so
    // they, and the migrator that runs them, take `Kysely<any>` as Kysely's own documentation does.
    files: ['db/migrations/**/*.ts', 'db/migrate.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Tests read JSON answers whose shape their own assertions check; typing each body first adds nothing.
    files: ['tests/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
