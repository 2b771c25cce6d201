import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

// What a user gets from the registry: the files `npm pack` puts in the tarball (after the build
// that `npm test` runs first), checked the way the registry page and a debugger will use them.
const root = path.resolve(__dirname, '../..');
const packed: string[] = (
  JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  ) as { files: { path: string }[] }[]
)[0]!.files.map((file) => file.path);
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-');

/** The Markdown file without its fenced code blocks and inline code, where links are not links. */
const prose = (markdown: string) =>
  markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');

const anchorsOf = (file: string) =>
  new Set(
    [
      ...read(file)
        .replace(/^```[\s\S]*?^```/gm, '')
        .matchAll(/^#{1,6} (.+)$/gm),
    ].map((m) => slug(m[1]!.replace(/`/g, ''))),
  );

/** Every relative link and image of a packed Markdown file, as `[file, target]`. */
const relativeLinks = packed
  .filter((file) => file.endsWith('.md'))
  .flatMap((file) =>
    [...prose(read(file)).matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g)]
      .map((m) => m[1]!)
      .filter((target) => !/^[a-z]+:/i.test(target))
      .map((target) => [file, target] as const),
  );

describe('the packed tarball', () => {
  it('ships the README, the licence, the security policy and the docs it links to', () => {
    expect(packed).toEqual(
      expect.arrayContaining([
        'README.md',
        'LICENSE',
        'SECURITY.md',
        'docs/deployment.md',
        'docs/performance.md',
        'docs/profile.png',
      ]),
    );
  });

  it('ships no sources, tests or benchmarks', () => {
    expect(packed.filter((file) => /^(src|test|bench|example-app|scripts)\//.test(file))).toEqual(
      [],
    );
  });

  it.each(relativeLinks)('has what %s links to as %s', (file, target) => {
    const [where, anchor] = target.split('#') as [string, string | undefined];
    const linked = where === '' ? file : path.posix.join(path.posix.dirname(file), where);
    expect(packed).toContain(linked);
    if (anchor !== undefined) expect([...anchorsOf(linked)]).toContain(anchor);
  });

  it('has source maps whose sources travel with them', () => {
    const maps = packed.filter((file) => file.endsWith('.js.map'));
    expect(maps.length).toBeGreaterThan(20);
    for (const map of maps) {
      const { sources, sourcesContent } = JSON.parse(read(map)) as {
        sources: string[];
        sourcesContent?: (string | null)[];
      };
      expect({
        map,
        contents: sourcesContent?.filter((s) => typeof s === 'string').length,
      }).toEqual({
        map,
        contents: sources.length,
      });
    }
  });

  it('names its repository, home page and issue tracker, which the registry page links', () => {
    const pkg = JSON.parse(read('package.json')) as Record<string, { url?: string } | string>;
    const repository = pkg.repository as { type: string; url: string };
    expect(repository.url).toMatch(/^git\+https:\/\/github\.com\/[\w.-]+\/[\w.-]+\.git$/);
    const base = repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
    expect(pkg.homepage).toBe(`${base}#readme`);
    expect((pkg.bugs as { url: string }).url).toBe(`${base}/issues`);
  });
});
