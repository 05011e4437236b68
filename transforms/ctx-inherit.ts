import type { GType } from '../lib/program.js';
import { BUILTIN_FUNCS } from '../lib/program.js';
import type { RewriteAPI } from '../lib/rewrite.js';
import { callOf, CONTEXT_FUNCS, contains, contextImportNames, goAtLeast, innermostFunc, items, lookup, runsOnTheSpot, trailingCommentRows, Walker } from '../lib/scope.js';
import type { Scope, Snap, Var } from '../lib/scope.js';
import { importSpecs, lineOf, unparen } from '../lib/source.js';
import type { Node } from '../lib/source.js';
import type { Transform, TransformOptions } from '../lib/types.js';

/**
 * A `context.Background()` or `context.TODO()` passed as an argument (or bound to a local that is
 * only ever passed on as one) where a function has a context in scope is replaced by that context:
 *
 *     func (s *Store) Get(ctx context.Context, k string) { s.db.Query(context.Background(), k) }
 *     →                                                   s.db.Query(ctx, k)
 *
 * This changes behaviour on purpose (cancellation, deadlines and values now reach the callee): the
 * transform runs only when named with -t. The context in scope is a context.Context parameter, a
 * local derived from one (`ctx2, cancel := context.WithTimeout(ctx, d)`), the request of an HTTP
 * handler (`r.Context()`), or with --test-context a test's `t.Context()` (go 1.24). Entry points
 * (main, init, tests, benchmarks, fuzz targets, examples) keep theirs. Whatever is not clear — a
 * goroutine or deferred call (unless --detach), a context cancelled before the call, reassigned,
 * shadowed, several candidates, a context of unknown provenance, a func literal that may run later —
 * is left alone and reported.
 */
export const ctxInherit: Transform = {
  name: 'ctx-inherit',
  description: 'on request only (changes behaviour): pass the context in scope instead of context.Background()/TODO()',
  finding: 'non-inherited new context: pass the context in scope instead of context.Background()/TODO()',
  mentions: /^(?:Background|TODO)$/,
  changesBehaviour: true,
  rewriteFile(api: RewriteAPI, opts: TransformOptions): void {
    new Inherit(api, opts).run();
  },
};

const ONE = 'context.Background()/TODO() call replaced by the context in scope (this changes behaviour: cancellation and deadlines now reach the callee)';
const MANY = 'context.Background()/TODO() calls replaced by the context in scope (this changes behaviour: cancellation and deadlines now reach the callee)';
const ONE_DETACHED = 'context.Background()/TODO() call in a goroutine or deferred call replaced by context.WithoutCancel of the context in scope (--detach)';
const MANY_DETACHED = 'context.Background()/TODO() calls in goroutines or deferred calls replaced by context.WithoutCancel of the context in scope (--detach)';
/** context functions that return a context derived from their first argument and a function that cancels it. */
const WITH_CANCEL = new Set(['WithCancel', 'WithCancelCause', 'WithTimeout', 'WithTimeoutCause', 'WithDeadline', 'WithDeadlineCause']);
/** Standard packages whose functions take a context only as a value to print or inspect. */
const NO_CONTEXT_PKGS = new Set(['fmt', 'log', 'reflect', 'errors']);
const ENTRY_TEST = /^(?:Test|Benchmark|Fuzz|Example)(?![a-z])/;

/** A context the code could pass: a context variable, an HTTP handler's request (`r.Context()`), a test's t (`t.Context()`). */
interface Cand {
  v: Var;
  kind: 'ctx' | 'req' | 'test';
  /** The function declaring it. */
  D: Node;
}

/** Where a context variable comes from. */
type Origin = { root: true } | { fresh: true } | { from: Var } | { unknown: string };

/** One Background/TODO call to replace. */
interface Site {
  call: Node;
  at: Snap;
  /** For `c := context.Background()`: the local, whose uses are where the context is consumed. */
  local: Var | null;
}

function isStd(t: GType, pkg: string, name: string): boolean {
  if (t.k === 'foreign') return t.what === `${pkg}.${name}`;
  return t.k === 'named' && t.pkg.importPath === pkg && t.name === name;
}

/** The names and values of a `:=` or a var spec. */
function sides(st: Node): { left: Node[]; right: Node[] } {
  const spec = st.type === 'var_spec';
  const rl = spec ? st.childForFieldName('value') : st.childForFieldName('right');
  return { left: spec ? st.childrenForFieldName('name') : items(st.childForFieldName('left')!), right: rl ? items(rl) : [] };
}

