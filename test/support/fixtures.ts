// Finding fixtures: fixtures/<transform>/<case>/{input,expected}/ plus optional control files.
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';

export interface Fixture {
  /** The transform to run: the name of the directory above the case. */
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

/** Every fixture under root, sorted by id; case directories lacking input/ or expected/ come back as incomplete. */
export async function findFixtures(root: string): Promise<{ fixtures: Fixture[]; incomplete: Incomplete[] }> {
  const fixtures: Fixture[] = [];
  const incomplete: Incomplete[] = [];
  if (!existsSync(root)) return { fixtures, incomplete };
  for (const t of (await fs.readdir(root, { withFileTypes: true })).filter((e) => e.isDirectory())) {
    const tdir = path.join(root, t.name);
    for (const c of (await fs.readdir(tdir, { withFileTypes: true })).filter((e) => e.isDirectory())) {
      const dir = path.join(tdir, c.name);
      const id = `${t.name}/${c.name}`;
      const input = path.join(dir, 'input');
      const expected = path.join(dir, 'expected');
      const lacking = [input, expected].filter((d) => !existsSync(d)).map((d) => `${path.basename(d)}/`);
      if (lacking.length) {
        incomplete.push({ id, reason: `no ${lacking.join(' and no ')}` });
        continue;
      }
      const argsText = await readOptional(path.join(dir, 'args'));
      const exitText = await readOptional(path.join(dir, 'exit-code'));
      const exitCode = exitText === null ? 0 : Number(exitText.trim());
      if (!Number.isInteger(exitCode)) throw new Error(`${id}/exit-code: not an integer: ${JSON.stringify(exitText)}`);
      fixtures.push({
        transform: t.name,
        name: c.name,
        id,
        dir,
        input,
        expected,
        args: argsText === null ? [] : argsText.trim().split(/\s+/).filter(Boolean),
        exitCode,
        stderrContains: nonEmptyLines(await readOptional(path.join(dir, 'stderr-contains'))),
        vetTags: nonEmptyLines(await readOptional(path.join(dir, 'vet-tags'))),
      });
    }
  }
  const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return { fixtures: fixtures.sort(byId), incomplete: incomplete.sort(byId) };
}
