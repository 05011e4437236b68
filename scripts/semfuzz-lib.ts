// The semantic fuzzer's generator: small random Go modules (stdlib only) that combine the corners
// where a syntactic signature rewriter can go wrong, each with a test that computes a value through
// every path and compares it with what the generator knows the path returns.
//
// A module is a list of *features* (units of code with their own test function, TestF<id>), laid out
// over 1 to 3 packages (p1 <- p2 <- root, each may import the ones before it) and optionally a
// nested foreign module lib/ (its own go.mod, reached through a replace directive). Features share
// method names (Do, Run, Get) and feed func values into each other (a pool of func values and a
// pool of types with methods), so that they interact; a feature that uses another's value depends
// on it. generateModule(seed, index, keep) drops the features not in `keep` (and those depending
// on them) without changing the others: that is how a finding is minimised.
//
// Every callable returns kv.J(tag, <its arguments in declared order>): a string parameter by its
// value, a context by the value kv.With stored in it, a variadic tail joined with "+". The test
// passes distinct values ("a", "b", ...; ctx1 carries "k1", ctx2 "k2"), so an argument bound to
// the wrong parameter changes the result.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runOracle } from '../test/support/oracle.js';
import { goEnv } from '../test/support/paths.js';
import { run, type RunResult } from '../test/support/run.js';
import { rng, seedOf } from './fuzz-lib.js';

// ---------------------------------------------------------------------------------------------
// Randomness

export class Rand {
  private next: () => number;
  constructor(seed: number) {
    this.next = rng(seed);
  }
  float(): number {
    return this.next();
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  shuffle<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [xs[i], xs[j]] = [xs[j], xs[i]];
    }
    return xs;
  }
}

// ---------------------------------------------------------------------------------------------
// Signatures

/** s: a string parameter, c: a context, v: a variadic ...string (last). */
export type Kind = 's' | 'c' | 'v';
export interface Param {
  name: string;
  kind: Kind;
}
export type Sig = Param[];

const STR_NAMES = ['a', 'b', 'd', 'e'];
const CTX_NAMES = ['ctx', 'ctx2'];

function sigOf(kinds: Kind[]): Sig {
  let s = 0;
  let c = 0;
  return kinds.map((k) => ({ kind: k, name: k === 's' ? STR_NAMES[s++] : k === 'c' ? CTX_NAMES[c++] : 'xs' }));
}

/** A random signature: 1-3 strings, 1-2 contexts, mostly some context not first, sometimes a variadic tail. */
export function randSig(r: Rand, opts: { variadic?: boolean; maxStr?: number } = {}): Sig {
  const kinds: Kind[] = [];
  const nS = 1 + r.int(opts.maxStr ?? 3);
  const nC = r.chance(0.2) ? 2 : 1;
  for (let i = 0; i < nS; i++) kinds.push('s');
  for (let i = 0; i < nC; i++) kinds.push('c');
  r.shuffle(kinds);
  // Mostly there is something to move; sometimes the contexts are already first.
  if (kinds[0] === 'c' && kinds.every((k, i) => k === 'c' || kinds.slice(i).every((x) => x === 's')) && r.chance(0.85)) {
    const first = kinds.shift()!;
    kinds.push(first);
  }
  if ((opts.variadic ?? true) && r.chance(0.15)) kinds.push('v');
  return sigOf(kinds);
}

export const sigKey = (s: Sig): string => s.map((p) => p.kind).join('');

/** The signature with every context first (what ctx-first makes of it). */
export function ctxFirst(s: Sig): Sig {
  return [...s.filter((p) => p.kind === 'c'), ...s.filter((p) => p.kind === 's'), ...s.filter((p) => p.kind === 'v')];
}

// ---------------------------------------------------------------------------------------------
// Files

export const PKGS = ['p1', 'p2', 'root'] as const;

export class GoFile {
  readonly imports = new Map<string, string>();
  readonly lines: string[] = [];
  /** Build constraint line, if any. */
  build = '';
  constructor(
    readonly mod: ModuleGen,
    readonly pkg: number,
    readonly name: string,
    readonly ctxAlias: string,
  ) {}
  get pkgName(): string {
    return this.mod.pkgName(this.pkg);
  }
  get dir(): string {
    return this.pkg === 2 ? '' : PKGS[this.pkg];
  }
  add(...ls: string[]): this {
    this.lines.push(...ls);
    return this;
  }
  imp(p: string, alias = ''): void {
    if (!this.imports.has(p)) this.imports.set(p, alias);
  }
  /** The context type as this file spells it: context.Context, under an import alias, dot-imported, or kv's alias kv.Ctx. */
  get C(): string {
    if (this.ctxAlias === 'kv.Ctx') return `${this.kv}.Ctx`;
    this.imp('context', this.ctxAlias === 'context' ? '' : this.ctxAlias);
    return this.ctxAlias === '.' ? 'Context' : `${this.ctxAlias}.Context`;
  }
  get kv(): string {
    this.imp(`${this.mod.path}/kv`);
    return 'kv';
  }
  get lib(): string {
    this.imp(this.mod.libPath);
    return 'lib';
  }
  /** name declared in package pkg, as this file refers to it. */
  q(pkg: number, name: string): string {
    if (pkg === this.pkg) return name;
    if (pkg === 2) throw new Error('nothing may import the root package');
    const p = `${this.mod.path}/${PKGS[pkg]}`;
    if (!this.imports.has(p)) this.imports.set(p, this.mod.r.chance(0.25) ? `q${PKGS[pkg]}` : '');
    return `${this.imports.get(p) || PKGS[pkg]}.${name}`;
  }
  /** Parameter list text of a signature. */
  params(sig: Sig, named = true, group = false): string {
    const type = (p: Param) => (p.kind === 's' ? 'string' : p.kind === 'c' ? this.C : '...string');
    if (!named) return sig.map(type).join(', ');
    const out: string[] = [];
    for (let i = 0; i < sig.length; i++) {
      const p = sig[i];
      const next = sig[i + 1];
      if (group && next && next.kind === p.kind && p.kind !== 'v') out.push(p.name);
      else out.push(`${p.name} ${type(p)}`);
    }
    return out.join(', ');
  }
  /** The func type of a signature, result string. */
  ftype(sig: Sig, named = false): string {
    return `func(${this.params(sig, named)}) string`;
  }
  /** A body returning kv.J(tag, the arguments in order). */
  ret(tag: string, sig: Sig): string {
    const parts = sig.map((p) => (p.kind === 's' ? p.name : p.kind === 'c' ? `${this.kv}.V(${p.name})` : `${this.kv}.S(${p.name}...)`));
    return `return ${this.kv}.J(${JSON.stringify(tag)}${parts.map((x) => ', ' + x).join('')})`;
  }
  /** The names of the parameters as call arguments (a variadic one spread). */
  fwd(sig: Sig): string {
    return sig.map((p) => (p.kind === 'v' ? `${p.name}...` : p.name)).join(', ');
  }
  text(): string {
    const imps = [...this.imports].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([p, a]) => `\t${a ? a + ' ' : ''}${JSON.stringify(p)}`);
    const head = (this.build ? `${this.build}\n\n` : '') + `package ${this.pkgName}\n`;
    return `${head}\n${imps.length ? `import (\n${imps.join('\n')}\n)\n\n` : ''}${this.lines.join('\n')}\n`;
  }
}

/** Arguments for a call in a test: distinct values, and what the callee sees. */
export interface Args {
  text: string;
  vals: string[];
}

/** Call arguments for sig: "a", "b", ...; ctx1, ctx2; the variadic tail "x", "y" or nothing. */
function testArgs(r: Rand, sig: Sig, effects = false): Args {
  let s = 0;
  let c = 0;
  const text: string[] = [];
  const vals: string[] = [];
  for (const p of sig) {
    if (p.kind === 's') {
      const v = 'abdefgh'[s++] + (r.chance(0.3) ? String(r.int(9)) : '');
      // A call as an argument: moving the context before it changes the evaluation order.
      text.push(effects && r.chance(0.3) ? `kv.Id(${JSON.stringify(v)})` : JSON.stringify(v));
      vals.push(v);
    } else if (p.kind === 'c') {
      c++;
      text.push(effects && r.chance(0.2) ? `kv.Same(ctx${c})` : `ctx${c}`);
      vals.push(`k${c}`);
    } else {
      const n = r.int(3);
      const xs = ['x', 'y'].slice(0, n);
      text.push(...xs.map((x) => JSON.stringify(x)));
      vals.push(xs.join('+'));
    }
  }
  return { text: text.join(', '), vals };
}

const J = (tag: string, vals: string[]) => `${tag}(${vals.join(',')})`;

// ---------------------------------------------------------------------------------------------
// Module

/** A func value some feature declared: `expr(file)` spells it in file (its package or a later one). */
interface Source {
  feature: number;
  pkg: number;
  sig: Sig;
  tag: string;
  /** The expression, as written in a file of package `pkg` or later (null: it cannot be reached from there). */
  expr(f: GoFile): string | null;
  what: string;
}

/** A type with a method some feature declared. */
interface MType {
  feature: number;
  pkg: number;
  name: string;
  ptr: boolean;
  method: string;
  sig: Sig;
  tag: string;
}

export interface Feature {
  id: number;
  kind: string;
  files: GoFile[];
  test: GoFile;
  deps: Set<number>;
  /** Test statements (inside TestF<id>). */
  checks: string[];
}

export interface GenModule {
  index: number;
  name: string;
  path: string;
  /** Relative path -> contents (lib/ included). */
  files: Map<string, string>;
  features: { id: number; kind: string; deps: number[] }[];
  hasLib: boolean;
}

const METHOD_NAMES = ['Do', 'Run', 'Get'];

export const FEATURE_KINDS = [
  'func', 'method', 'iface', 'promote', 'functype', 'anyassert', 'generic', 'rangefunc', 'localtype', 'closure', 'buildtags', 'foreign',
  'stmts', 'values', 'gentype',
] as const;
export type FeatureKind = (typeof FEATURE_KINDS)[number];

