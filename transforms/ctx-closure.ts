import { asOneOfSeveral } from '../lib/gofmt.js';
import type { RewriteAPI } from '../lib/rewrite.js';
import { callOf, contains, contextImportNames, enclosingLiterals, FUNC_NODES, goAtLeast, innermostFunc, items, lookup, runsOnTheSpot, trailingCommentRows, Walker } from '../lib/scope.js';
import type { Lit, Scope, Snap, Var } from '../lib/scope.js';
import { importSpecs, lineOf, unparen } from '../lib/source.js';
import type { Node } from '../lib/source.js';
import type { Transform } from '../lib/types.js';

/**
 * A func literal that the code itself runs (operand of `go` or `defer`, called on the spot, or bound
 * by `f := func…` to a local that is only ever called) and that reads a context.Context variable
 * declared outside it gets that context as its first parameter, and every call passes it:
 *
 *     go func() { process(ctx, item) }()   →   go func(ctx context.Context) { process(ctx, item) }(ctx)
 *
 * Works per file: scopes are walked here (parameters, var, :=, range/for/if/switch/select bindings,
 * nested literals); what a call or `x.Context()` returns comes from declarations (RewriteAPI). Since
 * the argument is taken at the call while the literal used to read the variable whenever it ran, a
 * literal whose reads can happen later than the call is changed only when nothing writes the variable
 * after that moment (see timing()). Whatever it is not sure of is left alone and reported.
 */
export const ctxClosure: Transform = {
  name: 'ctx-closure',
  description: 'pass closure-captured contexts to func literals explicitly, as their first parameter',
  finding: 'func literal captures a context; pass it as a parameter',
  default: true,
  // A capturable context is a context.Context parameter or var, a context.With…/Background/TODO
  // result, an `x.Context()` result, or the result of a workspace function declared to return one
  // (`tester.NewContext(t)`): a file that has one says `context` or `Context` (also inside a name
  // such as NewContext), or names the variable `ctx`/`…Ctx`. A file that captures a context under
  // another name and mentions none of these is not looked at.
  mentions: /[Cc]ontext|[Cc]tx|CTX/,
  funcLiteralsOnly: true,
  runLiteralsOnly: true,
  capturingLiteralsOnly: true,
  rewriteFile(api: RewriteAPI): void {
    new FileRewrite(api).run();
  },
};

/**
 * A literal in a shape runInfo may count as run by the code itself: called where it is written
 * (through parentheses, by go or defer too), or among the values of an assignment, `:=` or `var`.
 */
function runShape(lit: Node): boolean {
  let n = lit;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  const p = n.parent;
  if (p?.type === 'call_expression') return p.childForFieldName('function')?.id === n.id;
  return p?.type === 'expression_list' && ['assignment_statement', 'short_var_declaration', 'var_spec'].includes(p.parent?.type ?? '');
}

/** The import name used when the package declares `context` itself. */
const IMPORT_ALIAS = 'gocontext';
/** go/printer's funcBody: header plus body up to this many bytes stay on one line. */
const GOFMT_ONE_LINE = 100;

/** One place a literal is run: its call, the go/defer statement around the call, and the scope there. */
interface Site {
  call: Node;
  args: Node;
  stmt: Node | null;
  at: Snap;
}

/**
 * How a literal is run, or why it is not changed. `candidate` says the code runs it itself (go,
 * defer, a call on the spot or of a local bound to it), so that leaving it alone is worth a report;
 * a literal handed to someone else (t.Run, once.Do, a field) is left as it is without a word.
 */
type RunInfo = { sites: Site[]; bound: Var | null } | { reason: string; candidate: boolean; boundTo?: string };

class FileRewrite {
  private readonly w: Walker;
  /** How each func literal of the file is run (by node id). */
  private infos = new Map<number, RunInfo>();
  private readonly inlineMemo = new Map<number, boolean>();
  private readonly qualifier: string | null;
  /** The name under which the context import is added when a plain `import "context"` would clash. */
  private readonly importAlias: string | null = null;
  /** What the new parameter's type is written as. */
  private readonly typeText: string;

