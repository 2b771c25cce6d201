/*
 * The import rules of src/ (docs/architecture.md): no cycles, and imports point down the layers
 * only. From the floor up:
 *   core/                 vocabulary: errors, codes, lanes, channels, session and user shapes
 *   http/, config/        request helpers; options plumbing (env, regions, logger, checks)
 *   client/, cache/       PingOne calls; caches and stores
 *   account/              the user's account (users API, devices)
 *   logout/, signin/      routes
 *   middleware/           pingSession(), requireSession(), withSession(); options composed
 *   entries               index.ts, redis/, metrics/, testing/
 * emulator/ is a separate server: it may use core/, http/ and the type of pingSession()'s
 * options (emulator.options() returns them), nothing else of the library.
 */
const layer = (folders) => `^src/(${folders.join('|')})(/|\\.ts$)`;
const below = {
  core: [],
  http: ['core', 'config'],
  config: ['core', 'http'],
  client: ['core', 'http', 'config'],
  cache: ['core', 'http', 'config'],
  account: ['core', 'http', 'config', 'client', 'cache'],
  logout: ['core', 'http', 'config', 'client', 'cache', 'account'],
  signin: ['core', 'http', 'config', 'client', 'cache', 'account'],
  emulator: ['core', 'http', 'middleware/options'],
};

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'A cycle means a lower file imports a higher one: move the shared name down.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    ...Object.entries(below).map(([folder, allowed]) => ({
      name: `${folder}-imports-down-only`,
      comment: `src/${folder}/ may import only from itself and ${allowed.join(', ') || 'nothing'} (docs/architecture.md).`,
      severity: 'error',
      from: { path: layer([folder]) },
      to: {
        path: '^src/',
        pathNot: [layer([folder, ...allowed])],
      },
    })),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
