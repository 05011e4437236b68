#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { ConfigError, excludeFlag, FORMATS, printConfig, resolveConfig } from '../lib/config.js';
import type { Format } from '../lib/config.js';
import { debugOn } from '../lib/debug.js';
import { unifiedDiff } from '../lib/diff.js';
import { defaultCacheDir, defaultJobs } from '../lib/factstore.js';
import { runWorkspace } from '../lib/parts.js';
import { formatProblem, formatSummary, sortProblems } from '../lib/report.js';
import { applySince, changedSince, SinceError } from '../lib/since.js';
import type { ChangedLines } from '../lib/since.js';
import { COLOR_MODES, colorDiff, colorMode, progressBar, useColor } from '../lib/terminal.js';
import type { FileChange, Problem, Transform } from '../lib/types.js';
import { discover } from '../lib/workspace.js';
import { findPendingRuns, removeJournal, saveJournal, writeAtomic } from '../lib/write.js';
import { defaultTransforms, transforms as allTransforms } from '../transforms/index.js';

/** Exit codes. */
const OK = 0;
const CHANGES = 1;
const FAILED = 2;

class UsageError extends Error {}

const debug = debugOn('GOSHIFT_DEBUG');

function say(line: string): void {
  process.stderr.write(line.endsWith('\n') ? line : line + '\n');
}

/** `  <what>: <path>` lines, at most 20: an interrupted run over thousands of files must not flood the terminal. */
function sayList(what: string, paths: string[], max = 20): void {
  for (const p of paths.slice(0, max)) say(`  ${what}: ${p}`);
  if (paths.length > max) say(`  ... and ${paths.length - max} more ${what}`);
}

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Values of a string option that may be repeated and comma-separated. */
function listOption(v: unknown): string[] | undefined {
  if (v === undefined) return undefined;
  const raw = (Array.isArray(v) ? v : [v]).map(String);
  return raw.flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s !== '');
}

/** Set when stdout is closed under us (goshift -d | head): the rest of the output is dropped, the run goes on. */
let stdoutClosed = false;

async function out(data: string | Buffer): Promise<void> {
  if (stdoutClosed) return;
  if (process.stdout.write(data)) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      process.stdout.off('drain', done);
      process.stdout.off('close', done);
      process.stdout.off('error', done);
      resolve();
    };
    process.stdout.on('drain', done);
    process.stdout.on('close', done);
    process.stdout.on('error', done);
  });
}

function pickTransforms(names: string[] | undefined): Transform[] {
  if (names === undefined) return defaultTransforms();
  if (names.length === 0) throw new UsageError('-t/--transform needs a name');
  const known = allTransforms.filter((t) => !t.hidden).map((t) => t.name);
  const unknown = names.filter((n) => !allTransforms.some((t) => t.name === n));
  if (unknown.length > 0) {
    throw new UsageError(
      `unknown transform${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => JSON.stringify(n)).join(', ')}; known: ${known.join(', ')}`,
    );
  }
  // In the order transforms run, each once.
  return allTransforms.filter((t) => names.includes(t.name));
}

