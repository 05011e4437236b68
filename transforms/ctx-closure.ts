import type { GType } from '../lib/program.js';
import type { RewriteAPI } from '../lib/rewrite.js';
import { unparen } from '../lib/source.js';
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
  rewriteFile(api: RewriteAPI): void {
    new FileRewrite(api).run();
  },
};

/** Functions of package context whose (first) result is a context.Context. */
const CONTEXT_FUNCS = new Set([
  'Background',
  'TODO',
  'WithCancel',
  'WithCancelCause',
  'WithDeadline',
  'WithDeadlineCause',
  'WithTimeout',
  'WithTimeoutCause',
  'WithValue',
  'WithoutCancel',
]);
/** Functions of package context that take a context.Context as their first argument. */
const CONTEXT_TAKERS = new Set([...CONTEXT_FUNCS, 'AfterFunc', 'Cause']);
/**
 * Functions outside the workspace whose result at this position is a context.Context, known
 * without their source: `importpath.Func`.
 */
const FOREIGN_CONTEXT_RESULTS = new Map([
  ['os/signal.NotifyContext', 0],
  ['runtime/trace.NewTask', 0],
  ['runtime/pprof.WithLabels', 0],
  ['net/http/httptrace.WithClientTrace', 0],
  ['golang.org/x/sync/errgroup.WithContext', 1],
]);
/** A name people give a context: ctx, ctx2, subCtx, gctx, reqContext, context. */
const CONTEXT_LIKE_NAME = /^(?:[a-z][A-Za-z0-9]*)?(?:ctx|Ctx|CTX|Context)\d*$|^context\d*$/;
/** Methods of context.Context whose call on a variable of unknown type suggests it is one. */
const CONTEXT_METHODS = new Set(['Done', 'Deadline', 'Value']);
/** The import name used when the package declares `context` itself. */
const IMPORT_ALIAS = 'gocontext';
const FUNC_NODES_LIST = ['function_declaration', 'method_declaration', 'func_literal'];
const FUNC_NODES = new Set(FUNC_NODES_LIST);
/** go/printer's funcBody: header plus body up to this many bytes stay on one line. */
const GOFMT_ONE_LINE = 100;

interface Scope {
  parent: Scope | null;
  vars: Map<string, Var>;
}

interface Var {
  name: string;
  /** The declaring identifier. */
  node: Node;
  /** Declaration order in the file: a use sees the variables declared before it. */
  seq: number;
  scope: Scope;
  /** Its type is context.Context, as far as the declarations tell. */
  ctx: boolean;
  /** It may be a context.Context but goshift cannot tell (why), e.g. the result of a `x.Context()` it does not know. */
  unsure: string | null;
  /**
   * Its type is unknown to goshift (where it comes from: `a call of other.Make from example.com/other,
   * outside the workspace`): it counts as a possible context only with a sign of one (contextSign()).
   */
  maybe: string | null;
  /** The type it is declared with, if written. */
  typeNode: Node | null;
  /** The expression it is initialised from (`:=` / `var x = e` with as many values as names). */
  init: Node | null;
  kind: 'param' | 'result' | 'short' | 'var' | 'other';
  /** short_var_declaration / var_spec declaring it. */
  stmt: Node | null;
  /** For `:=`: every name the statement declares anew (this one included). */
  fresh: string[];
  /** Every identifier that refers to it (reads and writes), declaration excluded. */
  refs: Node[];
  /** Assignments to it (`=`, op=, `:=` redeclaring it, ++/--, range with =). */
  writes: Node[];
  /** `&x`. */
  addr: Node[];
}

/** Where a name is looked up: a scope, as it stood before the seq-th declaration. */
interface Snap {
  scope: Scope;
  seq: number;
}

interface Lit {
  node: Node;
  /** The literal's own scope (parameters and top-level block). */
  scope: Scope;
  /** The scope around it, at the literal. */
  at: Snap;
}

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

/**
 * Is an expression a context.Context: yes, no, a reason why goshift cannot tell although it looks
 * like one (`x.Context()` of an unknown x), or where an expression of unknown type comes from.
 */
