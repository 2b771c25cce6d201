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
       console.log(typeof p.pingSession, typeof p.requireSession, typeof p.PingOneError, typeof e.startEmulator);`,
    ]);
    expect(out.trim()).toBe('function function function function');
  });

  it('loads with import, sharing the CommonJS classes', () => {
    const out = node([
      '--input-type=module',
      '-e',
      `import { pingSession, PingOneError } from 'express-pingone-session';
       import { startEmulator } from 'express-pingone-session/emulator';
       import { createRequire } from 'node:module';
       const cjs = createRequire(import.meta.url)('express-pingone-session');
       console.log(typeof pingSession, typeof startEmulator, PingOneError === cjs.PingOneError);`,
    ]);
    expect(out.trim()).toBe('function function true');
  });

  it('has a pingone-emulator command', () => {
    const out = node(['dist/emulator/bin.js', '--help']);
    expect(out).toContain('Usage: pingone-emulator');
  });
});