async function main(argv: string[]): Promise<number> {
  const parser = yargs(argv)
    .scriptName('goshift')
    .usage('$0 [flags] [path ...]\n\nRewrite Go code across a module: by default, move context.Context parameters first\n' +
      'and update every linked declaration, interface, method value and call site.\n' +
      'Paths: directories (recursive), .go files, or patterns ./... and dir/... (default: .)')
    .option('transform', { alias: 't', type: 'string', description: 'transform to run (repeatable or comma-separated); default: the default set' })
    .option('list-transforms', { type: 'boolean', description: 'list the transforms and exit' })
    .option('diff', { alias: 'd', type: 'boolean', description: 'print unified diffs of the changes (default mode)' })
    .option('write', { alias: 'w', type: 'boolean', description: 'rewrite the files in place' })
    .option('list', { alias: 'l', type: 'boolean', description: 'print the paths of the files that would change' })
    .option('check', { type: 'boolean', description: 'exit 1 when anything would change (or did, with -w)' })
    .option('allow-types-before', { type: 'string', description: 'types a context may follow, e.g. *testing.T (repeatable or comma-separated)' })
    .option('api', { type: 'string', choices: ['change', 'keep'], description: 'exported API of a library: change it like everything else, or keep it (sets other modules can call or implement are left alone and reported)' })
    .option('strict', { type: 'boolean', description: 'with --check and --api keep: contexts left out of place as exported API fail the check too' })
    .option('gopath', { type: 'string', description: 'GOPATH for code in no module (default: $GOPATH, else $HOME/go)' })
    .option('jobs', { alias: 'j', type: 'number', description: 'worker threads reading files (default: the available cores); the result is the same for any number' })
    .option('cache-dir', { type: 'string', description: 'where to cache what goshift learns of each file (default: $GOSHIFT_CACHE, else $XDG_CACHE_HOME/goshift, else ~/.cache/goshift)' })
    .option('cache', { type: 'boolean', default: true, description: 'use the cache (--no-cache: read every file afresh, write no cache)' })
    .option('quiet', { alias: 'q', type: 'boolean', description: 'no summary on stderr (errors are still reported)' })
    .option('verbose', { alias: 'v', type: 'boolean', description: 'list every member of each linked set left alone, and each context left out of place in a generated file' })
    .option('config', { type: 'string', description: `read this config file instead of the nearest ${'.goshift.yaml'} above the first path (--no-config: read none)` })
    .option('print-config', { type: 'boolean', description: 'print the configuration in force (config file merged with the flags) as YAML and exit' })
    .option('exclude', { type: 'string', description: 'leave out files matching this pattern (.gitignore syntax, relative to the current directory; repeatable): read as callers, never edited' })
    .option('since', { type: 'string', description: 'only changes on lines changed since this git revision count (new and untracked files whole), with what their linked sets need' })
    .option('color', { type: 'string', description: 'colour the diff: auto (default: on a terminal, honouring NO_COLOR and FORCE_COLOR), always, never' })
    .parserConfiguration({ 'parse-positional-numbers': false })
    .strictOptions()
    .version(version())
    .help()
    .alias('h', 'help')
    .wrap(null)
    .fail((msg: string | undefined, err: Error | undefined) => {
      throw new UsageError(msg ?? err?.message ?? 'bad usage');
    });
  const args = await parser.parseAsync();

  if (args['list-transforms']) {
    const shown = allTransforms.filter((t) => !t.hidden);
    const width = Math.max(0, ...shown.map((t) => t.name.length));
    for (const t of shown) await out(`${t.name.padEnd(width)}  ${t.description}\n`);
    return OK;
  }

  const modes = (['diff', 'write', 'list'] as const).filter((m) => args[m]);
  if (modes.length > 1) throw new UsageError(`choose one mode: ${modes.map((m) => '--' + m).join(' and ')} cannot be used together`);
  const check = Boolean(args.check);
  const quiet = Boolean(args.quiet);
  const verbose = Boolean(args.verbose);
  const paths = args._.map(String);

  // .goshift.yaml (or --config FILE, or none with --no-config), under the flags given.
  const color = colorMode(args.color);
  if (color === null) throw new UsageError(`--color: ${JSON.stringify(args.color)}: choose ${COLOR_MODES.join(', ')}`);
  let loaded;
  try {
    loaded = resolveConfig({
      cwd: process.cwd(),
      paths,
      configArg: args.config,
      knownTransforms: allTransforms.map((t) => t.name),
      flags: {
        transforms: listOption(args.transform),
        allowTypesBefore: listOption(args['allow-types-before']),
        api: args.api as 'change' | 'keep' | undefined,
        strict: args.strict as boolean | undefined,
        format: modes[0] === 'diff' || modes[0] === 'list' ? modes[0] : undefined,
        exclude: excludeFlag(args.exclude, process.cwd()),
      },
    });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    for (const p of e.problems) say(p);
    return FAILED;
  }
  const cfg = loaded.config;
  if (args['print-config']) {
    await out(printConfig(cfg, { file: loaded.file, cwd: process.cwd(), defaults: { transforms: defaultTransforms().map((t) => t.name), format: 'diff' } }));
    return OK;
  }
  if (!quiet) for (const w of loaded.warnings) say(`goshift: warning: ${w}`);
  // The config file's format (diff, list) when no mode flag is given; the other formats belong to the printers.
  const formatMode = (f: Format | undefined): 'diff' | 'list' => {
    if (f === undefined || f === 'diff' || f === 'list') return f ?? 'diff';
    throw new UsageError(`format ${f} (from ${loaded.file}): not one this goshift prints; known: ${FORMATS.join(', ')}`);
  };
  const mode = modes[0] ?? formatMode(cfg.format);
  const chosen = pickTransforms(cfg.transforms);
  const allowTypesBefore = cfg.allowTypesBefore ?? [];
  const api = cfg.api ?? 'change';
  const strict = Boolean(cfg.strict);
  const sinceRev = args.since as string | undefined;

  // --gopath DIR (repeatable, or a list as in GOPATH) replaces $GOPATH.
  const gopathArg = args.gopath as unknown;
  const gopath = gopathArg === undefined ? undefined : (Array.isArray(gopathArg) ? gopathArg : [gopathArg]).map(String).filter((g) => g !== '').join(path.delimiter);
  if (gopath === '') throw new UsageError('--gopath needs a directory');
  const jobsArg = args.jobs as number | undefined;
  if (jobsArg !== undefined && !(Number.isInteger(jobsArg) && jobsArg >= 1)) throw new UsageError('--jobs needs a whole number of at least 1');
  const jobs = jobsArg ?? defaultJobs();
  const cacheDirArg = args['cache-dir'] as string | undefined;
  if (cacheDirArg === '') throw new UsageError('--cache-dir needs a directory');
  const cacheDir = args.cache === false ? null : cacheDirArg !== undefined ? path.resolve(cacheDirArg) : defaultCacheDir();
  const ws = await discover(paths, { cwd: process.cwd(), gopath, exclude: cfg.exclude });
  // --since: the changed lines first, so that a wrong revision fails before a long run.
  let changed: ChangedLines | null = null;
  if (sinceRev !== undefined) {
    const roots = [...new Set(ws.files.filter((f) => f.target).map((f) => f.module.root))];
    try {
      changed = await changedSince(sinceRev, roots.length ? roots : [ws.cwd], (abs) => path.relative(ws.cwd, abs) || '.');
    } catch (e) {
      if (!(e instanceof SinceError)) throw e;
      say(`goshift: ${e.message}`);
      return FAILED;
    }
  }

  const failures: Problem[] = [];
  let interrupted: NodeJS.Signals | null = null;
  /** While writing, a signal stops the run between two files: each file is entirely old or entirely new. */
  const catchingSignals = async (work: () => Promise<void>) => {
    const onSignal = (sig: NodeJS.Signals) => {
      if (!interrupted) say(`goshift: ${sig}: finishing the file being written, then stopping`);
      interrupted = sig;
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      await work();
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  };
  /** Writes one file; a failure is reported with the file's name and the run goes on. */
  const writeOne = async (abs: string, rel: string, after: string, encoding: 'utf8' | 'latin1', before: Buffer): Promise<boolean> => {
    try {
      await writeAtomic(abs, after, encoding, before);
      return true;
    } catch (e) {
      let msg = e instanceof Error ? e.message : String(e);
      if (msg.startsWith(abs + ': ')) msg = msg.slice(abs.length + 2);
      failures.push({ file: rel, message: msg });
      return false;
    }
  };

  // An earlier -w run that was cut short (a signal, a crash, a file it could not write) may have
  // written some files of a linked change and not others: only its journal can finish it, the
  // engine would see no context out of place. With -w, finish it first; otherwise, say so.
  const finished: string[] = [];
  const relOf = (abs: string) => path.relative(ws.cwd, abs).split(path.sep).join('/') || '.';
  for (const run of await findPendingRuns(ws.files.map((f) => f.abs))) {
    const since = `an interrupted goshift -w (started ${run.journal.started})`;
    if (mode !== 'write') {
      for (const { entry } of run.old) failures.push({ file: relOf(entry.abs), message: `not written yet by ${since} that wrote its linked changes elsewhere: run goshift -w to finish it` });
      continue;
    }
    let all = true;
    await catchingSignals(async () => {
      for (const { entry, bytes } of run.old) {
        if (interrupted) { all = false; break; }
        if (await writeOne(entry.abs, relOf(entry.abs), entry.text, entry.encoding, bytes)) finished.push(relOf(entry.abs));
        else all = false;
      }
    });
    for (const { entry, why } of run.other) {
      failures.push({ file: relOf(entry.abs), message: `${why} ${since} planned its new text, so not finished: its linked changes in other files were written, check it by hand` });
    }
    if (all) await removeJournal(run.file).catch(() => undefined);
  }
  if (finished.length > 0 && !quiet) {
    say(`goshift: finished an interrupted goshift -w: wrote ${finished.length} file${finished.length === 1 ? '' : 's'} it had left unwritten`);
    sayList('written', finished);
  }
  if (interrupted) {
    for (const p of sortProblems(failures)) say(formatProblem(p));
    say(`goshift: interrupted by ${interrupted} while finishing an earlier run; run goshift -w again`);
    return interrupted === 'SIGINT' ? 130 : 143;
  }

  let result;
  const progress = progressBar({ stream: process.stderr, files: ws.files.length, quiet });
  try {
    result = await runWorkspace(ws, chosen, { allowTypesBefore, api, jobs, cacheDir, progress: progress?.onProgress });
  } catch (e) {
    progress?.stop();
    for (const p of sortProblems(ws.errors)) say(formatProblem(p));
    throw e;
  }
  progress?.stop();
  let report = result.report;
  let changes = result.changes
    .filter((c) => !Buffer.from(c.after, c.encoding).equals(c.before))
    .sort((a, b) => (a.file.rel < b.file.rel ? -1 : a.file.rel > b.file.rel ? 1 : 0));
  if (changed) ({ changes, report } = applySince(changed, { changes, sets: result.sets, report }, ws.cwd));
  const colored = mode === 'diff' && useColor(color, process.stdout);

  const written: FileChange[] = [];
  let journal: string | null = null;

  if (mode === 'diff') {
    for (const c of changes) {
      const text = colorDiff(unifiedDiff(c.file.rel, c.before.toString(c.encoding), c.after), colored);
      // Encoded like the file, so the patch applies to its bytes (latin1 stays latin1).
      await out(Buffer.from(text, c.encoding));
    }
  } else if (mode === 'list') {
    for (const c of changes) await out(c.file.rel + '\n');
  } else {
    await catchingSignals(async () => {
      if (changes.length > 1) {
        try {
          journal = await saveJournal(changes.map((c) => ({ abs: c.file.abs, before: c.before, after: c.after, encoding: c.encoding })), ws.cwd);
        } catch (e) {
          say(`goshift: warning: cannot save the journal that lets the next run finish this one if it is cut short: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
      for (const c of changes) {
        if (interrupted) break;
        if (await writeOne(c.file.abs, c.file.rel, c.after, c.encoding, c.before)) written.push(c);
      }
    });
    // Kept only while something is half done: some files written, some not.
    if (journal && (written.length === changes.length || written.length === 0)) await removeJournal(journal).catch(() => undefined);
  }

  // Every problem once: the engine may already carry the workspace's errors.
  const seen = new Set<string>();
  const errors = [...report.errors, ...ws.errors, ...failures].filter((p) => {
    const k = formatProblem(p);
    return seen.has(k) ? false : (seen.add(k), true);
  });
  // With -w, what changed is what was written (a failure or an interruption leaves some out).
  const full = { ...report, errors, notes: [...(ws.notes ?? []), ...(report.notes ?? [])], filesChanged: mode === 'write' ? written.length + finished.length : report.filesChanged };
  if (!quiet) say(formatSummary(full, { mode, verbose }));
  else for (const p of sortProblems(errors)) say(formatProblem(p));

  if (interrupted) {
    const done = new Set(written.map((c) => c.file.rel));
    const failed = new Set(failures.map((f) => f.file));
    const notWritten = changes.filter((c) => !done.has(c.file.rel) && !failed.has(c.file.rel));
    say(`goshift: interrupted by ${interrupted}: wrote ${written.length} of ${changes.length} files`);
    sayList('written', written.map((c) => c.file.rel));
    sayList('not written', notWritten.map((c) => c.file.rel));
    if (journal && written.length > 0) say(`goshift: run goshift -w again to finish: the files not written are recorded in ${journal}`);
    return interrupted === 'SIGINT' ? 130 : 143;
  }
  if (journal && written.length > 0 && written.length < changes.length) {
    say(`goshift: ${changes.length - written.length} of ${changes.length} files not written; once that is fixed, run goshift -w again to write them (recorded in ${journal})`);
  }
  if (errors.length > 0) return FAILED;
  if (check && changes.length + finished.length > 0) return CHANGES;
  // --api keep leaves exported API out of place on purpose; --strict still wants it fixed.
  if (check && strict && (report.apiKept ?? 0) > 0) return CHANGES;
  return OK;
}

function fail(e: unknown): void {
  if (e instanceof UsageError) {
    say(`goshift: ${e.message}`);
    say('Run goshift --help for usage.');
  } else {
    const msg = e instanceof Error ? e.message : String(e);
    say(`goshift: ${msg}`);
    if (debug && e instanceof Error && e.stack) say(e.stack);
  }
  process.exitCode = FAILED;
}

process.on('uncaughtException', (e) => {
  fail(e);
  process.exit(FAILED);
});
process.on('unhandledRejection', (e) => {
  fail(e);
  process.exit(FAILED);
});
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  stdoutClosed = true;
  // A closed pipe (goshift -d | head) is not worth a message; the summary and exit code still come.
  if (e.code !== 'EPIPE') fail(e);
});

main(hideBin(process.argv)).then(
  (code) => {
    // A failure reported on the side (stdout error) keeps its 2.
    process.exitCode = process.exitCode === FAILED && code < FAILED ? FAILED : code;
  },
  fail,
);
