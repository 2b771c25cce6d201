import type { Config } from 'jest';

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  // Suites start their own emulator and servers on free ports, so they can run side by side.
  maxWorkers: 2,
  testTimeout: 15_000,
};

export default config;
