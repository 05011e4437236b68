// Where things are, and the environment Go and the CLI run with.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: this file is compiled to <root>/dist/test/support/paths.js. */
export const repoRoot = path.resolve(fileURLToPath(new URL('../../../', import.meta.url)));

/** fixtures/<transform>/<case>/ live here. */
export const fixturesRoot = path.join(repoRoot, 'fixtures');

/**
 * The CLI under test. GOSHIFT_CLI overrides it (an absolute path to another script run with node),
 * e.g. to try the harness against a stand-in while the engine is unfinished.
 */
export function cliPath(): string {
  return process.env.GOSHIFT_CLI ? path.resolve(process.env.GOSHIFT_CLI) : path.join(repoRoot, 'dist', 'bin', 'goshift.js');
}

/** A message when the CLI has not been built, or null when it is there. */
export function cliMissing(): string | null {
  const cli = cliPath();
  return existsSync(cli) ? null : `the CLI ${cli} does not exist: is bin/goshift.ts written and built (npx tsc -p .)?`;
}

// goEnv and gitEnv live in lib/testing/env.ts (goshift/testing uses them).
export { gitEnv, goEnv } from '../../lib/testing/env.js';