  constructor(private readonly api: RewriteAPI) {
    this.w = new Walker(api, contextImportNames(api));
    this.qualifier = api.contextQualifier();
    // A package-level `context` (in any file of the package) rules out a plain import: the import is aliased.
    if (this.qualifier === null && api.packageDeclares('context')) {
      // The name the package's other files use for it, else IMPORT_ALIAS.
      this.importAlias = api.packageImportNames('context').find((n) => n !== 'context' && n !== '_' && !api.packageDeclares(n)) ?? IMPORT_ALIAS;
    }
    const q = this.qualifier ?? this.importAlias ?? 'context';
    this.typeText = q === '' ? 'Context' : `${q}.Context`;
  }

  run(): void {
    const w = this.w;
    const pkg: Scope = { parent: null, vars: new Map() };
    for (const c of this.api.root.namedChildren) {
      // A function with no literal that its own code runs (runInfo's shapes) has nothing to change
      // or to report: its literals are all handed to someone else. Nor has one whose run literals
      // read no variable of the function that may be a context (the facts tell). It is not walked.
      if (c.type === 'function_declaration' || c.type === 'method_declaration') {
        const body = c.childForFieldName('body');
        if (!body || !this.api.mayCaptureContext(body)) continue;
        // Where the facts list the body they have seen such a literal in it (nearly always: a body
        // walked needlessly changes nothing); otherwise its tree is searched for one.
        if (!this.api.capturesListed(body) && (!/\bfunc\b/.test(body.text) || !body.descendantsOfType('func_literal').some(runShape))) continue;
      }
      w.walk(c, pkg);
    }
    if (!w.lits.length) return;
    // Package-level variables are not captured (and anyone may write them): only locals count, and
    // only those a literal reads from outside it. Whether a variable is a context is asked of these
    // alone (answering may parse the files declaring what it is made from).
    // A read is a capture when the innermost literal around it does not hold the declaration
    // (offsets, not tree walks: a file has thousands of reads and tens of literals).
    const spans = w.lits.map((l) => ({ start: l.node.startIndex, end: l.node.endIndex }));
    const capturedAt = (at: number, decl: number) => {
      let inner: { start: number; end: number } | undefined;
      for (const sp of spans) if (sp.start <= at && at < sp.end && (!inner || sp.start > inner.start)) inner = sp;
      return !!inner && !(inner.start <= decl && decl < inner.end);
    };
    const captured = w.vars.filter((v) => {
      if (v.scope === pkg || !v.refs.length) return false;
      const decl = v.node.startIndex;
      return v.refs.some((r) => capturedAt(r.startIndex, decl));
    });
    const ctxVars = captured.filter((v) => v.ctx);
    const unsureVars = captured.filter((v) => v.unsure);
    // Variables of a type goshift cannot determine count only with a sign of a context (contextSign()).
    const signs = new Map<Var, string>();
    for (const v of captured) {
      if (!v.maybe) continue;
      const why = w.contextSign(v);
      if (why) signs.set(v, why);
    }
    const maybeVars = [...signs.keys()];
    if (!ctxVars.length && !unsureVars.length && !maybeVars.length) return;

    const infos = new Map<number, RunInfo>(w.lits.map((l) => [l.node.id, this.runInfo(l)]));
    this.infos = infos;
    // Calls of a bound literal that gets parameters pass the context where they are: those are new
    // references, which the literals around them then capture too (so a second run finds nothing).
    let plan = new Map<number, { lit: Lit; caps: Var[] }>();
    let reasons = new Map<number, { lit: Lit; reason: string }>();
    for (let round = 0; round < 20; round++) {
      const extra = new Map<Var, Node[]>();
      for (const { lit, caps } of plan.values()) {
        const info = infos.get(lit.node.id)!;
        if (!('sites' in info) || !info.bound) continue;
        for (const site of info.sites) for (const v of caps) extra.set(v, [...(extra.get(v) ?? []), site.args]);
      }
      const next = new Map<number, { lit: Lit; caps: Var[] }>();
      const nextReasons = new Map<number, { lit: Lit; reason: string }>();
      for (const lit of w.lits) {
        const captures = (v: Var) => !contains(lit.node, v.node) && (v.refs.some((r) => contains(lit.node, r)) || (extra.get(v) ?? []).some((r) => contains(lit.node, r)));
        const caps = ctxVars.filter(captures);
        const info = infos.get(lit.node.id)!;
        // A literal the code runs itself that captures something that may be a context is left as it
        // is (with half its contexts passed it would only be confusing), and said so.
        const unsure = 'sites' in info ? unsureVars.find(captures) : undefined;
        if (unsure) {
          nextReasons.set(lit.node.id, { lit, reason: `${this.subject(info)} captures ${unsure.name}, which may be a context (declared at ${this.api.rel}:${lineOf(unsure.node)}): ${unsure.unsure}; left as it is` });
          continue;
        }
        // One that may be a context but whose type goshift cannot determine is reported; the contexts
        // it knows still become parameters (the other variable stays captured, as it was).
        const maybe = 'sites' in info ? maybeVars.find(captures) : undefined;
        const unknown = maybe && `${maybe.name}, whose type goshift cannot determine (declared at ${this.api.rel}:${lineOf(maybe.node)} by ${maybe.maybe}), and ${signs.get(maybe)}`;
        if (maybe && !caps.length) {
          nextReasons.set(lit.node.id, { lit, reason: `${this.subject(info)} captures ${unknown}: left as it is; if ${maybe.name} is a context.Context, pass it as a parameter yourself` });
          continue;
        }
        if (!caps.length) continue;
        // A literal handed to someone else (t.Run, once.Do, a field) keeps its signature: nothing to report.
        if ('reason' in info && !info.candidate) continue;
        const names = caps.map((v) => v.name).join(', ');
        const reason = this.check(lit, info, caps, extra, plan);
        if (reason) nextReasons.set(lit.node.id, { lit, reason: `${this.subject(info)} captures ${names}, but ${reason}; left as it is` });
        else next.set(lit.node.id, { lit, caps });
        if (!reason && maybe) {
          nextReasons.set(lit.node.id, { lit, reason: `${this.subject(info)} gets ${names} as a parameter but also captures ${unknown}: ${maybe.name} stays captured; if it is a context.Context, pass it as a parameter yourself` });
        }
      }
      const same = next.size === plan.size && [...next].every(([k, v]) => plan.get(k)?.caps.map((c) => c.seq).join() === v.caps.map((c) => c.seq).join());
      plan = next;
      reasons = nextReasons;
      if (same) break;
    }

    for (const { lit, reason } of [...reasons.values()].sort((a, b) => a.lit.node.startIndex - b.lit.node.startIndex)) this.api.leftAlone(lit.node, reason);
    if (!plan.size) return;
    if (this.qualifier === null) this.api.addImport('context', this.importAlias ?? undefined);
    const ins: Insertion[] = [];
    for (const { lit, caps } of plan.values()) {
      const info = infos.get(lit.node.id)! as { sites: Site[] };
      this.api.count('func literal given its context', 'func literals given their context', 1, lit.node);
      ins.push(insertFront(this.api.text, lit.node.childForFieldName('parameters')!, caps.map((v) => `${v.name} ${this.typeText}`)));
      for (const site of info.sites) {
        ins.push(insertFront(this.api.text, site.args, caps.map((v) => v.name)));
        const args = items(site.args);
        if (args.length === 1) for (const r of asOneOfSeveral(args[0], this.api.text) ?? []) ins.push({ pos: r.start, end: r.end, text: r.text });
      }
    }
    for (const i of ins) {
      if (i.end !== undefined) this.api.replace(i.pos, i.end, i.text);
      else this.api.insert(i.pos, i.text);
    }
    this.breakLongBodies(ins);
  }

