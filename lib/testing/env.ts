// The environment go commands and git apply run with in the fixture harness.
import path from 'node:path';

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