type Ctx = boolean | string | { maybe: string };

function lookup(name: string, at: Snap): Var | undefined {
  for (let s: Scope | null = at.scope; s; s = s.parent) {
    const v = s.vars.get(name);
    if (v && v.seq < at.seq) return v;
  }
  return undefined;
}

function items(list: Node): Node[] {
  return list.namedChildren.filter((c) => c.type !== 'comment');
}

function contains(outer: Node, inner: Node): boolean {
  return outer.startIndex <= inner.startIndex && inner.endIndex <= outer.endIndex;
}

function innermostFunc(n: Node): Node | null {
  for (let p = n.parent; p; p = p.parent) if (FUNC_NODES.has(p.type)) return p;
  return null;
}

/** The func literals around L, inside the function that declares v. */
function enclosingLiterals(L: Node, v: Var): Node[] {
  const out: Node[] = [];
  for (let p = L.parent; p && !contains(p, v.node); p = p.parent) if (p.type === 'func_literal') out.push(p);
  return out;
}

/** The call whose function n is (through parentheses: `(f)(x)`), or null. */
function callOf(n: Node): Node | null {
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  const call = n.parent;
  return call?.type === 'call_expression' && call.childForFieldName('function')?.id === n.id ? call : null;
}

/** A func literal called right where it is written, not by `go` (a deferred one runs before its function returns). */
function runsOnTheSpot(lit: Node): boolean {
  const call = callOf(lit);
  return !!call && call.parent?.type !== 'go_statement';
}

function hasToken(n: Node, tok: string): boolean {
  return n.children.some((c) => !c.isNamed && c.type === tok);
}

function lineOf(n: Node): number {
  return n.startPosition.row + 1;
}

/** The node types special() handles (a walk hands every other named node's children on in the same scope). */
const SPECIAL = new Set([
  'function_declaration', 'method_declaration', 'func_literal', 'block', 'if_statement', 'for_statement',
  'expression_switch_statement', 'type_switch_statement', 'select_statement', 'short_var_declaration',
  'var_declaration', 'const_declaration', 'type_declaration', 'assignment_statement', 'inc_statement',
  'dec_statement', 'unary_expression', 'identifier', 'parameter_declaration', 'variadic_parameter_declaration',
  'comment', 'field_identifier', 'type_identifier', 'package_identifier', 'label_name',
]);

/** Scopes and references of one file. */
class Walker {
  seq = 0;
  readonly lits: Lit[] = [];
  readonly vars: Var[] = [];
  /** identifier node id → where it was resolved. */
  readonly refAt = new Map<number, Snap>();
  /** declaring identifier node id → its variable. */
  readonly declOf = new Map<number, Var>();

  /** The variable an identifier refers to, if the walk resolved it. */
  varOfRef(id: Node): Var | undefined {
    const at = this.refAt.get(id.id);
    return at ? lookup(id.text, at) : undefined;
  }

  constructor(
    private readonly api: RewriteAPI,
    /** Local names of the file's context imports. */
    readonly ctxNames: Set<string>,
  ) {}

  snap(s: Scope): Snap {
    return { scope: s, seq: this.seq };
  }

  private scope(parent: Scope): Scope {
    return { parent, vars: new Map() };
  }

  private declare(s: Scope, id: Node, kind: Var['kind'], ctx: Ctx, stmt: Node | null = null, fresh: string[] = [], typeNode: Node | null = null, init: Node | null = null): void {
    if (id.text === '_') return;
    const v: Var = {
      name: id.text, node: id, seq: this.seq++, scope: s, ctx: ctx === true, unsure: typeof ctx === 'string' ? ctx : null,
      maybe: typeof ctx === 'object' ? ctx.maybe : null, typeNode, init,
      kind, stmt, fresh, refs: [], writes: [], addr: [],
    };
    s.vars.set(v.name, v);
    this.vars.push(v);
    this.declOf.set(id.id, v);
  }

