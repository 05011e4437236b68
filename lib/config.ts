// The configuration file of a scripted run: `.goshift.yaml`, found upward from the first path (or
// named with --config), merged under the command line's flags. Parsed with the `yaml` package,
// which keeps every node's place, so that a wrong key or value is reported at its line:
// `.goshift.yaml:3: unknown key "transfroms" (did you mean "transforms"?)`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import type { Node as YamlNode } from 'yaml';
import { rebaseGitignore } from './workspace.js';
import type { ExcludeRules } from './workspace.js';

let yamlLib: typeof Yaml | undefined;
/**
 * The YAML library, loaded when a config file is read or printed: loading it costs about 50 ms,
 * which a run without a config file (most runs, and every warm one) does not pay.
 */
function yaml(): typeof Yaml {
  return (yamlLib ??= createRequire(import.meta.url)('yaml') as typeof Yaml);
}

export type { ExcludeRules };

export const CONFIG_NAME = '.goshift.yaml';

/** The output formats the CLI knows (`--format`); the config file's `format` takes the same values. */
export const FORMATS = ['diff', 'list', 'json', 'sarif', 'lint', 'html'] as const;
export type Format = (typeof FORMATS)[number];

/** What --compat-suffix and `compat-suffix` take. */
export const COMPAT_SUFFIX = /^[\p{L}\p{Nd}_]+$/u;
/** What --func and `func` take: a package (name or import path) and a function, or a type and a method. */
export const FUNC_NAME = /^[\w./-]*\w\.[A-Za-z_]\w*(\.[A-Za-z_]\w*)?$/;

/** What a config file (or the command line) says; absent: not said. */
export interface Config {
  /** Transform names, or absolute paths of transform modules (a path in the file is relative to it). */
  transforms?: string[];
  allowTypesBefore?: string[];
  api?: 'change' | 'keep' | 'compat';
  strict?: boolean;
  /** ctx-inherit: WithoutCancel for goroutines and deferred calls. */
  detach?: boolean;
  /** ctx-inherit: t.Context() in tests. */
  testContext?: boolean;
  /** --api compat: what new names end in. */
  compatSuffix?: string;
  /** ctx-plumb: functions it starts from besides the callers of context.TODO() (pkg.Name, pkg.Type.Method). */
  funcs?: string[];
  exclude?: ExcludeRules[];
  format?: Format;
}

/** A config file that cannot be used: every problem, one `file:line: message` line each. Exit 2. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

/** The keys of the file, as written there, and what each holds. */
const KEYS = {
  transforms: 'a transform name or a list of them',
  'allow-types-before': 'a type or a list of types',
  api: '"change", "keep" or "compat"',
  strict: 'true or false',
  detach: 'true or false',
  'test-context': 'true or false',
  'compat-suffix': 'letters, digits or _',
  func: 'a function (pkg.Name or pkg.Type.Method) or a list of them',
  exclude: 'a pattern or a list of patterns',
  format: FORMATS.map((f) => `"${f}"`).join(', ').replace(/, ([^,]*)$/, ' or $1'),
} as const;

/**
 * The config file for a run: the nearest `.goshift.yaml` in the directory of the first path (its
 * own directory for a file; `dir/...` counts as dir) or any directory above it; with no path, the
 * current directory's. Null when there is none.
 */
export function findConfig(paths: string[], cwd: string): string | null {
  return nearestConfig(startDir(paths[0] ?? '.', cwd));
}

/** Where the search for a path's config file starts. */
function startDir(arg: string, cwd: string): string {
  let p = arg === '...' ? '.' : arg.endsWith('/...') ? arg.slice(0, -4) || '/' : arg;
  p = path.resolve(cwd, p);
  try {
    if (!fs.statSync(p).isDirectory()) p = path.dirname(p);
  } catch {
    // A path that does not exist is reported by discovery; the search starts where it would be.
    if (p.endsWith('.go')) p = path.dirname(p);
  }
  return p;
}

function nearestConfig(dir: string): string | null {
  for (let d = dir; ; d = path.dirname(d)) {
    const f = path.join(d, CONFIG_NAME);
    try {
      if (fs.statSync(f).isFile()) return f;
    } catch {
      // not here
    }
    if (path.dirname(d) === d) return null;
  }
}

