// ESM entry points as thin wrappers around the CommonJS build: one copy of the code, so a
// PingOneError thrown for an `import` user is the same class a `require` user checks against.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

for (const entry of [
  'dist/index',
  'dist/emulator/index',
  'dist/redis/index',
  'dist/metrics/index',
  'dist/testing/index',
]) {
  const names = Object.keys(require(`../${entry}.js`)).filter((name) => name !== '__esModule');
  writeFileSync(
    `${entry}.mjs`,
    `import cjs from './index.js';\nexport const { ${names.join(', ')} } = cjs;\n`,
  );
  writeFileSync(`${entry}.d.mts`, `export * from './index.js';\n`);
}