export class ModuleGen {
  readonly r: Rand;
  readonly name: string;
  readonly path: string;
  readonly libPath: string;
  readonly nPkgs: number;
  readonly hasLib: boolean;
  readonly features: Feature[] = [];
  readonly sources: Source[] = [];
  readonly types: MType[] = [];
  cur!: Feature;
  constructor(
    readonly seed: number,
    readonly index: number,
    /** Variants not to generate (see AVOIDABLE). */
    readonly avoid: ReadonlySet<string> = new Set(),
  ) {
    this.r = new Rand(seedOf(seed, index) ^ 0x5eed);
    this.name = `gen${index}`;
    this.path = `example.com/${this.name}`;
    this.libPath = `example.com/lib${index}`;
    this.nPkgs = 1 + this.r.int(3);
    this.hasLib = this.r.chance(0.35);
  }
  pkgName(p: number): string {
    return p === 2 ? this.name : PKGS[p];
  }
  /** The packages in use (root always). */
  get pkgs(): number[] {
    return this.nPkgs === 1 ? [2] : this.nPkgs === 2 ? [0, 2] : [0, 1, 2];
  }
  /** A random package, and one at or after it. */
  place(): [number, number] {
    const ps = this.pkgs;
    const i = this.r.int(ps.length);
    const j = i + this.r.int(ps.length - i);
    return [ps[i], ps[j]];
  }
  file(pkg: number, suffix = ''): GoFile {
    const x = this.r.float();
    const f = new GoFile(this, pkg, `f${this.cur.id}${suffix}.go`, x < 0.75 ? 'context' : x < 0.83 ? 'gocontext' : x < 0.9 ? '.' : 'kv.Ctx');
    this.cur.files.push(f);
    return f;
  }
  /** Exported name of pkg-level declarations of the current feature. */
  n(base: string): string {
    return `${base}${this.cur.id}`;
  }
  check(label: string, got: string, want: string): void {
    this.cur.checks.push(`eq(t, ${JSON.stringify(label)}, ${got}, ${JSON.stringify(want)})`);
  }
  /** A pool source reachable from pkg with this signature shape (or any shape), recorded as a dependency. */
  source(pkg: number, shape?: string): Source | null {
    const ok = this.sources.filter((s) => s.pkg <= pkg && (shape === undefined || sigKey(s.sig) === shape) && s.feature !== this.cur.id);
    if (!ok.length || this.r.chance(0.3)) return null;
    const s = this.r.pick(ok);
    this.cur.deps.add(s.feature);
    return s;
  }
  addSource(s: Omit<Source, 'feature'>): void {
    this.sources.push({ ...s, feature: this.cur.id });
  }

  generate(): void {
    const n = 3 + this.r.int(5);
    for (let i = 0; i < n; i++) {
      const kinds = FEATURE_KINDS.filter((k) => k !== 'foreign' || this.hasLib);
      const kind = this.r.pick(kinds);
      const id = i + 1;
      const test = new GoFile(this, 2, `f${id}_test.go`, 'context');
      this.cur = { id, kind, files: [], test, deps: new Set(), checks: [] };
      this.features.push(this.cur);
      GEN[kind](this);
    }
  }

  /** The module's files, with only the features in keep (and what they need). */
  emit(keep?: Set<number>): GenModule {
    const kept = new Set<number>();
    for (const f of this.features) {
      if (keep && !keep.has(f.id)) continue;
      if ([...f.deps].every((d) => kept.has(d))) kept.add(f.id);
    }
    const files = new Map<string, string>();
    const fs = this.features.filter((f) => kept.has(f.id));
    let req = '';
    if (this.hasLib) {
      req = `\nrequire ${this.libPath} v0.0.0\n\nreplace ${this.libPath} => ./lib\n`;
      files.set('lib/go.mod', `module ${this.libPath}\n\ngo 1.23\n`);
      files.set('lib/lib.go', LIB_GO);
    }
    files.set('go.mod', `module ${this.path}\n\ngo 1.23\n${req}`);
    files.set('kv/kv.go', kvGo(this));
    // Every package exists, even when no kept feature puts anything in it.
    for (const p of this.pkgs) files.set(`${p === 2 ? '' : PKGS[p] + '/'}doc.go`, `// Package ${this.pkgName(p)} is generated by goshift's semantic fuzzer (seed ${this.seed}, module ${this.index}).\npackage ${this.pkgName(p)}\n`);
    files.set('main_test.go', `package ${this.name}\n\nimport "testing"\n\nfunc eq(t *testing.T, label, got, want string) {\n\tt.Helper()\n\tif got != want {\n\t\tt.Errorf("%s = %q, want %q", label, got, want)\n\t}\n}\n`);
    for (const f of fs) {
      for (const g of f.files) files.set(`${g.dir ? g.dir + '/' : ''}${g.name}`, g.text());
      const t = f.test;
      t.imp('testing');
      t.imp(`${this.path}/kv`);
      t.lines.length = 0;
      t.add(`func TestF${f.id}(t *testing.T) {`, '\tctx1, ctx2 := kv.Ctxs()', '\t_, _ = ctx1, ctx2', ...f.checks.map((c) => '\t' + c), '}');
      files.set(t.name, t.text());
    }
    return { index: this.index, name: this.name, path: this.path, files, hasLib: this.hasLib, features: fs.map((f) => ({ id: f.id, kind: f.kind, deps: [...f.deps] })) };
  }
}

/**
 * Variants that generateModule can be told not to generate: each once hit an engine bug, since fixed
 * with a fixture of its own (test/semfuzz.test.ts), and leaving them out still helps to bisect a new
 * finding (the random choices are still drawn, so every other choice stays the same):
 *   yield-ctx-after: a range-over-func iterator yielding (string, context.Context);
 *   switch-anon-iface: a value with a method stored in `any` and read by a type switch on anonymous interfaces;
 *   foreign-arg: a value of ours passed straight to another module's function taking its interface.
 */
export const AVOIDABLE = ['yield-ctx-after', 'switch-anon-iface', 'foreign-arg'] as const;

export function generateModule(seed: number, index: number, keep?: Set<number>, avoid: ReadonlySet<string> = new Set()): GenModule {
  const g = new ModuleGen(seed, index, avoid);
  g.generate();
  return g.emit(keep);
}

/** A short hash of a module's files (to tell apart two generations). */
export function moduleHash(m: GenModule): string {
  const h = createHash('sha256');
  for (const [k, v] of [...m.files].sort()) h.update(k).update('\0').update(v).update('\0');
  return h.digest('hex').slice(0, 12);
}

function kvGo(g: ModuleGen): string {
  return `// Package kv: the context values and result strings the generated code reports.
package kv

import (
	"context"
	"strings"
${g.hasLib ? `\n\t"${g.libPath}"\n` : ''})

type key struct{}

// Ctx is an alias of context.Context (some generated files spell the type so).
type Ctx = context.Context

// With stores v in ctx.
func With(ctx context.Context, v string) context.Context {
	ctx = context.WithValue(ctx, key{}, v)
${g.hasLib ? '\tctx = context.WithValue(ctx, lib.Key{}, v)\n' : ''}	return ctx
}

// V reads what With stored.
func V(ctx context.Context) string {
	s, _ := ctx.Value(key{}).(string)
	return s
}

// Ctxs are the two contexts the tests pass: they carry k1 and k2.
func Ctxs() (context.Context, context.Context) {
	return With(context.Background(), "k1"), With(context.Background(), "k2")
}

// J is what every generated callable returns: its tag and its arguments in declared order.
func J(tag string, parts ...string) string { return tag + "(" + strings.Join(parts, ",") + ")" }

// S joins a variadic tail.
func S(xs ...string) string { return strings.Join(xs, "+") }

// Id is a call: an argument with (possible) effects.
func Id(s string) string { return s }

// Same is a call returning its context.
func Same(ctx context.Context) context.Context { return ctx }
`;
}

const LIB_GO = `// Package lib is another module: goshift must leave what it declares alone.
package lib

import (
	"context"
	"strings"
)

// Key is the context key lib reads.
type Key struct{}

// V reads the value under Key.
func V(ctx context.Context) string {
	s, _ := ctx.Value(Key{}).(string)
	return s
}

func j(tag string, parts ...string) string { return tag + "(" + strings.Join(parts, ",") + ")" }

// Doer is an interface of another module.
type Doer interface {
	Do(a string, ctx context.Context) string
}

// Run calls d.Do.
func Run(d Doer, a string, ctx context.Context) string { return "lib.Run<" + d.Do(a, ctx) + ">" }

// H is a func type of another module.
type H func(a string, ctx context.Context) string

// Apply calls h.
func Apply(h H, a string, ctx context.Context) string { return "lib.Apply<" + h(a, ctx) + ">" }

// Greeter has a method with a context after a string.
type Greeter struct{ P string }

// Greet reports its arguments.
func (g *Greeter) Greet(a string, ctx context.Context) string { return j("lib.Greet"+g.P, a, V(ctx)) }

// Named is an interface to embed.
type Named interface{ Name() string }
`;

// ---------------------------------------------------------------------------------------------
// Features

type Gen = (g: ModuleGen) => void;

/** Declares a function with a random signature in pkg; returns its name, sig and tag. */
function declFunc(g: ModuleGen, f: GoFile, base: string, sig?: Sig): { name: string; sig: Sig; tag: string } {
  const s = sig ?? randSig(g.r);
  const name = g.n(base);
  f.add(`// ${name} reports its arguments.`, `func ${name}(${f.params(s, true, g.r.chance(0.3))}) string {`, `\t${f.ret(name, s)}`, '}', '');
  return { name, sig: s, tag: name };
}