export interface LoadOptions {
  cwd: string;
  /** The paths of the run, as given. */
  paths: string[];
  /** --config FILE. */
  file?: string;
  /** --no-config. */
  none?: boolean;
  /** Transform names the CLI knows: others are errors (paths of transform modules are not checked here). */
  knownTransforms?: string[];
}

export interface Loaded {
  /** Absolute path of the file read, or null. */
  file: string | null;
  config: Config;
  /** Things worth a line on stderr: another path of the run has its own config file, which is not read. */
  warnings: string[];
}

/** Finds and reads the run's config file. Throws ConfigError for a file that cannot be used. */
export function loadConfig(o: LoadOptions): Loaded {
  if (o.none) return { file: null, config: {}, warnings: [] };
  const rel = (abs: string) => path.relative(o.cwd, abs).split(path.sep).join('/') || '.';
  let file: string | null;
  if (o.file !== undefined) {
    if (o.file === '') throw new ConfigError(['--config needs a file']);
    file = path.resolve(o.cwd, o.file);
  } else {
    file = findConfig(o.paths, o.cwd);
  }
  const warnings: string[] = [];
  if (o.file === undefined) {
    const others = new Set<string>();
    for (const p of o.paths.slice(1)) {
      const f = nearestConfig(startDir(p, o.cwd));
      if (f && f !== file) others.add(f);
    }
    for (const f of others) {
      warnings.push(`${rel(f)} is not read: the configuration of a run comes from the first path's (${file ? rel(file) : `none: no ${CONFIG_NAME} above ${o.paths[0] ?? '.'}`}); use --config to choose`);
    }
  }
  if (file === null) return { file: null, config: {}, warnings };
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError([`${rel(file)}: cannot read the config file: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`]);
  }
  return { file, config: parseConfig(text, { file, name: rel(file), knownTransforms: o.knownTransforms }), warnings };
}

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

function suggest(word: string, known: readonly string[]): string {
  const best = known.map((k) => ({ k, d: distance(word.toLowerCase(), k) })).sort((x, y) => x.d - y.d)[0];
  return best && best.d <= Math.max(1, Math.floor(best.k.length / 3)) ? ` (did you mean "${best.k}"?)` : '';
}

/** A transform given by the path of its module rather than by name. */
export function isTransformPath(t: string): boolean {
  return t.startsWith('./') || t.startsWith('../') || path.isAbsolute(t) || /\.[cm]?js$/.test(t);
}

/**
 * Parses the text of a config file. `file` is its absolute path (patterns and module paths in it
 * are relative to its directory), `name` how messages call it.
 */