class Inherit {
  private readonly names: Set<string>;
  private readonly w: Walker;
  private trailing?: { has(row: number): boolean };

  constructor(
    private readonly api: RewriteAPI,
    private readonly opts: TransformOptions,
  ) {
    this.names = contextImportNames(api);
    this.w = new Walker(api, this.names, this.names);
  }

  run(): void {
    if (!this.names.size) return;
    const pkg: Scope = { parent: null, vars: new Map() };
    for (const c of this.api.root.namedChildren) this.w.walk(c, pkg);
    const done: { call: Node; text: string; q: string; detached: boolean }[] = [];
    for (const { id, at } of this.w.tracked) {
      const call = this.backgroundCall(id, at);
      if (!call) continue;
      const site = this.siteOf(call, at);
      if (!site) continue;
      const r = this.decide(site, id.text);
      if (typeof r === 'string') this.api.leftAlone(call, `${call.text} ${r}; left as it is`);
      else if (r) done.push({ call, text: r.text, q: id.text, detached: r.detached });
    }
    if (!done.length) return;
    // An import whose only uses were the calls replaced would be unused: it goes, or nothing changes.
    for (const q of new Set(done.map((d) => d.q))) {
      const left = this.usesLeft(q, done.filter((d) => d.q === q && !d.detached).map((d) => d.call));
      if (left > 0) continue;
      const why = this.removeImport(q);
      if (why) {
        for (const d of done.filter((x) => x.q === q)) this.api.leftAlone(d.call, `${d.call.text} is the last use of the import ${q}, ${why}; left as it is`);
        done.splice(0, done.length, ...done.filter((x) => x.q !== q));
      }
    }
    for (const d of done) {
      this.api.replace(d.call.startIndex, d.call.endIndex, d.text);
      if (d.detached) this.api.count(ONE_DETACHED, MANY_DETACHED, 1, d.call);
      else this.api.count(ONE, MANY, 1, d.call);
    }
  }

  /** `q.Background()` / `q.TODO()` with q this file's context import (not a local), or null. */
  private backgroundCall(id: Node, at: Snap): Node | null {
    if (lookup(id.text, at)) return null;
    const sel = id.parent;
    if (sel?.type !== 'selector_expression' || sel.childForFieldName('operand')?.id !== id.id) return null;
    const field = sel.childForFieldName('field')?.text;
    if (field !== 'Background' && field !== 'TODO') return null;
    const call = sel.parent;
    if (call?.type !== 'call_expression' || call.childForFieldName('function')?.id !== sel.id) return null;
    if (items(call.childForFieldName('arguments')!).length) return null;
    return innermostFunc(call) ? call : null;
  }

  /** The call passed as an argument, or bound to a local only ever passed on as one; null for any other use. */
  private siteOf(call: Node, at: Snap): Site | null {
    const p = call.parent;
    if (p?.type === 'argument_list') return this.takesContext(call) ? { call, at, local: null } : null;
    if (p?.type !== 'expression_list') return null;
    const owner = p.parent;
    let left: Node[];
    if (owner?.type === 'short_var_declaration' && owner.childForFieldName('right')?.id === p.id) left = items(owner.childForFieldName('left')!);
    else if (owner?.type === 'var_spec' && owner.childForFieldName('value')?.id === p.id) {
      const type = owner.childForFieldName('type');
      if (type && !this.api.isContextType(type)) return null;
      left = owner.childrenForFieldName('name');
    } else return null;
    if (left.length !== 1 || items(p).length !== 1) return null;
    const v = this.w.declOf.get(left[0].id);
    if (!v || v.writes.length || v.addr.length || !v.refs.length) return null;
    if (!v.refs.every((r) => r.parent?.type === 'argument_list' && this.takesContext(r))) return null;
    return { call, at, local: v };
  }