const GEN: Record<FeatureKind, Gen> = {
  // Plain functions, called directly, across packages, and through a forwarding caller.
  func(g) {
    const [d, u] = g.place();
    const f = g.file(d);
    const { name, sig, tag } = declFunc(g, f, 'Fn');
    g.addSource({ pkg: d, sig, tag, what: 'func', expr: (x) => x.q(d, name) });
    const t = g.cur.test;
    const a = testArgs(g.r, sig, true);
    g.check(`${name}(${a.text})`, `${t.q(d, name)}(${a.text})`, J(tag, a.vals));
    if (u !== d || g.r.chance(0.5)) {
      const c = u === d ? f : g.file(u, 'u');
      const cs = randSig(g.r, { variadic: false });
      // The caller's own parameters feed the callee: each callee parameter takes one of the caller's of the same kind.
      const cn = g.n('Call');
      const byKind = (k: Kind, i: number) => {
        const ps = cs.filter((p) => p.kind === k);
        return ps[i % ps.length];
      };
      let si = 0;
      let ci = 0;
      const argsOf = sig.map((p) => (p.kind === 's' ? byKind('s', si++).name : p.kind === 'c' ? byKind('c', ci++).name : '"v"'));
      c.add(`func ${cn}(${c.params(cs)}) string {`, `\treturn "${cn}<" + ${c.q(d, name)}(${argsOf.join(', ')}) + ">"`, '}', '');
      const ca = testArgs(g.r, cs);
      const val = (pn: string) => ca.vals[cs.findIndex((p) => p.name === pn)];
      const inner = sig.map((p, i) => (p.kind === 'v' ? 'v' : val(argsOf[i])));
      g.check(`${cn}(${ca.text})`, `${t.q(u, cn)}(${ca.text})`, `${cn}<${J(tag, inner)}>`);
    }
  },

  // A type with a method: value or pointer receiver; calls through a value, a pointer, a method value, a method expression.
  method(g) {
    const [d] = g.place();
    const f = g.file(d);
    const tn = g.n('T');
    const ptr = g.r.chance(0.5);
    const m = g.r.pick(METHOD_NAMES);
    const sig = randSig(g.r);
    const tag = `${tn}.${m}`;
    f.add(`// ${tn} has a method with a context.`, `type ${tn} struct{ id int }`, '');
    f.add(`func (${ptr ? `p *${tn}` : `p ${tn}`}) ${m}(${f.params(sig, true, g.r.chance(0.3))}) string {`, `\t_ = p.id`, `\t${f.ret(tag, sig)}`, '}', '');
    g.types.push({ feature: g.cur.id, pkg: d, name: tn, ptr, method: m, sig, tag });
    g.addSource({ pkg: d, sig, tag, what: 'method value', expr: (x) => `(&${x.q(d, tn)}{}).${m}` });
    const t = g.cur.test;
    const T = t.q(d, tn);
    let a = testArgs(g.r, sig, true);
    g.check(`call`, `(&${T}{}).${m}(${a.text})`, J(tag, a.vals));
    if (!ptr) {
      a = testArgs(g.r, sig);
      g.check(`value call`, `${T}{}.${m}(${a.text})`, J(tag, a.vals));
    }
    // Method value, stored then called.
    a = testArgs(g.r, sig);
    g.cur.checks.push(`mv${g.cur.id} := (&${T}{}).${m}`);
    g.check('method value', `mv${g.cur.id}(${a.text})`, J(tag, a.vals));
    // Method expression, called and stored.
    a = testArgs(g.r, sig);
    const recv = ptr ? `(*${T})` : T;
    const rv = ptr ? `&${T}{}` : `${T}{}`;
    g.check('method expr', `${recv}.${m}(${rv}, ${a.text})`, J(tag, a.vals));
    if (g.r.chance(0.5)) {
      a = testArgs(g.r, sig);
      g.cur.checks.push(`me${g.cur.id} := ${recv}.${m}`);
      g.check('method expr value', `me${g.cur.id}(${rv}, ${a.text})`, J(tag, a.vals));
    }
  },

  // An interface, implementations (value/pointer receivers, promoted by embedding), calls through it,
  // embedding (another interface, error, fmt.Stringer), an anonymous interface parameter, an assertion.
  iface(g) {
    const [d, u] = g.place();
    const f = g.file(d);
    const iname = g.n('I');
    // Reuse a method some other feature declared (its type then implements this interface), or a new one.
    const reuse = g.types.filter((x) => x.pkg <= d && x.feature !== g.cur.id);
    const other = reuse.length && g.r.chance(0.5) ? g.r.pick(reuse) : null;
    if (other) g.cur.deps.add(other.feature);
    const m = other?.method ?? g.r.pick(METHOD_NAMES);
    const sig = other?.sig ?? randSig(g.r);
    const embedStd = g.r.pick(['', 'error', 'fmt.Stringer']);
    const embedLib = g.hasLib && g.r.chance(0.3);
    f.add(`// ${iname} is implemented below.`, `type ${iname} interface {`, `\t${m}(${f.params(sig, g.r.chance(0.5))}) string`);
    if (embedStd === 'error') f.add('\terror');
    if (embedStd === 'fmt.Stringer') {
      f.imp('fmt');
      f.add('\tfmt.Stringer');
    }
    if (embedLib) f.add(`\t${f.lib}.Named`);
    f.add('}', '');
    const extra = (recv: string) => {
      if (embedStd === 'error') f.add(`func (${recv}) Error() string { return "err" }`, '');
      if (embedStd === 'fmt.Stringer') f.add(`func (${recv}) String() string { return "str" }`, '');
      if (embedLib) f.add(`func (${recv}) Name() string { return "name" }`, '');
    };
    // Implementations: a direct one, maybe a promoted one.
    const impls: { expr: (x: GoFile) => string; tag: string }[] = [];
    const tn = g.n('Impl');
    const ptr = g.r.chance(0.5);
    f.add(`type ${tn} struct{}`, '', `func (${ptr ? '*' : ''}${tn}) ${m}(${f.params(sig, true, g.r.chance(0.3))}) string {`, `\t${f.ret(tn, sig)}`, '}', '');
    extra(`${ptr ? '*' : ''}${tn}`);
    impls.push({ expr: (x) => `${ptr ? '&' : ''}${x.q(d, tn)}{}`, tag: tn });
    if (g.r.chance(0.5)) {
      // Promoted through 1 or 2 levels of embedding (pointer-embedded sometimes).
      const w1 = g.n('Wrap');
      const pe = g.r.chance(0.4);
      f.add(`type ${w1} struct{ ${pe ? `*${tn}` : tn} }`, '');
      let mk = (x: GoFile) => `${x.q(d, w1)}{${tn}: ${pe ? `&${x.q(d, tn)}{}` : `${x.q(d, tn)}{}`}}`;
      if (g.r.chance(0.4)) {
        const w2 = g.n('Outer');
        f.add(`type ${w2} struct {`, '\tn int', `\t${w1}`, '}', '');
        const inner = mk;
        mk = (x) => `${x.q(d, w2)}{${w1}: ${inner(x)}}`;
      }
      const needPtr = ptr && !pe;
      impls.push({ expr: (x) => (needPtr ? `&${mk(x)}` : mk(x)), tag: tn });
    }
    if (other) {
      const o = other;
      if (!embedStd && !embedLib) impls.push({ expr: (x) => `${o.ptr ? '&' : ''}${x.q(o.pkg, o.name)}{}`, tag: o.tag });
    }
    f.add(`var _ ${iname} = ${impls[0].expr(f)}`, '');
    // A user in pkg u: through the named interface, or an anonymous one.
    const uf = u === d ? f : g.file(u, 'u');
    const use = g.n('Use');
    const anon = g.r.chance(0.35);
    const it = anon ? `interface{ ${m}(${uf.params(sig, false)}) string }` : uf.q(d, iname);
    uf.add(`func ${use}(x ${it}, ${uf.params(sig)}) string {`, `\treturn "${use}<" + x.${m}(${uf.fwd(sig)}) + ">"`, '}', '');
    const t = g.cur.test;
    for (const im of impls) {
      const a = testArgs(g.r, sig, true);
      g.check(`${use} ${im.tag}`, `${t.q(u, use)}(${im.expr(t)}, ${a.text})`, `${use}<${J(im.tag, a.vals)}>`);
      // Through a variable of the interface type, and a method value of the interface.
      const b = testArgs(g.r, sig);
      const v = `iv${g.cur.id}_${impls.indexOf(im)}`;
      g.cur.checks.push(`var ${v} ${t.q(d, iname)} = ${im.expr(t)}`);
      g.check(`iface call ${im.tag}`, `${v}.${m}(${b.text})`, J(im.tag, b.vals));
      if (g.r.chance(0.4)) {
        const c = testArgs(g.r, sig);
        g.check(`iface method expr ${im.tag}`, `${t.q(d, iname)}.${m}(${v}, ${c.text})`, J(im.tag, c.vals));
      }
      if (g.r.chance(0.4)) {
        // Assertion to an anonymous interface from any.
        const c = testArgs(g.r, sig);
        const w = `av${g.cur.id}_${impls.indexOf(im)}`;
        g.cur.checks.push(`var ${w} any = ${v}`);
        g.check(`assert anon iface ${im.tag}`, `${w}.(interface{ ${m}(${t.params(sig, false)}) string }).${m}(${c.text})`, J(im.tag, c.vals));
      }
    }
    // Embedding interface.
    if (g.r.chance(0.4)) {
      const e = g.n('Big');
      f.add(`type ${e} interface {`, `\t${iname}`, '}', '');
      const a = testArgs(g.r, sig);
      g.cur.checks.push(`var big${g.cur.id} ${t.q(d, e)} = ${impls[0].expr(t)}`);
      g.check('embedded iface call', `big${g.cur.id}.${m}(${a.text})`, J(impls[0].tag, a.vals));
    }
  },

  // Same-named methods at different depths: the shallowest wins.
  promote(g) {
    const [d] = g.place();
    const f = g.file(d);
    const m = g.r.pick(METHOD_NAMES);
    const deep = g.n('Deep');
    const inner = g.n('Inner');
    const shal = g.n('Shallow');
    const s = g.n('S');
    const ctxDeep = g.r.chance(0.5);
    const sigC = randSig(g.r, { variadic: false });
    const nS = sigC.length; // the plain one has the same arity
    const sigP = sigOf(Array.from({ length: nS }, () => 's' as Kind));
    const [sd, ss] = ctxDeep ? [sigC, sigP] : [sigP, sigC];
    f.add(`type ${inner} struct{}`, '', `func (${inner}) ${m}(${f.params(sd)}) string {`, `\t${f.ret(inner, sd)}`, '}', '');
    f.add(`type ${deep} struct{ ${inner} }`, '');
    f.add(`type ${shal} struct{}`, '', `func (*${shal}) ${m}(${f.params(ss)}) string {`, `\t${f.ret(shal, ss)}`, '}', '');
    const order = g.r.chance(0.5);
    f.add(`type ${s} struct {`, order ? `\t${deep}\n\t*${shal}` : `\t*${shal}\n\t${deep}`, '}', '');
    const t = g.cur.test;
    const S = t.q(d, s);
    const mk = `${S}{${shal}: &${t.q(d, shal)}{}}`;
    let a = testArgs(g.r, ss, true);
    g.check('shallow', `${mk}.${m}(${a.text})`, J(shal, a.vals));
    a = testArgs(g.r, sd);
    g.check('deep explicit', `${mk}.${deep}.${m}(${a.text})`, J(inner, a.vals));
    a = testArgs(g.r, ss);
    g.cur.checks.push(`pv${g.cur.id} := ${mk}.${m}`);
    g.check('promoted method value', `pv${g.cur.id}(${a.text})`, J(shal, a.vals));
    if (ss === sigC) g.addSource({ pkg: d, sig: ss, tag: shal, what: 'promoted method value', expr: (x) => `(&${x.q(d, s)}{${shal}: &${x.q(d, shal)}{}}).${m}` });
    else g.addSource({ pkg: d, sig: sd, tag: inner, what: 'deep method value', expr: (x) => `${x.q(d, s)}{}.${deep}.${m}` });
    // An interface that the outer type satisfies through the shallow method.
    if (g.r.chance(0.5)) {
      const i = g.n('PI');
      f.add(`type ${i} interface{ ${m}(${f.params(ss, false)}) string }`, '', `var _ ${i} = ${s}{}`, '');
      a = testArgs(g.r, ss);
      g.cur.checks.push(`var pi${g.cur.id} ${t.q(d, i)} = ${mk}`);
      g.check('promoted via iface', `pi${g.cur.id}.${m}(${a.text})`, J(shal, a.vals));
    }
  },

  // Func values flowing into func types: named, unnamed, generic; through assignment, argument,
  // return, composite literals (slice, map, struct field), channels.
  functype(g) {
    const [d, u] = g.place();
    const f = g.file(d);
    const src = g.source(d);
    let sig: Sig;
    let tag: string;
    let expr: (x: GoFile) => string;
    if (src) {
      sig = src.sig;
      tag = src.tag;
      expr = (x) => src.expr(x)!;
    } else {
      sig = randSig(g.r);
      tag = g.n('lit');
      const s = sig;
      expr = (x) => `func(${x.params(s)}) string { ${x.ret(tag, s)} }`;
    }
    const h = g.n('H');
    const generic = !sig.some((p) => p.kind === 'v') && g.r.chance(0.25);
    // Generic: type H[T any] func(<T in place of the strings>) string, instantiated with string.
    if (generic) {
      f.add(`type ${h}[T any] func(${sig.map((p) => `${p.name} ${p.kind === 's' ? 'T' : f.C}`).join(', ')}) string`, '');
    } else {
      f.add(`type ${h} func(${f.params(sig, g.r.chance(0.5))}) string`, '');
    }
    const H = (x: GoFile) => `${x.q(d, h)}${generic ? '[string]' : ''}`;
    const uf = u === d ? f : g.file(u, 'u');
    const modes = g.r.shuffle(['var', 'arg', 'ret', 'slice', 'map', 'field', 'chan', 'unnamed', 'promfield']).slice(0, 1 + g.r.int(3));
    const t = g.cur.test;
    for (const mode of modes) {
      const k = `${g.cur.id}${mode}`;
      const a = testArgs(g.r, sig, true);
      const want = J(tag, a.vals);
      switch (mode) {
        case 'var': {
          const v = `V${k}`;
          uf.add(`var ${v} ${H(uf)} = ${expr(uf)}`, '');
          g.check('var', `${t.q(u, v)}(${a.text})`, want);
          break;
        }
        case 'arg': {
          const fn = `Apply${k}`;
          f.add(`func ${fn}(h ${H(f)}, ${f.params(sig)}) string { return "${fn}<" + h(${f.fwd(sig)}) + ">" }`, '');
          uf.add(`func Use${k}(${uf.params(sig)}) string { return ${uf.q(d, fn)}(${expr(uf)}, ${uf.fwd(sig)}) }`, '');
          g.check('arg', `${t.q(u, `Use${k}`)}(${a.text})`, `${fn}<${want}>`);
          break;
        }
        case 'ret': {
          uf.add(`func Mk${k}() ${H(uf)} { return ${expr(uf)} }`, '');
          g.check('ret', `${t.q(u, `Mk${k}`)}()(${a.text})`, want);
          break;
        }
        case 'slice': {
          uf.add(`var L${k} = []${H(uf)}{${expr(uf)}}`, '');
          g.check('slice', `${t.q(u, `L${k}`)}[0](${a.text})`, want);
          break;
        }
        case 'map': {
          uf.add(`var M${k} = map[string]func(${uf.params(sig, false)}) string{"k": ${expr(uf)}}`, '');
          g.check('map', `${t.q(u, `M${k}`)}["k"](${a.text})`, want);
          break;
        }
        case 'field': {
          f.add(`type R${k} struct {`, `\tName string`, `\tFn   ${H(f)}`, '}', '');
          uf.add(`func NewR${k}() *${uf.q(d, `R${k}`)} { return &${uf.q(d, `R${k}`)}{Name: "r", Fn: ${expr(uf)}} }`, '');
          g.check('field', `${t.q(u, `NewR${k}`)}().Fn(${a.text})`, want);
          break;
        }
        case 'promfield': {
          // A func-typed field promoted from an embedded struct, called through the outer one.
          f.add(`type In${k} struct{ Fn ${H(f)} }`, '', `type Out${k} struct {`, '\tN int', `\tIn${k}`, '}', '');
          uf.add(`func NewOut${k}() ${uf.q(d, `Out${k}`)} { return ${uf.q(d, `Out${k}`)}{In${k}: ${uf.q(d, `In${k}`)}{Fn: ${expr(uf)}}} }`, '');
          g.check('promoted field', `${t.q(u, `NewOut${k}`)}().Fn(${a.text})`, want);
          break;
        }
        case 'chan': {
          uf.add(`func Ch${k}() ${H(uf)} {`, `\tch := make(chan ${H(uf)}, 1)`, `\tch <- ${expr(uf)}`, '\treturn <-ch', '}', '');
          g.check('chan', `${t.q(u, `Ch${k}`)}()(${a.text})`, want);
          break;
        }
        case 'unnamed': {
          // An unnamed func type nested in a parameter: a slice of funcs.
          uf.add(`func All${k}(hs []func(${uf.params(sig, false)}) string, ${uf.params(sig)}) string {`, '\tout := ""', `\tfor _, h := range hs {`, `\t\tout += h(${uf.fwd(sig)})`, '\t}', '\treturn out', '}', '');
          uf.add(`func CallAll${k}(${uf.params(sig)}) string { return All${k}([]func(${uf.params(sig, false)}) string{${expr(uf)}, ${expr(uf)}}, ${uf.fwd(sig)}) }`, '');
          g.check('unnamed', `${t.q(u, `CallAll${k}`)}(${a.text})`, want + want);
          break;
        }
      }
    }
  },

  // A func value stored in an interface (any, map[string]any) and read back by a type assertion or a type switch;
  // or a value with a method, read back by a type switch on anonymous interfaces.
  anyassert(g) {
    const [d, u] = g.place();
    const typed = g.types.filter((x) => x.pkg <= d && x.feature !== g.cur.id);
    if (typed.length && g.r.chance(0.4) && !g.avoid.has('switch-anon-iface')) {
      const o = g.r.pick(typed);
      g.cur.deps.add(o.feature);
      const f = g.file(d);
      const k = g.n('Boxed');
      f.add(`var ${k} any = ${o.ptr ? '&' : ''}${f.q(o.pkg, o.name)}{}`, '');
      const uf = u === d ? f : g.file(u, 'u');
      const fn = g.n('Which');
      const swap = ctxFirst(o.sig);
      const pairs = [[`\tcase interface{ ${o.method}(${uf.params(o.sig, false)}) string }:`, `\t\treturn "orig:" + x.${o.method}(${uf.fwd(o.sig)})`]];
      if (sigKey(swap) !== sigKey(o.sig)) pairs.push([`\tcase interface{ ${o.method}(${uf.params(swap, false)}) string }:`, `\t\treturn "first:" + x.${o.method}(${uf.fwd(swap)})`]);
      if (g.r.chance(0.5)) pairs.reverse();
      uf.add(`func ${fn}(${uf.params(o.sig)}) string {`, `\tswitch x := ${uf.q(d, k)}.(type) {`, ...pairs.flat(), '\t}', '\treturn "none"', '}', '');
      const a = testArgs(g.r, o.sig);
      g.check('iface switch', `${g.cur.test.q(u, fn)}(${a.text})`, `orig:${J(o.tag, a.vals)}`);
      return;
    }
    const f = g.file(d);
    const src = g.source(d);
    const sig = src?.sig ?? randSig(g.r);
    const tag = src?.tag ?? g.n('Hd');
    if (!src) f.add(`func ${tag}(${f.params(sig)}) string {`, `\t${f.ret(tag, sig)}`, '}', '');
    const e = (x: GoFile) => (src ? src.expr(x)! : x.q(d, tag));
    const uf = u === d ? f : g.file(u, 'u');
    const store = g.r.pick(['var', 'map', 'slice']);
    const k = g.n('Store');
    const read = store === 'var' ? `${k}` : store === 'map' ? `${k}["h"]` : `${k}[1]`;
    if (store === 'var') f.add(`var ${k} any = ${e(f)}`, '');
    else if (store === 'map') f.add(`var ${k} = map[string]any{"h": ${e(f)}, "n": 3}`, '');
    else f.add(`var ${k} = []any{1, ${e(f)}}`, '');
    const R = uf.q(d, read); // Store<id>, Store<id>["h"] or Store<id>[1], qualified from uf
    const fn = g.n('Dispatch');
    const swap = ctxFirst(sig);
    const same = sigKey(swap) === sigKey(sig);
    if (g.r.chance(0.5)) {
      uf.add(`func ${fn}(${uf.params(sig)}) string {`, `\tif h, ok := ${R}.(func(${uf.params(sig, g.r.chance(0.5))}) string); ok {`, `\t\treturn "hit:" + h(${uf.fwd(sig)})`, '\t}', '\treturn "miss"', '}', '');
      const a = testArgs(g.r, sig);
      g.check('assert', `${g.cur.test.q(u, fn)}(${a.text})`, `hit:${J(tag, a.vals)}`);
    } else {
      // A type switch with the original shape, the context-first shape and an anonymous interface.
      const cases = [`\tcase func(${uf.params(sig, false)}) string:`, `\t\treturn "orig:" + h(${uf.fwd(sig)})`];
      if (!same) cases.push(`\tcase func(${uf.params(swap, false)}) string:`, `\t\treturn "first:" + h(${uf.fwd(swap)})`);
      const ifc = [`\tcase interface{ Error() string }:`, `\t\treturn "iface"`];
      const body = g.r.chance(0.5) ? [...ifc, ...cases] : [...cases, ...ifc];
      uf.add(`func ${fn}(${uf.params(sig)}) string {`, `\tswitch h := ${R}.(type) {`, ...body, '\tcase int:', '\t\treturn "int"', '\t}', '\treturn "none"', '}', '');
      const a = testArgs(g.r, sig);
      g.check('switch', `${g.cur.test.q(u, fn)}(${a.text})`, `orig:${J(tag, a.vals)}`);
    }
  },

  // Generic functions: Must (a generic result pins), Map over a slice with a func taking a context.
  generic(g) {
    const [d, u] = g.place();
    const f = g.file(d);
    const must = g.n('Must');
    f.add(`func ${must}[T any](v T, err error) T {`, '\tif err != nil {', '\t\tpanic(err)', '\t}', '\treturn v', '}', '');
    const src = g.source(d);
    const sig = src?.sig ?? randSig(g.r, { variadic: false });
    const tag = src?.tag ?? g.n('Gv');
    if (!src) f.add(`func ${tag}(${f.params(sig)}) string {`, `\t${f.ret(tag, sig)}`, '}', '');
    const e = (x: GoFile) => (src ? src.expr(x)! : x.q(d, tag));
    const uf = u === d ? f : g.file(u, 'u');
    const mk = g.n('MkG');
    uf.add(`func ${mk}() (func(${uf.params(sig, false)}) string, error) { return ${e(uf)}, nil }`, '');
    const t = g.cur.test;
    const a = testArgs(g.r, sig);
    g.check('Must', `${t.q(d, must)}(${t.q(u, mk)}())(${a.text})`, J(tag, a.vals));
    // Map[T]: a generic function whose callback takes a context after the element.
    const map = g.n('Map');
    f.add(`func ${map}[T any](xs []T, ctx ${f.C}, fn func(x T, ctx ${f.C}) string) []string {`, '\tvar out []string', '\tfor _, x := range xs {', '\t\tout = append(out, fn(x, ctx))', '\t}', '\treturn out', '}', '');
    const el = g.n('El');
    f.add(`func ${el}(x int, ctx ${f.C}) string { return ${f.kv}.J("${el}", string(rune('0'+x)), ${f.kv}.V(ctx)) }`, '');
    t.imp('strings');
    g.check('Map', `strings.Join(${t.q(d, map)}([]int{1, 2}, ctx1, ${t.q(d, el)}), ";")`, `${el}(1,k1);${el}(2,k1)`);
    if (g.r.chance(0.5)) {
      g.check('Map explicit', `strings.Join(${t.q(d, map)}[int]([]int{3}, ctx2, func(x int, c ${t.C}) string { return kv.V(c) }), ";")`, 'k2');
    }
  },

  // Range-over-func iterators whose yield takes a context; a visitor callback.
  rangefunc(g) {
    const [d, u] = g.place();
    const f = g.file(d);
    const seq = g.n('Seq');
    const useIter = g.r.chance(0.5);
    // The yielded pair: (string, context) — the range variables are bound to yield's parameter order —
    // or already (context, string).
    const ctxAfter = g.r.chance(0.5) && !g.avoid.has('yield-ctx-after');
    const pair = (x: GoFile) => (ctxAfter ? ['string', x.C] : [x.C, 'string']);
    const yt = useIter ? (f.imp('iter'), `iter.Seq2[${pair(f).join(', ')}]`) : `func(yield func(${pair(f).join(', ')}) bool)`;
    const [yn1, yn2, ya] = ctxAfter ? ['s', 'c', 'prefix+x, ctx'] : ['c', 's', 'ctx, prefix+x'];
    f.add(`func ${seq}(prefix string, ctx ${f.C}) ${yt} {`, `\treturn func(yield func(${yn1} ${pair(f)[0]}, ${yn2} ${pair(f)[1]}) bool) {`, '\t\tfor _, x := range []string{"1", "2"} {', `\t\t\tif !yield(${ya}) {`, '\t\t\t\treturn', '\t\t\t}', '\t\t}', '\t}', '}', '');
    const uf = u === d ? f : g.file(u, 'u');
    const col = g.n('Collect');
    uf.add(`func ${col}(p string, ctx ${uf.C}) string {`, '\tout := ""', `\tfor ${yn1}, ${yn2} := range ${uf.q(d, seq)}(p, ctx) {`, `\t\tout += s + ":" + ${uf.kv}.V(c) + ";"`, '\t}', '\treturn out', '}', '');
    const t = g.cur.test;
    g.check('range', `${t.q(u, col)}("p", ctx1)`, 'p1:k1;p2:k1;');
    // A visitor: the callback's context comes after the string.
    const walk = g.n('Walk');
    f.add(`func ${walk}(root string, ctx ${f.C}, visit func(path string, ctx ${f.C})) {`, '\tfor _, x := range []string{"x", "y"} {', '\t\tvisit(root+"/"+x, ctx)', '\t}', '}', '');
    g.cur.checks.push(`w${g.cur.id} := ""`, `${t.q(d, walk)}("r", ctx2, func(p string, c ${t.C}) { w${g.cur.id} += p + "@" + kv.V(c) + ";" })`);
    g.check('walk', `w${g.cur.id}`, 'r/x@k2;r/y@k2;');
  },

  // Types declared in a function body that shadow package-level ones of the same name.
  localtype(g) {
    const [d] = g.place();
    const f = g.file(d);
    const h = g.n('LH');
    const sig = randSig(g.r, { variadic: false });
    const swap = ctxFirst(sig);
    f.add(`type ${h} func(${f.params(sig)}) string`, '');
    const top = g.n('TopUse');
    f.add(`func ${top}(${f.params(sig)}) string {`, `\tvar fn ${h} = func(${f.params(sig)}) string { ${f.ret('top', sig)} }`, `\treturn fn(${f.fwd(sig)})`, '}', '');
    const loc = g.n('LocalUse');
    // The local type has the context-first order already: it must not be confused with the package-level one.
    f.add(`func ${loc}(${f.params(sig)}) string {`, `\ttype ${h} func(${f.params(swap)}) string`, `\tvar fn ${h} = func(${f.params(swap)}) string { ${f.ret('loc', swap)} }`, `\treturn fn(${f.fwd(swap)})`, '}', '');
    const li = g.n('LI');
    const m = g.r.pick(METHOD_NAMES);
    f.add(`type ${li} interface{ ${m}(${f.params(sig, false)}) string }`, '');
    const lt = g.n('LT');
    f.add(`type ${lt} struct{}`, '', `func (${lt}) ${m}(${f.params(sig)}) string { ${f.ret(lt, sig)} }`, '');
    const ls = g.n('LocalIface');
    f.add(`func ${ls}(${f.params(sig)}) string {`, `\ttype ${li} interface{ ${m}(${f.params(sig, false)}) string }`, `\tvar x ${li} = ${lt}{}`, `\treturn x.${m}(${f.fwd(sig)})`, '}', '');
    const t = g.cur.test;
    let a = testArgs(g.r, sig);
    g.check('top', `${t.q(d, top)}(${a.text})`, J('top', a.vals));
    a = testArgs(g.r, sig);
    const swapVals = swap.map((p) => a.vals[sig.indexOf(p)]);
    g.check('local', `${t.q(d, loc)}(${a.text})`, J('loc', swapVals));
    a = testArgs(g.r, sig);
    g.check('local iface', `${t.q(d, ls)}(${a.text})`, J(lt, a.vals));
    g.cur.checks.push(`var li${g.cur.id} ${t.q(d, li)} = ${t.q(d, lt)}{}`);
    a = testArgs(g.r, sig);
    g.check('pkg iface', `li${g.cur.id}.${m}(${a.text})`, J(lt, a.vals));
  },

  // Closures run by go / defer / on the spot that capture ctx (ctx-closure's work), synchronised.
  closure(g) {
    const [d] = g.place();
    const f = g.file(d);
    f.imp('sync');
    const sig = randSig(g.r, { variadic: false });
    const c = g.n('Conc');
    const cp = sig.find((p) => p.kind === 'c')!.name;
    const sp = sig.find((p) => p.kind === 's')!.name;
    f.add(
      `func ${c}(${f.params(sig)}) (res string) {`,
      '\tvar wg sync.WaitGroup',
      '\tvar mu sync.Mutex',
      '\tparts := make([]string, 2)',
      '\tfor i := range 2 {',
      '\t\twg.Add(1)',
      '\t\tgo func() {',
      '\t\t\tdefer wg.Done()',
      '\t\t\tmu.Lock()',
      '\t\t\tdefer mu.Unlock()',
      `\t\t\tparts[i] = ${f.kv}.V(${cp}) + ${sp}`,
      '\t\t}()',
      '\t}',
      '\twg.Wait()',
      `\tdefer func() { res += "|" + ${f.kv}.V(${cp}) }()`,
      `\tnow := func() string { return ${f.kv}.V(${cp}) }()`,
      `\t${f.ret(c, sig).replace('return ', 'return parts[0] + parts[1] + now + ')}`,
      '}',
      '',
    );
    const t = g.cur.test;
    const a = testArgs(g.r, sig);
    const cv = a.vals[sig.findIndex((p) => p.name === cp)];
    const sv = a.vals[sig.findIndex((p) => p.name === sp)];
    g.check('closures', `${t.q(d, c)}(${a.text})`, `${cv}${sv}${cv}${sv}${cv}${J(c, a.vals)}|${cv}`);
  },

  // The same function behind build tags (windows / not windows).
  buildtags(g) {
    const [d] = g.place();
    const sig = randSig(g.r);
    const name = g.n('Plat');
    for (const [suffix, build] of [['_windows', ''], ['_other', '//go:build !windows']]) {
      const f = g.file(d, suffix);
      f.build = build;
      f.add(`func ${name}(${f.params(sig)}) string {`, `\t${f.ret(name, sig)}`, '}', '');
    }
    g.addSource({ pkg: d, sig, tag: name, what: 'build-tagged func', expr: (x) => x.q(d, name) });
    const t = g.cur.test;
    const a = testArgs(g.r, sig, true);
    g.check('plat', `${t.q(d, name)}(${a.text})`, J(name, a.vals));
  },

  // go and defer statements calling functions whose context is not first.
  stmts(g) {
    const [d, u] = g.place();
    const f = g.file(d);
    f.imp('sync');
    const w = g.n('Work');
    const tl = g.n('Tail');
    f.add(`func ${w}(wg *sync.WaitGroup, mu *sync.Mutex, out *string, a string, ctx ${f.C}) {`, '\tdefer wg.Done()', '\tmu.Lock()', '\tdefer mu.Unlock()', `\t*out += ${f.kv}.J("${w}", a, ${f.kv}.V(ctx))`, '}', '');
    f.add(`func ${tl}(out *string, a string, ctx ${f.C}) { *out += "|" + ${f.kv}.V(ctx) + a }`, '');
    const uf = u === d ? f : g.file(u, 'u');
    uf.imp('sync');
    const st = g.n('Stmt');
    uf.add(`func ${st}(a string, ctx ${uf.C}) (res string) {`, '\tvar wg sync.WaitGroup', '\tvar mu sync.Mutex', '\twg.Add(1)', `\tgo ${uf.q(d, w)}(&wg, &mu, &res, a, ctx)`, '\twg.Wait()', `\tdefer ${uf.q(d, tl)}(&res, a, ctx)`, '\treturn res', '}', '');
    g.check('go/defer', `${g.cur.test.q(u, st)}("a", ctx1)`, `${w}(a,k1)|k1a`);
  },

  // Func values through multiple results and tuple assignments, and an interface's method value into a func type.
  values(g) {
    const [d, u] = g.place();
    const f = g.file(d);
    const src = g.source(d);
    const sig = src?.sig ?? randSig(g.r);
    const tag = src?.tag ?? g.n('lit');
    const e = (x: GoFile) => src?.expr(x) ?? `func(${x.params(sig)}) string { ${x.ret(tag, sig)} }`;
    const h = g.n('HV');
    f.add(`type ${h} func(${f.params(sig)}) string`, '');
    const lt = g.n('Lit');
    f.add(`func ${g.n('Pair')}() (${h}, func(${f.params(sig, false)}) string) {`, `\treturn ${e(f)}, func(${f.params(sig)}) string { ${f.ret(lt, sig)} }`, '}', '');
    const uf = u === d ? f : g.file(u, 'u');
    const va = g.n('VA');
    const vb = g.n('VB');
    uf.add(`var ${va}, ${vb} = ${uf.q(d, g.n('Pair'))}()`, '');
    const t = g.cur.test;
    let a = testArgs(g.r, sig);
    g.check('tuple first', `${t.q(u, va)}(${a.text})`, J(tag, a.vals));
    a = testArgs(g.r, sig);
    g.check('tuple second', `${t.q(u, vb)}(${a.text})`, J(lt, a.vals));
    // Swap through a tuple assignment.
    g.cur.checks.push(`x${g.cur.id}, y${g.cur.id} := ${t.q(u, va)}, ${t.q(u, vb)}`, `x${g.cur.id}, y${g.cur.id} = y${g.cur.id}, x${g.cur.id}`);
    a = testArgs(g.r, sig);
    g.check('tuple swapped', `x${g.cur.id}(${a.text}) + y${g.cur.id}(${a.text})`, J(lt, a.vals) + J(tag, a.vals));
    // An interface method value stored as the named func type.
    const m = g.r.pick(METHOD_NAMES);
    const iv = g.n('IV');
    const ty = g.n('TV');
    f.add(`type ${iv} interface{ ${m}(${f.params(sig, false)}) string }`, '', `type ${ty} struct{}`, '', `func (${ty}) ${m}(${f.params(sig)}) string { ${f.ret(ty, sig)} }`, '');
    uf.add(`func ${g.n('FromIface')}(x ${uf.q(d, iv)}) ${uf.q(d, h)} { return x.${m} }`, '');
    a = testArgs(g.r, sig);
    g.check('iface method value', `${t.q(u, g.n('FromIface'))}(${t.q(d, ty)}{})(${a.text})`, J(ty, a.vals));
  },

  // Methods of a generic type, instantiated, called, as method values, and satisfying an interface.
  gentype(g) {
    const [d, u] = g.place();
    const f = g.file(d);
    const b = g.n('Box');
    const m = g.r.pick(METHOD_NAMES);
    const sig = randSig(g.r, { variadic: false });
    f.add(`type ${b}[T any] struct{ v T }`, '', `func (x ${b}[T]) ${m}(${f.params(sig)}) string {`, '\t_ = x.v', `\t${f.ret(b, sig)}`, '}', '');
    const i = g.n('BI');
    f.add(`type ${i} interface{ ${m}(${f.params(sig, false)}) string }`, '', `var _ ${i} = ${b}[int]{}`, '');
    const uf = u === d ? f : g.file(u, 'u');
    const use = g.n('UseBox');
    uf.add(`func ${use}(x ${uf.q(d, i)}, ${uf.params(sig)}) string { return x.${m}(${uf.fwd(sig)}) }`, '');
    const t = g.cur.test;
    let a = testArgs(g.r, sig, true);
    g.check('generic method', `${t.q(d, b)}[string]{}.${m}(${a.text})`, J(b, a.vals));
    a = testArgs(g.r, sig);
    g.check('generic via iface', `${t.q(u, use)}(${t.q(d, b)}[int]{}, ${a.text})`, J(b, a.vals));
    a = testArgs(g.r, sig);
    g.cur.checks.push(`gm${g.cur.id} := ${t.q(d, b)}[bool]{}.${m}`);
    g.check('generic method value', `gm${g.cur.id}(${a.text})`, J(b, a.vals));
    g.addSource({ pkg: d, sig, tag: b, what: 'generic method value', expr: (x) => `${x.q(d, b)}[int]{}.${m}` });
  },

  // Another module: its interface implemented here, its func type fed from here, its method value
  // stored in our func type, its struct embedded, its interface embedded in ours.
  foreign(g) {
    const [d] = g.place();
    const f = g.file(d);
    const t = g.cur.test;
    const sig = sigOf(['s', 'c']);
    const impl = g.n('LibImpl');
    f.add(`type ${impl} struct{}`, '', `func (${impl}) Do(a string, ctx ${f.C}) string { ${f.ret(impl, sig)} }`, '');
    g.types.push({ feature: g.cur.id, pkg: d, name: impl, ptr: false, method: 'Do', sig, tag: impl });
    let mode = g.r.pick(['run', 'apply', 'mv', 'embed', 'iface']);
    if (mode === 'run' && g.avoid.has('foreign-arg')) mode = 'embed';
    const a = testArgs(g.r, sig);
    const T = (n: string) => t.q(d, n);
    switch (mode) {
      case 'run': {
        g.check('lib.Run', `${t.lib}.Run(${T(impl)}{}, ${a.text})`, `lib.Run<${J(impl, a.vals)}>`);
        break;
      }
      case 'apply': {
        const fn = g.n('ToLib');
        f.add(`func ${fn}(a string, ctx ${f.C}) string { ${f.ret(fn, sig)} }`, '');
        g.check('lib.Apply', `${t.lib}.Apply(${T(fn)}, ${a.text})`, `lib.Apply<${J(fn, a.vals)}>`);
        break;
      }
      case 'mv': {
        const h = g.n('GreetFn');
        f.add(`type ${h} func(a string, ctx ${f.C}) string`, '', `func Pick${g.cur.id}() ${h} { return (&${f.lib}.Greeter{P: "!"}).Greet }`, '');
        g.check('foreign method value', `${T(`Pick${g.cur.id}`)}()(${a.text})`, `lib.Greet!(${a.vals.join(',')})`);
        break;
      }
      case 'embed': {
        const s = g.n('Emb');
        f.add(`type ${s} struct{ *${f.lib}.Greeter }`, '');
        g.check('promoted foreign', `${T(s)}{Greeter: &${t.lib}.Greeter{P: "?"}}.Greet(${a.text})`, `lib.Greet?(${a.vals.join(',')})`);
        break;
      }
      case 'iface': {
        const i = g.n('LibIface');
        f.add(`type ${i} interface {`, `\t${f.lib}.Doer`, `\tMore(a string, ctx ${f.C}) string`, '}', '', `func (${impl}) More(a string, ctx ${f.C}) string { ${f.ret('More', sig)} }`, '');
        g.cur.checks.push(`var li${g.cur.id} ${T(i)} = ${T(impl)}{}`);
        g.check('iface embeds foreign: Do', `li${g.cur.id}.Do(${a.text})`, J(impl, a.vals));
        const b = testArgs(g.r, sig);
        g.check('iface embeds foreign: More', `li${g.cur.id}.More(${b.text})`, J('More', b.vals));
        break;
      }
    }
  },
};

