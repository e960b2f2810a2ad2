/** One runner, several levels: pure unit tests, workflow tests on the time-skipping server,
 * end-to-end tests on the real stack, the production deployment (compose file, Dockerfile, the
 * containers' entry points), security checks, a fleet of conventions under faults (reduced here,
 * full with `npm run test:faults`), what operators see in the Temporal Web UI through a real
 * browser, and the production path itself (the Temporal server on PostgreSQL, mutual TLS, workers
 * sharing nothing but the mail journal). Integration suites share one server per file. */
const swc = [
  '@swc/jest',
  { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
];
const common = {
  testEnvironment: 'node',
  // content-disposition 3 (from @fastify/swagger-ui) and jose 6 ship ESM only: jest must transform them.
  transform: { '^.+\\.ts$': swc, '/node_modules/(content-disposition|jose)/.+\\.js$': swc },
  transformIgnorePatterns: ['/node_modules/(?!(content-disposition|jose)/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  // Installed tools and their build caches (Go modules among them) hold no test or module of ours.
  modulePathIgnorePatterns: ['<rootDir>/.cache/'],
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'workflows',
      testMatch: ['<rootDir>/test/workflows/**/*.test.ts', '<rootDir>/test/replay/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
    },
    {
      ...common,
      displayName: 'deploy',
      testMatch: ['<rootDir>/test/deploy/**/*.test.ts'],
      globalSetup: '<rootDir>/test/deploy/global-setup.ts',
    },
    {
      ...common,
      displayName: 'security',
      testMatch: ['<rootDir>/test/security/**/*.test.ts'],
      globalSetup: '<rootDir>/test/security/global-setup.ts',
    },
    // Rendered documents read back with Poppler and checked by veraPDF (installed by the setup).
    {
      ...common,
      displayName: 'documents',
      testMatch: ['<rootDir>/test/documents/**/*.test.ts'],
      globalSetup: '<rootDir>/test/documents/global-setup.ts',
    },
    // The fleet under faults runs on the built stack (dist/): `npm test` builds it first.
    {
      ...common,
      displayName: 'faults',
      testMatch: ['<rootDir>/test/faults/**/*.test.ts'],
      globalSetup: '<rootDir>/test/faults/global-setup.ts',
    },
    {
      ...common,
      displayName: 'browser',
      testMatch: ['<rootDir>/test/browser/**/*.test.ts'],
      globalSetup: '<rootDir>/test/browser/global-setup.ts',
    },
    // The deployment of docker-compose.yml without Docker: the real Temporal server on PostgreSQL.
    {
      ...common,
      displayName: 'production',
      testMatch: ['<rootDir>/test/production/**/*.test.ts'],
      globalSetup: '<rootDir>/test/production/global-setup.ts',
    },
  ],
  testSequencer: '<rootDir>/test/support/sequencer.mjs',
  testTimeout: 120_000,
};