  /**
   * Whether the call that takes argument `arg` may want a context there: not when the parameter is
   * known to be something else (a workspace function's `any`, a builtin's, fmt.Println's), where
   * the context is a value printed or stored rather than one that carries cancellation.
   */
  private takesContext(arg: Node): boolean {
    const list = arg.parent!;
    const call = list.parent!;
    const i = items(list).findIndex((x) => x.id === arg.id);
    const fn = unparen(call.childForFieldName('function')!);
    const wants = (t: GType | undefined) => !t || t.k === 'context' || t.k === 'unknown';
    if (fn.type === 'identifier') {
      if (this.w.varOfRef(fn)) return true;
      // Builtins: none takes a context to carry its cancellation (append stores it).
      if (BUILTIN_FUNCS.has(fn.text) && !this.api.packageDeclares(fn.text)) return false;
      return wants(this.api.funcParam(fn.text, i));
    }
    if (fn.type !== 'selector_expression') return true;
    const operand = fn.childForFieldName('operand')!;
    if (operand.type !== 'identifier' || this.w.varOfRef(operand)) return true;
    const imp = this.api.importOf(operand.text);
    if (!imp) return true;
    if (NO_CONTEXT_PKGS.has(imp.path)) return false;
    return !imp.ours || wants(this.api.funcParam(fn.childForFieldName('field')!.text, i, operand.text));
  }

  /** What replaces the call (`ctx`, `r.Context()`, `context.WithoutCancel(ctx)`), why not (reported), or null (nothing to do, not worth a word). */
  private decide(site: Site, q: string): { text: string; detached: boolean } | string | null {
    const { call, at } = site;
    const cands: Cand[] = [];
    const hidden: Cand[] = [];
    const unsure: { D: Node; why: string }[] = [];
    for (let s: Scope | null = at.scope; s && s.parent; s = s.parent) {
      for (const v of s.vars.values()) {
        if (v.seq >= at.seq) continue;
        const c = this.candidate(v);
        if (!c) {
          if (v.unsure || (v.maybe && this.w.contextSign(v))) {
            const D = innermostFunc(v.node);
            if (D && !this.isEntry(D)) unsure.push({ D, why: `${v.name} (line ${lineOf(v.node)}) may be a context but goshift cannot tell (${v.unsure ?? v.maybe})` });
          }
          continue;
        }
        if (c.kind !== 'test' && this.isEntry(c.D)) continue;
        if (c.kind === 'ctx') {
          const o = this.rootOf(v);
          if ('fresh' in o) continue;
          if ('unknown' in o) {
            unsure.push({ D: c.D, why: `${v.name} (line ${lineOf(v.node)}) is a context from ${o.unknown}, which goshift does not know to belong to this call` });
            continue;
          }
        }
        if (lookup(v.name, at) === v) cands.push(c);
        else hidden.push(c);
      }
    }
    // Inside a func literal that runs at another time (t.Run's, a callback), its own contexts are the ones in scope.
    const boundary = this.lateLiteral(call);
    if (boundary && [...cands, ...hidden, ...unsure].some((c) => contains(boundary, c.D))) {
      for (const list of [cands, hidden, unsure] as { D: Node }[][]) list.splice(0, list.length, ...list.filter((c) => contains(boundary, c.D)));
    }
    if (unsure.length) return `has a context in scope goshift is unsure of: ${unsure[0].why}`;
    const all = [...cands, ...hidden];
    // The most derived context: every other candidate is one it derives from.
    const chosen = cands.find((c) => all.every((o) => o === c || this.ancestors(c.v).has(o.v)));
    if (!chosen) {
      if (!all.length) {
        const unnamed = this.unnamedContextParam(call);
        return unnamed ? `is in a function whose context parameter has no usable name (line ${lineOf(unnamed)}): name it to let goshift pass it` : null;
      }
      if (!cands.length) {
        const h = hidden[0];
        const by = lookup(h.v.name, at)!;
        return `is where ${h.v.name} (line ${lineOf(h.v.node)}) is shadowed by another ${h.v.name} (line ${lineOf(by.node)}), which is not that context`;
      }
      return `has several contexts in scope (${all.map((c) => `${c.v.name}, line ${lineOf(c.v.node)}`).join('; ')}): goshift cannot tell which one to pass`;
    }
    const shadow = hidden.find((h) => !this.ancestors(chosen.v).has(h.v));
    if (shadow) return `is where ${shadow.v.name} (line ${lineOf(shadow.v.node)}) is shadowed`;
    const expr = chosen.kind === 'ctx' ? chosen.v.name : `${chosen.v.name}.Context()`;
    const path = this.path(call, chosen.D);
    if (path.late) return `is inside a func literal (line ${lineOf(path.late)}) that may run later than ${this.fnName(chosen.D)}, when ${expr} may already be cancelled or done`;
    if (path.go || path.defer) {
      const st = (path.go ?? path.defer)!;
      const what = path.go
        ? `is in a goroutine (go statement on line ${lineOf(st)}), which may outlive the call ${expr} belongs to`
        : `is in a deferred call (line ${lineOf(st)}), often cleanup that must run even once ${expr} is cancelled`;
      if (!this.opts.detach) return `${what}, so it keeps a context of its own; with --detach goshift passes ${q}.WithoutCancel(${expr}) (go 1.21 or later): its values without its cancellation`;
      if (this.api.importOf(q)?.path !== 'context') return `${what}; --detach needs the standard context package for WithoutCancel, and this file imports ${this.api.importOf(q)?.path ?? q} as ${q}`;
      if (!goAtLeast(this.api.goVersion(), 21)) return `${what}; --detach needs context.WithoutCancel, which needs go 1.21 or later in go.mod (it says ${this.api.goVersion() ?? 'nothing'})`;
      if (site.local) return `${what}, through the local ${site.local.name}; goshift detaches only calls passed directly`;
      const why = this.stable(chosen, [call]);
      if (why) return why;
      return this.aligned(call) ?? { text: `${q}.WithoutCancel(${expr})`, detached: true };
    }
    const uses = site.local ? site.local.refs : [call];
    if (site.local) {
      for (const u of uses) {
        const p = this.path(u, chosen.D);
        if (p.late) return `is bound to ${site.local.name}, which is passed on inside a func literal (line ${lineOf(p.late)}) that may run later than ${this.fnName(chosen.D)}`;
        if (p.go) return `is bound to ${site.local.name}, which is passed to a goroutine (go statement on line ${lineOf(p.go)}) that may outlive the call ${expr} belongs to`;
        if (p.defer) return `is bound to ${site.local.name}, which is passed to a deferred call (line ${lineOf(p.defer)})`;
      }
    }
    const why = this.stable(chosen, uses);
    if (why) return why;
    for (const u of uses) {
      const out = this.outlives(u, expr);
      if (out) return out;
    }
    return this.aligned(call) ?? { text: expr, detached: false };
  }