  /**
   * gofmt keeps a one-line function body on its line only while the header (from `func` to the
   * end of the signature) and the body fit in 100 bytes; a function the insertions push over that
   * gets its body broken into lines, as gofmt would print it.
   */
  private breakLongBodies(ins: Insertion[]): void {
    const text = this.api.text;
    const grown = (from: number, to: number) => ins.reduce((k, i) => k + (i.pos > from && i.pos < to ? Buffer.byteLength(i.text) - (i.end !== undefined ? Buffer.byteLength(text.slice(i.pos, i.end)) : 0) : 0), 0);
    // Only a function with an insertion inside can grow past the limit (one holding a function
    // broken here holds its insertions too): those around each insertion, smallest first (functions
    // of one size cannot hold each other), in the order of the file among equals.
    const around = new Map<number, Node>();
    for (const i of ins) {
      for (let n: Node | null = this.api.root.descendantForIndex(i.pos); n; n = n.parent) if (FUNC_NODES.has(n.type)) around.set(n.id, n);
    }
    const fns = [...around.values()].sort((a, b) => a.endIndex - a.startIndex - (b.endIndex - b.startIndex) || a.startIndex - b.startIndex);
    const broken: Node[] = [];
    for (const fn of fns) {
      const body = fn.childForFieldName('body');
      if (!body || body.startPosition.row !== body.endPosition.row || body.descendantsOfType('comment').length) continue;
      const header = text.slice(fn.startIndex, body.startIndex).trimEnd();
      if (header.includes('\n')) continue;
      const stmts = body.namedChildren.find((c) => c.type === 'statement_list')?.namedChildren ?? [];
      if (stmts.length > 5) continue;
      const size = Buffer.byteLength(header) + Buffer.byteLength(text.slice(body.startIndex + 1, body.endIndex - 1).trim());
      if (size > GOFMT_ONE_LINE) continue;
      const nested = broken.some((b) => contains(body, b));
      if (!nested && size + grown(fn.startIndex, body.endIndex - 1) <= GOFMT_ONE_LINE) continue;
      broken.push(fn);
      const lineStart = text.lastIndexOf('\n', fn.startIndex - 1) + 1;
      const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
      const lbrace = body.startIndex + 1;
      const rbrace = body.endIndex - 1;
      const nl = eolOf(text);
      if (!stmts.length) {
        this.api.replace(lbrace, rbrace, `${nl}${indent}`);
        continue;
      }
      this.api.replace(lbrace, stmts[0].startIndex, `${nl}${indent}\t`);
      for (let k = 1; k < stmts.length; k++) this.api.replace(stmts[k - 1].endIndex, stmts[k].startIndex, `${nl}${indent}\t`);
      this.api.replace(stmts[stmts.length - 1].endIndex, rbrace, `${nl}${indent}`);
    }
  }

