import type { Transform } from '../lib/types.js';

/**
 * Every function that calls context.TODO() (or is named by --func) gets a leading
 * `ctx context.Context`, its TODO is replaced by it, and its callers are updated the same way, up
 * the call graph, until each path reaches a context: one in scope, an HTTP handler's
 * `r.Context()`, a test's `t.Context()` (Go 1.24+), or context.Background() in main, init and
 * goroutine roots. The spreading itself is the engine's (lib/plumb.ts).
 */
export const ctxPlumb: Transform = {
  name: 'ctx-plumb',
  description: 'thread a real context.Context to every function that calls context.TODO() (or --func), up the call graph',
  finding: 'this function should take a context.Context instead of using context.TODO()',
  plumb: {
    param: { at: 0, name: 'ctx', typeText: 'context.Context', import: 'context', arg: { inScope: 'context', entries: true } },
    seedCalls: [{ import: 'context', name: 'TODO' }],
  },
};
