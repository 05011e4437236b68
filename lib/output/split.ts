// Output: --split-by package --out-dir DIR. One patch per Go package (package directory), plus an
// index. A linked set is applied whole or not at all, so packages that one changed set edits
// together go into one patch (union-find over the sets' files), and the index says which set
// made them go together. Patches touch disjoint files, so each applies alone on a clean tree and
// any order of applying them all gives the tree `-w` gives.
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Document } from './document.js';

export const SPLIT_INDEX_VERSION = 1;

/** Why some packages share a patch: one changed linked set edits files in each of them. */
export interface SplitReason {
  /** The set's id (`file:line` of its first declaration). */
  set: string;
  /** The set's first declaration, described, e.g. `interface method Get`. */
  what: string;
  /** The import paths of the packages it edits, sorted. */
  packages: string[];
  /** In words, e.g. `interface method Get (shop/store/store.go:12) links example.com/shop/api and example.com/shop/store`. */
  text: string;
}

export interface SplitPatch {
  /** The patch's file name in the output directory. */
  file: string;
  /** The packages it holds: import path and directory (relative, forward slashes), sorted by import path. */
  packages: { importPath: string; dir: string }[];
  /** The files it changes, sorted. */
  files: string[];
  /** Ids of the changed linked sets with edits in it (each set's edits are all in this one patch). */
  sets: string[];
  /** More than one package: they must be applied together. */
  grouped: boolean;
  /** For a grouped patch: the sets that link its packages. */
  why: SplitReason[];
  /** Generated files in it (edited as callers): regenerate them from their source. */
  generated: string[];
}