  /** How a report names the literal: by the way the code runs it. */
  private subject(info: RunInfo): string {
    if (!('sites' in info)) return info.boundTo ? `the func literal bound to ${info.boundTo}` : 'the func literal';
    if (info.bound) return `the func literal bound to ${info.bound.name}`;
    const st = info.sites[0].stmt;
    if (st) return `the func literal run by ${st.type === 'go_statement' ? 'go' : 'defer'}`;
    return 'the func literal called on the spot';
  }

  /** How the literal is run, or why it does not count as run by the code itself. */
  private runInfo(lit: Lit): RunInfo {
    const other = (reason: string): RunInfo => ({ reason, candidate: false });
    let n = lit.node;
    let p = n.parent;
    while (p && p.type === 'parenthesized_expression') {
      n = p;
      p = p.parent;
    }
    if (!p) return other('unsure how the literal is used');
    if (p.type === 'call_expression' && p.childForFieldName('function')?.id === n.id) {
      const stmt = p.parent && (p.parent.type === 'go_statement' || p.parent.type === 'defer_statement') ? p.parent : null;
      return { sites: [{ call: p, args: p.childForFieldName('arguments')!, stmt, at: lit.at }], bound: null };
    }
    if (p.type === 'expression_list') {
      const owner = p.parent;
      const idx = items(p).findIndex((c) => c.id === n.id);
      if (owner?.type === 'assignment_statement') {
        // `f = func…` to a local declared before: worth a word when f is then called.
        const lhs = unparen(items(owner.childForFieldName('left')!)[idx] ?? owner);
        const f = lhs.type === 'identifier' ? this.w.varOfRef(lhs) : undefined;
        if (f && f.scope.parent && this.calls(f).length) {
          return { reason: `it is assigned to ${f.name}, declared on line ${lineOf(f.node)} with its own type, which fixes the literal's parameters (declare ${f.name} with := at the literal to let goshift add the parameter)`, candidate: true };
        }
        return other('assigned');
      }
      if ((owner?.type === 'short_var_declaration' && owner.childForFieldName('right')?.id === p.id) || (owner?.type === 'var_spec' && owner.childForFieldName('value')?.id === p.id)) {
        const left = owner.type === 'var_spec' ? owner.childrenForFieldName('name') : items(owner.childForFieldName('left')!);
        if (left.length !== items(p).length) return other('unsure how the literal is used');
        const id = left[idx];
        const f = this.w.declOf.get(id.id);
        if (owner.type === 'var_spec' && owner.childForFieldName('type')) {
          const called = !!f && f.scope.parent !== null && this.calls(f).length > 0;
          return { reason: `${id.text} is declared with the type ${owner.childForFieldName('type')!.text}, which fixes the literal's parameters (write \`${id.text} := func…\` to let goshift add the parameter)`, candidate: called };
        }
        if (!f) {
          // `f, err := func…, x` redeclaring f: assigned, like `f = func…`.
          const g = id.type === 'identifier' && id.text !== '_' ? this.w.varOfRef(id) : undefined;
          if (g && g.scope.parent && this.calls(g).length) return { reason: `it is assigned to ${g.name}, declared on line ${lineOf(g.node)} with its own type, which fixes the literal's parameters`, candidate: true };
          return other('assigned');
        }
        return this.boundInfo(f);
      }
    }
    return other('its signature is fixed by someone else');
  }

