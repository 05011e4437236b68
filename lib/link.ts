// Linked sets: every signature (a parameter list of a function, method, interface method, func
// type or func literal) is a slot. Slots that must keep the same parameter order are joined:
// an interface method and its implementations, a func type and every function or literal that
// flows into it, same-named declarations behind different build tags. Every reference (call,
// method expression call) is recorded against its slot. What cannot be determined pins or
// poisons a set: it is then left entirely alone.
import type { Node, ParsedFile } from './source.js';
import { lineOf, NodeMemo, unparen } from './source.js';
import { someWord, type DeclFacts } from './facts.js';
import type { FuncDecl, GoFile, GType, Package, Program, Sig, Source, VarDecl } from './program.js';
import { BUILTIN_FUNCS, paramsOf, sigOfDecl, tparamsAround, unknown } from './program.js';
import { wordTest } from './select.js';

export type SlotKind = 'func' | 'method' | 'imethod' | 'functype' | 'literal';

export interface Slot {
  id: string;
  kind: SlotKind;
  params: Node;
  file: GoFile;
  tparams?: Map<string, Node | null>;
  /** The declaration's name, or for a func type the name of what holds it (type, field, var, param). */
  name: string;
  /** The node reported as "where": the declaration. */
  node: Node;
}

/**
 * A reference: a call of a slot's function. Its argument list is the call's, asked for when needed
 * rather than kept (a node object each: over std, ctx-last's linker records 240,000 references).
 */
export class Ref {
  constructor(
    readonly slot: string,
    /** 1 for a method expression call (the receiver is argument 0). */
    readonly offset: number,
    readonly file: GoFile,
    readonly call: Node,
  ) {}
  /**
   * The linker has already left the set alone for this call and said why (`f(g())` with a
   * multi-value g): the plan's own checks of its arguments would only say it again.
   */
  pinned = false;
  /** The call's argument_list. */
  get args(): Node {
    return this.call.childForFieldName('arguments')!;
  }
}

export interface Why {
  file: string;
  line: number;
  reason: string;
}

interface Unresolved {
  name: string | null; // selector or identifier name; null for other expressions
  selector: boolean;
  argc: number;
  /** The only argument is a call, which may return several values. */
  spreadCall: boolean;
  why: Why;
  /** The import path of the package where it is written: an unexported name reaches only that package's declarations. */
  importPath?: string;
}

type Lazy = () => GType;

/** Declarations in walk (= source) order: a lazily typed variable sees only what was declared before it. */
let declSeq = 0;

class Scope {
  private readonly vars: Map<string, { seq: number; t: Lazy }>;
  /** A view sees only the variables declared before it was taken (`Infinity`: all). */
  private readonly cutoff: number;
  constructor(
    readonly parent: Scope | null,
    readonly fn: Sig | null,
    readonly tparams?: Map<string, Node | null>,
    shared?: { vars: Map<string, { seq: number; t: Lazy }>; cutoff: number },
  ) {
    this.vars = shared?.vars ?? new Map();
    this.cutoff = shared?.cutoff ?? Infinity;
  }
  set(name: string, t: Lazy): void {
    if (name === '_') return;
    // `a, err := …` after `b, err := …` in the same block assigns err, which keeps its declaration.
    if (this.vars.has(name)) return;
    let memo: GType | undefined;
    let busy = false;
    this.vars.set(name, {
      seq: declSeq++,
      t: () => {
        if (memo) return memo;
        if (busy) return unknown('its type is worked out from itself');
        busy = true;
        memo = t();
        busy = false;
        return memo;
      },
    });
  }
  /**
   * This scope as it is now: the right-hand side of `x := x.Start()` is typed in the view taken
   * before x is declared, so its x is the outer one (the spec: the scope of a variable declared in
   * a function begins after its declaration), however late the type is asked for.
   */
  view(): Scope {
    return new Scope(this.parent, this.fn, this.tparams, { vars: this.vars, cutoff: declSeq });
  }
  lookup(name: string): Lazy | undefined {
    for (let s: Scope | null = this; s; s = s.parent) {
      const v = s.vars.get(name);
      if (v && v.seq < this.cutoff) return v.t;
    }
    return undefined;
  }
  tp(): Map<string, Node | null> | undefined {
    for (let s: Scope | null = this; s; s = s.parent) if (s.tparams) return s.tparams;
    return undefined;
  }
  sig(): Sig | null {
    for (let s: Scope | null = this; s; s = s.parent) if (s.fn) return s.fn;
    return null;
  }
}

/** A call's function (parentheses dropped), arguments and the builtin it calls, if any. */
interface CallShape {
  fn: Node;
  args: Node[];
  builtin: string | null;
}

/** On the expression walk's stack: the call whose operands have been walked, to be linked now. */
class CallDone {
  constructor(
    readonly call: Node,
    readonly shape: CallShape,
  ) {}
}

/**
 * Kinds of node with nothing inside for the expression walk: tokens, and string literals, whose
 * parts are tokens (test/units.test.ts checks this over std). Asking for their children would cost
 * a native call each: a third of the nodes a walk meets are identifiers and literals.
 */
export const NOTHING_INSIDE = new Set(['identifier', 'field_identifier', 'type_identifier', 'package_identifier', 'blank_identifier', 'label_name', 'int_literal', 'float_literal', 'imaginary_literal', 'rune_literal', 'interpreted_string_literal', 'raw_string_literal', 'nil', 'true', 'false', 'iota', 'comment', 'dot']);

/**
 * The kinds of node the linker looks for in whole files (Linker.nodesOf): those a keyword starts,
 * found from the keywords (keyedNodes), and those no keyword starts, found by a pass over the tree.
 */
const KEYED_KINDS = ['type_spec', 'type_alias', 'interface_type', 'field_declaration'] as const;
const UNKEYED_KINDS = ['type_arguments', 'type_parameter_declaration'] as const;
type KeyedKind = (typeof KEYED_KINDS)[number];
type IndexedKind = KeyedKind | (typeof UNKEYED_KINDS)[number];

/**
 * The nodes of the kinds a keyword starts, in tree order (what `root.descendantsOfType` finds),
 * from the keywords in the text: `type` (a type declaration's specs and aliases), `interface` (an
 * interface type), `struct` (a struct type's fields). A pass over the tree visits every node
 * natively (over std, a tenth of ctx-last's linker time); the keywords are a few per file. A word
 * in a comment, a string or a blank body is no keyword token of the tree, and is passed over. For a
 * file with a syntax error (where a keyword may be missing or stranded), the pass over the tree.
 */
export function keyedNodes(pf: ParsedFile): Map<KeyedKind, Node[]> {
  const out = new Map<KeyedKind, Node[]>(KEYED_KINDS.map((k) => [k, []]));
  if (pf.root.hasError) {
    for (const n of pf.root.descendantsOfType([...KEYED_KINDS])) out.get(n.type as KeyedKind)!.push(n);
    return out;
  }
  for (const m of pf.text.matchAll(/\b(?:type|interface|struct)\b/g)) {
    const word = m[0];
    const kw = pf.root.descendantForIndex(m.index, m.index + word.length);
    if (kw.type !== word) continue;
    const p = kw.parent;
    if (word === 'type' && p?.type === 'type_declaration') {
      for (const c of p.namedChildren) if (c.type === 'type_spec' || c.type === 'type_alias') out.get(c.type)!.push(c);
    } else if (word === 'interface' && p?.type === 'interface_type') {
      out.get('interface_type')!.push(p);
    } else if (word === 'struct' && p?.type === 'struct_type') {
      for (const l of p.namedChildren) if (l.type === 'field_declaration_list') for (const c of l.namedChildren) if (c.type === 'field_declaration') out.get('field_declaration')!.push(c);
    }
  }
  // A struct inside a field's type has its fields found after the outer struct's, which the tree
  // visits before the field after it: nodes of one kind never start at the same offset.
  for (const l of out.values()) l.sort((a, b) => a.startIndex - b.startIndex);
  return out;
}

/** The type of each field of a struct type, in order, one per name (positional composite literals). */
const positionalTypes = new NodeMemo<readonly (Node | null)[]>();

const argExpr = (a: Node): Node => (a.type === 'variadic_argument' ? a.namedChildren[0] : a);

/** The expressions of a call the walk visits, in order: the function, then the arguments. */
function callOperands({ fn, args, builtin }: CallShape): Node[] {
  const out = [fn];
  if (builtin) {
    const typeArgs = builtin === 'new' || builtin === 'make';
    args.forEach((a, i) => {
      if (typeArgs && i === 0) return; // a type (or, since Go 1.26, new's value)
      out.push(argExpr(a));
    });
    if (builtin === 'new' && args[0]) out.push(args[0]);
  } else for (const a of args) out.push(argExpr(a));
  return out;
}

/**
 * The name a call's callee is written with (`f`, `x.f`, `F[T]`, `pkg.F[T]`; null for any other
 * expression), and whether it is selected from something (`x.f`, `pkg.F`).
 */
function calleeName(target: Node): { name: string | null; selector: boolean } {
  const base = target.type === 'generic_type' ? target.childForFieldName('type')! : target;
  switch (base.type) {
    case 'selector_expression':
      return { name: base.childForFieldName('field')!.text, selector: true };
    case 'qualified_type':
      return { name: base.childForFieldName('name')!.text, selector: true };
    case 'identifier':
    case 'type_identifier':
      return { name: base.text, selector: false };
    default:
      return { name: null, selector: false };
  }
}

/** The node is the function of its parent, a call (not in parentheses). */
function isCallOf(n: Node): boolean {
  const p = n.parent;
  return p?.type === 'call_expression' && p.childForFieldName('function')?.id === n.id;
}

export class Linker {
  readonly slots = new Map<string, Slot>();
  private readonly parent = new Map<string, string>();
  readonly refs: Ref[] = [];
  readonly pins = new Map<string, Why[]>();
  readonly unresolved: Unresolved[] = [];
  /** Every interface method seen by linkInterfaces, by name. */
  readonly ifaceMethodsByName = new Map<string, Sig[]>();
  /** Names worth checking where a selector is used as a value (the engine's candidate names). */
  valueNames?: (name: string) => boolean;
  /**
   * Identifiers that make a declaration matter (context, aliases of it, candidates' names and the
   * names leading to them): twins of other declarations are not looked at. Absent: all are.
   */
  relevantWord?: (w: string) => boolean;
  /** Link every interface method with its implementations, whatever its parameters (changes that insert parameters reach any signature). */
  everyMethod = false;

  constructor(readonly prog: Program) {}

  private readonly nodeIndex = new Map<GoFile, Map<string, Node[]>>();

  /**
   * The nodes of one kind in a whole file, found once: those a keyword starts from the keywords
   * (keyedNodes), the others in one pass over the tree, made only when one of them is asked for.
   */
  private nodesOf(f: GoFile, type: IndexedKind): Node[] {
    let idx = this.nodeIndex.get(f);
    if (!idx) this.nodeIndex.set(f, (idx = keyedNodes(f.pf)));
    let found = idx.get(type);
    if (!found) {
      for (const k of UNKEYED_KINDS) idx.set(k, []);
      for (const n of f.pf.root.descendantsOfType([...UNKEYED_KINDS])) idx.get(n.type)!.push(n);
      found = idx.get(type)!;
    }
    return found;
  }

