#!/usr/bin/env node
// The table of goshift's flags. What they do is lib/run.ts.
// First, before any other module is compiled: how V8 compiles goshift (lib/jit.ts).
import '../lib/jit.js';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { cli, formats, listTransforms, optionsFromFlags, runCommand, UsageError, version } from '../lib/run.js';

cli(async (io) => {
  const args = await yargs(hideBin(process.argv))
    .scriptName('goshift')
    .usage('$0 [flags] [path ...]\n\nRewrite Go code across a module: by default, move context.Context parameters first\n' +
      'and update every linked declaration, interface, method value and call site.\n' +
      'Paths: directories (recursive), .go files, or patterns ./... and dir/... (default: .)')
    .option('transform', { alias: 't', type: 'string', description: 'transform to run: a name, or the path of your own transform module (./my.js); repeatable or comma-separated; default: the default set' })
    .option('list-transforms', { type: 'boolean', description: 'list the transforms and exit' })
    .option('format', { type: 'string', description: `what to print on stdout: ${formats.join(', ')} (default: diff; with -w: nothing, or the format for what was written)` })
    .option('diff', { alias: 'd', type: 'boolean', description: 'print unified diffs of the changes (default; --format diff)' })
    .option('write', { alias: 'w', type: 'boolean', description: 'rewrite the files in place' })
    .option('list', { alias: 'l', type: 'boolean', description: 'print the paths of the files that would change (--format list)' })
    .option('json', { type: 'boolean', description: 'print one JSON document of the run (--format json)' })
    .option('check', { type: 'boolean', description: 'exit 1 when anything would change (or did, with -w)' })
    .option('allow-types-before', { type: 'string', description: 'types a context may follow, e.g. *testing.T (repeatable or comma-separated)' })
    .option('api', { type: 'string', choices: ['change', 'keep', 'compat'], description: 'exported API of a library: change it like everything else, keep it (sets other modules can call or implement are left alone and reported), or compat: move exported functions and methods under a new name and keep the old one as a deprecated //go:fix inline wrapper' })
    .option('compat-suffix', { type: 'string', description: 'with --api compat: what the new names end in (default Context: FetchContext)' })
    .option('func', { type: 'string', description: 'with -t ctx-plumb: also start from this function, pkg.Name or pkg.Type.Method (repeatable or comma-separated)' })
    .option('strict', { type: 'boolean', description: 'with --check and --api keep: contexts left out of place as exported API fail the check too' })
    .option('detach', { type: 'boolean', description: 'with -t ctx-inherit: a context.Background()/TODO() in a goroutine or deferred call gets context.WithoutCancel(ctx) (go 1.21 or later in go.mod) instead of being left alone' })
    .option('test-context', { type: 'boolean', description: 'with -t ctx-inherit: in tests, pass t.Context() instead of context.Background()/TODO() (go 1.24 or later in go.mod)' })
    .option('gopath', { type: 'string', description: 'GOPATH for code in no module (default: $GOPATH, else $HOME/go)' })
    .option('jobs', { alias: 'j', type: 'number', description: 'threads reading files, the main one included (default: the available cores); the result is the same for any number' })
    .option('cache-dir', { type: 'string', description: 'where to cache what goshift learns of each file, and the results of runs (default: $GOSHIFT_CACHE, else $XDG_CACHE_HOME/goshift, else ~/.cache/goshift)' })
    .option('cache', { type: 'boolean', default: true, description: 'use the cache (--no-cache: read every file afresh and compute the result again, write no cache)' })
    .option('report', { type: 'string', description: 'also write an HTML review report to FILE.html (one self-contained page: totals, a table per package, every diff, what was left alone and why)' })
    .option('split-by', { type: 'string', choices: ['package'], description: 'instead of one diff, write one patch per Go package into --out-dir, with an index (packages a linked set joins share a patch)' })
    .option('out-dir', { type: 'string', description: 'with --split-by: the directory for the patches and index.json / index.md' })
    .option('verify', { type: 'boolean', description: 'after the rewrite, run go build and go vet (on the new text; the tree is not touched in a dry run) and report what the rewrite broke; exit 2 if it broke something' })
    .option('goos', { type: 'string', description: "with --verify: GOOS values to check, e.g. linux,windows,darwin (default: the host's)" })
    .option('config', { type: 'string', description: 'read this config file instead of the nearest .goshift.yaml above the first path (--no-config: read none)' })
    .option('print-config', { type: 'boolean', description: 'print the configuration in force (config file merged with the flags) as YAML and exit' })
    .option('exclude', { type: 'string', description: 'leave out files matching this pattern (.gitignore syntax, relative to the current directory; repeatable): read as callers, never edited' })
    .option('since', { type: 'string', description: 'only changes on lines changed since this git revision count (new and untracked files whole), with what their linked sets need' })
    .option('color', { type: 'string', description: 'colour the diff: auto (default: on a terminal, honouring NO_COLOR and FORCE_COLOR), always, never' })
    .option('quiet', { alias: 'q', type: 'boolean', description: 'no summary on stderr (errors are still reported)' })
    .option('verbose', { alias: 'v', type: 'boolean', description: 'list every member of each linked set left alone, and each context left out of place in a generated file' })
    .parserConfiguration({ 'parse-positional-numbers': false })
    .strictOptions()
    .version(version())
    .help()
    .alias('h', 'help')
    .wrap(null)
    .fail((msg: string | undefined, err: Error | undefined) => {
      throw new UsageError(msg ?? err?.message ?? 'bad usage');
    })
    .parseAsync();
  if (args['list-transforms']) return listTransforms(io);
  return runCommand(await optionsFromFlags(args, process.cwd()), io);
});
