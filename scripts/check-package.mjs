// The package as the registry would serve it, checked by the ecosystem's own linters: publint
// (package.json fields against the files packed) and Are the Types Wrong (types for every entry
// under node10, node16 from CJS and ESM, and bundler resolution). Any message fails, suggestions too.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

const require = createRequire(import.meta.url);
const pkg = require('../package.json');

const { messages } = await publint({ pkgDir: '.', pack: 'npm', level: 'suggestion' });
for (const message of messages) {
  console.error(`publint ${message.type}: ${formatMessage(message, pkg)}`);
}

// Packed with --ignore-scripts: `npm test` has just built dist/, and prepack would build it again.
const work = mkdtempSync(path.join(tmpdir(), 'pingone-attw-'));
const packed = spawnSync(
  'npm',
  ['pack', '--ignore-scripts', '--silent', '--pack-destination', work],
  {
    encoding: 'utf8',
  },
);
const tarball = path.join(work, packed.stdout.trim().split('\n').at(-1));
const attw = spawnSync('node_modules/.bin/attw', [tarball, '--format', 'table-flipped'], {
  stdio: 'inherit',
});
rmSync(work, { recursive: true, force: true });

if (messages.length > 0 || packed.status !== 0 || attw.status !== 0) process.exit(1);
console.log('publint: no messages');
