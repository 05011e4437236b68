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

/**
 * The environment for go commands: offline, no workspace, the installed toolchain, no inherited
 * GOFLAGS/GOOS/GOARCH. `extra` is applied last (e.g. { GOOS: 'windows' } or a copied GOROOT).
 */
export function goEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['GOOS', 'GOARCH', 'GOFLAGS', 'GOROOT', 'CGO_ENABLED', 'GOEXPERIMENT']) delete env[k];
  Object.assign(env, { GOFLAGS: '', GOTOOLCHAIN: 'local', GOPROXY: 'off', GOWORK: 'off' }, extra);
  return env;
}

/**
 * The environment for git apply in a temp dir: it must not find a repository above the temp dir
 * (it would then apply relative to that repository's root), nor the user's or system's config.
 */
export function gitEnv(dir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GIT_CEILING_DIRECTORIES: path.dirname(dir),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
  };
}