  /** The references to f that call it. */
  private calls(f: Var): Node[] {
    return f.refs.filter((r) => callOf(r) !== null);
  }

  private boundInfo(f: Var): RunInfo {
    const calls = this.calls(f);
    // Bound to a local that is never called (only passed or stored), or to a package-level variable: someone else runs it.
    const candidate = calls.length > 0 && f.scope.parent !== null;
    const why = (reason: string): RunInfo => ({ reason, candidate, boundTo: f.name });
    if (!f.scope.parent) return why(`${f.name} is a package-level variable: its signature is fixed by every use in the package`);
    if (f.writes.length) return why(`${f.name} is assigned again on line ${lineOf(f.writes[0])}: a call of ${f.name} may run another func, whose parameters goshift would not change`);
    if (f.addr.length) return why(`the address of ${f.name} is taken on line ${lineOf(f.addr[0])}: ${f.name} may be called or replaced through that pointer`);
    const sites: Site[] = [];
    for (const r of f.refs) {
      const call = callOf(r);
      if (!call) {
        return why(`${f.name} is also used on line ${lineOf(r)} other than in a call (passed, stored or returned), and that use fixes its parameters`);
      }
      const stmt = call.parent && (call.parent.type === 'go_statement' || call.parent.type === 'defer_statement') ? call.parent : null;
      sites.push({ call, args: call.childForFieldName('arguments')!, stmt, at: this.w.refAt.get(r.id)! });
    }
    if (!sites.length) return why(`${f.name} is never called`);
    return { sites, bound: f };
  }

