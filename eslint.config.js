// Lint: typescript-eslint's type-aware recommended rules, plus the dependency direction of
// ARCHITECTURE.md (domain ← engine ← services ← adapters ← main) enforced with no-restricted-imports.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layer = (files, forbidden) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      { patterns: forbidden.map((group) => ({ group: [group], message: 'Dependencies point one way: see ARCHITECTURE in README.' })) },
    ],
  },
});

export default tseslint.config(
  { ignores: ['dist/', 'src/generated/', 'node_modules/', 'public/', 'coverage/', 'scripts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-assertions': ['error', { assertionStyle: 'never' }],
    },
  },
  { files: ['test/**', 'bench/**'], rules: { '@typescript-eslint/consistent-type-assertions': 'off', '@typescript-eslint/no-non-null-assertion': 'off' } },
  { files: ['*.config.*', 'prisma.config.ts'], ...tseslint.configs.disableTypeChecked },
  layer(['src/domain/**'], ['**/engine/**', '**/services/**', '**/store/**', '**/queue/**', '**/channels/**', '**/http/**', '**/workers/**', '**/generated/**', 'grammy', '@whiskeysockets/*', 'bullmq', 'ioredis', 'fastify', 'pino']),
  layer(['src/engine/**'], ['**/services/**', '**/store/**', '**/queue/**', '**/channels/**', '**/http/**', '**/workers/**', '**/generated/**', 'grammy', '@whiskeysockets/*', 'bullmq', 'ioredis', 'fastify']),
  layer(['src/services/**'], ['**/store/**', '**/queue/**', '**/http/**', '**/workers/**', '**/generated/**', 'grammy', '@whiskeysockets/*', 'bullmq', 'ioredis', 'fastify']),
  { ...layer(['src/**'], ['**/generated/**']), ignores: ['src/store/**', 'src/generated/**'] },
);
