// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', '.bench-build/', '.data/', 'node_modules/', 'examples/host/node_modules/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', URL: 'readonly' } },
    rules: {
      // Unused names prefixed with _ are deliberate (a destructured field left out); h and Fragment
      // are the JSX factory, used by the compiled JSX where the rule cannot see it.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^(_|h$|Fragment$)', caughtErrors: 'none' },
      ],
      // hono's `c.var` builds an object of every variable the host and the module set, on each
      // read: `c.get(name)` reads one.
      'no-restricted-properties': ['error', { property: 'var', message: "Read a context variable with c.get('name')." }],
    },
  },
  {
    files: ['public/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: {
        document: 'readonly',
        Element: 'readonly',
        HTMLElement: 'readonly',
        HTMLButtonElement: 'readonly',
        HTMLFormElement: 'readonly',
        URLSearchParams: 'readonly',
        location: 'readonly',
        htmx: 'readonly',
        sessionStorage: 'readonly',
        localStorage: 'readonly',
        MutationObserver: 'readonly',
      },
    },
  },
);