  private ref(id: Node, s: Scope): Var | undefined {
    const at = this.snap(s);
    const v = lookup(id.text, at);
    if (v) {
      v.refs.push(id);
      this.refAt.set(id.id, at);
    }
    return v;
  }

  private write(e: Node, s: Scope): void {
    const id = unparen(e);
    if (id.type === 'identifier') this.ref(id, s)?.writes.push(id);
    else this.walk(e, s);
  }

  private children(n: Node, s: Scope): void {
    for (const c of n.namedChildren) this.walk(c, s);
  }

  /**
   * Walks n in scope s, in source order. Nodes that only pass their scope on to their children (most
   * expressions) are visited with a tree cursor rather than by recursion, so a deep expression
   * (a generated 8,000-term string concatenation) does not overflow the call stack; the order in
   * which declarations and references are seen is the same as a recursive walk's.
   */
  walk(root: Node, s: Scope): void {
    if (this.special(root, s)) return;
    // A tree cursor, not namedChildren: most nodes are expressions that only pass the scope on, and
    // a cursor reads their types without building a node object for each.
    const c = root.walk();
    if (!c.gotoFirstChild()) return;
    let depth = 1;
    for (;;) {
      if (c.nodeIsNamed && (!SPECIAL.has(c.nodeType) || !this.special(c.currentNode, s)) && c.gotoFirstChild()) {
        depth++;
        continue;
      }
      while (!c.gotoNextSibling()) {
        if (--depth === 0 || !c.gotoParent()) return;
      }
    }
  }

  /** Handles n when its type needs more than a walk of its children in the same scope; false otherwise. A type handled here is in SPECIAL too. */
  private special(n: Node, s: Scope): boolean {
    switch (n.type) {
      case 'function_declaration':
      case 'method_declaration':
      case 'func_literal':
        this.func(n, s);
        return true;
      case 'block':
        this.children(n, this.scope(s));
        return true;
      case 'if_statement':
      case 'for_statement': {
        const is = this.scope(s);
        for (const c of n.namedChildren) {
          if (c.type === 'range_clause') this.range(c, is);
          else this.walk(c, is);
        }
        return true;
      }
      case 'expression_switch_statement': {
        const ss = this.scope(s);
        for (const c of n.namedChildren) {
          if (c.type === 'expression_case' || c.type === 'default_case') this.children(c, this.scope(ss));
          else this.walk(c, ss);
        }
        return true;
      }
      case 'type_switch_statement': {
        const ss = this.scope(s);
        const alias = n.childForFieldName('alias');
        for (const c of n.namedChildren) {
          if (alias && c.id === alias.id) continue;
          if (c.type === 'type_case' || c.type === 'default_case') {
            const cs = this.scope(ss);
            for (const id of alias ? items(alias) : []) this.declare(cs, id, 'other', false);
            for (const cc of c.namedChildren) if (cc.type === 'statement_list') this.walk(cc, cs);
          } else {
            this.walk(c, ss);
          }
        }
        return true;
      }
      case 'select_statement':
        for (const c of n.namedChildren) {
          const cs = this.scope(s);
          for (const cc of c.namedChildren) {
            if (cc.type === 'receive_statement') {
              const right = cc.childForFieldName('right');
              if (right) this.walk(right, cs);
              const left = cc.childForFieldName('left');
              const define = hasToken(cc, ':=');
              for (const e of left ? items(left) : []) {
                if (define) this.declare(cs, e, 'other', false);
                else this.write(e, cs);
              }
            } else {
              this.walk(cc, cs);
            }
          }
        }
        return true;
      case 'short_var_declaration':
        this.shortVar(n, s);
        return true;
      case 'var_declaration':
        for (const spec of n.descendantsOfType('var_spec')) if (spec.parent?.id === n.id || spec.parent?.parent?.id === n.id) this.varSpec(spec, s);
        return true;
      case 'const_declaration':
        for (const spec of n.namedChildren) {
          if (spec.type !== 'const_spec') continue;
          const value = spec.childForFieldName('value');
          if (value) this.walk(value, s);
          for (const id of spec.childrenForFieldName('name')) this.declare(s, id, 'other', false);
        }
        return true;
      case 'type_declaration':
        for (const spec of n.namedChildren) {
          const id = spec.childForFieldName('name');
          if (id) this.declare(s, id, 'other', false);
        }
        return true;
      case 'assignment_statement':
        for (const e of items(n.childForFieldName('left')!)) this.write(e, s);
        this.walk(n.childForFieldName('right')!, s);
        return true;
      case 'inc_statement':
      case 'dec_statement':
        for (const e of n.namedChildren) this.write(e, s);
        return true;
      case 'unary_expression': {
        const operand = n.childForFieldName('operand');
        if (n.childForFieldName('operator')?.type === '&' && operand && unparen(operand).type === 'identifier') {
          this.ref(unparen(operand), s)?.addr.push(operand);
          return true;
        }
        return false;
      }
      case 'identifier':
        this.ref(n, s);
        return true;
      case 'parameter_declaration':
      case 'variadic_parameter_declaration':
        // In a func type: the names declare nothing here.
        return true;
      case 'comment':
      case 'field_identifier':
      case 'type_identifier':
      case 'package_identifier':
      case 'label_name':
        return true;
      default:
        return false;
    }
  }