export interface SplitIndex {
  version: number;
  tool: { name: 'goshift'; version: string };
  transforms: string[];
  splitBy: 'package';
  /**
   * Where goshift ran, relative to the top of its git work tree, with a trailing slash ('' at the
   * top or outside git): git apply reads patch paths from the top, so from there a patch applies
   * with `git apply --directory=<gitPrefix>`.
   */
  gitPrefix: string;
  /** How to use the patches. */
  apply: string;
  patches: SplitPatch[];
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const posixDir = (p: string) => {
  const i = p.lastIndexOf('/');
  return i < 0 ? '.' : p.slice(0, i);
};

/** A name usable as a file name on every system: `example.com/shop/api` → `example.com_shop_api`. */
export function safeName(importPath: string): string {
  let s = importPath.replace(/[^A-Za-z0-9._+-]/g, '_').replace(/^[.-]/, '_');
  if (s === '') s = '_';
  // Windows reserves these names whatever the extension.
  if (/^(con|prn|aux|nul|com\d|lpt\d)$/i.test(s)) s = '_' + s;
  return s;
}

function joinList(xs: string[]): string {
  if (xs.length <= 1) return xs.join('');
  if (xs.length === 2) return `${xs[0]} and ${xs[1]}`;
  return `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;
}

/** The patches of a run, without writing anything: pure, and stable for a given document. */
export function planSplit(doc: Document, opts: { gitPrefix?: string } = {}): SplitIndex {
  const changed = doc.files.filter((f) => f.status === 'changed' && f.diff !== null);
  // A package is a directory (two modules of separate builds may share an import path).
  const pkgOf = new Map<string, string>(); // file -> dir
  const importOf = new Map<string, string>(); // dir -> import path
  for (const f of changed) {
    const d = posixDir(f.path);
    pkgOf.set(f.path, d);
    if (!importOf.has(d)) importOf.set(d, f.package);
  }
  const parent = new Map<string, string>([...importOf.keys()].map((d) => [d, d]));
  const find = (d: string): string => {
    let r = d;
    while (parent.get(r) !== r) r = parent.get(r)!;
    while (parent.get(d) !== r) {
      const n = parent.get(d)!;
      parent.set(d, r);
      d = n;
    }
    return r;
  };
  const union = (a: string, b: string) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) (ra < rb ? parent.set(rb, ra) : parent.set(ra, rb));
  };
  const crossing: { set: Document['sets'][number]; dirs: string[] }[] = [];
  const setsOfFile = new Map<string, string[]>();
  for (const s of doc.sets) {
    const dirs = [...new Set(s.files.map((f) => pkgOf.get(f)).filter((d): d is string => d !== undefined))].sort(cmp);
    for (const f of s.files) {
      const l = setsOfFile.get(f) ?? [];
      l.push(s.id);
      setsOfFile.set(f, l);
    }
    for (const d of dirs.slice(1)) union(dirs[0], d);
    if (dirs.length > 1) crossing.push({ set: s, dirs });
  }
  const groups = new Map<string, string[]>();
  for (const d of importOf.keys()) {
    const r = find(d);
    const g = groups.get(r) ?? [];
    g.push(d);
    groups.set(r, g);
  }
  const generated = new Set(doc.generated);
  const patches: SplitPatch[] = [];
  for (const [root, dirs] of groups) {
    const packages = dirs.map((dir) => ({ importPath: importOf.get(dir)!, dir })).sort((a, b) => cmp(a.importPath, b.importPath) || cmp(a.dir, b.dir));
    const dirSet = new Set(dirs);
    const files = changed.filter((f) => dirSet.has(pkgOf.get(f.path)!)).map((f) => f.path).sort(cmp);
    const sets = [...new Set(files.flatMap((f) => setsOfFile.get(f) ?? []))].sort(cmp);
    const why = crossing
      .filter((c) => find(c.dirs[0]) === root)
      .map((c) => {
        const pk = [...new Set(c.dirs.map((d) => importOf.get(d)!))].sort(cmp);
        return { set: c.set.id, what: c.set.what, packages: pk, text: `${c.set.what} (${c.set.id}) links ${joinList(pk)}` };
      })
      .sort((a, b) => cmp(a.set, b.set));
    patches.push({ file: '', packages, files, sets, grouped: packages.length > 1, why, generated: files.filter((f) => generated.has(f)) });
  }
  // Names: the import path; a group is named after its first package and how many more it holds.
  patches.sort((a, b) => cmp(a.packages[0].importPath, b.packages[0].importPath) || cmp(a.packages[0].dir, b.packages[0].dir));
  const taken = new Set<string>();
  for (const p of patches) {
    const first = safeName(p.packages[0].importPath);
    const all = p.packages.map((k) => safeName(k.importPath)).join('+');
    let base = p.packages.length === 1 ? first : all.length <= 120 ? all : `${first}+${p.packages.length - 1}-more`;
    if (base.length > 200) base = base.slice(0, 200);
    let name = base;
    for (let i = 2; taken.has(name.toLowerCase()); i++) name = `${base}-${i}`;
    taken.add(name.toLowerCase());
    p.file = name + '.patch';
  }
  patches.sort((a, b) => cmp(a.file, b.file));
  let gitPrefix = (opts.gitPrefix ?? '').replace(/\\/g, '/');
  if (gitPrefix !== '' && !gitPrefix.endsWith('/')) gitPrefix += '/';
  return {
    version: SPLIT_INDEX_VERSION,
    tool: { ...doc.tool },
    transforms: [...doc.transforms],
    splitBy: 'package',
    gitPrefix,
    apply:
      'Paths in the patches are relative to the directory goshift ran in. ' +
      (gitPrefix === ''
        ? 'From there, `git apply <patch>` applies one patch on its own'
        : `It is ${gitPrefix} in its git work tree, and git apply reads paths from the top: from the top, \`git apply --directory=${gitPrefix} <patch>\` (or from ${gitPrefix}, \`patch -p1 < <patch>\`) applies one patch on its own`) +
      ', or all of them in any order; each patch holds whole linked sets, so the code builds after any one of them.',
    patches,
  };
}

