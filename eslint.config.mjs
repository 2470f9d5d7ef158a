// ESLint: type-aware rules (typescript-eslint, recommended-type-checked), the React hooks rules for
// web/, and the one format (ESLint Stylistic: `npm run format` is `eslint --fix --fix-type layout`). See docs/testing.md.
import js from '@eslint/js';
import stylistic from '@stylistic/eslint-plugin';
import { defineConfig } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['**/node_modules/', '**/dist/', 'data/', 'coverage/', '.cache/', '.ci-cache/'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: globals.node,
    },
    rules: {
      // `_next` keeps an Express error handler's four-argument shape; `catch (err)` may go unused.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      // In-memory stand-ins implement async interfaces (stores, buses) without awaiting anything.
      '@typescript-eslint/require-await': 'off',
      // Input checks match control characters on purpose (paths, headers, file names, plain text).
      'no-control-regex': 'off',
    },
  },
  {
    files: ['web/**/*.{ts,tsx}'],
    extends: [reactHooks.configs.flat.recommended],
    languageOptions: { globals: globals.browser },
  },
  {
    // Their effects call an async loader (`load()`, `refresh()`) that sets state only after its `await`,
    // never synchronously; the rule cannot see through the async function and reports it anyway.
    files: ['web/shared/files-screen.tsx', 'web/shared/session.tsx', 'web/shared/sessions-screen.tsx'],
    rules: { 'react-hooks/set-state-in-effect': 'off' },
  },
  {
    // A test reads answers as they come (supertest's `res.body`, `JSON.parse`: `any`) and the `expect`
    // beside each read is the check; hand-written `any` (no-explicit-any) stays an error here too.
    files: ['test/**'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // test/support's harnesses type close() in method shorthand but return arrow closures (no `this`): destructuring them is safe.
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  // Plain JavaScript files are in no tsconfig: no type information for them.
  { files: ['**/*.{js,mjs,cjs}'], extends: [tseslint.configs.disableTypeChecked] },
  { files: ['jest.config.js'], languageOptions: { sourceType: 'commonjs' } },
  {
    files: ['**/*.{ts,tsx,js,mjs,cjs}'],
    plugins: { '@stylistic': stylistic },
    rules: {
      ...stylistic.configs.customize({ indent: 2, quotes: 'single', semi: true, commaDangle: 'always-multiline', braceStyle: '1tbs', arrowParens: true, jsx: true }).rules,
      // "The app's origin" reads better than an escaped quote; templates are used where they read best.
      '@stylistic/quotes': ['error', 'single', { avoidEscape: true, allowTemplateLiterals: 'always' }],
      // Rows of settings or fields on one line per group (env blocks, test fixtures) are the house style.
      '@stylistic/list-style': 'off',
      // Keys are quoted only where they must be ('content-type' beside connection), as the code has it.
      '@stylistic/quote-props': ['error', 'as-needed'],
      // A long concatenation ends each line with its `+`; a ternary's `?` and `:`, a union's `|` start theirs.
      '@stylistic/operator-linebreak': ['error', 'after', { overrides: { '?': 'before', ':': 'before', '|': 'before', '&': 'before' } }],
      // A continued expression is indented one step under its first line, as the code has it.
      '@stylistic/indent-binary-ops': 'off',
      // `cond ? (x) => {…} : undefined` may open its branch on the same line.
      '@stylistic/multiline-ternary': 'off',
      // Short JSX text and expressions share a line (`{t('title')} <code>{no}</code>`), as the screens have them.
      '@stylistic/jsx-one-expression-per-line': 'off',
    },
  },
);
