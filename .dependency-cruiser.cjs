// The server's boundaries (docs/architecture.md), checked by `npm run lint` and so by CI (.ci/run):
//   - no import cycle, between files or between modules (folders under server/modules): a module that
//     needs something from one that depends on it gets it passed in, or the thing moves to its owner;
//   - routes speak HTTP and call services: no route imports a repository;
//   - modules never import the job runner (server/jobs), which imports them for their tasks; only the
//     queue's schema (jobs.migrate.ts) is theirs to use (backups check it);
//   - outside server/modules only the composition root (app.ts, server.ts, services.ts, worker.ts,
//     cli/) may reach a repository; everything else goes through a service.
// Type-only imports count: a cycle through a type is still two modules that can't be read apart.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-file-cycles',
      severity: 'error',
      comment: 'This file is part of an import cycle. Move the shared piece to the file that owns it.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-module-cycles',
      severity: 'error',
      scope: 'folder',
      comment:
        'These modules import each other (directly or through others). Put the thing in the module that owns it, ' +
        'or pass it in from the composition root (as registrations.manage.ts gets attendanceOf).',
      from: { path: '^server/modules/[^/]+$' },
      to: { path: '^server/modules/[^/]+$', circular: true },
    },
    {
      name: 'no-job-runner-in-modules',
      severity: 'error',
      comment:
        'server/jobs imports the modules (and services.ts) to build their tasks: a module importing it closes a cycle. ' +
        "Hand the module what it needs (as mail.sender.ts gets the runner's pool and signal) (server/jobs/README.md).",
      from: { path: '^server/modules/' },
      to: { path: '^server/jobs/', pathNot: '^server/jobs/jobs\\.migrate\\.ts$' },
    },
    {
      name: 'no-repository-in-routes',
      severity: 'error',
      comment: 'Routes call services; SQL stays behind them (server/README.md).',
      from: { path: '^server/routes/' },
      to: { path: '\\.repository\\.ts$' },
    },
    {
      name: 'repository-only-from-modules-and-root',
      severity: 'error',
      comment: 'Only modules and the composition root (app.ts, server.ts, services.ts, worker.ts, cli/) may import a repository.',
      from: { path: '^server/', pathNot: ['^server/modules/', '^server/(app|server|services|worker)\\.ts$', '^server/cli/'] },
      to: { path: '^server/modules/.+\\.repository\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports are dependencies too (see above).
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: ['^web/', '^node_modules/'] },
  },
};
