// The command: what `goshift` does once its flags are parsed (bin/goshift.ts is only the table of
// flags). Finishing an interrupted -w, the engine run, the writes (atomic, journalled, stopped
// between two files by a signal), the output in the chosen format, the summary, the exit code.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { debugOn } from './debug.js';
import { defaultCacheDir, defaultJobs, PRESTART_FILES, prestartFacts } from './factstore.js';
import { sourcesOf } from './output/html.js';
import { formatSplitSummary, gitPrefixOf, writeSplit } from './output/split.js';
import { formatVerify, verify, verifyExitCode } from './verify.js';
import { resolveTransforms, TransformLoadError } from './plugins.js';
import { COMPAT_SUFFIX, ConfigError, excludeFlag, FUNC_NAME, printConfig, resolveConfig } from './config.js';
import type { ExcludeRules, Format } from './config.js';
import { applySince, changedSince, SinceError } from './since.js';
import type { ChangedLines } from './since.js';
import { COLOR_MODES, colorMode, progressBar, useColor } from './terminal.js';
import type { ColorMode } from './terminal.js';
import { buildDocument } from './output/document.js';
import type { Document } from './output/document.js';
import type { Chunk, PrintContext, Printer } from './output/printer.js';
import { printerFor, printers } from './output/printer.js';
import { runWorkspace } from './parts.js';
import { formatProblem, formatSummary, sortProblems, uniqueProblems } from './report.js';
import type { FileChange, Problem, Transform } from './types.js';
import { discover } from './workspace.js';
import { findPendingRuns, notWrittenYet, removeJournal, saveJournal, writeAtomic, writeReport } from './write.js';
import { defaultTransforms, transforms as allTransforms } from '../transforms/index.js';

/** Exit codes. */
export const OK = 0;
export const CHANGES = 1;
export const FAILED = 2;

/** Bad usage: reported with a hint at --help, exit 2. */
export class UsageError extends Error {}

/** The names of --format, the default first. */
export const formats: readonly string[] = printers.map((p) => p.name);

/** Where a run's output goes. */
export interface RunIO {
  /** stdout: the chosen format's output. */
  out(chunk: Chunk): Promise<void>;
  /** stderr: one line (a newline is added when missing). */
  say(line: string): void;
}

export interface RunOptions {
  /** As given on the command line (directories, files, ./... patterns); empty: `.`. */
  paths: string[];
  cwd: string;
  /** GOPATH for code in no module (a list, joined by path.delimiter). */
  gopath?: string;
  transforms: Transform[];
  /** -w: rewrite the files in place. */
  write: boolean;
  /** What goes to stdout (with write, for what was written); null: nothing (-w alone). */
  format: string | null;
  /** Files written besides stdout, each in a format (e.g. the HTML review report), of the same document. */
  reports?: { format: string; file: string }[];
  /** --print-config: the merged configuration, printed instead of a run. */
  printConfig?: string;
  /** Warnings of the configuration (another path has its own .goshift.yaml). */
  warnings?: string[];
  /** --exclude and the config file's exclude: files read as callers, never edited. */
  exclude?: ExcludeRules[];
  /** --since REV: only changes on lines changed since the git revision count. */
  since?: string;
  /** --color. */
  color?: ColorMode;
  /** --split-by package --out-dir DIR: one patch per package (stdout lists them) instead of a format. */
  splitDir?: string;
  /** --verify: go build and go vet before and after, for these GOOS values (empty: the host's). */
  verify?: { goos?: string[] };
  check: boolean;
  strict: boolean;
  quiet: boolean;
  verbose: boolean;
  allowTypesBefore: string[];
  api: 'change' | 'keep' | 'compat';
  /** With api compat: what new names end in. */
  compatSuffix: string;
  /** --detach (ctx-inherit). */
  detach: boolean;
  /** --test-context (ctx-inherit). */
  testContext: boolean;
  /** --func: functions a spreading transform (ctx-plumb) starts from. */
  funcs?: string[];
  jobs: number;
  cacheDir: string | null;
  /** goshift's version, for documents that name their tool. */
  version: string;
}

