// Finding fixtures: fixtures/<transform>/<case>/{input,expected}/ plus optional control files.
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';

export interface Fixture {
  /** The transform to run (a -t value): for fixtures/<transform>/<case>/, the name of the directory above the case. */
  transform: string;
  /** The case directory's name. */
  name: string;
  /** `<transform>/<case>`: the test title, usable with `ava --match`. */
  id: string;
  dir: string;
  input: string;
  expected: string;
  /** Extra CLI flags from `args` (one line, split on whitespace). */
  args: string[];
  /** From `exit-code`; 0 when absent. */
  exitCode: number;
  /** Non-empty lines of `stderr-contains`. */
  stderrContains: string[];
  /** Non-empty lines of `vet-tags`: each is passed to `go vet -tags <line> ./...`. */
  vetTags: string[];
  /**
   * Non-empty lines of `go-dirs`: the directories (relative to the fixture's root) in which the go
   * commands and the oracle run; ['.'] when absent. For a root that is no module: a tree of modules.
   */
  goDirs: string[];
  /**
   * A `gopath` file exists: the tree is a GOPATH (input/src/<import path>/...), without go.mod. The
   * go commands run with GO111MODULE=off and GOPATH=<the copy>, goshift gets --gopath <the copy>.
   */
  gopath: boolean;
}

/** A case directory that is not a runnable fixture (yet), with why. */
export interface Incomplete {
  id: string;
  reason: string;
}

async function readOptional(file: string): Promise<string | null> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

function nonEmptyLines(text: string | null): string[] {
  if (text === null) return [];
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
}

async function goDirsOf(dir: string, id: string): Promise<string[]> {
  const lines = nonEmptyLines(await readOptional(path.join(dir, 'go-dirs')));
  for (const l of lines) {
    const n = path.posix.normalize(l);
    if (path.isAbsolute(l) || n === '..' || n.startsWith('../')) throw new Error(`${id}/go-dirs: ${JSON.stringify(l)} is not a directory inside the fixture`);
  }
  return lines.length > 0 ? lines.map((l) => path.posix.normalize(l)) : ['.'];
}

/**
 * One fixture: a directory with input/ and expected/ (and optional control files: args, exit-code,
 * stderr-contains, vet-tags, go-dirs, gopath), run with `transform` (a built-in name or the path of
 * a transform module). Throws when input/ or expected/ is missing.
 */
export async function readFixture(dir: string, transform: string, id = `${transform}/${path.basename(dir)}`): Promise<Fixture> {
  dir = path.resolve(dir);
  const input = path.join(dir, 'input');
  const expected = path.join(dir, 'expected');
  const lacking = [input, expected].filter((d) => !existsSync(d)).map((d) => `${path.basename(d)}/`);
  if (lacking.length) throw new Error(`${dir}: not a fixture: no ${lacking.join(' and no ')}`);
  const argsText = await readOptional(path.join(dir, 'args'));
  const exitText = await readOptional(path.join(dir, 'exit-code'));
  const exitCode = exitText === null ? 0 : Number(exitText.trim());
  if (!Number.isInteger(exitCode)) throw new Error(`${id}/exit-code: not an integer: ${JSON.stringify(exitText)}`);
  return {
    transform,
    name: path.basename(dir),
    id,
    dir,
    input,
    expected,
    args: argsText === null ? [] : argsText.trim().split(/\s+/).filter(Boolean),
    exitCode,
    stderrContains: nonEmptyLines(await readOptional(path.join(dir, 'stderr-contains'))),
    vetTags: nonEmptyLines(await readOptional(path.join(dir, 'vet-tags'))),
    goDirs: await goDirsOf(dir, id),
    gopath: existsSync(path.join(dir, 'gopath')),
  };
}

/**
 * Every fixture under root, laid out as <root>/<transform>/<case>/, sorted by id; case directories
 * lacking input/ or expected/ come back as incomplete.
 */
export async function findFixtures(root: string): Promise<{ fixtures: Fixture[]; incomplete: Incomplete[] }> {
  const fixtures: Fixture[] = [];
  const incomplete: Incomplete[] = [];
  if (!existsSync(root)) return { fixtures, incomplete };
  for (const t of (await fs.readdir(root, { withFileTypes: true })).filter((e) => e.isDirectory())) {
    const tdir = path.join(root, t.name);
    for (const c of (await fs.readdir(tdir, { withFileTypes: true })).filter((e) => e.isDirectory())) {
      const dir = path.join(tdir, c.name);
      const id = `${t.name}/${c.name}`;
      const lacking = ['input', 'expected'].filter((d) => !existsSync(path.join(dir, d))).map((d) => `${d}/`);
      if (lacking.length) {
        incomplete.push({ id, reason: `no ${lacking.join(' and no ')}` });
        continue;
      }
      fixtures.push(await readFixture(dir, t.name, id));
    }
  }
  const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return { fixtures: fixtures.sort(byId), incomplete: incomplete.sort(byId) };
}