  // ---------------------------------------------------------------------------------- union-find
  find(id: string): string {
    // Iterative, with path compression: a long chain of unions must not overflow the stack.
    let root = id;
    for (let p = this.parent.get(root); p !== undefined && p !== root; p = this.parent.get(root)) root = p;
    for (let x = id; x !== root; ) {
      const next = this.parent.get(x)!;
      this.parent.set(x, root);
      x = next;
    }
    return root;
  }
  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) {
      this.parent.set(ra, rb);
      this.memberIndex = undefined;
    }
  }
  pin(id: string, why: Why): void {
    const l = this.pins.get(id);
    if (l) l.push(why);
    else this.pins.set(id, [why]);
  }

  // ---------------------------------------------------------------------------------- slots
  /** The slot of a signature; `ownerNode`, the node whose parameter list it is, when the caller has it (a node's parent is found by walking down from the root). */
  slotOf(sig: Sig, ownerNode?: Node): string {
    const id = `${sig.file.sf.abs}:${sig.params.startIndex}`;
    // The id the slot was made with: what keeps an id (a reference, a set) shares that one string.
    const have = this.slots.get(id);
    if (have) return have.id;
    const owner = ownerNode ?? sig.params.parent!;
    let kind: SlotKind = 'functype';
    let name = '';
    let node = owner;
    switch (owner.type) {
      case 'function_declaration':
      case 'method_declaration':
      case 'method_elem':
        kind = owner.type === 'function_declaration' ? 'func' : owner.type === 'method_declaration' ? 'method' : 'imethod';
        name = owner.childForFieldName('name')!.text;
        break;
      case 'func_literal':
        kind = 'literal';
        name = 'func literal';
        break;
      default: {
        // A func type: named after what holds it.
        for (let n: Node | null = owner; n && n.type !== 'block' && n.type !== 'func_literal'; n = n.parent) {
          const nm = n.childForFieldName('name');
          if (nm && ['type_spec', 'field_declaration', 'var_spec', 'parameter_declaration', 'function_declaration', 'method_declaration', 'method_elem'].includes(n.type)) {
            name = nm.text;
            node = n;
            break;
          }
        }
      }
    }
    const sl: Slot = { id, kind, params: sig.params, file: sig.file, tparams: sig.tparams, name, node };
    this.slots.set(id, sl);
    // A slot made after the members were indexed (a declaration first seen by a later stage) is a set of its own.
    if (this.memberIndex && this.find(id) === id) this.memberIndex.set(id, [sl]);
    return id;
  }

  private why(file: GoFile, n: Node, reason: string): Why {
    // A package imported under a guessed name is shown by the name the code uses.
    return { file: file.sf.rel, line: lineOf(n), reason: reason.replace(/unknown\.import\/(\w+)/g, '$1 (a package of another module)') };
  }

  // ---------------------------------------------------------------------------------- building
  private readonly declared = new Set<GoFile>();
  private readonly twinsDone = new Set<string>();

  /**
   * Declarations of every file parsed so far and not yet declared (parsing more as twins need):
   * same-named twins, pins of body-less and linknamed functions, type arguments and constraints.
   */
  declarePending(): void {
    for (let i = 0; i < this.prog.parsed.length; i++) {
      const f = this.prog.parsed[i];
      if (this.declared.has(f) || !f.pkg) continue;
      this.declared.add(f);
      this.declareFile(f);
    }
  }

  private declareFile(f: GoFile): void {
    const pkg = f.pkg;
    const once = (key: string) => {
      const k = `${pkg.key}\0${key}`;
      if (this.twinsDone.has(k)) return false;
      this.twinsDone.add(k);
      return true;
    };
    // Only declarations whose signature or type names something relevant (a context, a candidate, a
    // name leading to one) can be in a linked set, or link one: the others' twins are not parsed.
    const hit = (srcs: readonly Source[], match: (d: DeclFacts) => boolean) =>
      !this.relevantWord || srcs.some((src) => src.facts.unsure !== undefined || src.facts.decls.some((d) => match(d) && someWord(d.words, this.relevantWord!)));
    for (const d of this.prog.facts.get(f.sf.abs)?.decls ?? []) {
      if (d.kind === 'func' && d.name !== 'init' && d.name !== '_' && once(`f ${d.name}`)) {
        if (hit(pkg.funcs.sourcesOf(d.name), (x) => x.kind === 'func' && x.name === d.name)) this.declareTwins(pkg.funcs.get(d.name) ?? []);
      }
      if (d.kind === 'method') {
        const recv = pkg.recvType(d.recv!);
        if (once(`m ${recv}.${d.name}`) && hit(pkg.methods.sourcesOf(recv), (x) => x.kind === 'method' && x.name === d.name)) this.declareTwins(pkg.methodsOf(recv, d.name) ?? []);
      }
      // Same-named package-level declarations behind build tags (a func on one OS, a var on another;
      // an interface or a struct declared once per OS): what is written in them must stay alike.
      const twinable = d.kind === 'type' || d.kind === 'var' || (d.kind === 'func' && (pkg.vars.has(d.name) || pkg.types.has(d.name)));
      if (!twinable || !once(`tv ${d.name}`)) continue;
      const srcs = [...pkg.funcs.sourcesOf(d.name), ...pkg.vars.sourcesOf(d.name), ...pkg.types.sourcesOf(d.name)];
      if (srcs.length >= 2 && hit(srcs, (x) => x.name === d.name && x.kind !== 'method')) this.declareTypeTwins(pkg, d.name);
    }
    this.declareUses(f);
  }

  private declareTypeTwins(pkg: Package, name: string): void {
    const fs = pkg.funcs.get(name) ?? [];
    const vs = pkg.vars.get(name) ?? [];
    const ts = pkg.types.get(name) ?? [];
    if (fs.length + vs.length + ts.length < 2) return;
    const decls: { t: GType; file: GoFile; node: Node }[] = [];
    for (const fd of fs) decls.push({ t: { k: 'func', sig: sigOfDecl(fd) }, file: fd.file, node: fd.node });
    for (const vd of vs) decls.push({ t: this.varType(vd, name), file: vd.file, node: vd.value ?? vd.file.pf.root });
    for (const td of ts) decls.push({ t: this.prog.typeOfTypeNode(td.typeNode, td.file, td.tparams), file: td.file, node: td.spec });
    for (let i = 1; i < decls.length; i++) this.linkTwin(decls[0].t, decls[i].t, decls[i].file, decls[i].node);
  }

  /** Pins for what a file writes: our types as foreign type arguments, func types in type arguments and constraints. */
  private declareUses(f: GoFile): void {
    // Our type as a type argument of another module's generic type or function must keep
    // satisfying its constraint, which goshift cannot see.
    // Cheap gates: a func inside square brackets (the lexer's funcInBrackets; the bytes of a file it
    // was unsure of); an import from outside the workspace.
    const facts = this.prog.facts.get(f.sf.abs);
    const funcInBrackets = facts && facts.unsure === undefined ? !!facts.funcInBrackets : /\[[^\]]*\bfunc\b/.test(f.pf.text);
    const foreignImport = [...f.imports.values()].some((ip) => !this.prog.isOurs(ip) && !isStd(ip));
    if (funcInBrackets || foreignImport) {
      for (const ta of this.nodesOf(f, 'type_arguments')) {
        // A func type as a type argument: the generic code may assert to it or convert it (`v.(F)`).
        for (const ft of funcInBrackets ? ta.descendantsOfType('function_type') : []) {
          this.pin(this.slotOf({ params: ft.childForFieldName('parameters')!, result: ft.childForFieldName('result'), file: f, tparams: tparamsAround(ft) }), this.why(f, ft, 'a func type given as a type argument matches values by identity where goshift cannot follow them'));
        }
        const base = ta.parent?.childForFieldName('type') ?? ta.parent?.childForFieldName('function');
        const q = base?.type === 'qualified_type' || base?.type === 'selector_expression' ? base : null;
        const ip = q ? f.imports.get((q.childForFieldName('package') ?? q.childForFieldName('operand'))!.text) : undefined;
        if (!foreignImport || !ip || this.prog.isOurs(ip) || isStd(ip)) continue;
        for (const a of ta.namedChildren) {
          let t = this.prog.typeOfTypeNode(a.type === 'type_elem' ? a.namedChildren[0] : a, f, tparamsAround(a));
          if (t.k === 'ptr') t = t.elem;
          if (t.k === 'named') this.pinMethods(t, this.why(f, a, `${t.name} is a type argument of ${q!.text}, whose constraint goshift cannot see`));
        }
      }
    }
    if (!funcInBrackets) return;
    // A func type in a type constraint (`F ~func(string, context.Context)`) is met by whatever type
    // argument is inferred, which goshift does not follow.
    for (const tp of this.nodesOf(f, 'type_parameter_declaration')) {
      for (const ft of tp.descendantsOfType('function_type')) {
        this.pin(this.slotOf({ params: ft.childForFieldName('parameters')!, result: ft.childForFieldName('result'), file: f, tparams: tparamsAround(ft) }), this.why(f, ft, 'a func type in a type constraint is met by type arguments goshift does not follow'));
      }
    }
  }

  /** Two declarations of one name behind different build tags: their signatures are linked by name. */
  private linkTwin(a: GType, b: GType, file: GoFile, at: Node): void {
    const ua = a.k === 'named' ? this.prog.underlying(a) : a;
    const ub = b.k === 'named' ? this.prog.underlying(b) : b;
    if (ua.k === 'iface' && ub.k === 'iface') {
      const ma = this.prog.ifaceSet(ua)?.methods;
      const mb = this.prog.ifaceSet(ub)?.methods;
      for (const [name, m] of ma ?? []) {
        const o = mb?.get(name);
        if (o) this.linkSigs(m.sig, o.sig, at);
      }
      return;
    }
    if (ua.k === 'struct' && ub.k === 'struct') {
      const fa = this.prog.fieldsByName(ua);
      const fb = this.prog.fieldsByName(ub);
      for (const [name, t] of fa) {
        const o = fb.get(name);
        if (o) this.linkTypes(t(), o(), file, at, 1);
      }
      return;
    }
    this.linkTypes(a, b, file, at, 0);
  }

  private declareTwins(decls: FuncDecl[]): void {
    const ids = decls.map((d) => this.slotOf(sigOfDecl(d)));
    for (let i = 1; i < ids.length; i++) this.union(ids[0], ids[i]);
    decls.forEach((d, i) => {
      if (!d.node.childForFieldName('body') && d.node.type === 'function_declaration') {
        this.pin(ids[i], this.why(d.file, d.node, `${d.name} has no body (implemented outside Go, e.g. in assembly)`));
      }
      const ip = d.file.pkg.importPath;
      const linked = d.recv
        ? [`${ip}.${d.recv.typeName}.${d.name}`, `${ip}.(*${d.recv.typeName}).${d.name}`].some((t) => this.prog.linkTargets.has(t))
        : d.file.pkg.linknamed.has(d.name) || this.prog.linkTargets.has(`${ip}.${d.name}`);
      if (linked) this.pin(ids[i], this.why(d.file, d.node, `${d.name} is named by a //go:linkname or //export directive`));
    });
  }

  /**
   * Interface satisfaction, syntactically: a named type whose method set covers an interface's
   * method names is linked, method by method, with that interface when the shapes fit. Every
   * interface type counts: named, local, anonymous (parameters, assertions, constraints, errors.As
   * targets), generic. An interface embedding one goshift cannot see (io.Closer, error) is checked
   * on the methods it can see; a type embedding one it cannot see may have any method.
   * Interfaces whose method sets include another's are linked too (assignability).
   */
  linkInterfaces(files: GoFile[]): void {
    interface Iface {
      methods: Map<string, { node: Node; sig: Sig }>;
    }
    const ifaces: Iface[] = [];
    const seenIface = new Set<string>();
    // Concrete types by method name (declared or promoted).
    const byMethod = new Map<string, { t: GType; names: Set<string>; open: boolean }[]>();
    // Named types declared in these files, or with methods declared in them.
    const named = new Map<Package, Set<string>>();
    for (const f of files) {
      let l = named.get(f.pkg);
      if (!l) named.set(f.pkg, (l = new Set()));
      for (const d of this.prog.facts.get(f.sf.abs)?.decls ?? []) {
        if (d.kind === 'type') l.add(d.name);
        else if (d.kind === 'method') l.add(f.pkg.recvType(d.recv!));
      }
    }
    for (const [pkg, names] of named) {
      for (const name of names) {
        if (!pkg.types.has(name)) continue;
        const t: GType = { k: 'named', pkg, name };
        if (this.prog.underlying(t).k === 'iface') continue;
        const { names, open } = this.prog.methodNames(t);
        for (const m of names) {
          const l = byMethod.get(m);
          if (l) l.push({ t, names, open });
          else byMethod.set(m, [{ t, names, open }]);
        }
      }
    }
    for (const f of files) {
      // Local struct types have no methods of their own, but may gather promoted ones.
      if (f.localTypes.size) {
        for (const spec of [...this.nodesOf(f, 'type_spec'), ...this.nodesOf(f, 'type_alias')]) {
          const tn = spec.childForFieldName('type');
          if (spec.parent?.parent?.type === 'source_file' || tn?.type !== 'struct_type') continue;
          const t: GType = { k: 'struct', node: tn, file: f, tparams: tparamsAround(spec) };
          const { names, open } = this.prog.methodNames(t);
          for (const m of names) {
            const l = byMethod.get(m);
            if (l) l.push({ t, names, open });
            else byMethod.set(m, [{ t, names, open }]);
          }
        }
      }
      if (!/\binterface\b/.test(f.pf.text)) continue;
      for (const n of this.nodesOf(f, 'interface_type')) {
        const key = `${f.sf.abs}:${n.startIndex}`;
        if (seenIface.has(key)) continue;
        seenIface.add(key);
        const set = this.prog.ifaceSet({ k: 'iface', node: n, file: f, tparams: tparamsAround(n) });
        if (set && set.methods.size) ifaces.push({ methods: set.methods });
      }
    }
    for (const I of ifaces) for (const [name, m] of I.methods) {
      const l = this.ifaceMethodsByName.get(name);
      if (l) l.push(m.sig);
      else this.ifaceMethodsByName.set(name, [m.sig]);
    }
    const ifaceByMethod = new Map<string, Iface[]>();
    for (const I of ifaces) for (const m of I.methods.keys()) {
      const l = ifaceByMethod.get(m);
      if (l) l.push(I);
      else ifaceByMethod.set(m, [I]);
    }
    const shapes = new Map<Node, string>();
    const shape = (sig: Sig) => {
      let sh = shapes.get(sig.params);
      if (sh === undefined) shapes.set(sig.params, (sh = this.shapeOf(sig)));
      return sh;
    };
    for (const I of ifaces) {
      const inames = [...I.methods.keys()];
      for (const [mname, im] of I.methods) {
        const ishape = shape(im.sig);
        // Only methods that have or may have a context parameter, or a func type in their
        // signature (a callback, a returned func), can hold a candidate.
        if (!this.everyMethod && !/[CT]/.test(ishape) && !/\bfunc\b/.test(im.sig.params.text + (im.sig.result?.text ?? ''))) continue;
        const iid = this.slotOf(im.sig);
        // Interfaces that contain all of I's methods can be assigned to I.
        for (const J of ifaceByMethod.get(mname) ?? []) {
          if (J === I || !inames.every((k) => J.methods.has(k))) continue;
          const jm = J.methods.get(mname)!;
          if (jm.node.id !== im.node.id && fits(shape(jm.sig), ishape)) this.linkSigs(im.sig, jm.sig, im.node);
        }
        for (const C of byMethod.get(mname) ?? []) {
          if (!C.open && !inames.every((k) => C.names.has(k))) continue;
          const m = this.prog.member({ k: 'ptr', elem: C.t }, mname);
          if ((m.k === 'method' || m.k === 'imethod') && fits(shape(m.sig), ishape) && this.find(this.slotOf(m.sig)) !== this.find(iid)) this.linkSigs(im.sig, m.sig, im.node);
        }
      }
    }
  }

  /**
   * A signature's parameters in one letter each, for interface matching: C a context, T a type
   * parameter (may be instantiated with a context), ? a type goshift cannot resolve, V variadic, x other.
   */
  private shapeOf(sig: Sig): string {
    return paramsOf(sig.params)
      .map((p) => {
        if (p.variadic) return 'V';
        const tn = p.typeNode;
        if (tn && (tn.type === 'type_identifier' || tn.type === 'identifier') && sig.tparams?.has(tn.text)) return 'T';
        const t = this.prog.typeOfTypeNode(tn, sig.file, sig.tparams);
        return t.k === 'context' ? 'C' : t.k === 'unknown' ? '?' : 'x';
      })
      .join('');
  }

  /**
   * Two signatures that must keep the same parameter list: their slots are joined, and so are the
   * func types nested in their parameters and results (a callback parameter, a returned func).
   */
  linkSigs(a: Sig, b: Sig, at: Node, depth = 0): void {
    const ia = this.slotOf(a);
    const ib = this.slotOf(b);
    if (this.find(ia) === this.find(ib)) return;
    this.union(ia, ib);
    if (depth > 6) return;
    const ap = paramsOf(a.params);
    const bp = paramsOf(b.params);
    if (ap.length === bp.length) {
      ap.forEach((p, i) => this.linkTypes(this.prog.typeOfTypeNode(p.typeNode, a.file, a.tparams), this.prog.typeOfTypeNode(bp[i].typeNode, b.file, b.tparams), a.file, at, depth + 1));
    }
    const ar = this.prog.resultTypes(a);
    const br = this.prog.resultTypes(b);
    if (ar.length === br.length) ar.forEach((r, i) => this.linkTypes(r, br[i], a.file, at, depth + 1));
  }

  /**
   * Two types that must be identical (they are written in linked signatures, or converted into each
   * other): the func types inside them are linked, structurally. Where one side is a func type and
   * the other is a type goshift cannot see into, the func type is pinned.
   */
  private linkTypes(a: GType, b: GType, file: GoFile, at: Node, depth: number): void {
    if (depth > 8) return;
    const ua = a.k === 'named' ? this.prog.underlying(a) : a;
    const ub = b.k === 'named' ? this.prog.underlying(b) : b;
    // Distinct named types are distinct types: only their own declarations (linked elsewhere) matter.
    if (a.k === 'named' && b.k === 'named') return;
    if (ua.k === 'func' && ub.k === 'func') return this.linkSigs(ua.sig, ub.sig, at, depth + 1);
    if (ua.k === 'func' || ub.k === 'func') {
      const f = ua.k === 'func' ? ua : (ub as Extract<GType, { k: 'func' }>);
      const o = ua.k === 'func' ? ub : ua;
      if (o.k === 'unknown' || o.k === 'foreign') this.pin(this.slotOf(f.sig), this.why(file, at, o.k === 'foreign' ? `must keep the parameters of ${o.what}, declared outside the workspace` : 'must keep the parameters of a type goshift cannot determine'));
      return;
    }
    if ((ua.k === 'ptr' || ua.k === 'slice' || ua.k === 'chan') && ua.k === ub.k) return this.linkTypes(ua.elem, (ub as typeof ua).elem, file, at, depth + 1);
    if (ua.k === 'map' && ub.k === 'map') {
      this.linkTypes(ua.key, ub.key, file, at, depth + 1);
      return this.linkTypes(ua.elem, ub.elem, file, at, depth + 1);
    }
    if (ua.k === 'struct' && ub.k === 'struct') {
      const fa = this.prog.structFields(ua);
      const fb = this.prog.structFields(ub);
      if (fa.length === fb.length) fa.forEach((t, i) => this.linkTypes(t, fb[i], file, at, depth + 1));
    }
  }

  /** Walks every body and package-level initializer of a file. */
  walkFile(file: GoFile, relevant?: (text: string) => boolean): void {
    const top = new Scope(null, null);
    for (const d of file.pf.root.namedChildren) {
      // A declaration that names nothing relevant can neither reference nor pass on a candidate.
      if (relevant && (d.type === 'function_declaration' || d.type === 'method_declaration' || d.type === 'var_declaration') && !relevant(d.text)) continue;
      if (d.type === 'function_declaration' || d.type === 'method_declaration') {
        const body = d.childForFieldName('body');
        if (!body) continue;
        const tparams = new Map<string, Node | null>();
        const tpl = d.childForFieldName('type_parameters');
        for (const tp of tpl?.namedChildren ?? []) for (const nm of tp.childrenForFieldName('name')) tparams.set(nm.text, tp.childForFieldName('type'));
        if (d.type === 'method_declaration') {
          const rp = d.childForFieldName('receiver')!.namedChildren.find((c) => c.type === 'parameter_declaration');
          const rt = rp?.childForFieldName('type');
          for (const g of rt?.descendantsOfType('generic_type') ?? []) for (const a of g.childForFieldName('type_arguments')?.namedChildren ?? []) tparams.set(a.text, null);
        }
        const sig: Sig = { params: d.childForFieldName('parameters')!, result: d.childForFieldName('result'), file, tparams };
        const s = new Scope(top, sig, tparams);
        if (d.type === 'method_declaration') this.bindParams(d.childForFieldName('receiver')!, s, file);
        this.bindParams(sig.params, s, file);
        if (sig.result?.type === 'parameter_list') this.bindParams(sig.result, s, file);
        this.block(body, s, file);
      } else if (d.type === 'var_declaration' || d.type === 'const_declaration') {
        this.stmt(d, top, file);
      }
    }
  }

  private bindParams(list: Node, s: Scope, file: GoFile): void {
    for (const p of paramsOf(list)) {
      if (!p.name) continue;
      const tn = p.typeNode;
      const variadic = p.variadic;
      s.set(p.name, () => {
        const t = this.prog.typeOfTypeNode(tn, file, s.tp());
        return variadic ? { k: 'slice', elem: t } : t;
      });
    }
  }

  // ---------------------------------------------------------------------------------- statements
  private block(b: Node, outer: Scope, file: GoFile): void {
    const s = new Scope(outer, null);
    for (const c of b.namedChildren) {
      if (c.type === 'statement_list') for (const st of c.namedChildren) this.stmt(st, s, file);
      else this.stmt(c, s, file);
    }
  }

  private stmt(n: Node, s: Scope, file: GoFile): void {
    switch (n.type) {
      case 'block':
        this.block(n, s, file);
        return;
      case 'short_var_declaration': {
        const left = n.childForFieldName('left')!.namedChildren;
        const right = n.childForFieldName('right')!.namedChildren;
        for (const r of right) this.expr(r, s, file);
        this.bindAssign(left, right, s, file, true);
        return;
      }
      case 'var_declaration':
      case 'const_declaration':
        for (const spec of n.descendantsOfType(n.type === 'var_declaration' ? 'var_spec' : 'const_spec')) {
          const names = spec.childrenForFieldName('name');
          const tn = spec.childForFieldName('type');
          const values = spec.childForFieldName('value')?.namedChildren ?? [];
          for (const v of values) this.expr(v, s, file);
          if (tn) {
            const t = () => this.prog.typeOfTypeNode(tn, file, s.tp());
            if (values.length === names.length) values.forEach((v) => this.flow(v, t(), s, file));
            else if (values.length === 1) this.flowTuple(values[0], names.map(() => t()), s, file);
            for (const nm of names) s.set(nm.text, t);
          } else this.bindAssign(names, values, s, file, true);
        }
        return;
      case 'assignment_statement': {
        const left = n.childForFieldName('left')!.namedChildren;
        const right = n.childForFieldName('right')!.namedChildren;
        for (const l of left) this.expr(l, s, file);
        for (const r of right) this.expr(r, s, file);
        if (n.childForFieldName('operator')?.text !== '=') return;
        if (left.length === right.length) {
          left.forEach((l, i) => {
            if (l.type === 'identifier' && l.text === '_') return;
            this.flow(right[i], this.typeOf(l, s, file), s, file);
          });
        } else if (right.length === 1) this.flowTuple(right[0], left.map((l) => (l.type === 'identifier' && l.text === '_' ? null : this.typeOf(l, s, file))), s, file);
        return;
      }
      case 'return_statement': {
        const vals = n.namedChildren.find((c) => c.type === 'expression_list')?.namedChildren ?? [];
        for (const v of vals) this.expr(v, s, file);
        const sig = s.sig();
        if (sig) {
          const rts = this.prog.resultTypes(sig);
          if (rts.length === vals.length) vals.forEach((v, i) => this.flow(v, rts[i], s, file));
          else if (vals.length === 1 && rts.length > 1) this.flowTuple(vals[0], rts, s, file);
        }
        return;
      }
      case 'send_statement': {
        const ch = n.childForFieldName('channel')!;
        const v = n.childForFieldName('value')!;
        this.expr(ch, s, file);
        this.expr(v, s, file);
        const ct = this.prog.underlying(this.typeOf(ch, s, file));
        this.flow(v, ct.k === 'chan' ? ct.elem : unknown('channel of unknown type'), s, file);
        return;
      }
      case 'if_statement': {
        const inner = new Scope(s, null);
        const init = n.childForFieldName('initializer');
        if (init) this.stmt(init, inner, file);
        this.expr(n.childForFieldName('condition')!, inner, file);
        this.block(n.childForFieldName('consequence')!, inner, file);
        const alt = n.childForFieldName('alternative');
        if (alt) this.stmt(alt, inner, file);
        return;
      }
      case 'for_statement': {
        const inner = new Scope(s, null);
        for (const c of n.namedChildren) {
          if (c.type === 'for_clause') {
            const init = c.childForFieldName('initializer');
            if (init) this.stmt(init, inner, file);
            const cond = c.childForFieldName('condition');
            if (cond) this.expr(cond, inner, file);
            const upd = c.childForFieldName('update');
            if (upd) this.stmt(upd, inner, file);
          } else if (c.type === 'range_clause') {
            this.range(c, inner, file);
          } else if (c.type === 'block') {
            this.block(c, inner, file);
          } else this.expr(c, inner, file);
        }
        return;
      }
      case 'expression_switch_statement':
      case 'type_switch_statement':
      case 'select_statement': {
        const inner = new Scope(s, null);
        const init = n.childForFieldName('initializer');
        if (init) this.stmt(init, inner, file);
        let alias: string | null = null;
        let subject: Node | null = null;
        if (n.type === 'type_switch_statement') {
          alias = n.childForFieldName('alias')?.namedChildren?.[0]?.text ?? n.childForFieldName('alias')?.text ?? null;
          subject = n.childForFieldName('value');
          if (subject) this.expr(subject, inner, file);
        } else {
          const v = n.childForFieldName('value');
          if (v) this.expr(v, inner, file);
        }
        // The subject is typed where it stands: after the header's init statement, before any case.
        const iv = inner.view();
        for (const c of n.namedChildren) {
          if (!['expression_case', 'default_case', 'type_case', 'communication_case'].includes(c.type)) continue;
          const cs = new Scope(inner, null);
          if (c.type === 'type_case') for (const tn of c.childrenForFieldName('type')) this.pinAsserted(tn, s, file);
          if (c.type === 'type_case' && alias) {
            const types = c.childrenForFieldName('type');
            const subj = subject;
            cs.set(alias, () => (types.length === 1 && types[0].text !== 'nil' ? this.prog.typeOfTypeNode(types[0], file, s.tp()) : subj ? this.typeOf(subj, iv, file) : unknown('type switch')));
          } else if (c.type === 'default_case' && alias && subject) {
            const subj = subject;
            cs.set(alias, () => this.typeOf(subj, iv, file));
          }
          if (c.type === 'communication_case') {
            const comm = c.childForFieldName('communication');
            if (comm) this.stmt(comm, cs, file);
          }
          if (c.type === 'expression_case') for (const v of c.childForFieldName('value')?.namedChildren ?? []) this.expr(v, cs, file);
          for (const st of c.namedChildren) {
            if (st.type === 'statement_list') for (const x of st.namedChildren) this.stmt(x, cs, file);
          }
        }
        return;
      }
      case 'receive_statement': {
        const right = n.childForFieldName('right')!;
        this.expr(right, s, file);
        const left = n.childForFieldName('left')?.namedChildren ?? [];
        if (n.children.some((c) => c.type === ':=')) {
          const v = s.view();
          const ct = () => {
            const t = this.prog.underlying(this.typeOf(right.namedChildren[0] ?? right, v, file));
            return t.k === 'chan' ? t.elem : unknown('receive');
          };
          left.forEach((l, i) => s.set(l.text, i === 0 ? ct : () => ({ k: 'basic', name: 'bool' })));
        }
        return;
      }
      case 'labeled_statement':
        for (const c of n.namedChildren) if (c.type !== 'label_name') this.stmt(c, s, file);
        return;
      case 'go_statement':
      case 'defer_statement':
      case 'expression_statement':
      case 'inc_statement':
      case 'dec_statement':
        for (const c of n.namedChildren) this.expr(c, s, file);
        return;
      case 'type_declaration':
        // Local types cannot have methods: a local name stands for its underlying type.
        for (const spec of n.namedChildren) {
          if (spec.type !== 'type_spec' && spec.type !== 'type_alias') continue;
          const nm = spec.childForFieldName('name')?.text;
          const tn = spec.childForFieldName('type');
          if (nm && tn) s.set(nm, () => ({ k: 'type', t: this.prog.typeOfTypeNode(tn, file, s.tp()) }));
          if (tn) this.expr(tn, s, file);
        }
        return;
      default:
        for (const c of n.namedChildren) {
          if (c.type.endsWith('_statement') || c.type === 'block') this.stmt(c, s, file);
          else this.expr(c, s, file);
        }
    }
  }

  private range(c: Node, s: Scope, file: GoFile): void {
    const right = c.childForFieldName('right')!;
    this.expr(right, s, file);
    // Range over a func binds its variables to the yield func's parameters by position.
    const over = this.prog.underlying(this.typeOf(right, s, file));
    const yt = over.k === 'func' ? this.prog.paramType(over.sig, 0, false) : undefined;
    const yu = yt && this.prog.underlying(yt);
    if (yu?.k === 'func') this.pinSig(yu.sig, this.why(file, c, 'a range over a func binds its variables to the yield parameters by position'));
    const left = c.childForFieldName('left')?.namedChildren ?? [];
    if (!c.children.some((x) => x.type === ':=')) {
      for (const l of left) this.expr(l, s, file);
      return;
    }
    const v = s.view();
    const rt = () => {
      const t = this.typeOf(right, v, file);
      return this.prog.underlying(t.k === 'ptr' ? t.elem : t);
    };
    left.forEach((l, i) =>
      s.set(l.text, () => {
        const t = rt();
        if (t.k === 'slice') return i === 0 ? { k: 'basic', name: 'int' } : t.elem;
        if (t.k === 'map') return i === 0 ? t.key : t.elem;
        if (t.k === 'chan') return t.elem;
        if (t.k === 'basic') return i === 0 ? { k: 'basic', name: 'int' } : { k: 'basic', name: 'rune' };
        if (t.k === 'foreign') return { k: 'foreign', what: `element of ${t.what}` };
        if (t.k === 'func') {
          // Range over a func (Go 1.23): the variables are the arguments of its yield func.
          const y = this.prog.paramType(t.sig, 0, false);
          const yu = y && this.prog.underlying(y);
          const yt = yu?.k === 'func' ? this.prog.paramType(yu.sig, i, false) : undefined;
          return yt ?? unknown('range over a func');
        }
        return unknown('range over an unknown type');
      }),
    );
  }

  private bindAssign(left: Node[], right: Node[], s: Scope, file: GoFile, declare: boolean): void {
    if (!declare) return;
    const v = s.view();
    if (left.length === right.length) {
      left.forEach((l, i) => s.set(l.text, () => this.typeOf(right[i], v, file)));
    } else if (right.length === 1) {
      const r = right[0];
      left.forEach((l, i) =>
        s.set(l.text, () => {
          if (i === 1 && (r.type === 'type_assertion_expression' || r.type === 'index_expression' || (r.type === 'unary_expression' && r.childForFieldName('operator')?.text === '<-'))) {
            return { k: 'basic', name: 'bool' };
          }
          const t = this.typeOf(r, v, file);
          if (t.k === 'tuple') return t.elems[i] ?? unknown('the call has fewer results');
          if (t.k === 'foreign') return t;
          return i === 0 ? t : unknown('it is one of several results of a call goshift cannot follow');
        }),
      );
    }
  }

  // ---------------------------------------------------------------------------------- expressions
  /**
   * Walks an expression in source order. Nodes that only pass the walk on to their children (binary
   * expressions, selectors, ...) go through an explicit stack rather than recursion, so a deep
   * expression (a generated 8,000-term string concatenation) does not overflow the call stack.
   */
  private expr(root: Node | null, s: Scope, file: GoFile): void {
    if (!root) return;
    const stack: (Node | CallDone)[] = [root];
    // The function of the call just met, when it is the call's own child (not in parentheses): it is
    // the next node off the stack. Every other node but the root was pushed by a parent that is not a
    // call, or as a call's argument: only the root's parent must be asked for (a native call that
    // walks down from the tree's root, a twentieth of ctx-last's linker time when every selector asked).
    let callee: Node | null = null;
    while (stack.length) {
      const n = stack.pop()!;
      if (n instanceof CallDone) {
        this.call(n.call, n.shape, s, file);
        continue;
      }
      const isCallee = n === callee;
      callee = null;
      switch (n.type) {
        case 'call_expression': {
          // The operands first (calls in them included), then the call itself.
          const shape = this.callShape(n, s, file);
          stack.push(new CallDone(n, shape));
          const ops = callOperands(shape);
          for (let i = ops.length - 1; i >= 0; i--) stack.push(ops[i]);
          // The function is the call's child unless callShape took it out of parentheses.
          if (shape.fn.startIndex === n.startIndex) callee = shape.fn;
          break;
        }
        case 'type_conversion_expression': {
          // `T(x)` with a type that is no name (`[]byte(s)`), or `F[T](x)`: a conversion or a call of
          // a generic function with one argument (tree-sitter reads both alike). call() tells which.
          const shape: CallShape = { fn: n.childForFieldName('type')!, args: [n.childForFieldName('operand')!], builtin: null };
          stack.push(new CallDone(n, shape));
          const ops = callOperands(shape);
          for (let i = ops.length - 1; i >= 0; i--) stack.push(ops[i]);
          break;
        }
        case 'type_assertion_expression': {
          stack.push(n.childForFieldName('operand')!);
          this.pinAsserted(n.childForFieldName('type'), s, file);
          break;
        }
        case 'func_literal': {
          const sig: Sig = { params: n.childForFieldName('parameters')!, result: n.childForFieldName('result'), file, tparams: s.tp() };
          this.slotOf(sig, n);
          const inner = new Scope(s, sig);
          this.bindParams(sig.params, inner, file);
          if (sig.result?.type === 'parameter_list') this.bindParams(sig.result, inner, file);
          this.block(n.childForFieldName('body')!, inner, file);
          break;
        }
        case 'composite_literal':
          this.composite(n, this.prog.typeOfTypeNode(n.childForFieldName('type'), file, s.tp()), s, file);
          break;
        case 'function_type':
          this.slotOf({ params: n.childForFieldName('parameters')!, result: n.childForFieldName('result'), file, tparams: s.tp() }, n);
          break;
        default: {
          if (NOTHING_INSIDE.has(n.type)) break;
          if (n.type === 'selector_expression') this.selectorValue(n, s, file, n === root ? undefined : isCallee);
          const cs = n.namedChildren;
          for (let i = cs.length - 1; i >= 0; i--) stack.push(cs[i]);
        }
      }
    }
  }

  /**
   * A selector used as a value, not called (`First(xs).Greet`): when goshift cannot tell what it
   * selects, any method or func-typed field of that name may be taken as a value here, whatever
   * its parameters.
   */
  private selectorValue(n: Node, s: Scope, file: GoFile, isCallee?: boolean): void {
    if (isCallee ?? isCallOf(n)) return;
    const name = n.childForFieldName('field')?.text;
    if (!name || !this.valueNames?.(name)) return;
    const t = this.typeOf(n, s, file);
    if (t.k !== 'unknown') return;
    this.unresolved.push({ name, selector: true, argc: -1, spreadCall: false, importPath: file.sf.importPath, why: this.why(file, n, `this use of ${name} may refer to it, but goshift cannot tell which ${name} it is: ${t.why}`) });
  }

  private composite(n: Node, t: GType, s: Scope, file: GoFile): void {
    const body = n.childForFieldName('body');
    if (!body) return;
    const u = this.prog.underlying(t.k === 'ptr' ? t.elem : t);
    let i = 0;
    for (const el of body.namedChildren) {
      if (el.type === 'comment') continue;
      let key: Node | null = null;
      let val: Node | null = el;
      if (el.type === 'keyed_element') {
        key = el.childForFieldName('key');
        val = el.childForFieldName('value');
      }
      const inner = (x: Node | null) => (x && x.type === 'literal_element' ? x.namedChildren[0] ?? null : x);
      const k = inner(key);
      const v = inner(val);
      let vt: GType = unknown('element of a composite literal of unknown type');
      if (u.k === 'struct' || u.k === 'named') {
        const fieldName = k?.type === 'identifier' || k?.type === 'field_identifier' ? k.text : null;
        if (fieldName) {
          const m = this.prog.member(t.k === 'ptr' ? t.elem : t, fieldName);
          if (m.k === 'field') vt = m.t;
        } else if (u.k === 'struct') {
          vt = this.positionalField(u, i);
        }
        if (k && !fieldName) this.expr(k, s, file);
      } else if (u.k === 'map' || u.k === 'slice') {
        vt = u.elem;
        if (k) {
          this.expr(k, s, file);
          if (u.k === 'map') this.flow(k, u.key, s, file);
        }
      } else if (u.k === 'foreign') {
        // A composite literal of another module's type: what goes into it leaves the workspace.
        const fieldName = k?.type === 'identifier' || k?.type === 'field_identifier' ? k.text : null;
        vt = { k: 'foreign', what: fieldName ? `${u.what}.${fieldName}` : `an element of ${u.what}` };
        if (k && !fieldName) this.expr(k, s, file);
      } else if (k) this.expr(k, s, file);
      if (v?.type === 'literal_value') {
        // Elided type: `{...}` inside a composite of known element type.
        this.composite({ childForFieldName: (f: string) => (f === 'body' ? v : null) } as unknown as Node, vt, s, file);
      } else if (v) {
        this.expr(v, s, file);
        this.flow(v, vt, s, file);
      }
      i++;
    }
  }

  private positionalField(u: Extract<GType, { k: 'struct' }>, i: number): GType {
    const fields = positionalTypes.get(u.node, (st) => {
      const out: (Node | null)[] = [];
      const list = st.namedChildren.find((c) => c.type === 'field_declaration_list');
      for (const f of list?.namedChildren ?? []) {
        if (f.type !== 'field_declaration') continue;
        const t = f.childForFieldName('type');
        for (let n = Math.max(1, f.childrenForFieldName('name').length); n > 0; n--) out.push(t);
      }
      return out;
    });
    return i < fields.length ? this.prog.typeOfTypeNode(fields[i]!, u.file, u.tparams) : unknown('positional field');
  }

  private callShape(n: Node, s: Scope, file: GoFile): CallShape {
    const fn = unparen(n.childForFieldName('function')!);
    const argsNode = n.childForFieldName('arguments')!;
    const args = argsNode.namedChildren.filter((c) => c.type !== 'comment');
    const builtin = fn.type === 'identifier' && BUILTIN_FUNCS.has(fn.text) && !s.lookup(fn.text) && !file.pkg.funcs.has(fn.text) && !file.pkg.vars.has(fn.text) ? fn.text : null;
    return { fn, args, builtin };
  }

  /** What a call links (its operands already walked): references, flows of the arguments, pins. */
  private call(n: Node, { fn, args, builtin }: CallShape, s: Scope, file: GoFile): void {
    const spread = args.length > 0 && args[args.length - 1].type === 'variadic_argument';
    // Builtins.
    if (builtin) {
      if (builtin === 'append' && args.length > 1) {
        const st = this.typeOf(argExpr(args[0]), s, file);
        const u = this.prog.underlying(st);
        args.slice(1).forEach((a) => this.flow(argExpr(a), u.k === 'slice' ? (spread ? st : u.elem) : unknown('append'), s, file));
      }
      return;
    }
    // Explicit instantiation F[int](...) or x.M[int](...).
    let target = fn;
    if (target.type === 'index_expression' || target.type === 'type_instantiation_expression') {
      const op = target.childForFieldName('operand') ?? target.namedChildren[0];
      const ot = this.typeOf(op, s, file);
      if (ot.k === 'func' || ot.k === 'mexpr') target = op;
    }
    const ft = this.calleeType(n, target, s, file);
    const where = (reason: string) => this.why(file, n, reason);
    if (ft.k === 'type') {
      // A conversion: the argument flows into the type.
      if (args[0]) this.flow(argExpr(args[0]), ft.t, s, file);
      return;
    }
    const fu = ft.k === 'named' ? this.prog.underlying(ft) : ft;
    if (fu.k === 'func' || fu.k === 'mexpr') {
      const id = this.slotOf(fu.sig);
      const offset = fu.k === 'mexpr' ? 1 : 0;
      let ref: Ref | undefined;
      // `F[T](x)` read as a conversion has no argument list to edit: F keeps its parameters.
      if (n.type === 'type_conversion_expression') this.pin(id, where(`${n.childForFieldName('type')!.text}(…) is a call that tree-sitter reads as a conversion, with no argument list goshift could edit`));
      else this.refs.push((ref = new Ref(id, offset, file, n)));
      if (args.length === 1 && offset === 0 && fu.sig.params.namedChildren.filter((c) => c.type !== 'comment').length > 0) {
        // f(g()) with a multi-value g: arguments cannot be permuted.
        const at = this.typeOf(argExpr(args[0]), s, file);
        if (at.k === 'tuple' && at.elems.length > 1) {
          this.pin(id, where('a call passes a multi-value expression as its arguments'));
          if (ref) ref.pinned = true;
          this.flowTuple(argExpr(args[0]), at.elems.map((_, j) => this.prog.paramType(fu.sig, j, false) ?? unknown('argument')), s, file);
          return;
        }
      }
      args.forEach((a, i) => {
        const j = i - offset;
        const pt = j < 0 ? (fu.k === 'mexpr' ? fu.recv : undefined) : this.prog.paramType(fu.sig, j, spread && i === args.length - 1);
        this.flow(argExpr(a), pt ?? unknown('argument'), s, file);
      });
      return;
    }
    if (fu.k === 'foreign' || fu.k === 'basic' || fu.k === 'context') {
      const what = fu.k === 'foreign' ? fu.what : fu.k;
      for (const a of args) this.flow(argExpr(a), { k: 'foreign', what }, s, file);
      return;
    }
    // Unknown target.
    const { name, selector } = calleeName(target);
    this.unresolved.push({ name, selector, importPath: file.sf.importPath, argc: args.length, spreadCall: args.length === 1 && args[0].type === 'call_expression', why: where(name ? `this call of ${name} may reach it, but goshift cannot tell which ${name} it calls: ${ft.k === 'unknown' ? ft.why : ft.k}` : `goshift cannot tell what this call calls (${ft.k === 'unknown' ? ft.why : ft.k}), and it may reach it`) });
    for (const a of args) this.flow(argExpr(a), unknown('argument of an unresolved call'), s, file);
  }

  /** A value flows into a place of type dest: func types must agree, foreign or unknown places pin. */
  private flow(v: Node, dest: GType, s: Scope, file: GoFile): void {
    const du = dest.k === 'named' || dest.k === 'iface' ? this.prog.underlying(dest) : undefined;
    if (du?.k === 'iface' && v.type !== 'nil' && v.text !== 'nil') {
      // A value from outside the workspace (or of a type goshift cannot determine) used as one of our
      // interfaces: its methods cannot change, so the interface's cannot either.
      const vt = this.typeOf(v, s, file);
      const base = vt.k === 'ptr' ? vt.elem : vt;
      if (base.k === 'foreign' || base.k === 'unknown') {
        const why = this.why(file, v, base.k === 'foreign' ? `a value of ${base.what}, from outside the workspace, is used as this interface: if it implements it, moving the method would break that` : `a value whose type goshift cannot tell (${base.why}) is used as this interface: if it implements it, moving the method would break that`);
        for (const m of this.prog.ifaceSet(du)?.methods.values() ?? []) this.pin(this.slotOf(m.sig), why);
      }
    }
    const vt = this.valueType(v, s, file);
    if (vt) this.flowType(vt, dest, file, v);
  }

  /** A multi-value expression (`a, b = two()`) flowing into several places (null: `_`). */
  private flowTuple(v: Node, dests: (GType | null)[], s: Scope, file: GoFile): void {
    const t = this.typeOf(v, s, file);
    // `x, ok = m[k]`, `x, ok = v.(T)`, `x, ok = <-ch`.
    const commaOk = v.type === 'index_expression' || v.type === 'type_assertion_expression' || (v.type === 'unary_expression' && v.childForFieldName('operator')?.text === '<-');
    const elems = t.k === 'tuple' ? t.elems : commaOk ? [t, { k: 'basic', name: 'bool' } as GType] : t.k === 'unknown' ? dests.map(() => t) : [];
    dests.forEach((d, i) => {
      if (d) this.flowType(elems[i] ?? unknown('it is one of several results of a call goshift cannot follow'), d, file, v);
    });
  }

  /**
   * A value of type vt flowing into a place of type dest. A value goshift cannot follow, or one from
   * outside the workspace (`net.Dialer.DialContext` as a method value), pins the func types of dest:
   * they cannot change without it.
   */
  private flowType(vt: GType, dest: GType, file: GoFile, at: Node): void {
    if (vt.k === 'unknown' || vt.k === 'foreign') this.pinFuncsIn(dest, this.why(file, at, vt.k === 'foreign' ? `is given ${vt.what}, from outside the workspace, which has the present parameter order` : `is given a value whose type goshift cannot tell (${vt.why})`));
    else if (hasSignature(vt)) this.unify(vt, dest, file, at, 0);
  }

  /** Pins the func types a type is made of (not those behind other named types: those keep their identity). */
  private pinFuncsIn(t: GType, why: Why, depth = 0): void {
    if (depth > 6) return;
    switch (t.k) {
      case 'named': {
        const u = this.prog.underlying(t);
        if (u.k === 'func') this.pinSig(u.sig, why, depth + 1);
        return;
      }
      case 'func':
        this.pinSig(t.sig, why, depth + 1);
        return;
      case 'ptr':
      case 'slice':
      case 'chan':
        return this.pinFuncsIn(t.elem, why, depth + 1);
      case 'map':
        this.pinFuncsIn(t.key, why, depth + 1);
        return this.pinFuncsIn(t.elem, why, depth + 1);
      case 'struct':
        for (const f of this.prog.structFields(t)) this.pinFuncsIn(f, why, depth + 1);
        return;
      case 'tuple':
        for (const e of t.elems) this.pinFuncsIn(e, why, depth + 1);
        return;
    }
  }

  /**
   * The type of a value only when it can carry a signature (funcs, our named types), or is unknown
   * (then it may carry one); else undefined.
   */
  private valueType(v: Node, s: Scope, file: GoFile): GType | undefined {
    switch (v.type) {
      case 'identifier':
      case 'selector_expression':
      case 'func_literal':
      case 'parenthesized_expression':
      case 'unary_expression':
      case 'call_expression':
      case 'index_expression':
      case 'composite_literal':
      case 'type_assertion_expression':
      case 'generic_type':
      case 'qualified_type':
      case 'type_identifier':
        break;
      default:
        return undefined;
    }
    if (v.type === 'identifier' && (v.text === 'nil' || v.text === '_')) return undefined;
    const t = this.typeOf(v, s, file);
    return hasSignature(t) || t.k === 'unknown' || t.k === 'foreign' ? t : undefined;
  }

  private unify(vt: GType, dest: GType, file: GoFile, at: Node, depth: number): void {
    if (depth > 6) return;
    const vu = vt.k === 'named' ? this.prog.underlying(vt) : vt;
    if (vt.k === 'named' && vu.k !== 'func') {
      // A value of our named type going to a foreign or interface place may satisfy an interface we cannot see.
      // A standard interface has no context out of place, so a reorder cannot break it; a change that
      // inserts parameters can (a Write that takes a context is no io.Writer, a String no Stringer).
      if (dest.k === 'foreign' && !isStd(dest.what)) this.pinMethods(vt, this.why(file, at, `${vt.name} is used as ${dest.what}, an interface declared outside the workspace: moving the method would make ${vt.name} stop implementing it`));
      else if (dest.k === 'foreign' && this.everyMethod) this.pinStdMethods(vt, this.why(file, at, `${vt.name} goes to ${dest.what}, standard-library code that may use it as an interface (io.Writer, fmt.Stringer, …): a parameter inserted into the method would change which ones it implements`));
      const du = this.prog.underlying(dest);
      // Inserting: a value that becomes an `any` or `error` may be asserted to any interface anywhere.
      if (this.everyMethod && (du.k === 'basic' || (du.k === 'iface' && !this.prog.ifaceSet(dest)?.methods.size))) {
        this.pinStdMethods(vt, this.why(file, at, `${vt.name} becomes an interface value here (${du.k === 'basic' ? du.name : 'an empty interface'}): code that receives it may use it as a standard-library interface (io.Writer, fmt.Stringer, …), and a parameter inserted into the method would change which ones it implements`));
      }
      // Used as one of our interfaces that embeds another module's: the methods it does not show may be
      // that interface's, which goshift cannot see (the ones it shows are linked by name).
      if (du.k === 'iface') {
        const set = this.prog.ifaceSet(dest);
        const hidden = set?.open;
        if (hidden && (this.everyMethod || !(hidden.k === 'foreign' && isStd(hidden.what)))) {
          const what = hidden.k === 'foreign' ? hidden.what : 'a type goshift cannot determine';
          this.pinMethods(vt, this.why(file, at, `${vt.name} is used as an interface that embeds ${what}, declared outside the workspace: moving a method it may require would make ${vt.name} stop implementing it`), new Set(set!.methods.keys()));
        }
      }
      // Converted to another struct type: the func types of their fields must stay identical.
      if (vu.k === 'struct' && du.k === 'struct' && vu.node.id !== du.node.id) this.linkTypes(vu, du, file, at, depth + 1);
      return;
    }
    if (vt.k === 'ptr') {
      if (dest.k === 'ptr') return this.unify(vt.elem, dest.elem, file, at, depth + 1);
      if (vt.elem.k === 'named') return this.unify(vt.elem, dest, file, at, depth + 1);
      return;
    }
    if (vu.k === 'func' || vu.k === 'mexpr') {
      const id = this.slotOf(vu.sig);
      const du = dest.k === 'named' ? this.prog.underlying(dest) : dest;
      if (vu.k === 'mexpr') {
        // Its type has the receiver first: the method and the func type it flows into would move
        // differently. Both are left alone, as one set.
        const why = this.why(file, at, 'a method expression is used as a value');
        this.pin(id, why);
        if (du.k === 'func') {
          this.union(id, this.slotOf(du.sig));
          this.pin(this.slotOf(du.sig), why);
        }
        return;
      }
      if (du.k === 'func') {
        this.linkSigs(vu.sig, du.sig, at);
        return;
      }
      if (du.k === 'foreign') this.pinSig(vu.sig, this.why(file, at, `goes to ${du.what}, outside the workspace, which expects the present parameter order`));
      else if (du.k === 'unknown') this.pinSig(vu.sig, this.why(file, at, `goes to a place whose type goshift cannot tell (${du.why})`));
      else if (du.k === 'basic' || du.k === 'iface') this.pinSig(vu.sig, this.why(file, at, 'becomes an interface value here: code that receives it may assert or print its func type, which must stay as it is'));
      return;
    }
    if (vt.k === 'slice' || vt.k === 'chan') {
      const du = this.prog.underlying(dest);
      if (du.k === vt.k) return this.unify(vt.elem, du.elem, file, at, depth + 1);
      return this.unify(vt.elem, unknown('container'), file, at, depth + 1);
    }
    if (vt.k === 'map') {
      const du = this.prog.underlying(dest);
      if (du.k === 'map') return this.unify(vt.elem, du.elem, file, at, depth + 1);
      return this.unify(vt.elem, unknown('container'), file, at, depth + 1);
    }
  }

  /**
   * A type assertion or type switch case matches a dynamic type by identity. A func type written
   * there (or nested in the type written there, or a local type standing for one) matches func
   * values that went into an interface anywhere, which goshift does not follow: it is left alone.
   */
  private pinAsserted(tn: Node | null, s: Scope, file: GoFile): void {
    if (!tn) return;
    const why = this.why(file, tn, 'a type assertion or type switch on a func type matches values goshift cannot follow');
    for (const ft of [tn, ...tn.descendantsOfType('function_type')]) {
      if (ft.type === 'function_type') this.pin(this.slotOf({ params: ft.childForFieldName('parameters')!, result: ft.childForFieldName('result'), file, tparams: s.tp() }), why);
    }
    // An interface written there matches by method set: a second case may differ from it only in
    // where the context is, and a value from outside the workspace may match it.
    const iwhy = this.why(file, tn, 'a type assertion or type switch on an interface type literal matches values goshift cannot follow');
    for (const it of [tn, ...tn.descendantsOfType('interface_type')]) {
      if (it.type !== 'interface_type') continue;
      for (const m of this.prog.ifaceSet({ k: 'iface', node: it, file, tparams: s.tp() })?.methods.values() ?? []) this.pinSig(m.sig, iwhy);
    }
    for (const id of [tn, ...tn.descendantsOfType('type_identifier')]) {
      if (id.type !== 'type_identifier' || !file.localTypes.has(id.text)) continue;
      const t = this.prog.typeOfTypeNode(id, file, s.tp());
      if (t.k === 'func') this.pinSig(t.sig, why);
      else if (t.k === 'iface') for (const m of this.prog.ifaceSet(t)?.methods.values() ?? []) this.pinSig(m.sig, iwhy);
    }
  }

  /** Pins a signature and the func types written inside it (a callback parameter, a returned func). */
  private pinSig(sig: Sig, why: Why, depth = 0): void {
    const id = this.slotOf(sig);
    const had = this.pins.get(id)?.some((w) => w === why);
    this.pin(id, why);
    if (had || depth > 6) return;
    for (const p of paramsOf(sig.params)) this.pinFuncsIn(this.prog.typeOfTypeNode(p.typeNode, sig.file, sig.tparams), why, depth + 1);
    for (const r of this.prog.resultTypes(sig)) this.pinFuncsIn(r, why, depth + 1);
  }

  /**
   * Inserting parameters: pins the methods of t that implement a standard-library interface method
   * now (same name and parameter count: they would stop), or would after a context is inserted first
   * (a method taking a context first: they would start to).
   */
  private pinStdMethods(t: Extract<GType, { k: 'named' }>, why: Why): void {
    for (const decls of t.pkg.methods.get(t.name)?.values() ?? []) {
      for (const d of decls) {
        const std = STD_IFACE_METHODS[d.name];
        if (!std) continue;
        const ps = paramsOf(d.params);
        if (ps.some((p) => p.variadic)) continue;
        if (std.some(([n, ctxFirst]) => n === ps.length || (ctxFirst && n === ps.length + 1))) this.pin(this.slotOf(sigOfDecl(d)), why);
      }
    }
  }

  private pinMethods(t: Extract<GType, { k: 'named' }>, why: Why, except?: Set<string>): void {
    for (const decls of t.pkg.methods.get(t.name)?.values() ?? []) for (const d of decls) if (!except?.has(d.name)) this.pin(this.slotOf(sigOfDecl(d)), why);
  }

  // ---------------------------------------------------------------------------------- typeOf
  typeOf(n: Node, s: Scope, file: GoFile, depth = 0): GType {
    if (depth > 30) return unknown('expression too deep');
    const prog = this.prog;
    switch (n.type) {
      case 'identifier': {
        const name = n.text;
        const local = s.lookup(name);
        if (local) return local();
        if (s.tp()?.has(name)) return { k: 'type', t: prog.typeOfTypeNode(n, file, s.tp()) };
        return this.pkgLevel(file.pkg, file, name);
      }
      case 'parenthesized_expression':
        return n.namedChildren.length === 1 ? this.typeOf(n.namedChildren[0], s, file, depth + 1) : unknown('parenthesized');
      case 'selector_expression': {
        const op = n.childForFieldName('operand')!;
        const field = n.childForFieldName('field')!.text;
        const ot = this.typeOf(op, s, file, depth + 1);
        if (ot.k === 'pkg') {
          if (!prog.isOurs(ot.path)) {
            if (ot.path === 'context' || ot.path === 'golang.org/x/net/context') {
              if (field === 'Context') return { k: 'type', t: { k: 'context' } };
              if (/^With|Background|TODO|Without/.test(field)) return { k: 'foreign', what: `${ot.path}.${field}` };
            }
            return { k: 'foreign', what: `${ot.path}.${field}` };
          }
          const pkg = prog.pkg(ot.path);
          if (!pkg) return unknown(`package ${ot.path}`);
          return this.pkgLevel(pkg, null, field, true);
        }
        if (ot.k === 'type') {
          // Method expression T.M / (*T).M.
          const m = prog.member(ot.t, field);
          if (m.k === 'method') return { k: 'mexpr', sig: m.sig, recv: ot.t };
          if (m.k === 'imethod') return { k: 'mexpr', sig: m.sig, recv: ot.t };
          if (m.k === 'foreign') return { k: 'foreign', what: m.what };
          return unknown(`method expression ${field}`);
        }
        const m = prog.member(ot, field);
        switch (m.k) {
          case 'method':
          case 'imethod':
            return { k: 'func', sig: m.sig };
          case 'field':
            return m.t;
          case 'foreign':
            return { k: 'foreign', what: `${m.what}.${field}` };
          default:
            return unknown(m.why);
        }
      }
      case 'call_expression': {
        const fn = unparen(n.childForFieldName('function')!);
        const args = n.childForFieldName('arguments')!.namedChildren.filter((c) => c.type !== 'comment');
        if (fn.type === 'identifier' && BUILTIN_FUNCS.has(fn.text) && !s.lookup(fn.text) && !file.pkg.funcs.has(fn.text)) {
          switch (fn.text) {
            case 'new': {
              if (!args[0]) return unknown('new');
              const asType = this.typeOf(args[0], s, file, depth + 1);
              if (asType.k === 'type') return { k: 'ptr', elem: asType.t };
              if (args[0].type.endsWith('_type') || args[0].type === 'type_identifier') return { k: 'ptr', elem: prog.typeOfTypeNode(args[0], file, s.tp()) };
              return { k: 'ptr', elem: asType };
            }
            case 'make': {
              if (!args[0]) return unknown('make');
              const asType = this.typeOf(args[0], s, file, depth + 1);
              return asType.k === 'type' ? asType.t : prog.typeOfTypeNode(args[0], file, s.tp());
            }
            case 'append':
              return args[0] ? this.typeOf(args[0], s, file, depth + 1) : unknown('append');
            case 'len':
            case 'cap':
            case 'copy':
              return { k: 'basic', name: 'int' };
            case 'recover':
              return { k: 'basic', name: 'any' };
            case 'min':
            case 'max':
              return args[0] ? this.typeOf(args[0], s, file, depth + 1) : unknown('min');
            default:
              return unknown(`builtin ${fn.text}`);
          }
        }
        let target = fn;
        if (target.type === 'index_expression' || target.type === 'type_instantiation_expression') {
          const op = target.childForFieldName('operand') ?? target.namedChildren[0];
          const ot = this.typeOf(op, s, file, depth + 1);
          if (ot.k === 'func' || ot.k === 'mexpr') target = op;
        }
        const ft = this.calleeType(n, target, s, file, depth + 1);
        if (ft.k === 'type') return ft.t;
        const fu = ft.k === 'named' ? prog.underlying(ft) : ft;
        if (fu.k === 'func' || fu.k === 'mexpr') return this.callResult(fu.sig);
        if (fu.k === 'foreign') {
          // A foreign generic function hands back what it is given (slices.Clone(stores)[0]):
          // its result is only surely foreign when no argument may carry a workspace type.
          // Methods have no type parameters of their own.
          const isPkgFunc = target.type === 'selector_expression' && this.typeOf(target.childForFieldName('operand')!, s, file, depth + 1).k === 'pkg';
          if (!isPkgFunc && target.type !== 'identifier') return { k: 'foreign', what: `result of ${fu.what}` };
          if (target !== fn || n.childForFieldName('type_arguments')) return unknown(`result of ${fu.what} with explicit type arguments`);
          if (args.some((a) => prog.mayHoldOurs(this.typeOf(a.type === 'variadic_argument' ? a.namedChildren[0] : a, s, file, depth + 1)))) {
            return unknown(`result of ${fu.what}, which may be generic over a workspace type`);
          }
          return { k: 'foreign', what: `result of ${fu.what}` };
        }
        return unknown(ft.k === 'unknown' ? ft.why : `call of ${ft.k}`);
      }
      case 'type_conversion_expression': {
        // A conversion, or `F[T](x)`: a call of a generic function with one argument.
        const tn = n.childForFieldName('type')!;
        const ft = this.typeOf(tn, s, file, depth + 1);
        if (ft.k === 'type') return ft.t;
        if (ft.k === 'func') return this.callResult(ft.sig);
        if (ft.k === 'foreign') return unknown(`result of ${ft.what} with explicit type arguments`);
        return ft.k === 'unknown' ? ft : unknown(`conversion to ${ft.k}`);
      }
      case 'index_expression': {
        const op = n.childForFieldName('operand')!;
        const ot = this.typeOf(op, s, file, depth + 1);
        if (ot.k === 'func' || ot.k === 'mexpr' || ot.k === 'type') return ot; // instantiation
        const u = prog.underlying(ot.k === 'ptr' ? ot.elem : ot);
        if (u.k === 'slice' || u.k === 'map') return u.elem;
        if (u.k === 'basic' && u.name === 'string') return { k: 'basic', name: 'byte' };
        if (u.k === 'foreign') return { k: 'foreign', what: `element of ${u.what}` };
        return unknown(`index of ${u.k === 'unknown' ? u.why : u.k}`);
      }
      case 'slice_expression':
        return this.typeOf(n.childForFieldName('operand')!, s, file, depth + 1);
      case 'unary_expression': {
        const op = n.childForFieldName('operator')!.text;
        const x = n.childForFieldName('operand')!;
        const xt = this.typeOf(x, s, file, depth + 1);
        if (op === '&') return { k: 'ptr', elem: xt };
        if (op === '*') {
          if (xt.k === 'type') return { k: 'type', t: { k: 'ptr', elem: xt.t } };
          if (xt.k === 'ptr') return xt.elem;
          // *[N]T, *C.char, *pkg.T of a foreign package: types written as expressions.
          if (xt.k === 'foreign') return xt; // a foreign value or a foreign type: foreign either way
          if (x.type === 'composite_literal' || x.type === 'index_expression' || xt.k === 'pkg') return { k: 'type', t: unknown('pointer type') };
          return unknown('dereference');
        }
        if (op === '<-') {
          const u = prog.underlying(xt);
          return u.k === 'chan' ? u.elem : unknown('receive');
        }
        return xt;
      }
      case 'binary_expression': {
        const op = n.childForFieldName('operator')!.text;
        if (['==', '!=', '<', '<=', '>', '>=', '&&', '||'].includes(op)) return { k: 'basic', name: 'bool' };
        return this.typeOf(n.childForFieldName('left')!, s, file, depth + 1);
      }
      case 'composite_literal':
        return prog.typeOfTypeNode(n.childForFieldName('type'), file, s.tp());
      case 'func_literal':
        return { k: 'func', sig: { params: n.childForFieldName('parameters')!, result: n.childForFieldName('result'), file, tparams: s.tp() } };
      case 'type_assertion_expression':
        return prog.typeOfTypeNode(n.childForFieldName('type'), file, s.tp());
      case 'interpreted_string_literal':
      case 'raw_string_literal':
        return { k: 'basic', name: 'string' };
      case 'int_literal':
        return { k: 'basic', name: 'int' };
      case 'float_literal':
        return { k: 'basic', name: 'float64' };
      case 'rune_literal':
        return { k: 'basic', name: 'rune' };
      case 'true':
      case 'false':
        return { k: 'basic', name: 'bool' };
      case 'nil':
        return unknown('nil');
      // Types written where an expression stands (conversions, method expressions, new/make).
      case 'pointer_type':
      case 'slice_type':
      case 'map_type':
      case 'array_type':
      case 'channel_type':
      case 'function_type':
      case 'interface_type':
      case 'struct_type':
      case 'generic_type':
      case 'qualified_type':
      case 'type_identifier': {
        // tree-sitter reads `pkg.F[int]` and `F[K, V]` in expressions as types; they may be functions.
        const base = n.type === 'generic_type' ? n.childForFieldName('type')! : n;
        if (base.type === 'type_identifier' || base.type === 'identifier') {
          const v = this.typeOf({ type: 'identifier', text: base.text } as Node, s, file, depth + 1);
          if (v.k === 'func' || v.k === 'unknown' && !s.tp()?.has(base.text)) return v;
        } else if (base.type === 'qualified_type') {
          const pkgName = base.childForFieldName('package')!.text;
          const ip = s.lookup(pkgName) ? undefined : file.imports.get(pkgName);
          if (ip && prog.isOurs(ip)) {
            const pkg = prog.pkg(ip);
            const v = pkg ? this.pkgLevel(pkg, null, base.childForFieldName('name')!.text, true) : undefined;
            if (v && v.k !== 'type') return v;
          } else if (ip) return { k: 'foreign', what: `${ip}.${base.childForFieldName('name')!.text}` };
        }
        return { k: 'type', t: prog.typeOfTypeNode(n, file, s.tp()) };
      }
      case 'parenthesized_type':
        return { k: 'type', t: prog.typeOfTypeNode(n, file, s.tp()) };
      default:
        return unknown(n.type);
    }
  }

  /** What a call of a function with this signature gives: its one result, or a tuple of them. */
  private callResult(sig: Sig): GType {
    const rs = this.prog.resultTypes(sig);
    if (rs.length === 1) return rs[0];
    if (rs.length === 0) return unknown('no result');
    return { k: 'tuple', elems: rs };
  }

  /**
   * The type of what a call calls. tree-sitter reads `fs[i](x)` as a generic call with type
   * arguments `[i]`: when the callee is no function, that is an index into a slice or map of funcs.
   */
  private calleeType(call: Node, target: Node, s: Scope, file: GoFile, depth = 0): GType {
    const ft = this.typeOf(target, s, file, depth + 1);
    if (!call.childForFieldName('type_arguments') || ft.k === 'func' || ft.k === 'mexpr' || ft.k === 'type' || ft.k === 'unknown') return ft;
    const u = this.prog.underlying(ft.k === 'ptr' ? ft.elem : ft);
    if (u.k === 'slice' || u.k === 'map') return u.elem;
    if (u.k === 'named' || u.k === 'func') return u;
    if (u.k === 'foreign') return { k: 'foreign', what: `element of ${u.what}` };
    return unknown(`index of a ${u.k}`);
  }

  /** A package-level name (or import, or universe name) seen from a file. */
  private pkgLevel(pkg: Package, file: GoFile | null, name: string, qualified = false): GType {
    const f = pkg.funcs.first(name);
    if (f) return { k: 'func', sig: sigOfDecl(f) };
    const vd = pkg.vars.first(name);
    if (vd) {
      const memo = this.varTypes.get(vd);
      if (memo) return memo;
      this.varTypes.set(vd, unknown('its type is worked out from itself'));
      const t = this.varType(vd, name);
      this.varTypes.set(vd, t);
      return t;
    }
    return this.pkgLevelRest(pkg, file, name, qualified);
  }

  private readonly varTypes = new Map<VarDecl, GType>();

  private varType(vd: VarDecl, name: string): GType {
    if (vd.typeNode) return this.prog.typeOfTypeNode(vd.typeNode, vd.file);
    const vals = vd.value?.namedChildren ?? [];
    const top = new Scope(null, null);
    if (vals.length === 1 && vd.index > 0) {
      const t = this.typeOf(vals[0], top, vd.file);
      return t.k === 'tuple' ? t.elems[vd.index] ?? unknown('the call has fewer results') : unknown('it is one of several results of a call goshift cannot follow');
    }
    return vals[vd.index] ? this.typeOf(vals[vd.index], top, vd.file) : unknown(`var ${name}`);
  }

  private pkgLevelRest(pkg: Package, file: GoFile | null, name: string, qualified: boolean): GType {
    const prog = this.prog;
    if (pkg.types.has(name)) return { k: 'type', t: prog.typeIn(pkg, name) };
    // The first declaration, as for funcs, vars and types (a const's twins behind build tags are not parsed).
    const ct = pkg.consts.first(name);
    if (ct !== undefined) return ct ? prog.typeOfTypeNode(ct.typeNode, ct.file) : unknown(`untyped const ${name}`);
    if (qualified || !file) return unknown(`${pkg.importPath} declares no ${name} in the files goshift read`);
    const ip = file.imports.get(name);
    if (ip) return { k: 'pkg', path: ip };
    for (const dp of file.dotImports) {
      if (!prog.isOurs(dp)) continue;
      const dpkg = prog.pkg(dp);
      if (dpkg && (dpkg.funcs.has(name) || dpkg.vars.has(name) || dpkg.types.has(name))) return this.pkgLevel(dpkg, null, name, true);
    }
    if (file.dotImports.some((d) => !prog.isOurs(d))) return { k: 'foreign', what: `${name} (dot import)` };
    const basic = prog.lookupTypeName(file, name);
    if (basic.k === 'basic') return { k: 'type', t: basic };
    if (name === 'true' || name === 'false') return { k: 'basic', name: 'bool' };
    if (name === 'iota') return { k: 'basic', name: 'int' };
    // Not declared anywhere goshift sees: the name of an import of another module under a guessed name.
    const guess = prog.importPath(file, name);
    if (guess) return { k: 'pkg', path: guess };
    return unknown(`${name} is declared in no file goshift read (a file for another GOOS, behind a build tag, or generated at build time?)`);
  }

  /** Marks sets that an unresolved call might reach: same method name (or any func value) and a compatible arity. */
  poisonUnresolved(changing: Set<string>, poison: (root: string, why: Why) => void): void {
    const byName = new Map<string, Slot[]>();
    const values: Slot[] = [];
    for (const root of changing) {
      // A set of func literals only never flowed into a typed place (that would have linked it)
      // nor into an unknown one (that pins): it is called directly, and no unknown call reaches it.
      const literalsOnly = this.members(root).every((sl) => sl.kind === 'literal');
      for (const sl of this.members(root)) {
        if ((sl.kind === 'functype' || sl.kind === 'literal') && !literalsOnly) values.push(sl);
        if (sl.kind !== 'literal') {
          const l = byName.get(sl.name);
          if (l) l.push(sl);
          else byName.set(sl.name, [sl]);
        }
      }
    }
    // A selector may also name a struct field of func type: `x.H(...)` with `H Handler`.
    const selectorNames = new Set(this.unresolved.filter((u) => u.selector && u.name).map((u) => u.name!));
    const fieldSlots = new Map<string, Slot[]>();
    const namesTest = selectorNames.size ? wordTest([...selectorNames]) : null;
    for (const f of namesTest ? this.prog.parsed : []) {
      if (!namesTest!(f.pf.text)) continue;
      for (const fd of this.nodesOf(f, 'field_declaration')) {
        const names = fd.childrenForFieldName('name').map((n) => n.text).filter((n) => selectorNames.has(n));
        if (!names.length) continue;
        const t = this.prog.underlying(this.prog.typeOfTypeNode(fd.childForFieldName('type'), f, tparamsAround(fd)));
        if (t.k !== 'func') continue;
        const sl = this.slots.get(this.slotOf(t.sig))!;
        if (!changing.has(this.find(sl.id))) continue;
        for (const n of names) fieldSlots.set(n, [...(fieldSlots.get(n) ?? []), sl]);
      }
    }
    const fits = (sl: Slot, u: Unresolved) => {
      if (u.argc < 0) return true;
      const ps = paramsOf(sl.params);
      const variadic = ps.length > 0 && ps[ps.length - 1].variadic;
      return (variadic ? u.argc >= ps.length - 1 : u.argc === ps.length) || u.spreadCall;
    };
    for (const u of this.unresolved) {
      const cands = u.selector
        ? [...(byName.get(u.name ?? '') ?? []), ...(fieldSlots.get(u.name ?? '') ?? [])]
        : [...(byName.get(u.name ?? '') ?? []).filter((x) => x.kind === 'functype'), ...values];
      // An unexported name written in one package never selects another package's method or field.
      const local = !!u.name && u.selector && !/^\p{Lu}/u.test(u.name) && u.importPath !== undefined;
      const elsewhere = (sl: Slot) => local && (sl.kind === 'method' || sl.kind === 'imethod' || sl.kind === 'func') && sl.file.sf.importPath !== u.importPath;
      for (const sl of cands) if (fits(sl, u) && !elsewhere(sl)) poison(this.find(sl.id), u.why);
    }
  }

  private memberIndex: Map<string, Slot[]> | undefined;
  members(root: string): Slot[] {
    if (!this.memberIndex) {
      this.memberIndex = new Map();
      for (const sl of this.slots.values()) {
        const r = this.find(sl.id);
        const l = this.memberIndex.get(r);
        if (l) l.push(sl);
        else this.memberIndex.set(r, [sl]);
      }
    }
    return this.memberIndex.get(root) ?? [];
  }
}