export function parseConfig(text: string, o: { file: string; name: string; knownTransforms?: string[] }): Config {
  const { isMap, isScalar, isSeq, LineCounter, parseDocument } = yaml();
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  const problems: string[] = [];
  const lineOf = (n: { range?: [number, number, number] | null } | null | undefined) => (n?.range ? lc.linePos(n.range[0]).line : 1);
  const at = (line: number, msg: string) => problems.push(`${o.name}:${line}: ${msg}`);
  for (const e of [...doc.errors, ...doc.warnings]) {
    const line = e.linePos?.[0].line ?? lc.linePos(e.pos[0]).line;
    // The parser's own words, first line only (the rest is a picture of the place).
    at(line, `${e.code === 'DUPLICATE_KEY' ? 'duplicate key' : 'not valid YAML'}: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const root = doc.contents;
  const config: Config = {};
  if (root === null || (isScalar(root) && (root.value === null || root.value === undefined))) return config; // empty file
  if (!isMap(root)) throw new ConfigError([`${o.name}:${lineOf(root)}: expected keys (transforms, exclude, ...), found ${kindOf(root)}`]);
  const dir = path.dirname(o.file);

  /** A string or a list of strings (a string may hold a comma-separated list when `commas`). */
  const strings = (key: string, v: YamlNode | null, commas: boolean): { value: string; line: number }[] | null => {
    const one = (n: YamlNode | null): { value: string; line: number }[] | null => {
      if (!isScalar(n) || typeof n.value !== 'string') {
        at(lineOf(n ?? undefined), `${key}: expected ${KEYS[key as keyof typeof KEYS]}, found ${kindOf(n)}`);
        return null;
      }
      const parts = commas ? n.value.split(',').map((s) => s.trim()) : [n.value];
      if (parts.some((s) => s.trim() === '')) {
        at(lineOf(n), `${key}: empty ${commas && parts.length > 1 ? 'item in a list' : 'value'}`);
        return null;
      }
      return parts.map((value) => ({ value, line: lineOf(n) }));
    };
    if (isSeq(v)) {
      const out: { value: string; line: number }[] = [];
      let ok = true;
      for (const item of v.items) {
        const r = one(item as YamlNode | null);
        if (r) out.push(...r);
        else ok = false;
      }
      return ok ? out : null;
    }
    return one(v);
  };

  for (const pair of root.items) {
    const k = pair.key as YamlNode | null;
    const v = pair.value as YamlNode | null;
    if (!isScalar(k) || typeof k.value !== 'string') {
      at(lineOf(k ?? undefined), `expected a key name, found ${kindOf(k)}`);
      continue;
    }
    const key = k.value;
    const line = lineOf(k);
    switch (key) {
      case 'transforms': {
        const r = strings(key, v, true);
        if (!r) break;
        if (r.length === 0) {
          at(line, 'transforms: an empty list; leave the key out for the default set');
          break;
        }
        const out: string[] = [];
        for (const t of r) {
          if (isTransformPath(t.value)) out.push(path.resolve(dir, t.value));
          else if (o.knownTransforms && !o.knownTransforms.includes(t.value)) at(t.line, `unknown transform "${t.value}"${suggest(t.value, o.knownTransforms)}; known: ${o.knownTransforms.join(', ')}`);
          else out.push(t.value);
        }
        config.transforms = [...new Set(out)];
        break;
      }
      case 'allow-types-before': {
        const r = strings(key, v, true);
        if (r) config.allowTypesBefore = r.map((x) => x.value);
        break;
      }
      case 'exclude': {
        const r = strings(key, v, false);
        if (r) config.exclude = [{ base: dir, patterns: r.map((x) => x.value) }];
        break;
      }
      case 'api':
        if (isScalar(v) && (v.value === 'change' || v.value === 'keep' || v.value === 'compat')) config.api = v.value;
        else at(lineOf(v ?? k), `api: expected ${KEYS.api}, found ${kindOf(v)}`);
        break;
      case 'strict':
        if (isScalar(v) && typeof v.value === 'boolean') config.strict = v.value;
        else at(lineOf(v ?? k), `strict: expected ${KEYS.strict}, found ${kindOf(v)}`);
        break;
      case 'detach':
        if (isScalar(v) && typeof v.value === 'boolean') config.detach = v.value;
        else at(lineOf(v ?? k), `detach: expected ${KEYS.detach}, found ${kindOf(v)}`);
        break;
      case 'test-context':
        if (isScalar(v) && typeof v.value === 'boolean') config.testContext = v.value;
        else at(lineOf(v ?? k), `test-context: expected ${KEYS['test-context']}, found ${kindOf(v)}`);
        break;
      case 'compat-suffix':
        if (isScalar(v) && typeof v.value === 'string' && COMPAT_SUFFIX.test(v.value)) config.compatSuffix = v.value;
        else at(lineOf(v ?? k), `compat-suffix: expected ${KEYS['compat-suffix']}, found ${kindOf(v)}`);
        break;
      case 'func': {
        const r = strings(key, v, true);
        if (!r) break;
        for (const f of r) if (!FUNC_NAME.test(f.value)) at(f.line, `func: expected pkg.Name or pkg.Type.Method, found ${JSON.stringify(f.value)}`);
        config.funcs = r.map((x) => x.value);
        break;
      }
      case 'format':
        if (isScalar(v) && typeof v.value === 'string' && (FORMATS as readonly string[]).includes(v.value)) config.format = v.value as Format;
        else at(lineOf(v ?? k), `format: expected ${KEYS.format}, found ${kindOf(v)}`);
        break;
      default:
        at(line, `unknown key "${key}"${suggest(key, Object.keys(KEYS))}; known keys: ${Object.keys(KEYS).join(', ')}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** How a value is described in a message: `a list`, `the number 3`, `"keep it"`. */
function kindOf(n: YamlNode | null | undefined): string {
  const { isMap, isScalar, isSeq } = yaml();
  if (n === null || n === undefined) return 'nothing';
  if (isMap(n)) return 'a map';
  if (isSeq(n)) return 'a list';
  if (isScalar(n)) {
    const v = n.value;
    if (v === null || v === undefined) return 'nothing';
    if (typeof v === 'string') return JSON.stringify(v);
    if (typeof v === 'boolean') return `the boolean ${v}`;
    if (typeof v === 'number' || typeof v === 'bigint') return `the number ${String(v)}`;
    return String(v);
  }
  return 'an alias';
}

/**
 * The configuration of a run: the file's, with every flag given on the command line in place of
 * the file's value — except `exclude`, where the command line's patterns are added to the file's.
 */
export function mergeConfig(file: Config, flags: Config): Config {
  const out: Config = { ...file };
  for (const k of ['transforms', 'allowTypesBefore', 'api', 'strict', 'detach', 'testContext', 'compatSuffix', 'funcs', 'format'] as const) {
    if (flags[k] !== undefined) (out as Record<string, unknown>)[k] = flags[k];
  }
  const ex = [...(file.exclude ?? []), ...(flags.exclude ?? [])].filter((r) => r.patterns.length > 0);
  if (ex.length > 0) out.exclude = ex;
  else delete out.exclude;
  return out;
}

/** --exclude's values (repeated or not) as rules relative to the current directory; undefined when not given. */
export function excludeFlag(v: unknown, cwd: string): ExcludeRules[] | undefined {
  if (v === undefined) return undefined;
  return [{ base: cwd, patterns: ([] as unknown[]).concat(v).map(String).filter((p) => p !== '') }];
}

/**
 * The configuration of a run: its config file (found, named by --config — `configArg` a string —
 * or none with --no-config — `configArg` false) merged under the flags. Throws ConfigError.
 */
export function resolveConfig(o: { cwd: string; paths: string[]; configArg: unknown; flags: Config; knownTransforms: string[] }): Loaded {
  const loaded = loadConfig({ cwd: o.cwd, paths: o.paths, file: typeof o.configArg === 'string' ? o.configArg : undefined, none: o.configArg === false, knownTransforms: o.knownTransforms });
  return { ...loaded, config: mergeConfig(loaded.config, o.flags) };
}

/**
 * The merged configuration as a config file (`goshift --print-config`): every key with its value
 * in force, defaults included. Patterns are written relative to the directory of the file when
 * there is one (the current directory's patterns are rebased there when it is below it), else to
 * the current directory. What a file cannot say (a pattern relative to a directory outside it) is
 * written as a comment.
 */
export function printConfig(c: Config, o: { file: string | null; cwd: string; defaults: { transforms: string[]; format: Format } }): string {
  const base = o.file ? path.dirname(o.file) : o.cwd;
  const patterns: string[] = [];
  const outside: string[] = [];
  for (const r of c.exclude ?? []) {
    const rel = path.relative(base, r.base).split(path.sep).join('/');
    if (rel === '') patterns.push(...r.patterns);
    else if (!rel.startsWith('..') && !path.isAbsolute(rel)) patterns.push(...r.patterns.flatMap((p) => rebaseGitignore(p, rel)));
    else outside.push(...r.patterns.map((p) => `#   ${p}   (relative to ${r.base})`));
  }
  const transforms = (c.transforms ?? o.defaults.transforms).map((t) => (path.isAbsolute(t) ? relPath(base, t) : t));
  const body = yaml().stringify(
    {
      transforms,
      'allow-types-before': c.allowTypesBefore ?? [],
      api: c.api ?? 'change',
      strict: c.strict ?? false,
      detach: c.detach ?? false,
      'test-context': c.testContext ?? false,
      'compat-suffix': c.compatSuffix ?? 'Context',
      func: c.funcs ?? [],
      exclude: patterns,
      format: c.format ?? o.defaults.format,
    },
    { indentSeq: true, lineWidth: 0 },
  );
  const head = o.file
    ? `# goshift configuration: ${o.file}, with the command line's flags\n`
    : `# goshift configuration: no ${CONFIG_NAME} (defaults and the command line's flags)\n`;
  const tail = outside.length ? `# also excluded, by patterns relative to a directory outside ${base}:\n${outside.join('\n')}\n` : '';
  return head + body + tail;
}

/** `./x` or `../x` from `base`, as a path in a config file is written. */
function relPath(base: string, abs: string): string {
  const r = path.relative(base, abs).split(path.sep).join('/');
  return r.startsWith('../') || r === '..' ? r : './' + r;
}
