import { readFileSync } from 'node:fs';
import path from 'node:path';

// The testing page's examples (docs/testing.md) are the files the consumer matrix runs against
// the packed package (npm run test:consumers, in CI); this keeps the page and the files one text.
const root = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const codeBlocks = [...read('docs/testing.md').matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)].map(
  ([, language, code]) => ({ language, code }),
);

describe("the testing page's examples", () => {
  it.each([
    ['js', 'test/consumers/cjs-express4/app.test.js'],
    ['ts', 'test/consumers/typescript/app.test.ts'],
  ])('show, as a %s block, exactly the file the consumer matrix runs: %s', (language, file) => {
    expect(codeBlocks).toContainEqual({ language, code: read(file) });
  });
});
