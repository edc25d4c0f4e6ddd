// Lint: TypeScript rules everywhere; workflow and domain code may not import
// Node built-ins, I/O libraries or activity implementations (determinism).
const tseslint = require('typescript-eslint');
const { builtinModules } = require('node:module');

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

module.exports = tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', '.temporal/**', 'bench/results/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    files: ['workflows/**/*.ts', 'domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.map((name) => ({ name, message: 'workflow and domain code must be deterministic: no Node built-ins (do I/O in activities/)' })),
            { name: 'nodemailer', message: 'mail is sent by activities, not workflow or domain code' },
            { name: 'chinese-days', message: 'resolve holidays when the plan is loaded (client/planLoader.ts); workflows read only the recorded lists' },
          ],
          patterns: [
            { group: ['../activities', '../activities/*', '**/activities/*'], message: 'import activities only as types: `import type { createActivities } from "../activities"`', allowTypeImports: true },
            { group: ['../infra/*', '../client/*', '../worker/*'], message: 'workflow and domain code may not depend on infra, client or worker code' },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'process', message: 'no process access in deterministic code' }, { name: 'setTimeout', message: 'use workflow sleep/condition' }],
    },
  },
);
