// Directory trees: temp dirs, copying, and byte-for-byte comparison with readable differences.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTwoFilesPatch } from 'diff';

/** A fresh directory under os.tmpdir(). */
export function makeTempDir(prefix: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

export async function removeTree(dir: string): Promise<void> {
  await fs.rm(dir, { recursive: true, force: true, maxRetries: 3 });
}

/** Copies src into dst (created if needed): regular files (with their mode), directories, symlinks as links. */
export async function copyTree(src: string, dst: string): Promise<void> {
  await fs.mkdir(dst, { recursive: true });
  for (const e of await fs.readdir(src, { withFileTypes: true })) {
    const from = path.join(src, e.name);
    const to = path.join(dst, e.name);
    if (e.isDirectory()) await copyTree(from, to);
    else if (e.isSymbolicLink()) await fs.symlink(await fs.readlink(from), to);
    else if (e.isFile()) await fs.copyFile(from, to);
    // sockets, fifos, devices: not part of any fixture
  }
}

export type EntryKind = 'file' | 'symlink';

/**
 * Every file and symlink under dir, as sorted forward-slash paths relative to dir.
 * Directories only count through what they hold (git does not track empty ones either).
 * `skip` is asked about each relative path (files and directories) and can prune it.
 */
export async function listTree(dir: string, skip?: (rel: string, isDir: boolean) => boolean): Promise<Map<string, EntryKind>> {
  const found = new Map<string, EntryKind>();
  async function walk(abs: string, rel: string): Promise<void> {
    for (const e of await fs.readdir(abs, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (skip?.(r, e.isDirectory())) continue;
      if (e.isDirectory()) await walk(path.join(abs, e.name), r);
      else if (e.isSymbolicLink()) found.set(r, 'symlink');
      else if (e.isFile()) found.set(r, 'file');
    }
  }
  await walk(dir, '');
  return new Map([...found.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export interface TreeDifference {
  /** Forward-slash path relative to both roots. */
  path: string;
  /** missing: only in `expected`; extra: only in `actual`; content: both, different bytes; kind: file vs symlink. */
  kind: 'missing' | 'extra' | 'content' | 'kind';
}

/**
 * Compares two trees byte for byte, in both directions. Returns every difference in path order
 * (empty when the trees are equal).
 */
export async function compareTrees(expected: string, actual: string, skip?: (rel: string, isDir: boolean) => boolean): Promise<TreeDifference[]> {
  const [want, got] = await Promise.all([listTree(expected, skip), listTree(actual, skip)]);
  const all = [...new Set([...want.keys(), ...got.keys()])].sort();
  const diffs: TreeDifference[] = [];
  for (const rel of all) {
    const w = want.get(rel);
    const g = got.get(rel);
    if (!g) diffs.push({ path: rel, kind: 'missing' });
    else if (!w) diffs.push({ path: rel, kind: 'extra' });
    else if (w !== g) diffs.push({ path: rel, kind: 'kind' });
    else if (!(await sameEntry(path.join(expected, rel), path.join(actual, rel), w))) diffs.push({ path: rel, kind: 'content' });
  }
  return diffs;
}

async function sameEntry(a: string, b: string, kind: EntryKind): Promise<boolean> {
  if (kind === 'symlink') return (await fs.readlink(a)) === (await fs.readlink(b));
  const [sa, sb] = await Promise.all([fs.stat(a), fs.stat(b)]);
  if (sa.size !== sb.size) return false;
  const [ba, bb] = await Promise.all([fs.readFile(a), fs.readFile(b)]);
  return ba.equals(bb);
}

/** A short unified diff between two versions of one file (`-` old, `+` new), cut to maxLines. */
export function shortDiff(rel: string, oldBytes: Buffer, newBytes: Buffer, maxLines = 30, labels: [string, string] = ['a', 'b']): string {
  if (oldBytes.includes(0) || newBytes.includes(0)) return `Binary files ${labels[0]}/${rel} and ${labels[1]}/${rel} differ`;
  const oldText = oldBytes.toString('utf8');
  const newText = newBytes.toString('utf8');
  let patch = createTwoFilesPatch(`${labels[0]}/${rel}`, `${labels[1]}/${rel}`, oldText, newText, '', '', { context: 2 });
  // Drop the "====" line createTwoFilesPatch puts first.
  patch = patch.replace(/^=+\n/, '');
  if (patch.split('\n').filter((l) => l.startsWith('@@')).length === 0) {
    // Same lines, different bytes: say where (line endings, trailing newline, BOM...).
    return `${labels[0]}/${rel} and ${labels[1]}/${rel} differ only in bytes a line diff does not show `
      + `(sizes ${oldBytes.length} vs ${newBytes.length}; first different byte at ${firstDiffByte(oldBytes, newBytes)})`;
  }
  const lines = patch.replace(/\n$/, '').split('\n');
  return lines.length <= maxLines ? lines.join('\n') : [...lines.slice(0, maxLines), `... (${lines.length - maxLines} more diff lines)`].join('\n');
}

function firstDiffByte(a: Buffer, b: Buffer): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
}

/**
 * A readable account of the differences between two trees: the count, the first few paths, and a
 * short unified diff of the first file whose content differs (`-` expected, `+` actual).
 */
export async function explainDifferences(expected: string, actual: string, diffs: TreeDifference[], names: [string, string] = ['expected', 'actual']): Promise<string> {
  if (diffs.length === 0) return 'trees are identical';
  const lines = [`${diffs.length} file(s) differ between ${names[0]}/ and ${names[1]}/:`];
  for (const d of diffs.slice(0, 12)) {
    const what = d.kind === 'missing' ? `missing (only in ${names[0]}/)`
      : d.kind === 'extra' ? `extra (only in ${names[1]}/)`
      : d.kind === 'kind' ? 'file in one, symlink in the other'
      : 'content differs';
    lines.push(`  ${d.path}: ${what}`);
  }
  if (diffs.length > 12) lines.push(`  ... and ${diffs.length - 12} more`);
  const first = diffs.find((d) => d.kind === 'content');
  if (first) {
    const [a, b] = await Promise.all([fs.readFile(path.join(expected, first.path)), fs.readFile(path.join(actual, first.path))]);
    lines.push(`first differing file (- ${names[0]}, + ${names[1]}):`, shortDiff(first.path, a, b, 30, names));
  }
  return lines.join('\n');
}