// ---------------------------------------------------------------------------------------------
// Runs


/** Which goshift run a module gets: ctx-first alone (most), or the default set (ctx-first + ctx-closure). */
export type TransformSet = 'ctx-first' | 'default';

export function transformFor(seed: number, index: number): TransformSet {
  return (seedOf(seed, index) >>> 8) % 10 < 3 ? 'default' : 'ctx-first';
}

/**
 * What failed. new-match is not a finding: the oracle saw a type start to implement an interface (or
 * match an asserted type) it did not before, which moving every context first does by itself to two
 * signatures that differed only in where the context was (`Do(a string, ctx C, b string)` and
 * `Do(a, b string, ctx C)`). The oracle compares every stored type with every asserted one, reachable
 * or not; a new match matters only where a value reaches that switch or assertion, and the generated
 * tests record the branch of every one they reach. A lost match (true → false) stays a finding.
 */
export type SemKind = 'goshift-error' | 'vet' | 'test' | 'gofmt' | 'oracle' | 'not-idempotent' | 'new-match';
export const isFinding = (k: SemKind) => k !== 'new-match';

export interface ModuleOutcome {
  index: number;
  /** Why the generated module is not valid Go before any rewrite (a generator bug), or null. */
  invalid: string | null;
  changed: boolean;
  /** `left alone:` lines goshift printed for it. */
  leftAlone: number;
  kinds: SemKind[];
  /** What failed, per kind (output lines that name this module). */
  details: string[];
  stderr: string;
}

