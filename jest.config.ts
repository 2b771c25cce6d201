import type { Config } from 'jest';

// `PEERS=oldest` runs the suite on the oldest majors the peer ranges allow (Express 4, ioredis 5),
// installed beside the newest ones under the aliases express4 and ioredis5.
const oldestPeers: Record<string, string> =
  process.env.PEERS === 'oldest'
    ? {
        '^express$': '<rootDir>/node_modules/express4',
        '^ioredis$': '<rootDir>/node_modules/ioredis5',
      }
    : {};

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The consumer projects' tests run in their own projects, against the packed package.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/consumers/'],
  // The example app imports the package by name; in tests that is the source, not the build.
  moduleNameMapper: {
    '^express-pingone-session$': '<rootDir>/src',
    '^express-pingone-session/emulator$': '<rootDir>/src/emulator',
    '^express-pingone-session/redis$': '<rootDir>/src/redis',
    '^express-pingone-session/metrics$': '<rootDir>/src/metrics',
    '^express-pingone-session/testing$': '<rootDir>/src/testing',
    ...oldestPeers,
  },
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  // The redaction check: no emulator secret in any log line or app response of a test file.
  setupFilesAfterEnv: ['<rootDir>/test/setup/redaction.ts'],
  // Suites start their own emulator and servers on free ports, so they can run side by side.
  maxWorkers: 2,
  testTimeout: 15_000,
};

export default config;