  /**
   * Why what is made from the context at argument `arg` may outlive the call the context in scope
   * belongs to, or null. Followed: the contexts derived from it (`context.With…(arg, …)`, nested),
   * and the call that finally takes it. Stored in a field, a package variable or a composite literal,
   * a derived context passed to a goroutine or returned, its cancel function stored or returned: the
   * code meant it to live on (a background worker's context), and a context that ends with the call
   * would stop it.
   */
  private outlives(arg: Node, expr: string): string | null {
    let cur = arg;
    let derived = false;
    for (;;) {
      const owner = cur.parent?.type === 'argument_list' ? cur.parent.parent : null;
      if (!owner) {
        if (!derived) return null;
        break;
      }
      if (!this.isWith(owner) || items(cur.parent!)[0]?.id !== cur.id) {
        if (!derived) cur = owner;
        break;
      }
      cur = owner;
      derived = true;
    }
    const what = derived ? `the context derived from it (${cur.text.length > 50 ? 'line ' + lineOf(cur) : cur.text})` : `the result of ${cur.text.length > 50 ? 'the call on line ' + lineOf(cur) : cur.text}`;
    let e = cur;
    while (e.parent?.type === 'parenthesized_expression') e = e.parent;
    const p = e.parent;
    if (p?.type === 'expression_list' && p.parent?.type === 'return_statement') {
      return derived ? `is where ${what} is returned: it may outlive the call ${expr} belongs to` : null;
    }
    if (p?.type === 'keyed_element' || p?.type === 'literal_element' || p?.type === 'literal_value') return `is where ${what} is stored in a composite literal (line ${lineOf(p)}): it may outlive the call ${expr} belongs to`;
    if (p?.type !== 'expression_list') return null;
    const owner = p.parent!;
    const idx = items(p).findIndex((x) => x.id === e.id);
    let targets: Node[] = [];
    if (owner.type === 'assignment_statement' || owner.type === 'short_var_declaration') {
      const left = items(owner.childForFieldName('left')!);
      targets = items(p).length === left.length ? [left[idx]] : left;
    } else if (owner.type === 'var_spec') {
      const left = owner.childrenForFieldName('name');
      targets = items(p).length === left.length ? [left[idx]] : left;
    } else return null;
    for (const t of targets) {
      const id = unparen(t);
      if (id.type !== 'identifier') return `is where ${what} is stored in ${t.text.length > 40 ? 'a field or element' : t.text}: it may outlive the call ${expr} belongs to`;
      if (id.text === '_') continue;
      const v = this.w.declOf.get(id.id) ?? this.w.varOfRef(id);
      if (!v || !v.scope.parent) return `is where ${what} is stored in the package-level ${id.text}: it may outlive the call ${expr} belongs to`;
    }
    if (!derived) return null;
    // The derived context and its cancel function, bound to locals: where do they go?
    const [ctxId, cancelId] = targets.map(unparen);
    const local = ctxId ? this.w.declOf.get(ctxId.id) ?? this.w.varOfRef(ctxId) : undefined;
    const cancel = cancelId ? this.w.declOf.get(cancelId.id) ?? this.w.varOfRef(cancelId) : undefined;
    for (const r of local?.refs ?? []) {
      const path = this.path(r, innermostFunc(local!.node)!);
      if (path.go) return `is where ${what} is bound to ${local!.name}, which a goroutine gets (go statement on line ${lineOf(path.go)}): the goroutine may outlive the call ${expr} belongs to`;
      if (path.late) return `is where ${what} is bound to ${local!.name}, which a func literal that may run later uses (line ${lineOf(path.late)})`;
      const why = this.escapes(r);
      if (why) return `is where ${what} is bound to ${local!.name}, which is ${why}: it may outlive the call ${expr} belongs to`;
    }
    for (const r of cancel?.refs ?? []) {
      const why = this.escapes(r);
      if (why) return `is where ${what} is made, whose cancel function ${cancel!.name} is ${why}: the context is meant to live on after the call ${expr} belongs to`;
    }
    return null;
  }