  private func(n: Node, s: Scope): void {
    const fs = this.scope(s);
    if (n.type === 'func_literal') this.lits.push({ node: n, scope: fs, at: this.snap(s) });
    const params = (pl: Node | null, kind: Var['kind']) => {
      if (!pl || pl.type !== 'parameter_list') return;
      for (const d of pl.namedChildren) {
        if (d.type !== 'parameter_declaration' && d.type !== 'variadic_parameter_declaration') continue;
        const type = d.type === 'parameter_declaration' ? d.childForFieldName('type') : null;
        const ctx = this.api.isContextType(type);
        for (const id of d.childrenForFieldName('name')) this.declare(fs, id, kind, ctx, null, [], type);
      }
    };
    params(n.childForFieldName('receiver'), 'param');
    for (const tp of n.childForFieldName('type_parameters')?.namedChildren ?? []) for (const id of tp.childrenForFieldName('name')) this.declare(fs, id, 'other', false);
    params(n.childForFieldName('parameters'), 'param');
    params(n.childForFieldName('result'), 'result');
    const body = n.childForFieldName('body');
    // The body's top-level block shares the parameters' scope.
    if (body) this.children(body, fs);
  }

  private range(c: Node, s: Scope): void {
    const right = c.childForFieldName('right');
    if (right) this.walk(right, s);
    const left = c.childForFieldName('left');
    if (!left) return;
    if (hasToken(c, ':=')) for (const id of items(left)) this.declare(s, id, 'other', false);
    else for (const e of items(left)) this.write(e, s);
  }

  /** Context-ness of each name of `a, b := x, y` / `var a, b = x, y`, decided in the scope before it. */
  private ctxFlags(left: Node[], right: Node[], s: Scope): Ctx[] {
    return left.map((_, i) => (right.length === left.length ? this.isContextExpr(right[i], s) : right.length === 1 ? this.isContextCall(right[0], s, i) : false));
  }

  private shortVar(n: Node, s: Scope): void {
    const left = items(n.childForFieldName('left')!);
    const rightList = n.childForFieldName('right')!;
    const right = items(rightList);
    this.walk(rightList, s);
    const flags = this.ctxFlags(left, right, s);
    const fresh = left.filter((id) => id.text !== '_' && !s.vars.has(id.text)).map((id) => id.text);
    left.forEach((id, i) => {
      if (id.text === '_') return;
      if (s.vars.has(id.text)) this.write(id, s);
      else this.declare(s, id, 'short', flags[i], n, fresh, null, right.length === left.length ? right[i] : null);
    });
  }

