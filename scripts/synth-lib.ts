// A deterministic synthetic monorepo N times the size of std: N copies of the module std, each
// under a module path of its own (example.com/std1 …), whose imports of std packages are rewritten
// to their own copy's (but for package context, which must stay std's for its contexts to be
// contexts), in one go.work. Cross-module resolution then has real work: every copy's
// packages resolve through the workspace, none through GOROOT.
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';

/** Directories goshift does not read in std, so that every tool sees the same files (as in bench). */
export async function pruneStd(dir: string, top: boolean): Promise<void> {
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    if (!e.isDirectory()) continue;
    const p = path.join(dir, e.name);
    if (['vendor', 'testdata'].includes(e.name) || e.name.startsWith('_') || e.name.startsWith('.') || (top && e.name === 'cmd') || existsSync(path.join(p, 'go.mod'))) {
      await fs.rm(p, { recursive: true, force: true });
    } else await pruneStd(p, false);
  }
}

async function walk(dir: string, rel: string, out: { rel: string; isDir: boolean }[]): Promise<void> {
  for (const e of (await fs.readdir(path.join(dir, rel), { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) {
      out.push({ rel: r, isDir: true });
      await walk(dir, r, out);
    } else if (e.isFile()) out.push({ rel: r, isDir: false });
  }
}

/** Rewrites the import paths of one file that name a package of the tree to the copy's module path. */
export function rewriteImports(text: string, pkgs: Set<string>, module: string): string {
  const fix = (spec: string) => spec.replace(/"([^"\n]+)"/g, (m, p: string) => (pkgs.has(p) ? `"${module}/${p}"` : m));
  return text
    .replace(/^import\s*\(([\s\S]*?)^\)/gm, (block) => fix(block))
    .replace(/^import\s+(?:[\w.]+\s+)?"[^"\n]+"/gm, (line) => fix(line));
}

/**
 * Writes `copies` copies of a pruned std tree (`src`, a copy of GOROOT/src already pruned) under
 * `out`, and a go.work using them all. Returns the number of .go files written.
 */
export async function makeSynthetic(src: string, out: string, copies: number): Promise<number> {
  const entries: { rel: string; isDir: boolean }[] = [];
  await walk(src, '', entries);
  // Package context stays std's: a context.Context is one only through its real import path.
  const pkgs = new Set(entries.filter((e) => e.isDir && e.rel !== 'context').map((e) => e.rel));
  const texts = new Map<string, string>();
  for (const e of entries) if (!e.isDir && e.rel.endsWith('.go')) texts.set(e.rel, await fs.readFile(path.join(src, e.rel), 'latin1'));
  let n = 0;
  const uses: string[] = [];
  for (let k = 1; k <= copies; k++) {
    const name = `std${k}`;
    const module = `example.com/${name}`;
    const root = path.join(out, name);
    await fs.mkdir(root, { recursive: true });
    await fs.writeFile(path.join(root, 'go.mod'), `module ${module}\n\ngo 1.26\n`);
    for (const e of entries) if (e.isDir) await fs.mkdir(path.join(root, e.rel), { recursive: true });
    for (const [rel, text] of texts) {
      await fs.writeFile(path.join(root, rel), rewriteImports(text, pkgs, module), 'latin1');
      n++;
    }
    uses.push(`\t./${name}`);
  }
  await fs.writeFile(path.join(out, 'go.work'), `go 1.26\n\nuse (\n${uses.join('\n')}\n)\n`);
  return n;
}