const CLI = fileURLToPath(new URL('../bin/goshift.js', import.meta.url));

function writeModule(root: string, m: GenModule): void {
  for (const [rel, text] of m.files) {
    const p = path.join(root, m.name, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
  }
}

function writeWork(root: string, names: string[]): void {
  fs.writeFileSync(path.join(root, 'go.work'), `go 1.23\n\nuse (\n${names.map((n) => `\t./${n}\n`).join('')})\n`);
}

/** The module a line of go/gofmt/oracle/goshift output is about (gen<N>/... or example.com/gen<N> or lib<N>), or null. */
function moduleOfLine(line: string): number | null {
  const m = /(?:^|[\s/(])(?:gen|lib)(\d+)(?=[/\s:.]|$)/.exec(line);
  return m ? Number(m[1]) : null;
}

/** Lines of out attributed to modules; lines naming no module are attributed to the one named last before them. */
function byModule(out: string): { per: Map<number, string[]>; loose: string[] } {
  const per = new Map<number, string[]>();
  const loose: string[] = [];
  let last: number | null = null;
  for (const line of out.split('\n')) {
    // go test's lines for packages that passed or have no tests, and its final FAIL, are about no failure.
    if (!line.trim() || /^(ok|\?)\s+\S/.test(line) || /^(FAIL|PASS)$/.test(line)) continue;
    const m = moduleOfLine(line);
    if (m !== null) last = m;
    if (last === null) loose.push(line);
    else (per.get(last) ?? per.set(last, []).get(last)!).push(line);
  }
  return { per, loose };
}

function files(dir: string, rel = ''): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...files(path.join(dir, e.name), r));
    else out.push(r);
  }
  return out.sort();
}