  private varSpec(spec: Node, s: Scope): void {
    const names = spec.childrenForFieldName('name');
    const type = spec.childForFieldName('type');
    const value = spec.childForFieldName('value');
    if (value) this.walk(value, s);
    const values = value ? items(value) : [];
    const flags: Ctx[] = type ? names.map(() => this.api.isContextType(type)) : this.ctxFlags(names, values, s);
    names.forEach((id, i) => this.declare(s, id, 'var', flags[i], spec, [], type, values.length === names.length ? values[i] : null));
  }

  /** An expression of type context.Context, as far as the declarations tell. */
  isContextExpr(e: Node, s: Scope): Ctx {
    e = unparen(e);
    if (e.type === 'identifier') {
      const v = lookup(e.text, this.snap(s));
      return v ? v.ctx || (v.unsure ?? (v.maybe ? { maybe: v.maybe } : false)) : false;
    }
    // A copy of a field declared context.Context, read through a local of known type (`c := s.ctx`).
    if (e.type === 'selector_expression') {
      const t = this.typeOfExpr(e, this.snap(s), 0);
      return typeof t !== 'string' && t.k === 'context';
    }
    return this.isContextCall(e, s, 0);
  }

  /**
   * Is result `idx` of the call e a context.Context: context.With…(…)/Background()/TODO() (first
   * result), a function or method of the workspace declared to return one at that position (an
   * alias of context.Context too), a well-known foreign one (signal.NotifyContext,
   * errgroup.WithContext's second), `x.Context()` when the declaration of x's type says that method
   * returns one, or `v.(context.Context)`. A `x.Context()` whose x or method goshift cannot resolve
   * gives the reason instead; a call whose results goshift cannot know says where it comes from.
   */
  isContextCall(e: Node, s: Scope, idx: number): Ctx {
    e = unparen(e);
    if (e.type === 'type_assertion_expression') return idx === 0 && this.api.isContextType(e.childForFieldName('type'));
    if (e.type !== 'call_expression') return false;
    const fn = unparen(e.childForFieldName('function')!);
    const name = fn.text.length > 40 ? 'a function' : fn.text;
    const at = (rs: GType[] | null): Ctx => {
      // null: no single non-generic declaration (a generic function, a conversion, a name declared per build tag).
      if (rs === null) return { maybe: `a call of ${name}, a generic function, conversion or twice-declared name whose result goshift does not work out` };
      const r = rs[idx];
      if (!r) return false;
      if (r.k === 'context') return true;
      if (r.k === 'unknown') return { maybe: `a call of ${name}, whose result type goshift cannot resolve (${r.why})` };
      return false;
    };
    if (e.childForFieldName('type_arguments')) return { maybe: `a call of the generic function ${name}` };
    if (fn.type === 'identifier') {
      if (lookup(fn.text, this.snap(s))) return { maybe: `a call of the func value ${name}` };
      return at(this.api.funcResults(fn.text));
    }
    if (fn.type !== 'selector_expression') return fn.type === 'func_literal' ? false : { maybe: `a call of ${name}` };
    const operand = fn.childForFieldName('operand')!;
    const field = fn.childForFieldName('field')?.text ?? '';
    if (operand.type === 'identifier' && !lookup(operand.text, this.snap(s))) {
      if (this.ctxNames.has(operand.text)) return idx === 0 && CONTEXT_FUNCS.has(field);
      const imp = this.api.importOf(operand.text);
      if (imp?.ours) return at(this.api.funcResults(field, operand.text));
      if (imp) {
        const known = FOREIGN_CONTEXT_RESULTS.get(`${imp.path}.${field}`);
        if (known !== undefined) return known === idx;
        return { maybe: `a call of ${name} from ${imp.path}, outside the workspace` };
      }
    }
    const t = this.typeOfExpr(operand, this.snap(s), 0);
    const sel = typeof t === 'string' ? null : this.api.selector(t, field);
    if (sel && 'results' in sel) return at(sel.results);
    if (sel && 'field' in sel) return false; // a func-typed field: not followed
    const what = `${fn.text}()`.length > 40 ? 'a Context() call' : `${fn.text}()`;
    if (field === 'Context' && idx === 0 && items(e.childForFieldName('arguments')!).length === 0) {
      if (typeof t === 'string') return `${what} is called on ${t}`;
      if (sel && 'unsure' in sel) return `unsure what ${what} returns (${sel.unsure})`;
      return false;
    }
    if (typeof t === 'string') return { maybe: `a call of ${name} on ${t}` };
    return { maybe: `a call of ${name} (${sel!.unsure})` };
  }

