import path from 'node:path';
import express from 'express';
import { Redis } from 'ioredis';

// `npm test` runs on the newest peer majors and `npm run test:peers` on the oldest the ranges
// allow (installed under the aliases express4 and ioredis5); this says which ones a run really
// loaded, so a broken mapping cannot pass silently.
const oldest = process.env.PEERS === 'oldest';
const alias = (name: string) =>
  jest.requireActual<Record<string, unknown>>(path.resolve(__dirname, '../../node_modules', name));

describe('the peers this run loads', () => {
  it(`are Express ${oldest ? 4 : 5}`, () => {
    expect((express as unknown) === alias('express4')).toBe(oldest);
    expect((express as unknown) === alias('express')).toBe(!oldest);
  });

  it(`are ioredis ${oldest ? 5 : 6}`, () => {
    expect(Redis === alias('ioredis5').Redis).toBe(oldest);
    expect(Redis === alias('ioredis').Redis).toBe(!oldest);
  });
});
