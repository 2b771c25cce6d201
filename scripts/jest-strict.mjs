// Runs Jest with --detectOpenHandles and fails when it reports any: a timer or socket left
// behind by a test is a leak in the library or the emulator, even if every assertion passed.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

const jest = createRequire(import.meta.url).resolve('jest/bin/jest');
const child = spawn(process.execPath, [jest, '--detectOpenHandles', ...process.argv.slice(2)], {
  stdio: ['inherit', 'inherit', 'pipe'],
});
let report = '';
child.stderr.on('data', (chunk) => {
  process.stderr.write(chunk);
  report += chunk.toString();
});
child.on('close', (code) => {
  if (code === 0 && /open handles? potentially keeping Jest from exiting/.test(report)) {
    process.stderr.write('\njest-strict: open handles were left behind (see above).\n');
    process.exit(1);
  }
  process.exit(code ?? 1);
});