function sameTree(a: string, b: string): boolean {
  const fa = files(a);
  const fb = files(b);
  return fa.length === fb.length && fa.every((f, i) => f === fb[i] && fs.readFileSync(path.join(a, f)).equals(fs.readFileSync(path.join(b, f))));
}

/** go vet for linux, windows and darwin (at once) and go test, in the workspace at dir. */
async function goChecks(dir: string, names: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ kind: 'vet' | 'test'; label: string; r: RunResult }[]> {
  const pats = names.map((n) => `./${n}/...`);
  const vets = await Promise.all(
    ['linux', 'windows', 'darwin'].map((goos) => run('go', ['vet', ...pats], { cwd: dir, env: { ...env, GOOS: goos }, timeoutMs })),
  );
  const test = await run('go', ['test', ...pats], { cwd: dir, env, timeoutMs });
  return [...vets.map((r, i) => ({ kind: 'vet' as const, label: `go vet (GOOS=${['linux', 'windows', 'darwin'][i]})`, r })), { kind: 'test' as const, label: 'go test', r: test }];
}

function failText(r: RunResult): string {
  return r.timedOut ? `timed out after ${r.ms} ms\n${r.stdout}${r.stderr}` : `${r.stdout}\n${r.stderr}`;
}

export interface SetOptions {
  seed: number;
  timeoutMs?: number;
  /** Override the transform set of every module. */
  transform?: TransformSet;
  /** Another CLI script to run instead of goshift (the test checks that a wrong rewrite is caught). */
  cli?: string;
}

