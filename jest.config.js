/** Native ESM Jest: Nest 12 ships ESM only, so test files are transformed by swc to ES modules. */
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    // Same semantics as tsc with useDefineForClassFields: false: declared fields are not emitted.
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2023',
  },
  module: { type: 'es6' },
  sourceMaps: 'inline',
};

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  maxWorkers: 2,
  testTimeout: 30000,
  coverageProvider: 'v8',
  collectCoverageFrom: [
    'apps/**/*.ts',
    'libs/**/*.ts',
    '!**/*.spec.ts',
    '!libs/database/migrate.cli.ts',
    '!apps/api/main.ts',
  ],
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  coverageReporters: ['text-summary', 'text', 'lcov'],
  coverageThreshold: { global: { lines: 90, branches: 80 } },
};
