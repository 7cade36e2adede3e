import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['dist/', 'web/dist/', 'cdk.out/', 'node_modules/', 'bench/out/', 'coverage/', 'test-results/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-control-regex': 'off',
      // shared/zod.ts loads zod/mini's English messages once; importing zod elsewhere would skip them.
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'zod', message: 'Import from shared/zod.ts.' },
            { name: 'zod/mini', message: 'Import from shared/zod.ts.' },
          ],
        },
      ],
    },
  },
  { files: ['shared/zod.ts'], rules: { 'no-restricted-imports': 'off' } },
  {
    // The pages: TypeScript checks browser names; draft text must never reach the HTML parser.
    files: ['web/**/*.ts'],
    rules: {
      'no-undef': 'off',
      'no-restricted-properties': [
        'error',
        { property: 'innerHTML', message: 'Build DOM with web/src/dom.ts: text nodes only.' },
        { property: 'outerHTML', message: 'Build DOM with web/src/dom.ts: text nodes only.' },
        { property: 'insertAdjacentHTML', message: 'Build DOM with web/src/dom.ts: text nodes only.' },
        { object: 'document', property: 'write', message: 'Build DOM with web/src/dom.ts.' },
      ],
    },
  },
);
