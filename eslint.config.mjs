import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import { builtinModules } from 'node:module';

// Workflow code runs in Temporal's deterministic sandbox; domain and simulation code must stay pure:
// neither may reach Node built-ins, the network, the clock or the file system.
const nodeBuiltins = builtinModules.flatMap((name) => [name, `node:${name}`]);
const sandboxedImports = {
  paths: nodeBuiltins.map((name) => ({ name, message: 'No Node built-ins in workflow or domain code.' })),
  patterns: [
    {
      group: ['**/activities/**', '**/activities', '**/worker/**', '**/client/**', '**/scripts/**'],
      message:
        'Workflow and domain code may import activities as types only, and nothing from worker, client or scripts.',
      allowTypeImports: true,
    },
    {
      group: [
        'nodemailer',
        'fastify',
        'fastify/**',
        '@temporalio/client',
        '@temporalio/worker',
        '@temporalio/activity',
      ],
      message: 'I/O libraries are not allowed in workflow or domain code.',
      allowTypeImports: true,
    },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.cache/', 'data/', 'test-results/', 'coverage/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: [
            '*.mjs',
            '*.js',
            'scripts/*.mjs',
            'test/documents/*.cjs',
            'test/support/*.mjs',
          ],
          // The plain scripts (installers, jest's sequencer, preloads): a dozen small files.
          maximumDefaultProjectFileMatchCount_THIS_WILL_SLOW_DOWN_LINTING: 16,
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    files: ['workflows/**/*.ts', 'domain/**/*.ts', 'simulation/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', sandboxedImports],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'No process access in workflow or domain code.' },
        {
          name: 'setTimeout',
          message: 'Use Temporal timers (sleep/condition) in workflows; domain code is timeless.',
        },
        { name: 'setInterval', message: 'Use Temporal timers in workflows.' },
        { name: 'fetch', message: 'No I/O in workflow or domain code.' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Non-deterministic: not in workflow or domain code.' },
        {
          object: 'DateTime',
          property: 'now',
          message: 'Domain code takes the time as an argument; workflows use Date.now() from the sandbox.',
        },
        {
          object: 'DateTime',
          property: 'local',
          message: 'Always name the zone: DateTime.fromISO(x, { zone }).',
        },
      ],
    },
  },
  {
    // Tests read JSON answers from HTTP and Temporal: typing each one would add nothing.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        module: 'writable',
        require: 'readonly',
        __dirname: 'readonly',
      },
    },
  },
  prettier,
);
