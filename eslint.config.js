// Lint: TypeScript rules everywhere; workflow and domain code may not import
// Node built-ins, I/O libraries or activity implementations (determinism).
const tseslint = require('typescript-eslint');
const { builtinModules } = require('node:module');

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

module.exports = tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', '.temporal/**', 'bench/results/**', 'coverage/**', 'scratch/**'] },
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
  {
    // The domain is pure: the time comes in as a parameter (workflows read it from the SDK's deterministic clock).
    files: ['domain/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'domain code is pure: take the time as a parameter' },
        { object: 'Math', property: 'random', message: 'domain code is pure: no randomness' },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0], CallExpression[callee.name='Date']", message: 'domain code is pure: take the time as a parameter' },
      ],
    },
  },
  {
    // worker/bundle.ts preloads workflows/: one instance of each module serves every run on a worker thread.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "Program > VariableDeclaration[kind!='const'], Program > ExportNamedDeclaration > VariableDeclaration[kind!='const']",
          message: 'workflows/ modules are shared by every run on a worker thread: keep what a run changes inside the workflow function',
        },
      ],
    },
  },
);