  /** `q.With…(…)`: a context function of this file's context import that derives a context from its first argument. */
  private isWith(call: Node): boolean {
    const fn = unparen(call.childForFieldName('function')!);
    if (fn.type !== 'selector_expression') return false;
    const operand = fn.childForFieldName('operand')!;
    const field = fn.childForFieldName('field')?.text ?? '';
    return operand.type === 'identifier' && this.names.has(operand.text) && !this.w.varOfRef(operand) && CONTEXT_FUNCS.has(field) && field !== 'Background' && field !== 'TODO';
  }

  /** How a reference leaves the function (`returned on line N`, `stored in s.f on line N`), or null. */
  private escapes(r: Node): string | null {
    let e = r;
    while (e.parent?.type === 'parenthesized_expression') e = e.parent;
    const p = e.parent;
    if (p?.type === 'keyed_element' || p?.type === 'literal_element' || p?.type === 'literal_value') return `stored in a composite literal on line ${lineOf(p)}`;
    if (p?.type !== 'expression_list') return null;
    const owner = p.parent!;
    if (owner.type === 'return_statement') return `returned on line ${lineOf(owner)}`;
    if (owner.type !== 'assignment_statement' || owner.childForFieldName('right')?.id !== p.id) return null;
    const left = items(owner.childForFieldName('left')!);
    const idx = items(p).findIndex((x) => x.id === e.id);
    const t = left.length === items(p).length ? left[idx] : undefined;
    if (!t) return null;
    const id = unparen(t);
    if (id.type !== 'identifier') return `stored in ${t.text.length > 40 ? 'a field or element' : t.text} on line ${lineOf(owner)}`;
    const v = this.w.varOfRef(id);
    if (!v || !v.scope.parent) return `stored in the package-level ${id.text} on line ${lineOf(owner)}`;
    return null;
  }


  /** The candidate a variable is, or null. */
  private candidate(v: Var): Cand | null {
    const D = innermostFunc(v.node);
    if (!D) return null;
    if (v.ctx) return { v, kind: 'ctx', D };
    if (v.kind !== 'param' || !v.typeNode || v.node.parent?.parent?.parent?.id !== D.id) return null;
    const t = this.api.typeOf(v.typeNode);
    if (t.k !== 'ptr') return null;
    const params = this.params(D);
    if (isStd(t.elem, 'net/http', 'Request') && params.length === 2 && params[1].id === v.node.id) {
      const decl = params[0].parent!;
      const wt = decl.childForFieldName('type');
      if (wt && isStd(this.api.typeOf(wt), 'net/http', 'ResponseWriter')) return { v, kind: 'req', D };
      return null;
    }
    if (this.opts.testContext && this.api.rel.endsWith('_test.go') && goAtLeast(this.api.goVersion(), 24)) {
      const tb = ['T', 'B', 'F'].find((n) => isStd(t.elem, 'testing', n));
      if (!tb) return null;
      if (D.type === 'function_declaration' && ENTRY_TEST.test(D.childForFieldName('name')?.text ?? '') && params.length === 1) return { v, kind: 'test', D };
      if (D.type === 'func_literal' && tb !== 'F') return { v, kind: 'test', D };
    }
    return null;
  }

