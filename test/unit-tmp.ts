import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A fresh directory under os.tmpdir(); remove it with cleanup(). */
export function tempDir(prefix: string): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), `goshift-${prefix}-`)));
}

export function cleanup(dir: string): void {
  // Restore permissions a test may have taken away, so that rm can get in.
  const walk = (d: string) => {
    let ents: fs.Dirent[];
    try {
      fs.chmodSync(d, 0o755);
      ents = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of ents) if (e.isDirectory()) walk(path.join(d, e.name));
  };
  walk(dir);
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Writes files given as { 'rel/path': content } under root, creating directories. */
export function writeTree(root: string, files: Record<string, string | Buffer>): void {
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
  }
}

export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * A test file's temp dirs: the returned function makes a fresh one (named after `prefix`, or the
 * file's default) and every one is removed when the file's tests are done (kept with GOSHIFT_KEEP_TMP).
 */
export function tempDirs(test: { after: { always: (fn: () => void) => unknown } }, defaultPrefix: string): (prefix?: string) => string {
  const dirs: string[] = [];
  test.after.always(() => {
    if (process.env.GOSHIFT_KEEP_TMP) return;
    for (const d of dirs) cleanup(d);
  });
  return (prefix = defaultPrefix) => {
    const d = tempDir(prefix);
    dirs.push(d);
    return d;
  };
}