/**
 * Generates nothing: runs the whole check on the given modules together, as one go.work workspace
 * in work/in (input) and work/out (rewritten): validity before, goshift, then vet/test/gofmt/oracle/
 * second run on every module goshift changed. Returns one outcome per module.
 */
export async function runSet(work: string, mods: GenModule[], opts: SetOptions): Promise<ModuleOutcome[]> {
  const timeoutMs = opts.timeoutMs ?? 5 * 60_000;
  const cli = opts.cli ?? CLI;
  const inDir = path.join(work, 'in');
  const outDir = path.join(work, 'out');
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(inDir, { recursive: true });
  const res = new Map<number, ModuleOutcome>(mods.map((m) => [m.index, { index: m.index, invalid: null, changed: false, leftAlone: 0, kinds: [], details: [], stderr: '' }]));
  for (const m of mods) writeModule(inDir, m);
  // gofmt the generated code: the generator need not care about layout.
  await run('gofmt', ['-w', '.'], { cwd: inDir, timeoutMs });
  // 1. The input must be valid: vet x3 and test. Failures name their modules; drop them and check the rest again.
  let valid = mods.map((m) => m.name);
  const envFor = (root: string) => goEnv({ GOWORK: path.join(root, 'go.work') });
  for (let round = 0; round < 3 && valid.length; round++) {
    writeWork(inDir, valid);
    const checks = await goChecks(inDir, valid, envFor(inDir), timeoutMs);
    const bad = new Set<number>();
    for (const c of checks) {
      if (c.r.code === 0) continue;
      const { per, loose } = byModule(failText(c.r));
      for (const [i, ls] of per) {
        const o = res.get(i);
        if (!o || o.invalid) continue;
        o.invalid = `${c.label}: ${ls.slice(0, 8).join('\n')}`;
        bad.add(i);
      }
      if (per.size === 0) {
        // Nothing attributable: every module of the round is suspect.
        for (const m of mods) if (valid.includes(m.name)) res.get(m.index)!.invalid = `${c.label}: ${loose.slice(0, 8).join('\n')}`;
        valid = [];
      }
    }
    if (bad.size === 0) break;
    valid = valid.filter((n) => !bad.has(Number(n.slice(3))));
  }
  if (!valid.length) return [...res.values()];
  writeWork(inDir, valid);
  fs.cpSync(inDir, outDir, { recursive: true });
  const validMods = mods.filter((m) => valid.includes(m.name));
  const groups: Record<TransformSet, GenModule[]> = { 'ctx-first': [], default: [] };
  for (const m of validMods) groups[opts.transform ?? transformFor(opts.seed, m.index)].push(m);
  const tflags = (t: TransformSet) => (t === 'ctx-first' ? ['-t', 'ctx-first'] : []);
  // 2. goshift -w, once per transform set.
  for (const t of ['ctx-first', 'default'] as TransformSet[]) {
    const ms = groups[t];
    if (!ms.length) continue;
    const r = await run(process.execPath, [cli, ...tflags(t), '-w', ...ms.map((m) => m.name)], { cwd: outDir, timeoutMs });
    const { per, loose } = byModule(r.stderr);
    for (const m of ms) {
      const o = res.get(m.index)!;
      const ls = per.get(m.index) ?? [];
      o.stderr = [`$ goshift ${[...tflags(t), '-w', m.name].join(' ')}   (exit ${r.code}, run with ${ms.length} modules)`, ...loose, ...ls].join('\n');
      o.leftAlone = ls.filter((l) => l.includes(': left alone:')).length;
      const errs = ls.filter((l) => /: error: |internal error/i.test(l));
      if (errs.length || (r.code !== 0 && r.code !== 1 && per.size === 0) || r.timedOut) {
        o.kinds.push('goshift-error');
        o.details.push(`goshift exit ${r.code}${r.timedOut ? ' (timed out)' : ''}:\n${errs.join('\n') || loose.join('\n')}`);
      }
    }
  }
  for (const m of validMods) res.get(m.index)!.changed = !sameTree(path.join(inDir, m.name), path.join(outDir, m.name));
  const changed = validMods.filter((m) => res.get(m.index)!.changed);
  if (!changed.length) return [...res.values()];
  // 3. Check the changed modules: vet x3, test, gofmt, oracle, a second run.
  const changedGo = changed.flatMap((m) =>
    files(path.join(outDir, m.name))
      .filter((f) => f.endsWith('.go') && !fs.readFileSync(path.join(outDir, m.name, f)).equals(fs.readFileSync(path.join(inDir, m.name, f))))
      .map((f) => `${m.name}/${f}`),
  );
  writeWork(outDir, changed.map((m) => m.name));
  writeWork(inDir, changed.map((m) => m.name));
  const add = (kind: SemKind, out: string, unattributedToAll: boolean) => {
    const head = out.split('\n')[0];
    // A line naming two modules of the batch relates code that cannot meet (the oracle's type x interface matrix spans the workspace).
    const body = out.slice(head.length + 1).split('\n').filter((l) => new Set([...l.matchAll(/\b(?:gen|lib)(\d+)\b/g)].map((m) => m[1])).size <= 1);
    const { per, loose } = byModule(body.join('\n'));
    for (const [i, ls] of per) {
      const o = res.get(i);
      if (!o || !o.changed) continue;
      if (!o.kinds.includes(kind)) o.kinds.push(kind);
      o.details.push(`${head}:\n${ls.slice(0, 30).join('\n')}`);
    }
    // Nothing left once the lines relating two modules are dropped: no finding.
    if (per.size === 0 && loose.length === 0) return;
    if (per.size === 0 && unattributedToAll) {
      for (const m of changed) {
        const o = res.get(m.index)!;
        if (!o.kinds.includes(kind)) o.kinds.push(kind);
        o.details.push(`${head} (not attributable to one module of the batch):\n${loose.slice(0, 30).join('\n')}`);
      }
    }
  };
  const checks = await goChecks(outDir, changed.map((m) => m.name), envFor(outDir), timeoutMs);
  for (const c of checks) {
    if (c.r.code !== 0) add(c.kind, `${c.label}\n${failText(c.r)}`, true);
  }
  const [fmt, oracle, ...again] = await Promise.all([
    // Only the files goshift changed (gofmt itself is not always idempotent on what it formatted).
    changedGo.length ? run('gofmt', ['-l', ...changedGo], { cwd: outDir, timeoutMs }) : run('true', [], { cwd: outDir }),
    runOracle(inDir, outDir, { pkgs: changed.map((m) => `${m.path}/...`), env: { GOWORK: path.join(outDir, 'go.work') }, timeoutMs }),
    ...(['ctx-first', 'default'] as TransformSet[])
      .filter((t) => groups[t].some((m) => res.get(m.index)!.changed))
      .map((t) => run(process.execPath, [cli, ...tflags(t), '-l', '--check', '-q', ...groups[t].filter((m) => res.get(m.index)!.changed).map((m) => m.name)], { cwd: outDir, timeoutMs })),
  ]);
  if (fmt.stdout.trim() || fmt.code !== 0) add('gofmt', `gofmt -l (files not gofmt-clean)\n${failText(fmt)}`, true);
  if (oracle.code === 1) {
    const newMatch = (l: string) => /: (implements|type assertion): .* = false → .* = true\b/.test(l);
    const rest = oracle.broken.filter((l) => !newMatch(l));
    add('new-match', `oracle: a type now implements an interface it did not\n${oracle.broken.filter(newMatch).join('\n')}`, false);
    if (rest.length) add('oracle', `oracle (exit 1)\n${rest.join('\n')}`, true);
  } else if (oracle.code !== 0) add('oracle', `oracle (exit ${oracle.code})\n${failText(oracle.run)}`, true);
  for (const r of again) if (r.code !== 0 || r.stdout.trim()) add('not-idempotent', `goshift -l --check (a second run would change these files)\n${r.stdout}${r.stderr}`, true);
  return [...res.values()];
}

// ---------------------------------------------------------------------------------------------
// The fuzzer

export interface SemFinding {
  module: number;
  transform: TransformSet;
  kinds: SemKind[];
  features: string;
  /** Where it is saved (input/, output/, goshift.stderr, what.txt; min/ when minimised). */
  dir: string;
  what: string;
  /** Alone (not in a batch) the module fails the same way. */
  alone: boolean | null;
  /** The features left after minimisation, when it removed any. */
  minimized: string | null;
  /** An earlier finding of the run with the same failure (then this one is not minimised). */
  duplicateOf?: number;
}

/** A message with module names, feature numbers, positions, quoted values and context spellings blurred. */
const blur = (l: string) => l.replace(/^.*?\.go:\d+:\d+: /, '').replace(/"[^"]*"/g, 'S').replace(/\b(\w+\.)?Context\b/g, 'C').replace(/\d+/g, 'N').replace(/\s+/g, ' ');

/** A failure's first message, blurred. */
function signature(o: ModuleOutcome): string {
  const first = o.details.join('\n').split('\n').find((l) => /\.go:\d+:\d+: /.test(l)) ?? o.details[0]?.split('\n')[1] ?? '';
  return `${o.kinds.join(',')}|${blur(first)}`;
}

/** Every message of a failure, blurred. */
function messages(o: ModuleOutcome): Set<string> {
  return new Set(o.details.join('\n').split('\n').filter((l) => /\.go:\d+:\d+: /.test(l)).map(blur));
}

export interface SemfuzzOptions {
  seed: number;
  count: number;
  /** Modules per go.work batch (default 10). */
  batch?: number;
  /** Only these module indexes. */
  only?: number[];
  /** Findings go here (default: a new temp dir). */
  outDir?: string;
  /** Minimise findings by dropping features (default true). */
  minimize?: boolean;
  /** Also keep the work dirs of every batch (under outDir/work). */
  keepWork?: boolean;
  /** Variants not to generate (see AVOIDABLE). */
  avoid?: string[];
  log?: (line: string) => void;
}