  /** The names of a function's parameters (receiver excluded), in order. */
  private params(D: Node): Node[] {
    const pl = D.childForFieldName('parameters');
    return pl ? items(pl).flatMap((d) => d.childrenForFieldName('name')) : [];
  }

  /** main, init, and in a test file TestX, BenchmarkX, FuzzX, ExampleX: they keep their own contexts. */
  private isEntry(D: Node): boolean {
    if (D.type !== 'function_declaration') return false;
    const name = D.childForFieldName('name')?.text ?? '';
    if (name === 'main' || name === 'init') return true;
    return this.api.rel.endsWith('_test.go') && ENTRY_TEST.test(name);
  }

  private fnName(D: Node): string {
    const name = D.childForFieldName('name')?.text;
    return name ? `the function ${name}` : `the func literal on line ${lineOf(D)}`;
  }

  /** A context parameter of the functions around n that is `_` or unnamed. */
  private unnamedContextParam(n: Node): Node | null {
    for (let f = innermostFunc(n); f; f = innermostFunc(f)) {
      for (const d of items(f.childForFieldName('parameters') ?? f)) {
        if (d.type !== 'parameter_declaration' || !this.api.isContextType(d.childForFieldName('type'))) continue;
        const ns = d.childrenForFieldName('name');
        if (!ns.length || ns.some((x) => x.text === '_')) return d;
      }
      if (f.type !== 'func_literal' || !runsOnTheSpot(f)) break;
    }
    return null;
  }

  /** Where a context variable comes from, following copies and context.With… to a parameter, a request, or Background/TODO. */
  private rootOf(v: Var): Origin {
    for (let o = this.origin(v), k = 0; k < 20; o = this.origin(o.from), k++) {
      if (!('from' in o)) return o;
      if (o.from.kind === 'param') return { root: true };
    }
    return { unknown: 'a long chain of copies' };
  }

  private origin(v: Var): Origin {
    if (v.kind === 'param') return { root: true };
    let e = v.init;
    if (!e && v.stmt) {
      // `c, cancel := context.WithCancel(p)`: the first name of a two-value call.
      const { left, right } = sides(v.stmt);
      if (left[0]?.id === v.node.id && right.length === 1) e = right[0];
    }
    if (!e) return { unknown: `a declaration of ${v.name} without its value` };
    return this.exprOrigin(e, { scope: v.scope, seq: v.seq });
  }

  private exprOrigin(e: Node, at: Snap): Origin {
    e = unparen(e);
    const what = e.text.length > 40 ? 'a call' : e.text;
    if (e.type === 'identifier') {
      const u = lookup(e.text, at);
      return u && (u.ctx || this.candidate(u)) ? { from: u } : { unknown: what };
    }
    if (e.type !== 'call_expression') return { unknown: what };
    const fn = unparen(e.childForFieldName('function')!);
    if (fn.type !== 'selector_expression') return { unknown: what };
    const operand = unparen(fn.childForFieldName('operand')!);
    const field = fn.childForFieldName('field')?.text ?? '';
    const args = items(e.childForFieldName('arguments')!);
    if (operand.type !== 'identifier') return { unknown: what };
    const u = lookup(operand.text, at);
    if (!u && this.names.has(operand.text)) {
      if (field === 'Background' || field === 'TODO') return { fresh: true };
      if (CONTEXT_FUNCS.has(field) && args.length) return this.exprOrigin(args[0], at);
      return { unknown: what };
    }
    // r.Context() of a parameter r (a request, a test's t, anything whose Context() goshift knows).
    if (u && field === 'Context' && !args.length) return u.kind === 'param' ? { from: u } : { unknown: what };
    return { unknown: what };
  }