  /** Why the literal cannot take the captured contexts as parameters, or null when it can. */
  private check(lit: Lit, info: RunInfo, caps: Var[], extra: Map<Var, Node[]>, plan: Map<number, { caps: Var[] }>): string | null {
    if ('reason' in info) return info.reason;
    const L = lit.node;
    const names = caps.map((v) => v.name).join(', ');
    for (const v of caps) {
      const inside = v.writes.find((x) => contains(L, x));
      if (inside) return `it assigns ${v.name} itself (line ${lineOf(inside)}): were ${v.name} its parameter, the enclosing function would no longer see that write`;
    }
    for (const v of caps) {
      if (v.addr.length) return `the address of ${v.name} is taken on line ${lineOf(v.addr[0])}: ${v.name} may be written through that pointer at any time, so goshift cannot tell which context the literal sees`;
    }
    // A call of one argument that gets the context too: gofmt prints that argument a level deeper (lib/gofmt.ts).
    for (const site of info.sites) {
      const args = items(site.args);
      if (args.length === 1 && asOneOfSeveral(args[0], this.api.text) === null) return `the call on line ${lineOf(site.call)} has one argument with a comment inside, which gofmt would respace once ${names} joins it`;
    }
    for (const site of info.sites) {
      for (const v of caps) {
        // Inside a literal that gets v as its parameter, the literal reads that parameter, which nothing writes.
        if (enclosingLiterals(L, v).some((m) => plan.get(m.id)?.caps.includes(v))) continue;
        const why = this.timing(L, site, v, extra);
        if (why) return why;
      }
    }
    // The new parameter joins the body's top-level block: a declaration of the same name there must stay legal.
    const capNames = new Set(caps.map((v) => v.name));
    for (const v of caps) {
      const own = lit.scope.vars.get(v.name);
      if (!own) continue;
      if (own.kind === 'short' && !own.fresh.some((n) => !capNames.has(n))) return `its body declares ${v.name} with := and no other new variable (line ${lineOf(own.node)}): with a parameter ${v.name} that would not compile (rename one of them to let goshift add the parameter)`;
      if (own.kind === 'short' && !own.ctx) return `its body redeclares ${v.name} with := (line ${lineOf(own.node)}) from something goshift does not know to be a context.Context: with a parameter ${v.name} of that type it might not compile`;
      if (own.kind !== 'short') return `its body declares ${v.name} in its top-level block (line ${lineOf(own.node)}): with a parameter ${v.name} that would not compile (rename one of them to let goshift add the parameter)`;
      // With the parameter, that `:=` assigns the parameter: a read of the outer variable that can run
      // after it (in a nested func literal, or again after a backward goto) would see the new value.
      const reads = [...v.refs, ...(extra.get(v) ?? [])].filter((r) => contains(L, r));
      const late = reads.find((r) => innermostFunc(r)?.id !== L.id);
      if (late) return `its body redeclares ${v.name} with := (line ${lineOf(own.node)}) after a nested func literal reads the outer ${v.name} (line ${lineOf(late)}): with a parameter ${v.name}, that := would assign the parameter and the nested literal would see the new value`;
      if (L.descendantsOfType('goto_statement').length) return `its body redeclares ${v.name} with := (line ${lineOf(own.node)}) and has a goto: with a parameter ${v.name}, a read of the outer ${v.name} could run after that := and see the new value`;
    }
    const params = L.childForFieldName('parameters')!;
    const ps = items(params);
    if (params.namedChildren.some((c) => c.type === 'comment')) return 'its parameter list holds comments: goshift does not know where the new parameter would go';
    if (ps.some((d) => d.childrenForFieldName('name').length === 0)) return `its parameters are unnamed, and a named parameter ${names} cannot join unnamed ones (name them to let goshift add it)`;
    const count = ps.reduce((k, d) => k + d.childrenForFieldName('name').length, 0);
    const variadic = ps.some((d) => d.type === 'variadic_parameter_declaration');
    const q = this.qualifier ?? this.importAlias ?? 'context';
    const qname = q === '' ? 'Context' : q;
    if (lookup(qname, lit.at)?.scope.parent) return `${qname} is a local name at the literal: the parameter's type ${this.typeText} cannot be written there`;
    if (this.qualifier === null && this.importAlias && (this.api.packageDeclares(this.importAlias) || this.importNames().has(this.importAlias))) {
      return `the file does not import context, and the package declares both context and ${this.importAlias}: there is no name left to import context under`;
    }
    for (const site of info.sites) {
      const args = items(site.args);
      if (site.args.namedChildren.some((c) => c.type === 'comment')) return `the arguments of its call on line ${lineOf(site.call)} hold comments: goshift does not know where the new argument would go`;
      const spread = args.some((a) => a.type === 'variadic_argument');
      const fixed = variadic ? count - 1 : count;
      if (args.length === 1 && unparen(args[0]).type === 'call_expression' && (count > 1 || variadic)) {
        return `its call on line ${lineOf(site.call)} passes the results of another call (f(g())), which no argument can join`;
      }
      if (spread ? args.length !== count : variadic ? args.length < fixed : args.length !== count) {
        return `its call on line ${lineOf(site.call)} passes a number of arguments that does not match its parameters`;
      }
      for (const v of caps) {
        if (lookup(v.name, site.at) !== v) return `at its call on line ${lineOf(site.call)} the name ${v.name} means another variable, so the call cannot pass it`;
      }
    }
    // gofmt aligns trailing comments of neighbouring lines: a longer line would move them.
    const rows = [params, ...info.sites.map((s) => s.args)].map((n) => n.startPosition.row);
    const trailing = (this.trailingRows ??= trailingCommentRows(this.api));
    const row = rows.find((r) => trailing.has(r) && (trailing.has(r - 1) || trailing.has(r + 1)));
    if (row !== undefined) return `line ${row + 1} has a trailing comment aligned with those of the lines next to it: the longer line would need gofmt to realign them`;
    return null;
  }

