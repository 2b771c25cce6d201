import { execFileSync } from 'node:child_process';
import path from 'node:path';

// These run the built package (`npm run build` runs first in `npm test`) by its own name, as a
// consumer would load it.
const root = path.resolve(__dirname, '../..');
const node = (args: string[]) =>
  execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' });

describe('the published package', () => {
  it('loads with require()', () => {
    const out = node([
      '-e',
      `const p = require('express-pingone-session');
       const e = require('express-pingone-session/emulator');
       const r = require('express-pingone-session/redis');
       console.log(typeof p.pingSession, typeof p.requireSession, typeof p.PingOneError, typeof p.MemoryStore, typeof e.startEmulator, typeof r.RedisStore);`,
    ]);
    expect(out.trim()).toBe('function function function function function function');
  });

  it('loads with import, sharing the CommonJS classes', () => {
    const out = node([
      '--input-type=module',
      '-e',
      `import { pingSession, PingOneError } from 'express-pingone-session';
       import { startEmulator } from 'express-pingone-session/emulator';
       import { RedisStore } from 'express-pingone-session/redis';
       import { createRequire } from 'node:module';
       const cjs = createRequire(import.meta.url)('express-pingone-session');
       console.log(typeof pingSession, typeof startEmulator, typeof RedisStore, PingOneError === cjs.PingOneError);`,
    ]);
    expect(out.trim()).toBe('function function function true');
  });

  it('loads its main entry without ioredis or prom-client, which only their entries need', () => {
    const out = node([
      '-e',
      `const Module = require('node:module');
       const load = Module._load;
       Module._load = function (request, ...rest) {
         if (request === 'ioredis' || request === 'prom-client') throw new Error(request + ' was loaded');
         return load.call(this, request, ...rest);
       };
       const p = require('express-pingone-session');
       console.log(typeof p.pingSession);`,
    ]);
    expect(out.trim()).toBe('function');
  });

  it('has a metrics entry, for require() and import', () => {
    const cjs = node([
      '-e',
      `console.log(typeof require('express-pingone-session/metrics').pingSessionMetrics)`,
    ]);
    const esm = node([
      '--input-type=module',
      '-e',
      `import { pingSessionMetrics } from 'express-pingone-session/metrics'; console.log(typeof pingSessionMetrics)`,
    ]);
    expect([cjs.trim(), esm.trim()]).toEqual(['function', 'function']);
  });

  it('has a testing entry, for require() and import, sharing the emulator of /emulator', () => {
    const cjs = node([
      '-e',
      `const t = require('express-pingone-session/testing');
       console.log(typeof t.startEmulator, t.sameOrigin['Sec-Fetch-Site'], t.startEmulator === require('express-pingone-session/emulator').startEmulator)`,
    ]);
    const esm = node([
      '--input-type=module',
      '-e',
      `import { startEmulator, navigation } from 'express-pingone-session/testing'; console.log(typeof startEmulator, navigation['Sec-Fetch-Mode'])`,
    ]);
    expect([cjs.trim(), esm.trim()]).toEqual(['function same-origin true', 'function navigate']);
  });

  it('has a pingone-emulator command', () => {
    const out = node(['dist/emulator/bin.js', '--help']);
    expect(out).toContain('Usage: pingone-emulator');
  });
});