  /** The variables a candidate derives from (through copies and context.With…). */
  private ancestors(v: Var): Set<Var> {
    const out = new Set<Var>();
    for (let o = this.origin(v), k = 0; 'from' in o && k < 20 && !out.has(o.from); o = this.origin(o.from), k++) {
      out.add(o.from);
      if (o.from.kind === 'param') break;
    }
    return out;
  }

  /** The innermost func literal around n that may run at another time than the code around it (not a goroutine's). */
  private lateLiteral(n: Node): Node | null {
    for (let p = n.parent; p; p = p.parent) {
      if (p.type === 'func_literal' && !runsOnTheSpot(p) && callOf(p)?.parent?.type !== 'go_statement') return p;
    }
    return null;
  }

  /** What lies between n and the function D: a go or defer statement, a func literal that may run later. */
  private path(n: Node, D: Node): { go?: Node; defer?: Node; late?: Node } {
    const out: { go?: Node; defer?: Node; late?: Node } = {};
    for (let p = n.parent; p && p.id !== D.id; p = p.parent) {
      if (p.type === 'go_statement') out.go ??= p;
      else if (p.type === 'defer_statement') out.defer ??= p;
      else if (p.type === 'func_literal' && !runsOnTheSpot(p) && callOf(p)?.parent?.type !== 'go_statement') out.late ??= p;
    }
    return out;
  }

  /**
   * Why the chosen context may not be the live one at the places it would be consumed, or null: it
   * (or a context it derives from) is assigned again or through a pointer, or its cancel function
   * may have run before — called earlier, in a loop, from a func literal, deferred in a loop, or
   * passed on.
   */
  private stable(c: Cand, uses: Node[]): string | null {
    for (const v of [c.v, ...this.ancestors(c.v)]) {
      if (v.writes.length) return `would get ${v.name}, which is assigned again on line ${lineOf(v.writes[0])}: goshift cannot tell which context the call would see`;
      if (v.addr.length) return `would get ${v.name}, whose address is taken on line ${lineOf(v.addr[0])}: it may be changed through that pointer`;
      const cancel = this.cancelOf(v);
      if (!cancel) continue;
      if (typeof cancel === 'string') return cancel;
      const why = this.cancelledBefore(v, cancel, uses);
      if (why) return `would get ${v.name}, but ${why}`;
    }
    return null;
  }

  /** The cancel function declared with a context (`c, cancel := context.WithCancel(p)`), null, or why it cannot be followed. */
  private cancelOf(v: Var): Var | string | null {
    const st = v.stmt;
    if (!st || (st.type !== 'short_var_declaration' && st.type !== 'var_spec')) return null;
    const { left, right } = sides(st);
    if (left.length !== 2 || left[0].id !== v.node.id || right.length !== 1) return null;
    const fn = right[0].type === 'call_expression' ? unparen(right[0].childForFieldName('function')!) : null;
    if (fn?.type !== 'selector_expression' || !WITH_CANCEL.has(fn.childForFieldName('field')?.text ?? '')) return null;
    if (left[1].text === '_') return null;
    const cancel = this.w.declOf.get(left[1].id);
    if (!cancel) return `would get ${v.name}, whose cancel function ${left[1].text} is declared earlier (line ${lineOf(st)} assigns it): goshift cannot tell when it is called`;
    if (cancel.writes.length || cancel.addr.length) return `would get ${v.name}, whose cancel function ${cancel.name} is assigned or its address taken: goshift cannot tell when it is called`;
    return cancel;
  }

  private cancelledBefore(v: Var, cancel: Var, uses: Node[]): string | null {
    const D = innermostFunc(v.node)!;
    for (const r of cancel.refs) {
      const call = callOf(r);
      if (!call) return `its cancel function ${cancel.name} is passed on or stored on line ${lineOf(r)}: goshift cannot tell when ${v.name} is cancelled`;
      const f = innermostFunc(call);
      if (f?.id !== D.id) return `${cancel.name} is called inside a func literal (line ${lineOf(call)}), which may run before the call`;
      const deferred = call.parent?.type === 'defer_statement';
      const loop = this.loopBetween(call, D);
      if (deferred) {
        if (loop) return `defer ${cancel.name}() is inside a loop (line ${lineOf(call)}): each round's context is cancelled only when the function returns, and goshift leaves such loops to you`;
        continue;
      }
      for (const u of uses) {
        if (call.startIndex < u.startIndex) return `${cancel.name}() on line ${lineOf(call)} cancels it before the call on line ${lineOf(u)}`;
        if (loop && !contains(loop, v.node) && contains(loop, u)) return `${cancel.name}() on line ${lineOf(call)} is in a loop around the call: a later round would get a cancelled context`;
      }
      if (D.descendantsOfType('goto_statement').length) return `${cancel.name}() is called in a function with goto: goshift cannot tell whether it runs before the call`;
    }
    return null;
  }