  /**
   * Why passing v at this site could change what the literal sees, or null. The argument is the value
   * of v at the call; the literal reads v during the call, or later (a `go`/`defer` site, a closure
   * inside it that outlives the call, a call inside a func literal that runs at another time). A
   * read that can happen later is safe only if nothing writes v after the moment the argument is
   * taken: no write later in the code, in a loop around it (up to v's own scope), in a func literal
   * (which may run again or concurrently), by a goto, or by a return (named result).
   */
  private timing(L: Node, site: Site, v: Var, extra: Map<Var, Node[]>): string | null {
    const D = innermostFunc(v.node);
    // Where the argument is taken, when the literal may read v after it; the outermost such point wins.
    let point: Node | null = null;
    let what = '';
    let who = '';
    if (site.stmt) {
      point = site.stmt;
      what = `the ${site.stmt.type === 'go_statement' ? 'go' : 'defer'} statement`;
      who = site.stmt.type === 'go_statement' ? 'the goroutine' : 'the deferred call';
    } else {
      const reads = [...v.refs, ...(extra.get(v) ?? [])].filter((r) => contains(L, r));
      const late = this.lateLiteral(L, reads);
      if (late) {
        point = site.call;
        what = 'the call';
        who = `the func literal on line ${lineOf(late)} (which may run after the call)`;
      }
    }
    for (let p = site.call.parent; p && p.id !== D?.id; p = p.parent) {
      if (p.type === 'func_literal' && !this.inline(p)) {
        point = p;
        what = `the func literal on line ${lineOf(p)}`;
        who = 'the literal (called from there, at another time)';
      }
    }
    for (const x of v.writes) {
      // A write in another func literal may run at any time.
      const fx = innermostFunc(x);
      if (fx && fx.type === 'func_literal' && fx.id !== D?.id) {
        if (!contains(fx, site.call)) return `${v.name} is assigned inside another func literal (line ${lineOf(x)}), which may run at any time: with a parameter the literal could see another context than it does now`;
        if (point) return `${v.name} is assigned on line ${lineOf(x)}, inside a func literal around ${what} that may run again: with a parameter ${who} would get the context ${v.name} holds at ${what}, not the one assigned later`;
      }
    }
    if (!point) return null;
    if (v.kind === 'result') return `${v.name} is a named result, which return statements assign after ${what}: with a parameter ${who} would get the context ${v.name} holds at ${what}, not the one a return statement assigns`;
    for (const x of v.writes) {
      if (x.startIndex >= point.endIndex) return `${v.name} is reassigned on line ${lineOf(x)}, after ${what}: with a parameter ${who} would get the context ${v.name} holds at ${what}, not the one assigned later`;
      if (this.inLoopAround(point, v, x)) return `${v.name} is reassigned on line ${lineOf(x)}, in a loop around ${what}: with a parameter ${who} would get the context ${v.name} holds at ${what}, not the one a later round assigns`;
    }
    if (v.writes.length && D && this.hasGoto(D)) return `${v.name} is reassigned in a function with goto: goshift cannot tell whether ${who} would then see another context`;
    return null;
  }

  private readonly gotoMemo = new Map<number, boolean>();
  private hasGoto(fn: Node): boolean {
    let g = this.gotoMemo.get(fn.id);
    if (g === undefined) this.gotoMemo.set(fn.id, (g = fn.descendantsOfType('goto_statement').length > 0));
    return g;
  }

