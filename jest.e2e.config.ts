import type { Config } from 'jest';
import base from './jest.config';

/** `npm run test:e2e`: the browser walk of the example app, in Debian's Chromium. */
const config: Config = {
  ...base,
  roots: ['<rootDir>/test/e2e'],
  testMatch: ['**/*.e2e.ts'],
  maxWorkers: 1,
  testTimeout: 60_000,
};

export default config;
