import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

// The public type surface of the built package (npm test builds first): every exported name of
// every entry with its declaration and TSDoc, and the package's declarations they refer to.
// A change to it is a change to the API: renew test/fixtures/api-surface.txt with
// `node scripts/api-surface.mjs --write` and say so in the changelog.
const root = path.resolve(__dirname, '../..');

it("is the recorded one: moving code between files changes no user's types", () => {
  const now = execFileSync(process.execPath, ['scripts/api-surface.mjs'], {
    cwd: root,
    encoding: 'utf8',
  });
  expect(now).toBe(readFileSync(path.join(root, 'test/fixtures/api-surface.txt'), 'utf8'));
});
