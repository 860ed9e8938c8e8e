// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * `npm run lint`: ESLint with typescript-eslint's type-aware rules over every TypeScript file the
 * project type-checks (apps, libs, specs, scripts, bench, test). The type-aware rules are the
 * point: a floating promise in a worker is a report that fails without anyone hearing of it, and
 * `any` leaking out of a parsed payload is how a malformed job reaches the engine.
 */
export default tseslint.config(
  { ignores: ['dist/**', 'coverage/**', '.cache/**', 'node_modules/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    rules: {
      // Off: an `async` function without `await` is how a function that must return a promise also
      // turns a synchronous throw into a rejection (fakes and adapters in this codebase rely on it);
      // the rule flags exactly that, and a missing `await` that matters is caught by
      // no-floating-promises / no-misused-promises instead.
      '@typescript-eslint/require-await': 'off',
      // `const { $patch: _, ...rest } = value` is how an object minus one key is written.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
  {
    // Tests read JSON and YAML they did not type (supertest's `body`, parsed manifests) and hand
    // Jest's asymmetric matchers (`expect.any(Number)`, typed `any`) around; their assertions are
    // the run-time check. The promise rules stay on here: an un-awaited `expect(…).rejects` is a
    // test that cannot fail.
    files: ['**/*.spec.ts', '**/*-spec.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // The same data, and deliberately malformed objects built to be refused.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // The report page's script runs in the browser as a plain script (served as a file, with uPlot
    // loaded before it as a global): outside the TypeScript project, so no type-aware rules.
    files: ['apps/api/src/report-page/assets/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      sourceType: 'script',
      globals: {
        uPlot: 'readonly',
        document: 'readonly',
        location: 'readonly',
        sessionStorage: 'readonly',
        fetch: 'readonly',
        requestAnimationFrame: 'readonly',
        URLSearchParams: 'readonly',
        setTimeout: 'readonly',
      },
    },
  },
  {
    // This file itself is plain JavaScript outside the TypeScript project.
    files: ['**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