  /**
   * A func literal that runs only as part of the code around it: called on the spot (or deferred), or
   * bound to a local that is only ever called directly (not by go/defer) from places that run inline
   * themselves. Whatever it does happens between the statements around its calls.
   */
  private inline(lit: Node): boolean {
    if (runsOnTheSpot(lit)) return true;
    const memo = this.inlineMemo.get(lit.id);
    if (memo !== undefined) return memo;
    this.inlineMemo.set(lit.id, false); // a recursive question answers no
    const info = this.infos.get(lit.id);
    let ok = !!info && 'sites' in info && !!info.bound;
    const outer = innermostFunc(lit);
    for (const site of info && 'sites' in info ? info.sites : []) {
      if (!ok) break;
      if (site.stmt) ok = false;
      for (let p = site.call.parent; ok && p && p.id !== outer?.id; p = p.parent) {
        if (p.type === 'func_literal' && !this.inline(p)) ok = false;
      }
    }
    this.inlineMemo.set(lit.id, ok);
    return ok;
  }

  /** A func literal nested in L, holding one of the reads, that may run after L returns (started by go, returned, stored, passed). */
  private lateLiteral(L: Node, reads: Node[]): Node | null {
    for (const r of reads) {
      for (let p = r.parent; p && p.id !== L.id; p = p.parent) {
        if (p.type === 'func_literal' && !this.inline(p)) return p;
      }
    }
    return null;
  }

  /**
   * A loop around `point`, within v's scope, that also holds the write x: a later round writes v
   * after this round's point. A loop whose body declares v makes a new v each round, as does (from
   * Go 1.22 on) a `for` whose init statement declares it.
   */
  private inLoopAround(point: Node, v: Var, x: Node): boolean {
    for (let p = point.parent; p; p = p.parent) {
      if (p.type !== 'for_statement') {
        if (contains(p, v.node)) return false;
        continue;
      }
      if (contains(p, v.node)) {
        const body = p.childForFieldName('body');
        if ((body && contains(body, v.node)) || this.perIterationLoopVars()) return false;
        return contains(p, x);
      }
      if (contains(p, x)) return true;
    }
    return false;
  }

  private trailingRows?: { has(row: number): boolean };
  private perIter?: boolean;
  /** The module's go.mod says go 1.22 or later: a 3-clause for loop's variables are per iteration. */
  private perIterationLoopVars(): boolean {
    if (this.perIter !== undefined) return this.perIter;
    return (this.perIter = goAtLeast(this.api.goVersion(), 22));
  }

  /** The names the file's imports bind (explicit aliases and last path elements). */
  private importNames(): Set<string> {
    const out = new Set<string>();
    for (const spec of importSpecs(this.api.root)) {
      const name = spec.childForFieldName('name')?.text;
      const p = spec.childForFieldName('path')?.text.slice(1, -1) ?? '';
      out.add(name ?? p.slice(p.lastIndexOf('/') + 1));
    }
    return out;
  }

}

interface Insertion {
  pos: number;
  text: string;
  /** When set, the text replaces pos..end (white space only). */
  end?: number;
}

/** Texts to put in front of a parameter or argument list's items, in the list's own layout. */
function insertFront(text: string, list: Node, texts: string[]): Insertion {
  const pos = list.child(0)!.endIndex;
  const its = items(list);
  if (!its.length) {
    // `(\n)` is valid Go, which gofmt writes `()`: the new items go on the line of the `(`.
    const end = list.child(list.childCount - 1)!.startIndex;
    return end > pos ? { pos, end, text: texts.join(', ') } : { pos, text: texts.join(', ') };
  }
  if (its[0].startPosition.row === list.startPosition.row) return { pos, text: texts.join(', ') + ', ' };
  // One item per line: each new one gets its own line, indented like the first.
  const lineStart = text.lastIndexOf('\n', its[0].startIndex - 1) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart, its[0].startIndex))![0];
  return { pos, text: texts.map((t) => `${eolOf(text)}${indent}${t},`).join('') };
}

/** The file's line ending, for the lines this transform adds. */
function eolOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}