/** index.md: the index for people. */
export function formatSplitIndexMarkdown(index: SplitIndex): string {
  const out: string[] = [];
  const n = index.patches.length;
  out.push('# goshift patches, one per Go package', '');
  out.push(`Made by goshift ${index.tool.version} (${index.transforms.join(', ')}): ${n} patch${n === 1 ? '' : 'es'}, ` +
    `${index.patches.reduce((s, p) => s + p.files.length, 0)} files.`, '');
  out.push(index.apply, '');
  if (n > 0) out.push('```', `git apply ${index.gitPrefix === '' ? '' : `--directory=${index.gitPrefix} `}${index.patches[0].file}`, '```', '');
  out.push('| patch | packages | files |', '| --- | --- | --- |');
  for (const p of index.patches) {
    out.push(`| ${p.file} | ${p.packages.map((k) => '`' + k.importPath + '`').join('<br>')} | ${p.files.map((f) => '`' + f + '`').join('<br>')} |`);
  }
  const grouped = index.patches.filter((p) => p.grouped);
  if (grouped.length > 0) {
    out.push('', '## Packages that go together', '');
    out.push('A linked set changes all at once or not at all: when it edits files in several packages, those packages share one patch.', '');
    for (const p of grouped) {
      out.push(`**${p.file}** holds ${joinList(p.packages.map((k) => '`' + k.importPath + '`'))}:`, '');
      const shown = p.why.slice(0, 20);
      for (const w of shown) out.push(`- ${w.text}`);
      if (p.why.length > shown.length) out.push(`- … and ${p.why.length - shown.length} more linked sets (see index.json)`);
      out.push('');
    }
  }
  const gen = index.patches.filter((p) => p.generated.length > 0);
  if (gen.length > 0) {
    out.push('', '## Generated files', '', 'These are edited as callers; regenerate them from their source as well:', '');
    for (const p of gen) for (const g of p.generated) out.push(`- \`${g}\` (${p.file})`);
  }
  return out.join('\n').replace(/\n+$/, '') + '\n';
}

/** The directory's place in its git work tree (`git rev-parse --show-prefix`), '' at the top, outside git or without git. */
export function gitPrefixOf(dir: string): string {
  try {
    return execFileSync('git', ['rev-parse', '--show-prefix'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

export interface WriteSplitOptions {
  /** See SplitIndex.gitPrefix. */
  gitPrefix?: string;
  /** Files read and written as latin1 (not valid UTF-8): their diffs are encoded so, to apply to their bytes. */
  latin1?: Iterable<string>;
}

/**
 * Writes the patches and index.json / index.md into outDir (created if needed). Patches an earlier
 * run listed in an index.json there are removed first, so the directory holds only this run's.
 * Returns the index.
 */
export async function writeSplit(doc: Document, outDir: string, opts: WriteSplitOptions = {}): Promise<SplitIndex> {
  const index = planSplit(doc, { gitPrefix: opts.gitPrefix });
  const latin1 = new Set(opts.latin1 ?? []);
  const diffOf = new Map(doc.files.filter((f) => f.diff !== null).map((f) => [f.path, f.diff!]));
  await mkdir(outDir, { recursive: true });
  try {
    const old = JSON.parse(await readFile(path.join(outDir, 'index.json'), 'utf8')) as Partial<SplitIndex>;
    if (old?.tool?.name === 'goshift' && Array.isArray(old.patches)) {
      for (const p of old.patches) {
        if (typeof p?.file === 'string' && p.file.endsWith('.patch') && !p.file.includes('/') && !p.file.includes('\\')) {
          await rm(path.join(outDir, p.file), { force: true });
        }
      }
    }
  } catch {
    // No earlier index (or not ours): nothing to clean.
  }
  for (const p of index.patches) {
    const parts = p.files.map((f) => Buffer.from(diffOf.get(f)!, latin1.has(f) ? 'latin1' : 'utf8'));
    await writeFile(path.join(outDir, p.file), Buffer.concat(parts));
  }
  await writeFile(path.join(outDir, 'index.json'), JSON.stringify(index, null, 2) + '\n');
  await writeFile(path.join(outDir, 'index.md'), formatSplitIndexMarkdown(index));
  return index;
}

/** The stderr line after writing, e.g. `goshift: 3 patches in out/ (index.md): 1 groups 2 packages linked by a set`. */
export function formatSplitSummary(index: SplitIndex, outDir: string): string {
  const n = index.patches.length;
  const grouped = index.patches.filter((p) => p.grouped);
  let s = `goshift: ${n} patch${n === 1 ? '' : 'es'} written to ${outDir} (index.json, index.md)`;
  if (grouped.length > 0) {
    const pk = grouped.reduce((a, p) => a + p.packages.length, 0);
    s += `; ${grouped.length} of them hold${grouped.length === 1 ? 's' : ''} ${pk} packages that linked sets join (see the index)`;
  }
  return s;
}