  /**
   * Why v, of a type goshift cannot determine, looks like a context, or null: it is passed where a
   * context.Context is expected (a context function's parent, a workspace function's or method's
   * context.Context parameter, the first argument of a foreign `…Context` function such as
   * exec.CommandContext), its Done/Deadline/Value method is called, or its name is one people give
   * contexts (ctx, subCtx, reqContext).
   */
  contextSign(v: Var): string | null {
    for (const r of v.refs) {
      let n = r;
      while (n.parent?.type === 'parenthesized_expression') n = n.parent;
      const p = n.parent;
      if (!p) continue;
      if (p.type === 'selector_expression' && p.childForFieldName('operand')?.id === n.id) {
        const m = p.childForFieldName('field')?.text ?? '';
        if (CONTEXT_METHODS.has(m) && p.parent?.type === 'call_expression') return `its method ${m} is called on line ${lineOf(p)}`;
        continue;
      }
      if (p.type !== 'argument_list') continue;
      const call = p.parent!;
      const i = items(p).findIndex((a) => a.id === n.id);
      const fn = unparen(call.childForFieldName('function')!);
      const at = this.refAt.get(r.id)!;
      let param: GType | undefined;
      if (fn.type === 'identifier' && !lookup(fn.text, at)) param = this.api.funcParam(fn.text, i);
      else if (fn.type === 'selector_expression') {
        const operand = fn.childForFieldName('operand')!;
        const field = fn.childForFieldName('field')?.text ?? '';
        if (operand.type === 'identifier' && !lookup(operand.text, at) && this.ctxNames.has(operand.text)) {
          if (i === 0 && CONTEXT_TAKERS.has(field)) return `it is passed to ${fn.text} on line ${lineOf(call)}`;
          continue;
        }
        if (operand.type === 'identifier' && !lookup(operand.text, at) && this.api.importOf(operand.text)) param = this.api.funcParam(field, i, operand.text);
        else {
          const t = this.typeOfExpr(operand, at, 0);
          const sel = typeof t === 'string' ? null : this.api.selector(t, field);
          if (sel && 'results' in sel) param = sel.param?.(i);
        }
      }
      const callee = fn.text.length > 40 ? 'a call' : fn.text;
      if (param?.k === 'context') return `it is passed as the context.Context argument of ${callee} on line ${lineOf(call)}`;
      // Go's convention: the first argument of a …Context function or method (exec.CommandContext, db.QueryContext, r.WithContext).
      const last = fn.type === 'selector_expression' ? fn.childForFieldName('field')?.text ?? '' : fn.text;
      if (!param && i === 0 && /Context$/.test(last)) return `it is the first argument of ${callee} on line ${lineOf(call)}, which by its name takes a context`;
    }
    return CONTEXT_LIKE_NAME.test(v.name) ? 'its name suggests a context' : null;
  }

