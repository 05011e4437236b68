// Transforms from the user's own modules: `-t ./my-transform.js` loads an ES module whose default
// export (or export named `transform`) is a Transform (lib/types.ts), the API the built-in
// transforms are written against. Its shape is checked when it is loaded, and what it returns
// when it runs, so that a mistake in it is reported as `file: reason` and never reaches the code.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { InsertedParam, SignatureChange, SignatureView, Transform, TransformOptions } from './types.js';
import { transforms as builtins } from '../transforms/index.js';

/** A problem with a user's transform module; its message starts with the module's path. */
export class TransformLoadError extends Error {}

/** A -t value that names a module rather than a built-in transform: a path (./ ../ /) or a .js/.mjs/.cjs file name. */
export function isTransformPath(spec: string): boolean {
  return /^\.\.?[\\/]/.test(spec) || path.isAbsolute(spec) || /\.[cm]?js$/.test(spec);
}

const KNOWN_KEYS = new Set(['name', 'description', 'hidden', 'default', 'reorder', 'change', 'changeNames', 'mentions', 'rewriteFile', 'afterRun']);

/**
 * Checks that a value is a Transform; returns it (a copy whose `reorder` checks what it returns)
 * or throws a TransformLoadError `<file>: <reason>`.
 */
export function validateTransform(value: unknown, file: string): Transform {
  const bad = (reason: string): never => {
    throw new TransformLoadError(`${file}: ${reason}`);
  };
  if (value === null || typeof value !== 'object') bad(`the transform must be an object with name, description and reorder or rewriteFile, not ${value === null ? 'null' : typeof value}`);
  const t = value as Record<string, unknown>;
  const unknown = Object.keys(t).filter((k) => !KNOWN_KEYS.has(k));
  if (unknown.length) bad(`unknown propert${unknown.length > 1 ? 'ies' : 'y'} ${unknown.map((k) => JSON.stringify(k)).join(', ')}; a transform has ${[...KNOWN_KEYS].join(', ')}`);
  if (typeof t.name !== 'string' || t.name === '') bad('"name" must be a non-empty string');
  const name = t.name as string;
  if (!/^[A-Za-z0-9][\w.-]*$/.test(name)) bad(`"name" ${JSON.stringify(name)} must be letters, digits, "-", "_" or "." (it is used in -t lists and reports)`);
  if (typeof t.description !== 'string' || t.description.trim() === '') bad('"description" must be a non-empty string');
  for (const k of ['hidden', 'default'] as const) if (t[k] !== undefined && typeof t[k] !== 'boolean') bad(`"${k}" must be true or false`);
  if (t.reorder !== undefined && typeof t.reorder !== 'function') bad('"reorder" must be a function (sig, opts) => number[] | null');
  if (t.rewriteFile !== undefined && typeof t.rewriteFile !== 'function') bad('"rewriteFile" must be a function (api, opts) => void');
  if (t.afterRun !== undefined && typeof t.afterRun !== 'function') bad('"afterRun" must be a function (run) => string[]');
  if (t.mentions !== undefined && !(t.mentions instanceof RegExp)) bad('"mentions" must be a RegExp');
  if (t.mentions !== undefined && t.rewriteFile === undefined) bad('"mentions" is only used with "rewriteFile"');
  if (t.change !== undefined && typeof t.change !== 'function') bad('"change" must be a function (sig, opts) => { order, insert } | null');
  if (t.change !== undefined && t.reorder !== undefined) bad('give "reorder" or "change", not both ("change" can reorder too)');
  if (t.changeNames !== undefined && !(t.changeNames instanceof RegExp)) bad('"changeNames" must be a RegExp');
  if (t.changeNames !== undefined && t.change === undefined) bad('"changeNames" is only used with "change"');
  if (t.changeNames instanceof RegExp && (t.changeNames.global || t.changeNames.sticky)) bad('"changeNames" must not have the g or y flag (test() would then depend on the previous call)');
  if (t.reorder === undefined && t.change === undefined && t.rewriteFile === undefined) bad('the transform does nothing: give it "reorder", "change" or "rewriteFile"');
  if (t.mentions instanceof RegExp && (t.mentions.global || t.mentions.sticky)) bad('"mentions" must not have the g or y flag (test() would then depend on the previous call)');

  const copy: Transform = { ...(t as unknown as Transform) };
  /** A call of the user's function: what it throws names the module, the function and the place. */
  const guarded = <R>(label: string, call: () => R): R => {
    try {
      return call();
    } catch (e) {
      throw new TransformLoadError(`${file}: ${label}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const where = (sig: SignatureView) => `for ${sig.what} (${sig.file}:${sig.line})`;
  const reorder = copy.reorder;
  if (reorder) copy.reorder = (sig, opts) => checkedOrder(guarded(`reorder threw ${where(sig)}`, () => reorder.call(t, sig, opts) as unknown), sig, file);
  const change = copy.change;
  if (change) copy.change = (sig, opts) => checkedChange(guarded(`change threw ${where(sig)}`, () => change.call(t, sig, opts) as unknown), sig, file);
  const afterRun = copy.afterRun;
  if (afterRun) {
    copy.afterRun = (run) => {
      const lines: unknown = guarded('afterRun threw', () => afterRun.call(t, run));
      if (!Array.isArray(lines) || !lines.every((l) => typeof l === 'string')) throw new TransformLoadError(`${file}: afterRun returned ${Array.isArray(lines) ? 'an array holding something other than strings' : typeof lines}: expected an array of strings (lines for the summary)`);
      return lines as string[];
    };
  }
  // A rewriteFile that throws is reported by the engine on the Go file, with the transform's name;
  // that file and the linked sets with edits in it are left unchanged.
  return copy;
}

/** What a user's reorder returned, checked: null or a permutation of the parameters that keeps a variadic one last. */
function checkedOrder(order: unknown, sig: SignatureView, file: string): number[] | null {
  const at = `for ${sig.what} (${sig.file}:${sig.line})`;
  if (order === null || order === undefined) return null;
  const n = sig.params.length;
  if (!Array.isArray(order)) throw new TransformLoadError(`${file}: reorder returned ${typeof order} ${at}: expected null or an array of parameter indices`);
  if (order.length !== n || !order.every((v) => Number.isInteger(v) && v >= 0 && v < n) || new Set(order).size !== n) {
    throw new TransformLoadError(`${file}: reorder returned [${order.join(', ')}] ${at}: expected each index 0..${n - 1} exactly once (newOrder[i] is the old index of the parameter that goes to position i)`);
  }
  if (n > 0 && sig.params[n - 1].variadic && order[n - 1] !== n - 1) {
    throw new TransformLoadError(`${file}: reorder returned [${order.join(', ')}] ${at}: the variadic parameter must stay last`);
  }
  return order.every((v, i) => v === i) ? null : (order as number[]);
}

/** What a user's change returned, checked: null, or a permutation and well-formed inserted parameters. */
function checkedChange(ch: unknown, sig: SignatureView, file: string): SignatureChange | null {
  const at = `for ${sig.what} (${sig.file}:${sig.line})`;
  if (ch === null || ch === undefined) return null;
  const c = ch as Record<string, unknown>;
  const bad = (why: string): never => {
    throw new TransformLoadError(`${file}: change returned ${why} ${at}`);
  };
  if (typeof c !== 'object' || !Array.isArray(c.insert)) bad('no "insert" array: expected null or { order, insert }');
  const order = checkedOrder((c.order as unknown) ?? sig.params.map((_, i) => i), sig, file) ?? sig.params.map((_, i) => i);
  const n = sig.params.length;
  const variadic = n > 0 && sig.params[n - 1].variadic;
  const insert: InsertedParam[] = [];
  for (const x of c.insert as Record<string, unknown>[]) {
    if (!x || typeof x !== 'object') bad('an inserted parameter that is not an object');
    if (!Number.isInteger(x.at) || (x.at as number) < 0 || (x.at as number) > (variadic ? n - 1 : n)) bad(`an inserted parameter at ${String(x.at)}: expected 0..${variadic ? n - 1 : n} (before a variadic one)`);
    if (typeof x.name !== 'string' || !/^[A-Za-z_]\w*$/.test(x.name)) bad(`an inserted parameter named ${JSON.stringify(x.name)}: expected a Go identifier`);
    if (typeof x.typeText !== 'string' || !x.typeText.trim()) bad('an inserted parameter without "typeText"');
    if (x.import !== undefined && typeof x.import !== 'string') bad('an inserted parameter whose "import" is not a string');
    const a = x.arg as Record<string, unknown> | undefined;
    const okExpr = (e: unknown) => !!e && typeof e === 'object' && typeof (e as { expr?: unknown }).expr === 'string' && !!(e as { expr: string }).expr.trim();
    if (!a || (!okExpr(a) && !(a.inScope === 'context' && (a.otherwise === undefined || okExpr(a.otherwise))))) bad('an inserted parameter whose "arg" is neither { expr } nor { inScope: "context", otherwise? }');
    insert.push(x as unknown as InsertedParam);
  }
  if (!insert.length && order.every((v, i) => v === i)) return null;
  return { order, insert };
}

/** Loads one transform module; `spec` is a path, relative to cwd. */
export async function loadTransform(spec: string, cwd: string = process.cwd()): Promise<Transform> {
  const abs = path.resolve(cwd, spec);
  if (!existsSync(abs)) throw new TransformLoadError(`${spec}: no such file (looked for ${abs})`);
  if (statSync(abs).isDirectory()) throw new TransformLoadError(`${spec}: is a directory, not a transform module`);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(abs).href)) as Record<string, unknown>;
  } catch (e) {
    throw new TransformLoadError(`${spec}: cannot load: ${e instanceof Error ? e.message : String(e)}`);
  }
  const value = mod.default ?? mod.transform;
  if (value === undefined) throw new TransformLoadError(`${spec}: exports no transform: expected a default export or an export named "transform"`);
  return validateTransform(value, spec);
}

/**
 * The transforms a -t list names, built-in names and module paths mixed: the built-ins in their
 * fixed order, then the user's modules in the order given. Undefined: the default set.
 */
export async function resolveTransforms(specs: string[] | undefined, cwd: string = process.cwd()): Promise<Transform[]> {
  if (specs === undefined) return builtins.filter((t) => t.default);
  if (specs.length === 0) throw new TransformLoadError('-t/--transform needs a name');
  const names = specs.filter((s) => !isTransformPath(s));
  const unknown = names.filter((n) => !builtins.some((t) => t.name === n));
  if (unknown.length > 0) {
    const known = builtins.filter((t) => !t.hidden).map((t) => t.name);
    throw new TransformLoadError(
      `unknown transform${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => JSON.stringify(n)).join(', ')}; known: ${known.join(', ')} (or a path to your own, e.g. ./my-transform.js)`,
    );
  }
  const chosen = builtins.filter((t) => names.includes(t.name));
  const seen = new Set<string>();
  for (const spec of specs.filter(isTransformPath)) {
    const abs = path.resolve(cwd, spec);
    if (seen.has(abs)) continue;
    seen.add(abs);
    const t = await loadTransform(spec, cwd);
    const clash = chosen.find((c) => c.name === t.name) ?? builtins.find((b) => b.name === t.name);
    if (clash) throw new TransformLoadError(`${spec}: its name ${JSON.stringify(t.name)} is taken by ${builtins.includes(clash) ? 'a built-in transform' : 'another transform given with -t'}`);
    chosen.push(t);
  }
  return chosen;
}
