// goshift from JavaScript: `import { run } from 'goshift'`. A dry run over paths that returns the
// same document as `goshift --json` (lib/output/document.ts); it never writes a file.
import path from 'node:path';
import { defaultCacheDir, defaultJobs } from './factstore.js';
import type { Document } from './output/document.js';
import { resolveTransforms, validateTransform } from './plugins.js';
import type { Transform } from './types.js';
import { runCommand, version } from './run.js';

export { version };

export type { Document, DocEdit, DocFile, DocLeftAlone } from './output/document.js';
export type { ChangeNote, GoModule, InsertArg, InsertedParam, ParamView, Problem, RunView, SetSummary, SignatureChange, SignatureView, Transform, TransformOptions, Unmoved } from './types.js';
export type { RewriteAPI } from './rewrite.js';
export type { Node } from './source.js';
export { isTransformPath, loadTransform, resolveTransforms, TransformLoadError, validateTransform } from './plugins.js';

export interface RunOptions {
  /** The directory paths are relative to, and file paths in the document are relative to (default: process.cwd()). */
  cwd?: string;
  /**
   * The transforms: built-in names, paths of transform modules (relative to cwd) and Transform
   * objects, mixed (default: the default set, as goshift without -t).
   */
  transforms?: Array<string | Transform>;
  /** As --allow-types-before, e.g. ['*testing.T']. */
  allowTypesBefore?: string[];
  /** As --api (default 'change'). */
  api?: 'change' | 'keep' | 'compat';
  /** As --compat-suffix (default 'Context'). */
  compatSuffix?: string;
  /** As --detach (ctx-inherit). */
  detach?: boolean;
  /** As --test-context (ctx-inherit). */
  testContext?: boolean;
  /** As --func (ctx-plumb): functions to start from besides the callers of context.TODO(), `pkg.Name` or `pkg.Type.Method`. */
  funcs?: string[];
  /** As --gopath (default: $GOPATH, else $HOME/go). */
  gopath?: string;
  /** As --jobs (default: the available cores). */
  jobs?: number;
  /** As --cache-dir; null: no cache (as --no-cache); absent: the default place. */
  cacheDir?: string | null;
}

async function transformsOf(list: Array<string | Transform> | undefined, cwd: string): Promise<Transform[]> {
  if (list === undefined) return resolveTransforms(undefined, cwd);
  const specs = list.filter((t): t is string => typeof t === 'string');
  const objects = list.flatMap((t, i) => (typeof t === 'string' ? [] : [validateTransform(t, `options.transforms[${i}]`)]));
  const chosen = specs.length ? await resolveTransforms(specs, cwd) : [];
  for (const t of objects) {
    if (chosen.some((c) => c.name === t.name)) throw new Error(`two transforms are named ${JSON.stringify(t.name)}`);
    chosen.push(t);
  }
  if (chosen.length === 0) throw new Error('no transform to run: options.transforms is empty');
  return chosen;
}

/**
 * Runs goshift over paths (directories, .go files, ./... patterns; default ['.']) as a dry run and
 * returns its document: every file with its status, edits and diff, the linked sets changed, what
 * was left alone and why, errors and totals — what `goshift --json` prints. Nothing is written.
 * Problems with the paths or files are in `errors` (the CLI would exit 2); a bad option or
 * transform module throws.
 */
export async function run(paths: string[] = ['.'], options: RunOptions = {}): Promise<Document> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const chosen = await transformsOf(options.transforms, cwd);
  if (options.jobs !== undefined && !(Number.isInteger(options.jobs) && options.jobs >= 1)) throw new Error('options.jobs must be a whole number of at least 1');
  // The CLI's own run with --json, its stdout kept: one path from paths to document, whatever calls it.
  const out: string[] = [];
  await runCommand(
    {
      paths: paths.length ? paths : ['.'],
      cwd,
      ...(options.gopath !== undefined ? { gopath: options.gopath } : {}),
      transforms: chosen,
      write: false,
      format: 'json',
      check: false,
      strict: false,
      quiet: true,
      verbose: false,
      allowTypesBefore: options.allowTypesBefore ?? [],
      api: options.api ?? 'change',
      compatSuffix: options.compatSuffix ?? 'Context',
      detach: Boolean(options.detach),
      testContext: Boolean(options.testContext),
      ...(options.funcs?.length ? { funcs: options.funcs } : {}),
      jobs: options.jobs ?? defaultJobs(),
      cacheDir: options.cacheDir === undefined ? defaultCacheDir() : options.cacheDir === null ? null : path.resolve(cwd, options.cacheDir),
      version: version(),
    },
    {
      out: async (chunk) => void out.push(typeof chunk === 'string' ? chunk : chunk.toString('utf8')),
      say: () => undefined,
    },
  );
  return JSON.parse(out.join('')) as Document;
}