  /** The type of an expression, from declarations, or a description of what goshift cannot type. */
  private typeOfExpr(e: Node, at: Snap, depth: number): GType | string {
    e = unparen(e);
    const cannot = `${e.text.length > 30 ? 'an expression' : e.text} (whose type goshift cannot tell)`;
    if (depth > 8) return cannot;
    switch (e.type) {
      case 'identifier': {
        const v = lookup(e.text, at);
        if (!v || !v.scope.parent) return cannot;
        if (v.typeNode) return this.api.typeOf(v.typeNode);
        if (v.init) return this.typeOfExpr(v.init, { scope: v.scope, seq: v.seq }, depth + 1);
        return cannot;
      }
      case 'selector_expression': {
        const operand = e.childForFieldName('operand')!;
        if (operand.type === 'identifier' && !lookup(operand.text, at)) return cannot;
        const t = this.typeOfExpr(operand, at, depth + 1);
        if (typeof t === 'string') return t;
        const sel = this.api.selector(t, e.childForFieldName('field')!.text);
        return 'field' in sel && sel.field.k !== 'unknown' ? sel.field : cannot;
      }
      case 'unary_expression': {
        if (e.childForFieldName('operator')?.type !== '&') return cannot;
        const t = this.typeOfExpr(e.childForFieldName('operand')!, at, depth + 1);
        return typeof t === 'string' ? t : { k: 'ptr', elem: t };
      }
      case 'composite_literal': {
        const tn = e.childForFieldName('type');
        return tn ? this.api.typeOf(tn) : cannot;
      }
      default:
        return cannot;
    }
  }
}

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
    const ctxNames = new Set<string>();
    for (const spec of api.root.descendantsOfType('import_spec')) {
      const p = spec.childForFieldName('path')?.text.slice(1, -1) ?? '';
      if (!api.isContextImportPath(p)) continue;
      const name = spec.childForFieldName('name');
      if (!name) ctxNames.add('context');
      else if (name.type === 'package_identifier') ctxNames.add(name.text);
    }
    this.w = new Walker(api, ctxNames);
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
      // A function whose body has no func literal has nothing that captures: it is not walked.
      if ((c.type === 'function_declaration' || c.type === 'method_declaration') && !/\bfunc\b/.test(c.childForFieldName('body')?.text ?? '')) continue;
      w.walk(c, pkg);
    }
    // Package-level variables are not captured (and anyone may write them): only locals count.
    const ctxVars = w.vars.filter((v) => v.ctx && v.scope !== pkg);
    const unsureVars = w.vars.filter((v) => v.unsure && v.scope !== pkg);
    if (!w.lits.length) return;
    // Variables of a type goshift cannot determine count only with a sign of a context (contextSign()).
    const signs = new Map<Var, string>();
    for (const v of w.vars) {
      if (!v.maybe || v.scope === pkg) continue;
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
      for (const site of info.sites) ins.push(insertFront(this.api.text, site.args, caps.map((v) => v.name)));
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
    const grown = (from: number, to: number) => ins.reduce((k, i) => k + (i.pos > from && i.pos < to ? Buffer.byteLength(i.text) : 0), 0);
    const fns = FUNC_NODES_LIST.flatMap((t) => this.api.root.descendantsOfType(t)).sort((a, b) => a.endIndex - a.startIndex - (b.endIndex - b.startIndex));
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
    const trailing = this.trailingCommentRows();
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

  private perIter?: boolean;
  /** The module's go.mod says go 1.22 or later: a 3-clause for loop's variables are per iteration. */
  private perIterationLoopVars(): boolean {
    if (this.perIter !== undefined) return this.perIter;
    const m = /^(\d+)\.(\d+)/.exec(this.api.goVersion() ?? '');
    return (this.perIter = !!m && (Number(m[1]) > 1 || Number(m[2]) >= 22));
  }

  /** The names the file's imports bind (explicit aliases and last path elements). */
  private importNames(): Set<string> {
    const out = new Set<string>();
    for (const spec of this.api.root.descendantsOfType('import_spec')) {
      const name = spec.childForFieldName('name')?.text;
      const p = spec.childForFieldName('path')?.text.slice(1, -1) ?? '';
      out.add(name ?? p.slice(p.lastIndexOf('/') + 1));
    }
    return out;
  }

  private trailingRows?: Set<number>;
  private trailingCommentRows(): Set<number> {
    if (this.trailingRows) return this.trailingRows;
    const out = new Set<number>();
    const text = this.api.text;
    for (const c of this.api.root.descendantsOfType('comment')) {
      const lineStart = text.lastIndexOf('\n', c.startIndex - 1) + 1;
      if (text.slice(lineStart, c.startIndex).trim() !== '') out.add(c.startPosition.row);
    }
    return (this.trailingRows = out);
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