  private loopBetween(n: Node, D: Node): Node | null {
    for (let p = n.parent; p && p.id !== D.id; p = p.parent) if (p.type === 'for_statement') return p;
    return null;
  }

  /** A reason when the call's line has a trailing comment aligned with a neighbour's (gofmt would realign them). */
  private aligned(call: Node): string | null {
    const t = (this.trailing ??= trailingCommentRows(this.api));
    const r = call.startPosition.row;
    if (t.has(r) && (t.has(r - 1) || t.has(r + 1))) return `is on line ${r + 1}, whose trailing comment gofmt aligns with those of the lines next to it: the shorter line would need gofmt to realign them`;
    return null;
  }

  /** The uses of the import name q left once the given calls are replaced. */
  private usesLeft(q: string, replaced: Node[]): number {
    let n = 0;
    for (const { id, at } of this.w.tracked) {
      if (id.text !== q || lookup(q, at)) continue;
      if (replaced.some((c) => contains(c, id))) continue;
      // The key of a struct literal's element names a field, not the package.
      const el = id.parent;
      if (el?.type === 'literal_element' && el.parent?.type === 'keyed_element' && el.parent.namedChildren[0]?.id === el.id) continue;
      n++;
    }
    for (const p of this.api.root.descendantsOfType('package_identifier')) {
      if (p.text === q && p.parent?.type !== 'import_spec') n++;
    }
    return n;
  }

  /** Removes the import of context named q; returns why it cannot, or null when done. */
  private removeImport(q: string): string | null {
    const text = this.api.text;
    const specs = importSpecs(this.api.root).filter((s) => {
      const p = s.childForFieldName('path')?.text.slice(1, -1) ?? '';
      const name = s.childForFieldName('name');
      return this.api.isContextImportPath(p) && (name ? name.text === q : q === 'context');
    });
    if (specs.length !== 1) return 'imported more than once';
    const spec = specs[0];
    const lineStart = text.lastIndexOf('\n', spec.startIndex - 1) + 1;
    let lineEnd = text.indexOf('\n', spec.endIndex);
    if (lineEnd < 0) return 'on the last line of the file';
    const list = spec.parent?.type === 'import_spec_list' ? spec.parent : null;
    const decl = list ? list.parent! : spec.parent!;
    const lineOfIt = text.slice(lineStart, lineEnd).trim();
    if (list && items(list).length > 1) {
      if (lineOfIt !== spec.text) return 'which shares its line with something else (goshift would have to drop the import)';
    } else {
      // The only import of its declaration: the whole declaration goes.
      const declStart = text.lastIndexOf('\n', decl.startIndex - 1) + 1;
      const declEndLine = text.indexOf('\n', decl.endIndex);
      if (declEndLine < 0 || text.slice(declStart, decl.startIndex).trim() !== '' || text.slice(decl.endIndex, declEndLine).trim() !== '') return 'whose import declaration shares its lines with something else';
      if (decl.descendantsOfType('comment').length) return 'whose import declaration holds a comment';
      const before = text.slice(0, declStart);
      const after = text.slice(declEndLine + 1);
      // A blank line on both sides: one of them goes too, as gofmt would leave one.
      const end = before.endsWith('\n\n') && (after.startsWith('\n') || after.startsWith('\r\n')) ? declEndLine + 1 + (after.startsWith('\r\n') ? 2 : 1) : declEndLine + 1;
      this.api.replace(declStart, end, '');
      return null;
    }
    const before = text.slice(0, lineStart);
    const after = text.slice(lineEnd + 1);
    const prevBlank = /\n[ \t]*\r?\n$/.test(before) || /\(\s*\n$/.test(before);
    const nextBlank = /^[ \t]*\r?\n/.test(after);
    if (prevBlank && nextBlank) lineEnd = text.indexOf('\n', lineEnd + 1);
    this.api.replace(lineStart, lineEnd + 1, '');
    return null;
  }
}