export function version(): string {
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

/** The transforms -t names (built-in names, paths of user modules), or the default set. */
async function pickTransforms(specs: string[] | undefined, cwd: string): Promise<Transform[]> {
  try {
    return await resolveTransforms(specs, cwd);
  } catch (e) {
    throw e instanceof TransformLoadError ? new UsageError(e.message) : e;
  }
}

/**
 * The options of a run from the parsed flags (yargs' names: `write`, `allow-types-before`, `_` for
 * the paths, ...). Throws UsageError for flags that do not go together or bad values.
 */
export async function optionsFromFlags(flags: Record<string, unknown>, cwd: string): Promise<RunOptions> {
  // -d, -l and -w are the modes of old: one at a time.
  const modes = (['diff', 'write', 'list'] as const).filter((m) => flags[m]);
  if (modes.length > 1) throw new UsageError(`choose one mode: ${modes.map((m) => '--' + m).join(' and ')} cannot be used together`);
  // One format on stdout: --format NAME, or its shorthands -d, -l, --json.
  const asked: { flag: string; format: string }[] = [];
  if (flags.diff) asked.push({ flag: '--diff', format: 'diff' });
  if (flags.list) asked.push({ flag: '--list', format: 'list' });
  if (flags.json) asked.push({ flag: '--json', format: 'json' });
  for (const f of listOption(flags.format) ?? []) asked.push({ flag: `--format ${f}`, format: f });
  if (flags.format !== undefined && asked.every((a) => !a.flag.startsWith('--format'))) throw new UsageError(`--format needs one of: ${formats.join(', ')}`);
  for (const a of asked) {
    if (!printerFor(a.format)) throw new UsageError(`unknown format ${JSON.stringify(a.format)}; known: ${formats.join(', ')}`);
  }
  const chosen = [...new Set(asked.map((a) => a.format))];
  if (chosen.length > 1) throw new UsageError(`choose one format: ${asked.map((a) => a.flag).join(' and ')} cannot be used together`);
  const write = Boolean(flags.write);

  // --gopath DIR (repeatable, or a list as in GOPATH) replaces $GOPATH.
  const gopathArg = flags.gopath;
  const gopath = gopathArg === undefined ? undefined : (Array.isArray(gopathArg) ? gopathArg : [gopathArg]).map(String).filter((g) => g !== '').join(path.delimiter);
  if (gopath === '') throw new UsageError('--gopath needs a directory');
  const jobsArg = flags.jobs as number | undefined;
  if (jobsArg !== undefined && !(Number.isInteger(jobsArg) && jobsArg >= 1)) throw new UsageError('--jobs needs a whole number of at least 1');
  const cacheDirArg = flags['cache-dir'] as string | undefined;
  if (cacheDirArg === '') throw new UsageError('--cache-dir needs a directory');
  const splitBy = flags['split-by'] as 'package' | undefined;
  const outDir = flags['out-dir'] as string | undefined;
  if (splitBy !== undefined && !outDir) throw new UsageError('--split-by needs --out-dir DIR');
  if (outDir !== undefined && splitBy === undefined) throw new UsageError('--out-dir goes with --split-by package');
  if (splitBy !== undefined && (write || chosen.length > 0)) throw new UsageError('--split-by writes patches instead of a diff: it cannot be used with --write or an output format');
  const goos = listOption(flags.goos);
  if (goos !== undefined && !flags.verify) throw new UsageError('--goos goes with --verify');
  const htmlReport = flags.report as string | undefined;
  if (htmlReport === '') throw new UsageError('--report needs a file name');
  const compatSuffixArg = flags['compat-suffix'] === undefined ? undefined : String(flags['compat-suffix']);
  if (compatSuffixArg !== undefined && !COMPAT_SUFFIX.test(compatSuffixArg)) throw new UsageError('--compat-suffix needs letters, digits or _');
  const funcsArg = listOption(flags.func);
  if (funcsArg?.some((f) => !FUNC_NAME.test(f))) throw new UsageError('--func needs pkg.Name or pkg.Type.Method');
  const color = colorMode(flags.color);
  if (color === null) throw new UsageError(`--color: ${JSON.stringify(flags.color)}: choose ${COLOR_MODES.join(', ')}`);
  const since = flags.since as string | undefined;
  const paths = ((flags._ as unknown[] | undefined) ?? []).map(String);

  // .goshift.yaml (or --config FILE, or none with --no-config), under the flags given. Throws ConfigError.
  const loaded = resolveConfig({
    cwd,
    paths,
    configArg: flags.config,
    knownTransforms: allTransforms.map((t) => t.name),
    flags: {
      transforms: listOption(flags.transform),
      allowTypesBefore: listOption(flags['allow-types-before']),
      api: flags.api as 'change' | 'keep' | 'compat' | undefined,
      strict: flags.strict as boolean | undefined,
      detach: flags.detach as boolean | undefined,
      testContext: flags['test-context'] as boolean | undefined,
      compatSuffix: compatSuffixArg,
      funcs: funcsArg,
      format: chosen[0] as Format | undefined,
      exclude: excludeFlag(flags.exclude, cwd),
    },
  });
  const cfg = loaded.config;
  const format = chosen[0] ?? (write || splitBy !== undefined ? null : (cfg.format ?? 'diff'));
  if (format !== null && !printerFor(format)) throw new UsageError(`format ${format} (from ${loaded.file}): not one this goshift prints; known: ${formats.join(', ')}`);
  return {
    ...(flags['print-config'] ? { printConfig: printConfig(cfg, { file: loaded.file, cwd, defaults: { transforms: defaultTransforms().map((t) => t.name), format: 'diff' } }) } : {}),
    ...(loaded.warnings.length ? { warnings: loaded.warnings } : {}),
    ...(cfg.exclude?.length ? { exclude: cfg.exclude } : {}),
    ...(since !== undefined ? { since } : {}),
    color,
    paths,
    cwd,
    gopath,
    transforms: await pickTransforms(cfg.transforms, cwd),
    write,
    format,
    check: Boolean(flags.check),
    strict: Boolean(cfg.strict),
    quiet: Boolean(flags.quiet),
    verbose: Boolean(flags.verbose),
    allowTypesBefore: cfg.allowTypesBefore ?? [],
    api: cfg.api ?? 'change',
    compatSuffix: cfg.compatSuffix ?? 'Context',
    detach: Boolean(cfg.detach),
    testContext: Boolean(cfg.testContext),
    ...(cfg.funcs?.length ? { funcs: cfg.funcs } : {}),
    ...(htmlReport !== undefined ? { reports: [{ format: 'html', file: htmlReport }] } : {}),
    ...(splitBy !== undefined && outDir ? { splitDir: outDir } : {}),
    ...(flags.verify ? { verify: goos ? { goos } : {} } : {}),
    jobs: jobsArg ?? defaultJobs(),
    cacheDir: flags.cache === false ? null : cacheDirArg !== undefined ? path.resolve(cwd, cacheDirArg) : defaultCacheDir(),
    version: version(),
  };
}

/** --list-transforms: the visible transforms, one a line. */
export async function listTransforms(io: RunIO): Promise<number> {
  const shown = allTransforms.filter((t) => !t.hidden);
  const width = Math.max(0, ...shown.map((t) => t.name.length));
  for (const t of shown) await io.out(`${t.name.padEnd(width)}  ${t.description}\n`);
  return OK;
}

/** The context every printer gets. */
export function printContext(): PrintContext {
  return { transforms: allTransforms.map((t) => ({ name: t.name, description: t.description, ...(t.finding ? { finding: t.finding } : {}) })) };
}

/** Runs goshift: returns the exit code (130/143 when a signal stopped the writes). */
export async function runCommand(o: RunOptions, io: RunIO): Promise<number> {
  const { say } = io;
  /** `  <what>: <path>` lines, at most 20: an interrupted run over thousands of files must not flood the terminal. */
  const sayList = (what: string, paths: string[], max = 20) => {
    for (const p of paths.slice(0, max)) say(`  ${what}: ${p}`);
    if (paths.length > max) say(`  ... and ${paths.length - max} more ${what}`);
  };
  const printer: Printer | null = o.format === null ? null : (printerFor(o.format) ?? null);
  if (o.format !== null && !printer) throw new UsageError(`unknown format ${JSON.stringify(o.format)}; known: ${formats.join(', ')}`);
  if (o.printConfig !== undefined) {
    await io.out(o.printConfig);
    return OK;
  }
  if (!o.quiet) for (const w of o.warnings ?? []) say(`goshift: warning: ${w}`);
  // A cold run of a large workspace starts its facts workers while the files are being found
  // (prestartFacts: each takes a tenth of a second to start), so that they are ready for the first files read.
  const onManyFiles = { atLeast: PRESTART_FILES, call: () => prestartFacts({ jobs: o.jobs, files: PRESTART_FILES, cacheDir: o.cacheDir }) };
  const ws = await discover(o.paths, { cwd: o.cwd, gopath: o.gopath, ...(o.exclude ? { exclude: o.exclude } : {}), onManyFiles });
  // --since: the changed lines first, so that a wrong revision fails before a long run.
  let changedLines: ChangedLines | null = null;
  if (o.since !== undefined) {
    const roots = [...new Set(ws.files.filter((f) => f.target).map((f) => f.module.root))];
    try {
      changedLines = await changedSince(o.since, roots.length ? roots : [ws.cwd], (abs) => path.relative(ws.cwd, abs) || '.');
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
  /** What finishing wrote, by absolute path: the old bytes and the new text (for the output of -w). */
  const finishedChanges = new Map<string, { before: Buffer; after: string; encoding: 'utf8' | 'latin1' }>();
  const relOf = (abs: string) => path.relative(ws.cwd, abs).split(path.sep).join('/') || '.';
  for (const run of await findPendingRuns(ws.files.map((f) => f.abs))) {
    const since = `an interrupted goshift -w (started ${run.journal.started})`;
    if (!o.write) {
      for (const { entry } of run.old) failures.push({ file: relOf(entry.abs), message: notWrittenYet(run.journal.started) });
      continue;
    }
    let all = true;
    await catchingSignals(async () => {
      for (const { entry, bytes } of run.old) {
        if (interrupted) { all = false; break; }
        if (await writeOne(entry.abs, relOf(entry.abs), entry.text, entry.encoding, bytes)) {
          finished.push(relOf(entry.abs));
          finishedChanges.set(entry.abs, { before: bytes, after: entry.text, encoding: entry.encoding });
        } else all = false;
      }
    });
    for (const { entry, why } of run.other) {
      failures.push({ file: relOf(entry.abs), message: `${why} ${since} planned its new text, so not finished: its linked changes in other files were written, check it by hand` });
    }
    if (all) await removeJournal(run.file).catch(() => undefined);
  }
  if (finished.length > 0 && !o.quiet) {
    say(`goshift: finished an interrupted goshift -w: wrote ${finished.length} file${finished.length === 1 ? '' : 's'} it had left unwritten`);
    sayList('written', finished);
  }
  if (interrupted) {
    for (const p of sortProblems(failures)) say(formatProblem(p));
    say(`goshift: interrupted by ${interrupted} while finishing an earlier run; run goshift -w again`);
    return interrupted === 'SIGINT' ? 130 : 143;
  }

  let result;
  const progress = progressBar({ stream: process.stderr, files: ws.files.length, quiet: o.quiet });
  try {
    result = await runWorkspace(ws, o.transforms, {
      allowTypesBefore: o.allowTypesBefore,
      api: o.api,
      compatSuffix: o.compatSuffix,
      ...(o.detach ? { detach: true } : {}),
      ...(o.testContext ? { testContext: true } : {}),
      ...(o.funcs ? { funcs: o.funcs } : {}),
      jobs: o.jobs,
      cacheDir: o.cacheDir,
      progress: progress?.onProgress,
    });
  } catch (e) {
    progress?.stop();
    for (const p of sortProblems(ws.errors)) say(formatProblem(p));
    throw e;
  }
  progress?.stop();
  let report = result.report;
  let changes = differing(result.changes)
    .sort((a, b) => (a.file.rel < b.file.rel ? -1 : a.file.rel > b.file.rel ? 1 : 0));
  if (changedLines) {
    const since = applySince(changedLines, { changes, sets: result.sets, report }, ws.cwd);
    ({ changes, report } = since);
    result = { ...result, changes, report, sets: since.sets };
  }

  const written: FileChange[] = [];
  let journal: string | null = null;
  if (o.write) {
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
  const errors = uniqueProblems([...report.errors, ...ws.errors, ...failures]);

  const reports = (o.reports ?? []).map((r) => {
    const p = printerFor(r.format);
    if (!p) throw new Error(`unknown format ${JSON.stringify(r.format)} for ${r.file}; known: ${formats.join(', ')}`);
    return { printer: p, file: path.resolve(o.cwd, r.file) };
  });
  if (o.splitDir !== undefined) {
    const doc = buildDocument({ ws, result, changes, errors: report.errors, report, mode: 'diff', transforms: o.transforms.map((t) => t.name), version: o.version });
    const index = await writeSplit(doc, path.resolve(o.cwd, o.splitDir), { latin1: changes.filter((c) => c.encoding === 'latin1').map((c) => c.file.rel), gitPrefix: gitPrefixOf(ws.cwd) });
    for (const p of index.patches) await io.out(path.join(o.splitDir, p.file) + '\n');
    if (!o.quiet) say(formatSplitSummary(index, o.splitDir));
  }
  if (printer || reports.length > 0) {
    // With -w, the output shows what was written: this run's files, and those it finished.
    let shown = changes;
    if (o.write) {
      const byAbs = new Map(written.map((c) => [c.file.abs, c]));
      for (const [abs, f] of finishedChanges) {
        const sf = ws.files.find((x) => x.abs === abs);
        if (!sf) continue;
        const also = byAbs.get(abs);
        // Finished, then changed again by this run: from the bytes before both to the text after both.
        byAbs.set(abs, also ? { ...also, before: f.before } : { file: sf, before: f.before, after: f.after, encoding: f.encoding });
      }
      shown = [...byAbs.values()].sort((a, b) => (a.file.rel < b.file.rel ? -1 : a.file.rel > b.file.rel ? 1 : 0));
    }
    const doc = buildDocument({
      ws,
      result,
      changes: shown,
      errors,
      report,
      mode: o.write ? 'write' : ((printer?.name ?? 'diff') as Document['mode']),
      transforms: o.transforms.map((t) => t.name),
      version: o.version,
      notes: ws.notes,
      diffs: [printer, ...reports.map((r) => r.printer)].some((p) => p?.needsDiffs),
    });
    const ctx = { ...printContext(), color: printer?.name === 'diff' && useColor(o.color ?? 'auto', process.stdout), source: sourcesOf(ws, shown) };
    if (printer) for (const chunk of printer.print(doc, ctx)) await io.out(chunk);
    // Reports (--report FILE.html) are written whole or not at all.
    for (const r of reports) {
      try {
        await writeReport(r.file, Buffer.concat([...r.printer.print(doc, ctx)].map((c) => (typeof c === 'string' ? Buffer.from(c, 'utf8') : c))));
      } catch (e) {
        errors.push({ file: relOf(r.file), message: (e instanceof Error ? e.message.replace(r.file + ': ', '') : String(e)).replace('cannot write the report', `cannot write the ${r.printer.name} report`) });
      }
    }
  }

  // With -w, what changed is what was written (a failure or an interruption leaves some out).
  const full = { ...report, errors, notes: [...(ws.notes ?? []), ...(report.notes ?? [])], filesChanged: o.write ? written.length + finished.length : report.filesChanged };
  if (!o.quiet) say(formatSummary(full, { mode: o.write ? 'write' : 'diff', verbose: o.verbose }));
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
  let verifyCode = 0;
  if (o.verify) {
    const v = await verify({ ws, changes: o.write ? written : changes, written: o.write, goos: o.verify.goos });
    for (const line of formatVerify(v, { quiet: o.quiet })) say(line);
    verifyCode = verifyExitCode(v);
  }
  if (errors.length > 0 || verifyCode !== 0) return FAILED;
  if (o.check && changes.length + finished.length > 0) return CHANGES;
  // --api keep leaves exported API out of place on purpose; --strict still wants it fixed.
  if (o.check && o.strict && (report.apiKept ?? 0) > 0) return CHANGES;
  return OK;
}

/**
 * The process around a command: stdout that may be closed under us (goshift -d | head: the rest of
 * the output is dropped, the run goes on, the summary and exit code still come), stderr, uncaught
 * errors (a message, exit 2; the stack with GOSHIFT_DEBUG), and the exit code. `command` parses
 * the flags and runs; it gets the RunIO to use.
 */
export function cli(command: (io: RunIO) => Promise<number>): void {
  const debug = debugOn('GOSHIFT_DEBUG');
  const say = (line: string) => {
    process.stderr.write(line.endsWith('\n') ? line : line + '\n');
  };
  let stdoutClosed = false;
  const out = async (data: Chunk): Promise<void> => {
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
  };
  const fail = (e: unknown) => {
    if (e instanceof ConfigError) {
      for (const p of e.problems) say(p);
    } else if (e instanceof UsageError) {
      say(`goshift: ${e.message}`);
      say('Run goshift --help for usage.');
    } else {
      const msg = e instanceof Error ? e.message : String(e);
      say(`goshift: ${msg}`);
      if (debug && e instanceof Error && e.stack) say(e.stack);
    }
    process.exitCode = FAILED;
  };
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
    // A closed pipe is not worth a message; the summary and exit code still come.
    if (e.code !== 'EPIPE') fail(e);
  });
  // Once the command is done and stdout and stderr have taken everything written to them, the
  // process exits at once: left to end by itself, Node would first run the finalizers of every
  // syntax node the run let go of (about a second after a run over std, with nothing to gain).
  const flushed = (s: NodeJS.WriteStream, closed: boolean) =>
    new Promise<void>((resolve) => {
      if (closed || s.destroyed || s.writableLength === 0) return resolve();
      s.write('', () => resolve());
    });
  const exit = async () => {
    await Promise.all([flushed(process.stdout, stdoutClosed), flushed(process.stderr, false)]);
    process.exit();
  };
  command({ out, say })
    .then(
      (code) => {
        // A failure reported on the side (stdout error) keeps its 2.
        process.exitCode = process.exitCode === FAILED && code < FAILED ? FAILED : code;
      },
      fail,
    )
    .then(exit, () => process.exit(FAILED));
}

/**
 * The changes whose text, encoded, is not the bytes the file had. Each text is encoded into one
 * scratch buffer, not a buffer of its own: over ten copies of std those were 10 MB at the run's
 * peak, its last moments.
 */
function differing(changes: FileChange[]): FileChange[] {
  let scratch = Buffer.alloc(0);
  return changes.filter((c) => {
    const n = Buffer.byteLength(c.after, c.encoding);
    if (n !== c.before.length) return true;
    if (scratch.length < n) scratch = Buffer.allocUnsafe(Math.max(n, 2 * scratch.length));
    scratch.write(c.after, 0, n, c.encoding);
    return !scratch.subarray(0, n).equals(c.before);
  });
}