function hasSignature(t: GType): boolean {
  switch (t.k) {
    case 'func':
    case 'mexpr':
    case 'named':
      return true;
    case 'ptr':
      return t.elem.k === 'named';
    case 'slice':
    case 'chan':
    case 'map':
      return hasSignature(t.elem);
    default:
      return false;
  }
}

/** Whether two parameter shapes (see shapeOf) may be the same list: T and ? fit anything. */
function fits(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && a[i] !== 'T' && a[i] !== '?' && b[i] !== 'T' && b[i] !== '?') return false;
  return true;
}

/**
 * Methods of standard-library interfaces that values reach dynamically (fmt, io, encoding, sort,
 * container/heap, database/sql and its driver, net/http, flag, log/slog, errors, hash, sync,
 * context): name → [parameter count, takes a context first]. A change that inserts parameters keeps a
 * type implementing the ones it implements, and from starting to implement others.
 */
const STD_IFACE_METHODS: Record<string, [number, boolean][]> = {
  String: [[0, false]], GoString: [[0, false]], Error: [[0, false]], Format: [[2, false]], Unwrap: [[0, false]], Is: [[1, false]], As: [[1, false]],
  Timeout: [[0, false]], Temporary: [[0, false]], Read: [[1, false]], Write: [[1, false]], Close: [[0, false]], Seek: [[2, false]], ReadAt: [[2, false]],
  WriteAt: [[2, false]], ReadFrom: [[1, false]], WriteTo: [[1, false]], ReadByte: [[0, false]], UnreadByte: [[0, false]], WriteByte: [[1, false]],
  ReadRune: [[0, false]], UnreadRune: [[0, false]], WriteString: [[1, false]], MarshalJSON: [[0, false]], UnmarshalJSON: [[1, false]],
  MarshalText: [[0, false]], UnmarshalText: [[1, false]], MarshalBinary: [[0, false]], UnmarshalBinary: [[1, false]], MarshalXML: [[2, false]],
  UnmarshalXML: [[2, false]], AppendText: [[1, false]], AppendBinary: [[1, false]], Len: [[0, false]], Less: [[2, false]], Swap: [[2, false]],
  Push: [[1, false]], Pop: [[0, false]], Scan: [[1, false], [2, false]], Value: [[0, false]], ServeHTTP: [[2, false]], RoundTrip: [[1, false]],
  Set: [[1, false]], Get: [[0, false]], LogValue: [[0, false]], Handle: [[2, true]], Enabled: [[2, true]], WithAttrs: [[1, false]], WithGroup: [[1, false]],
  Deadline: [[0, false]], Done: [[0, false]], Err: [[0, false]], Lock: [[0, false]], Unlock: [[0, false]], Sum: [[1, false]], Reset: [[0, false]],
  Size: [[0, false]], BlockSize: [[0, false]], QueryContext: [[3, true]], ExecContext: [[3, true]], PrepareContext: [[2, true]], BeginTx: [[2, true]],
  Ping: [[1, true]], ResetSession: [[1, true]], Connect: [[1, true]], DialContext: [[3, true]], Shutdown: [[1, true]],
};

/** Standard-library import paths have no dot in their first element. */
export function isStd(what: string): boolean {
  const first = what.includes('/') ? what.split('/')[0] : what.split('.')[0];
  return !first.includes('.');
}
