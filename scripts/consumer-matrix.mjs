// The consumer matrix (test/consumers/README.md): packs the package from a clean copy of the
// checkout (prepack builds it), installs the tarball into
// throwaway projects (CommonJS JS + Express 4; ESM TypeScript nodenext + Express 5; TypeScript
// moduleResolution bundler; TypeScript moduleResolution node), builds each, runs its test file
// (the README's "Testing your app" examples: Jest in the CommonJS one, node:test in the others),
// and drives its server over HTTP: sign in with the demo user, read the protected route, log out,
// refused afterwards. The TypeScript projects must also refuse to compile a typo in
// req.pingSession.
import { execFileSync, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';

const root = path.resolve(import.meta.dirname, '..');
const consumers = path.join(root, 'test/consumers');
const work = mkdtempSync(path.join(tmpdir(), 'pingone-consumers-'));
const only = process.argv.slice(2);

const run = (cwd, command, args) =>
  execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** `tsc` on src/typo.ts must fail, and only on the two `.usr` typos. */
function typoIsRefused(dir) {
  writeFileSync(
    path.join(dir, 'tsconfig.typo.json'),
    JSON.stringify({
      extends: './tsconfig.json',
      include: ['src/typo.ts'],
      exclude: [],
      compilerOptions: { noEmit: true },
    }),
  );
  let output;
  try {
    run(dir, 'npx', ['tsc', '-p', 'tsconfig.typo.json']);
    throw new Error('req.pingSession.usr compiled: the session is not typed for this consumer');
  } catch (error) {
    if (error.stdout === undefined) throw error;
    output = error.stdout;
  }
  const errors = output.split('\n').filter((line) => line.includes('error TS'));
  const typos = errors.filter((line) => /TS(2339|2551): Property 'usr' does not exist/.test(line));
  if (typos.length !== 2 || errors.length !== 2) {
    throw new Error(`expected exactly the two 'usr' errors from src/typo.ts, got:\n${output}`);
  }
}

/** Starts the built app, resolves with its URL (its first line of output) and a stop(). */
function startApp(dir, entry) {
  const child = spawn(process.execPath, [entry], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the app exited with ${code} before listening`)));
    createInterface({ input: child.stdout }).once('line', (url) =>
      resolve({
        url,
        stop: () =>
          new Promise(
            (done) => (
              child.removeAllListeners('exit'),
              child.once('exit', done),
              child.kill('SIGTERM')
            ),
          ),
      }),
    );
  });
}

function expectStatus(res, status, step) {
  if (res.status !== status) throw new Error(`${step}: expected ${status}, got ${res.status}`);
}

/** Sign in, protected route, log out, protected route again: as the app's own pages would. */
async function walk(url, password) {
  const sameOrigin = { 'Sec-Fetch-Site': 'same-origin' };
  expectStatus(await fetch(`${url}/orders`), 401, 'GET /orders signed out');

  const signIn = await fetch(`${url}/signin`, {
    method: 'POST',
    headers: { ...sameOrigin, 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'ada', password }),
  });
  expectStatus(signIn, 200, 'POST /signin');
  const st = signIn.headers.getSetCookie().find((cookie) => cookie.startsWith('ST='));
  if (st === undefined) throw new Error('POST /signin set no ST cookie');
  const cookie = st.split(';')[0];

  const page = await fetch(`${url}/orders`, { headers: { Cookie: cookie } });
  expectStatus(page, 200, 'GET /orders signed in');
  const { user } = await page.json();
  if (typeof user !== 'string' || user.length === 0) throw new Error('GET /orders: no user ID');

  const logout = await fetch(`${url}/logout`, {
    method: 'POST',
    headers: { ...sameOrigin, Cookie: cookie },
  });
  expectStatus(logout, 204, 'POST /logout');
  if (!logout.headers.getSetCookie().some((c) => c.startsWith('ST=;'))) {
    throw new Error('POST /logout did not clear ST');
  }
  expectStatus(
    await fetch(`${url}/orders`, { headers: { Cookie: cookie } }),
    401,
    'GET /orders after logout',
  );
}

/**
 * `npm pack` in a copy of the checkout without `dist/`, as a fresh clone (or a release from CI)
 * packs it: `prepack` must build the code, or the tarball ships none. The copy holds what git
 * tracks and any new file it does not ignore, so local changes are packed too.
 */
function packFromCleanCheckout() {
  const checkout = path.join(work, 'checkout');
  const files = run(root, 'git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'])
    .split('\0')
    .filter((file) => file !== '' && existsSync(path.join(root, file)));
  for (const file of files) cpSync(path.join(root, file), path.join(checkout, file));
  symlinkSync(path.join(root, 'node_modules'), path.join(checkout, 'node_modules'), 'dir');
  run(checkout, 'npm', ['pack', '--pack-destination', work]);
  const [name] = readdirSync(work).filter((file) => file.endsWith('.tgz'));
  const listing = run(work, 'tar', ['-tzf', name]);
  if (!listing.includes('package/dist/index.js')) {
    throw new Error('the tarball packed from a clean checkout has no dist/index.js');
  }
  return path.join(work, name);
}

const tarball = packFromCleanCheckout();

const projects = readdirSync(consumers, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && entry.name !== 'typescript')
  .map((entry) => entry.name)
  .filter((name) => only.length === 0 || only.includes(name));

let failed = false;
for (const name of projects) {
  const dir = path.join(work, name);
  const started = Date.now();
  try {
    cpSync(path.join(consumers, name), dir, { recursive: true });
    const typescript = name !== 'cjs-express4';
    if (typescript)
      cpSync(path.join(consumers, 'typescript'), path.join(dir, 'src'), { recursive: true });
    run(dir, 'npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball]);
    run(dir, 'npm', ['run', 'build']);
    if (typescript) typoIsRefused(dir);
    run(dir, 'npm', ['test']);
    const { DEMO_PASSWORD } = createRequire(path.join(dir, 'package.json'))(
      'express-pingone-session/emulator',
    );
    const app = await startApp(dir, typescript ? 'dist/server.js' : 'server.js');
    try {
      await walk(app.url, DEMO_PASSWORD);
    } finally {
      await app.stop();
    }
    console.log(`ok   ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (error) {
    failed = true;
    console.error(`FAIL ${name}: ${error.message}\n${error.stderr ?? ''}${error.stdout ?? ''}`);
  }
}

if (!failed) rmSync(work, { recursive: true, force: true });
else console.error(`(projects left in ${work})`);
process.exit(failed ? 1 : 0);
