import type { Config } from 'jest';

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The example app imports the package by name; in tests that is the source, not the build.
  moduleNameMapper: {
    '^express-pingone-session$': '<rootDir>/src',
    '^express-pingone-session/emulator$': '<rootDir>/src/emulator',
    '^express-pingone-session/redis$': '<rootDir>/src/redis',
    '^express-pingone-session/metrics$': '<rootDir>/src/metrics',
  },
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  // The redaction check: no emulator secret in any log line or app response of a test file.
  setupFilesAfterEnv: ['<rootDir>/test/setup/redaction.ts'],
  // Suites start their own emulator and servers on free ports, so they can run side by side.
  maxWorkers: 2,
  testTimeout: 15_000,
};

export default config;