export interface SemfuzzResult {
  seed: number;
  count: number;
  ms: number;
  invalid: { module: number; why: string }[];
  rewritten: number;
  unchanged: number;
  /** Modules where goshift left some set alone, and the `left alone:` lines in all. */
  leftAloneModules: number;
  leftAloneLines: number;
  /** Modules where the oracle saw only new implements-matches (see SemKind), not counted as findings. */
  newMatch: number;
  byTransform: Record<TransformSet, number>;
  findings: SemFinding[];
  byKind: Record<string, number>;
  outDir: string;
}

const featureList = (m: GenModule) => m.features.map((f) => `${f.kind}#${f.id}`).join(' ');

function saveModule(dir: string, root: string, m: GenModule): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(path.join(root, m.name), dir, { recursive: true });
}

/** Runs one module alone (in work); its outcome. */
async function alone(work: string, m: GenModule, seed: number): Promise<ModuleOutcome> {
  // (one module in its own go.work: nothing else goshift could link it with)
  return (await runSet(work, [m], { seed }))[0];
}

/**
 * Minimises a failing module: first tries only the features whose files the failure names (with what
 * they need), then drops features one at a time while the module still fails with one of the same kinds.
 */
async function minimise(work: string, seed: number, m: GenModule, o: ModuleOutcome, avoid: ReadonlySet<string>, log: (l: string) => void): Promise<{ mod: GenModule; out: ModuleOutcome } | null> {
  // A trial still fails "the same way" when the first message of the original failure is among its own.
  const first = [...messages(o)][0];
  const same = (out: ModuleOutcome) => !out.invalid && out.kinds.some((k) => o.kinds.includes(k)) && (first === undefined || messages(out).has(first));
  let keep = new Set(m.features.map((f) => f.id));
  let best: { mod: GenModule; out: ModuleOutcome } | null = null;
  const named = new Set([...o.details.join('\n').matchAll(/\bf(\d+)(?:u|_test|_windows|_other)?\.go:\d+/g)].map((x) => Number(x[1])));
  if (named.size && named.size < keep.size) {
    const need = new Set<number>();
    const visit = (id: number) => {
      if (need.has(id)) return;
      need.add(id);
      for (const d of m.features.find((f) => f.id === id)?.deps ?? []) visit(d);
    };
    for (const id of named) visit(id);
    if (need.size < keep.size) {
      const mod = generateModule(seed, m.index, need, avoid);
      const out = await alone(work, mod, seed);
      if (same(out)) {
        keep = new Set(mod.features.map((x) => x.id));
        best = { mod, out };
        log(`    minimising gen${m.index}: the features its failure names fail alone (${out.kinds.join(', ')}): ${featureList(mod)}`);
      }
    }
  }
  for (const f of [...m.features].reverse()) {
    if (!keep.has(f.id)) continue;
    const trial = new Set([...keep].filter((x) => x !== f.id));
    if (trial.size === 0) continue;
    const mod = generateModule(seed, m.index, trial, avoid);
    if (mod.features.length === 0 || mod.features.length === (best?.mod ?? m).features.length) continue;
    const out = await alone(work, mod, seed);
    if (same(out)) {
      keep = new Set(mod.features.map((x) => x.id));
      best = { mod, out };
      log(`    minimising gen${m.index}: without ${f.kind}#${f.id} it still fails (${out.kinds.join(', ')}): ${featureList(mod)}`);
    }
  }
  return best;
}

export async function semfuzz(opts: SemfuzzOptions): Promise<SemfuzzResult> {
  const started = Date.now();
  const log = opts.log ?? (() => undefined);
  const outDir = opts.outDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'goshift-semfuzz-'));
  fs.mkdirSync(outDir, { recursive: true });
  const workRoot = path.join(outDir, 'work');
  const batch = opts.batch ?? 10;
  const indexes = opts.only ?? Array.from({ length: opts.count }, (_, i) => i);
  const avoid = new Set(opts.avoid ?? []);
  for (const a of avoid) if (!(AVOIDABLE as readonly string[]).includes(a)) throw new Error(`cannot avoid ${JSON.stringify(a)}: known variants are ${AVOIDABLE.join(', ')}`);
  /** Signature of a failure (its first message, names and numbers blurred) -> the first module that had it. */
  const seen = new Map<string, number>();
  const res: SemfuzzResult = {
    seed: opts.seed, count: indexes.length, ms: 0, invalid: [], rewritten: 0, unchanged: 0, leftAloneModules: 0, leftAloneLines: 0, newMatch: 0,
    byTransform: { 'ctx-first': 0, default: 0 }, findings: [], byKind: {}, outDir,
  };
  for (let b = 0; b < indexes.length; b += batch) {
    const ids = indexes.slice(b, b + batch);
    const mods = ids.map((i) => generateModule(opts.seed, i, undefined, avoid));
    const work = path.join(workRoot, `b${ids[0]}`);
    const outs = await runSet(work, mods, { seed: opts.seed });
    for (const o of outs) {
      const m = mods.find((x) => x.index === o.index)!;
      if (o.invalid) {
        res.invalid.push({ module: o.index, why: o.invalid });
        log(`  invalid gen${o.index} (a generator bug): ${o.invalid.split('\n').slice(0, 3).join(' | ')}`);
        const d = path.join(outDir, 'invalid', m.name);
        saveModule(d, path.join(work, 'in'), m);
        fs.writeFileSync(path.join(d, '..', `${m.name}.why.txt`), o.invalid + '\n');
        continue;
      }
      const t = transformFor(opts.seed, o.index);
      res.byTransform[t]++;
      if (o.changed) res.rewritten++;
      else res.unchanged++;
      if (o.leftAlone) {
        res.leftAloneModules++;
        res.leftAloneLines += o.leftAlone;
      }
      if (o.kinds.includes('new-match')) res.newMatch++;
      o.kinds = o.kinds.filter(isFinding);
      if (!o.kinds.length) continue;
      // A finding: save it, confirm it alone, minimise it.
      const dir = path.join(outDir, 'findings', m.name);
      fs.mkdirSync(dir, { recursive: true });
      saveModule(path.join(dir, 'input'), path.join(work, 'in'), m);
      saveModule(path.join(dir, 'output'), path.join(work, 'out'), m);
      fs.writeFileSync(path.join(dir, 'goshift.stderr'), o.stderr + '\n');
      const what = `seed ${opts.seed}, module ${o.index}, goshift ${t === 'ctx-first' ? '-t ctx-first ' : ''}-w\nfeatures: ${featureList(m)}\nfailed: ${o.kinds.join(', ')}\n\n${o.details.join('\n\n')}\n`;
      fs.writeFileSync(path.join(dir, 'what.txt'), what);
      const f: SemFinding = { module: o.index, transform: t, kinds: o.kinds, features: featureList(m), dir, what: o.details.join('\n\n'), alone: null, minimized: null };
      log(`  finding gen${o.index} [${o.kinds.join(', ')}] (${f.features}): ${o.details[0]?.split('\n').slice(0, 4).join(' | ')}`);
      const sig = signature(o);
      const dup = seen.get(sig);
      if (dup !== undefined) {
        f.duplicateOf = dup;
        log(`    same failure as gen${dup}: not minimised`);
      } else seen.set(sig, o.index);
      if ((opts.minimize ?? true) && dup === undefined) {
        const aw = path.join(workRoot, `alone-${o.index}`);
        const a = await alone(aw, m, opts.seed);
        f.alone = !a.invalid && a.kinds.some((k) => o.kinds.includes(k));
        if (!f.alone) log(`    gen${o.index} alone does not fail: only together with the other modules of its batch`);
        else {
          const min = await minimise(aw, opts.seed, m, o, avoid, log);
          if (min) {
            f.minimized = featureList(min.mod);
            const md = path.join(dir, 'min');
            fs.mkdirSync(md, { recursive: true });
            await runSet(aw, [min.mod], { seed: opts.seed }); // leaves in/ and out/ of the minimal module
            saveModule(path.join(md, 'input'), path.join(aw, 'in'), min.mod);
            saveModule(path.join(md, 'output'), path.join(aw, 'out'), min.mod);
            fs.writeFileSync(path.join(md, 'goshift.stderr'), min.out.stderr + '\n');
            fs.writeFileSync(path.join(md, 'what.txt'), `features: ${f.minimized}\nfailed: ${min.out.kinds.join(', ')}\n\n${min.out.details.join('\n\n')}\n`);
          }
        }
        if (!opts.keepWork) fs.rmSync(aw, { recursive: true, force: true });
      }
      res.findings.push(f);
      for (const k of o.kinds) res.byKind[k] = (res.byKind[k] ?? 0) + 1;
    }
    if (!opts.keepWork) fs.rmSync(work, { recursive: true, force: true });
    log(`semfuzz: ${Math.min(b + batch, indexes.length)}/${indexes.length} modules, ${res.invalid.length} invalid, ${res.findings.length} findings, ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  if (!opts.keepWork) fs.rmSync(workRoot, { recursive: true, force: true });
  res.ms = Date.now() - started;
  return res;
}

export function formatSemfuzz(r: SemfuzzResult): string {
  const kinds = Object.entries(r.byKind).map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
  const lines = [
    `semfuzz: seed ${r.seed}, ${r.count} modules generated, ${(r.ms / 1000).toFixed(1)} s`,
    `  invalid (generator bugs): ${r.invalid.length}; checked: ${r.byTransform['ctx-first']} with -t ctx-first, ${r.byTransform.default} with the default set`,
    `  rewritten (something changed): ${r.rewritten}, unchanged: ${r.unchanged}; modules with sets left alone: ${r.leftAloneModules} (${r.leftAloneLines} left-alone lines)`,
    `  new matches the oracle saw (a type now implements or matches what it did not: two signatures that differed only in where the context was; not findings): ${r.newMatch} modules`,
    `  findings: ${r.findings.length} modules (by kind: ${kinds})`,
  ];
  for (const f of r.findings) {
    lines.push(`  gen${f.module} [${f.kinds.join(', ')}] ${f.transform}: ${f.minimized ? `minimised to ${f.minimized}` : f.features}${f.alone === false ? ' (only in its batch)' : ''}${f.duplicateOf !== undefined ? ` (same failure as gen${f.duplicateOf})` : ''}`);
    lines.push(`    ${f.what.split('\n').filter((l) => /\.go:\d+/.test(l))[0]?.trim() ?? f.what.split('\n')[0]}`);
  }
  for (const i of r.invalid.slice(0, 10)) lines.push(`  invalid gen${i.module}: ${i.why.split('\n')[0]}`);
  if (r.findings.length || r.invalid.length) lines.push(`  saved under ${r.outDir}`);
  return lines.join('\n');
}
