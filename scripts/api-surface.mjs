// The package's public type surface, as users' editors see it: every name each entry exports
// (from the built .d.ts files) with its declaration and TSDoc, and every declaration of the
// package those refer to, sorted by name and free of file paths. test/package/api-surface.test.ts
// compares it with test/fixtures/api-surface.txt, so moving code between files cannot change the API
// unnoticed; `node scripts/api-surface.mjs --write` renews the file after a deliberate change.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const root = path.resolve(import.meta.dirname, '..');
const dist = path.join(root, 'dist');
const ENTRIES = ['index', 'emulator/index', 'redis/index', 'metrics/index', 'testing/index'];

function apiSurface() {
  const files = ENTRIES.map((entry) => path.join(dist, `${entry}.d.ts`));
  const program = ts.createProgram(files, { strict: true, skipLibCheck: true, noEmit: true });
  const checker = program.getTypeChecker();
  const printer = ts.createPrinter({ removeComments: false });
  const sections = [];
  const seen = new Map();

  /** The package's own declarations of a name, aliases followed. */
  const ownDeclarations = (symbol) => {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    return (target.declarations ?? []).filter((d) => d.getSourceFile().fileName.startsWith(dist));
  };

  const visit = (name, declarations, queue) => {
    const key = `${name}`;
    if (seen.has(key)) return;
    const text = declarations
      .map((d) =>
        printer
          .printNode(ts.EmitHint.Unspecified, d, d.getSourceFile())
          .replace(/import\("[^"]*"\)\./g, '')
          .replace(/^export declare |^declare |^export /gm, ''),
      )
      .join('\n');
    seen.set(key, text);
    for (const d of declarations) {
      const walk = (node) => {
        if (ts.isTypeReferenceNode(node) || ts.isExpressionWithTypeArguments(node)) {
          const ref = ts.isTypeReferenceNode(node) ? node.typeName : node.expression;
          const symbol = checker.getSymbolAtLocation(ref);
          if (symbol) {
            const own = ownDeclarations(symbol);
            if (own.length > 0) queue.push([symbol.getName(), own]);
          }
        }
        ts.forEachChild(node, walk);
      };
      walk(d);
    }
  };

  for (const [i, file] of files.entries()) {
    const source = program.getSourceFile(file);
    const module = checker.getSymbolAtLocation(source);
    const exported = checker
      .getExportsOfModule(module)
      .map((s) => s.getName())
      .sort();
    sections.push(`## ${ENTRIES[i]}\n${exported.join('\n')}`);
    const queue = checker.getExportsOfModule(module).map((s) => [s.getName(), ownDeclarations(s)]);
    while (queue.length > 0) {
      const [name, declarations] = queue.shift();
      visit(name, declarations, queue);
    }
  }
  const declarations = [...seen.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, text]) => `### ${name}\n${text}`);
  return `${sections.join('\n\n')}\n\n# Declarations\n\n${declarations.join('\n\n')}\n`;
}

if (process.argv.includes('--write')) {
  writeFileSync(path.join(root, 'test/fixtures/api-surface.txt'), apiSurface());
} else {
  process.stdout.write(apiSurface());
}
