// Stage 2 of the pipeline (workspace → facts → link → plan → edit → output): what one Go file
// says, from its own bytes alone, as plain data. Facts decide which files are parsed at all and
// where a package declares each name, so that a package's other files stay unparsed until one of
// their declarations is needed. They cross worker boundaries and are cached on disk.
//
// They come from a Go lexer (the spec's "Lexical elements", with its semicolon rule), not from a
// tree: lexing is an order of magnitude cheaper than parsing, and top-level declarations are
// plain to see in the token stream. Whatever the lexer cannot be sure of makes the file `unsure`,
// and an unsure file is parsed as if it mentioned everything.

/** Bump when FileFacts or the way they are computed changes: cached facts of another version are ignored. */
export const FACTS_VERSION = 4;

/** A top-level declaration. */
export interface DeclFacts {
  kind: 'func' | 'method' | 'type' | 'var' | 'const';
  name: string;
  /** For a method: its receiver's base type name (`T` for `*T`, `T[K]`). */
  recv?: string;
  /** For a type: declared with `=`. */
  alias?: boolean;
  /** For an alias of a type of this package by its bare name (`= T`, `= T[K]`): that name (methods declared on the alias are T's). */
  aliasOf?: string;
  /**
   * Identifiers written in what the declaration says to the outside, comments and strings left out:
   * a func's or method's type parameters, parameters and results; a type's type; a var's or
   * const's whole spec.
   */
  words: string[];
  /**
   * For a type: the fields of every struct type in it (nested ones too), each with the identifiers
   * of its type. A field the lexer cannot tell from an embedded generic type (`a [N]T` / `T[N]`) is
   * listed under both readings.
   */
  fields?: { name: string; words: string[] }[];
}

export interface FileFacts {
  v: number;
  /** The package clause's name; null when the file has none the lexer could read. */
  pkg: string | null;
  /** Imports in order: `name` is the explicit import name (`.`, `_`, an alias) or null. */
  imports: { name: string | null; path: string }[];
  /** `// Code generated ... DO NOT EDIT.` before the package clause. */
  generated: boolean;
  decls: DeclFacts[];
  /** Every identifier in code (not in comments or strings, keywords left out), sorted, once each. */
  words: string[];
  /** `//go:linkname local target` and `//export name` directives at the start of a line: [local, target?]. */
  linknames: [string, string?][];
  /**
   * Identifiers that end an element other than the first of a parenthesized list (`(a T, b pkg.U)`
   * gives U; calls and conversions count too), sorted, once each: a parameter list whose context is
   * not first has the context type's name here.
   */
  later: string[];
  /** The file has a `func` below its top-level declarations' starts: a func literal (or a func type). */
  funcLits: boolean;
  /**
   * The file may have a func literal that its own code runs or binds to a name: one called where it
   * is written (a `}` then `(`, through closing parentheses: `go func(){…}()`, `(func(){…})()`), or
   * one in the values of an assignment, `:=` or `var` (`f := func…`, `a, f = x, func…`). Literals
   * only passed, returned or stored in composite literals leave it false.
   */
  runLits: boolean;
  /** Names of types declared inside functions (`type X = context.Context` in a body), sorted, once each. */
  localTypes: string[];
  /**
   * The bodies of top-level functions and methods, as pairs of offsets in the file's text decoded
   * as UTF-8: just past each body's `{`, and at its `}`. A file read only for its declarations is
   * parsed with these blanked (Program).
   */
  bodies: number[];
  /**
   * Set when the lexer met something it cannot be sure of (an unterminated literal, unbalanced
   * brackets, a character Go does not have): such a file is parsed whatever its facts say, and its
   * package is loaded whole.
   */
  unsure?: string;
}

const KEYWORDS = new Set([
  'break', 'case', 'chan', 'const', 'continue', 'default', 'defer', 'else', 'fallthrough', 'for', 'func', 'go', 'goto',
  'if', 'import', 'interface', 'map', 'package', 'range', 'return', 'select', 'struct', 'switch', 'type', 'var',
]);

/** Token kinds: an identifier or keyword, a literal, an operator or punctuation. */
const ID = 0;
const LIT = 1;
const OP = 2;

interface Tok {
  k: number;
  /** Identifier text, operator text, or (for string literals) the literal as written. */
  t: string;
  /** Where it starts in the lexed text (an inserted semicolon: at the line end). */
  at: number;
}

class Unsure extends Error {}

const GENERATED = /^\/\/ Code generated .* DO NOT EDIT\.$/;

/**
 * Tokens of a Go source, with the semicolons the spec's rule inserts at line ends, and the
 * comments' side facts (generated marker, linkname directives).
 */
function lex(src: string, out: { generated: boolean; linknames: [string, string?][]; words: Set<string> }): Tok[] {
  const toks: Tok[] = [];
  const n = src.length;
  let i = 0;
  let sawPackage = false;
  /** The last token allows a semicolon at a line end (identifier, literal, some keywords, `)`, `]`, `}`, `++`, `--`). */
  let semi = false;
  const newline = () => {
    if (semi) toks.push({ k: OP, t: ';', at: i });
    semi = false;
  };
  while (i < n) {
    const c = src.charCodeAt(i);
    if (c === 10) {
      newline();
      i++;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 0xfeff) {
      i++;
      continue;
    }
    if (c === 47 /* / */ && src.charCodeAt(i + 1) === 47) {
      let e = src.indexOf('\n', i);
      if (e < 0) e = n;
      const atLineStart = i === 0 || src.charCodeAt(i - 1) === 10;
      if (atLineStart) {
        const text = src.slice(i, e).replace(/\r$/, '');
        if (!sawPackage && GENERATED.test(text)) out.generated = true;
        const m = /^\/\/go:linkname\s+(\S+)(?:\s+(\S+))?/.exec(text) ?? /^\/\/export\s+(\S+)/.exec(text);
        if (m) out.linknames.push(m[2] ? [m[1], m[2]] : [m[1]]);
      }
      i = e;
      continue;
    }
    if (c === 47 && src.charCodeAt(i + 1) === 42 /* * */) {
      const e = src.indexOf('*/', i + 2);
      if (e < 0) throw new Unsure('unterminated comment');
      // A general comment containing newlines acts like a newline.
      if (src.slice(i, e).includes('\n')) newline();
      i = e + 2;
      continue;
    }
    if (isLetter(c)) {
      let e = i + 1;
      while (e < n && isIdentPart(src.charCodeAt(e))) e++;
      const t = src.slice(i, e);
      toks.push({ k: ID, t, at: i });
      i = e;
      if (KEYWORDS.has(t)) {
        semi = t === 'break' || t === 'continue' || t === 'fallthrough' || t === 'return';
        if (t === 'package') sawPackage = true;
      } else {
        out.words.add(t);
        semi = true;
      }
      continue;
    }
    if (isDigit(c) || (c === 46 /* . */ && isDigit(src.charCodeAt(i + 1)))) {
      let e = i + 1;
      while (e < n) {
        const d = src.charCodeAt(e);
        const prev = src.charCodeAt(e - 1) | 0x20;
        if (isIdentPart(d) || d === 46) e++;
        else if ((d === 43 || d === 45) && (prev === 0x70 /* p */ || (prev === 0x65 /* e */ && !/^0[xX]/.test(src.slice(i, e))))) e++;
        else break;
      }
      toks.push({ k: LIT, t: src.slice(i, e), at: i });
      i = e;
      semi = true;
      continue;
    }
    if (c === 34 /* " */ || c === 39 /* ' */) {
      let e = i + 1;
      for (;;) {
        if (e >= n) throw new Unsure('unterminated literal');
        const d = src.charCodeAt(e);
        if (d === 92 /* \ */) {
          e += 2;
          continue;
        }
        if (d === 10) throw new Unsure('newline in literal');
        e++;
        if (d === c) break;
      }
      toks.push({ k: LIT, t: src.slice(i, e), at: i });
      i = e;
      semi = true;
      continue;
    }
    if (c === 96 /* ` */) {
      const e = src.indexOf('`', i + 1);
      if (e < 0) throw new Unsure('unterminated raw string');
      toks.push({ k: LIT, t: src.slice(i, e + 1), at: i });
      i = e + 1;
      semi = true;
      continue;
    }
    const op = operatorAt(src, i);
    if (!op) throw new Unsure(`unexpected character ${JSON.stringify(src[i])}`);
    toks.push({ k: OP, t: op, at: i });
    i += op.length;
    semi = op === ')' || op === ']' || op === '}' || op === '++' || op === '--';
  }
  newline();
  return toks;
}

const OPS = [
  '<<=', '>>=', '&^=', '...', '&&', '||', '<-', '++', '--', '==', '!=', '<=', '>=', ':=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=',
  '<<', '>>', '&^', '+', '-', '*', '/', '%', '&', '|', '^', '<', '>', '=', '!', '~', '(', ')', '[', ']', '{', '}', ',', ';', '.', ':',
];

/** Operators by first character, longest first. */
const OPS_BY_FIRST = new Map<string, string[]>();
for (const op of OPS) {
  const l = OPS_BY_FIRST.get(op[0]);
  if (l) l.push(op);
  else OPS_BY_FIRST.set(op[0], [op]);
}

function operatorAt(src: string, i: number): string | null {
  for (const op of OPS_BY_FIRST.get(src[i]) ?? []) if (op.length === 1 || src.startsWith(op, i)) return op;
  return null;
}

function isLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (c >= 0x80 && c !== 0xfeff && c !== 0xa0);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isIdentPart(c: number): boolean {
  return isLetter(c) || isDigit(c);
}

const OPEN: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const CLOSE = new Set([')', ']', '}']);

/** Facts of one file's bytes. Never throws: what it cannot read is marked `unsure`. */
export function factsOf(bytes: Buffer): FileFacts {
  const facts: FileFacts = { v: FACTS_VERSION, pkg: null, imports: [], generated: false, decls: [], words: [], linknames: [], later: [], funcLits: false, runLits: false, localTypes: [], bodies: [] };
  const side = { generated: false, linknames: [] as [string, string?][], words: new Set<string>() };
  try {
    const toks = lex(bytes.toString('utf8'), side);
    // Brackets must balance: the top level is read by depth.
    const stack: string[] = [];
    const close = new Int32Array(toks.length).fill(-1);
    const opened: number[] = [];
    toks.forEach((tk, j) => {
      if (tk.k !== OP) return;
      if (OPEN[tk.t]) {
        stack.push(OPEN[tk.t]);
        opened.push(j);
      } else if (CLOSE.has(tk.t)) {
        if (stack.pop() !== tk.t) throw new Unsure(`unbalanced ${tk.t}`);
        close[opened.pop()!] = j;
      }
    });
    if (stack.length) throw new Unsure(`unclosed ${stack[stack.length - 1]}`);
    topLevel(toks, close, facts);
    inner(toks, close, facts);
  } catch (e) {
    if (!(e instanceof Unsure)) throw e;
    facts.unsure = e.message;
    facts.bodies = [];
  }
  facts.generated = side.generated;
  facts.linknames = side.linknames;
  facts.words = [...side.words].sort();
  return facts;
}

/** What the facts say below the top level: later list elements, func literals, local types. */
function inner(toks: Tok[], close: Int32Array, facts: FileFacts): void {
  const later = new Set<string>();
  const local = new Set<string>();
  const isOp = (j: number, t: string) => toks[j].k === OP && toks[j].t === t;
  let openOf: Int32Array | undefined;
  let depth = 0;
  for (let j = 0; j < toks.length; j++) {
    const tk = toks[j];
    if (tk.k === OP) {
      if (OPEN[tk.t]) depth++;
      else if (CLOSE.has(tk.t)) depth--;
      if (tk.t !== '(') continue;
      // Each element after a comma at this list's own level: its last token, when an identifier.
      const stop = close[j];
      for (let a = j + 1; a < stop; a = toks[a].k === OP && OPEN[toks[a].t] ? close[a] + 1 : a + 1) {
        if (!isOp(a, ',')) continue;
        let b = a + 1;
        let last = -1;
        while (b < stop && !isOp(b, ',')) {
          last = b;
          b = toks[b].k === OP && OPEN[toks[b].t] ? close[b] + 1 : b + 1;
        }
        if (last >= 0 && toks[last].k === ID && !KEYWORDS.has(toks[last].t)) later.add(toks[last].t);
      }
      continue;
    }
    if (tk.k !== ID) continue;
    if (tk.t === 'func' && (depth > 0 || (j > 0 && !isOp(j - 1, ';')))) {
      facts.funcLits = true;
      if (!facts.runLits && j > 0 && (isOp(j - 1, '=') || isOp(j - 1, ':=') || (isOp(j - 1, ',') && inAssignment(toks, (openOf ??= opens(close)), j - 1)))) facts.runLits = true;
    }
    if (tk.t === 'type' && depth > 0 && j + 1 < toks.length) {
      if (toks[j + 1].k === ID) local.add(toks[j + 1].t);
      else if (isOp(j + 1, '(')) {
        // A group: the name starting each spec.
        const stop = close[j + 1];
        for (let a = j + 2; a < stop; a++) {
          if (toks[a].k === ID && (a === j + 2 || isOp(a - 1, ';'))) local.add(toks[a].t);
          if (toks[a].k === OP && OPEN[toks[a].t]) a = close[a];
        }
      }
    }
  }
  facts.later = [...later].sort();
  facts.localTypes = [...local].sort();
  // A literal called where it is written: its body's `}`, any closing parentheses, then `(`.
  for (let j = 0; j + 1 < toks.length && !facts.runLits; j++) {
    if (!isOp(j, '}')) continue;
    let k = j + 1;
    while (k < toks.length && isOp(k, ')')) k++;
    if (k < toks.length && isOp(k, '(')) facts.runLits = true;
  }
}

/** For each closing bracket's index, where it opened. */
function opens(close: Int32Array): Int32Array {
  const o = new Int32Array(close.length).fill(-1);
  close.forEach((c, a) => {
    if (c >= 0) o[c] = a;
  });
  return o;
}

/**
 * Whether the comma at `comma` separates values of an assignment, `:=` or `var` spec: an `=` or `:=`
 * comes before it at the same bracket depth, in the same statement.
 */
function inAssignment(toks: Tok[], openOf: Int32Array, comma: number): boolean {
  for (let k = comma - 1; k >= 0; k--) {
    const tk = toks[k];
    if (tk.k !== OP) continue;
    if (CLOSE.has(tk.t)) {
      k = openOf[k]; // a bracketed part before the comma, skipped whole
      continue;
    }
    if (OPEN[tk.t] || tk.t === ';') return false;
    if (tk.t === '=' || tk.t === ':=') return true;
  }
  return false;
}

/** Reads the top-level declarations of a balanced token stream. */
function topLevel(toks: Tok[], close: Int32Array, facts: FileFacts): void {
  const n = toks.length;
  /** Index just past a matched bracket at j. */
  const past = (j: number) => close[j] + 1;
  /** Index of the `;` (or end) ending the statement starting at j, skipping brackets. */
  const end = (j: number) => {
    while (j < n && !(toks[j].k === OP && toks[j].t === ';')) j = toks[j].k === OP && OPEN[toks[j].t] ? past(j) : j + 1;
    return j;
  };
  const words = (a: number, b: number) => {
    const s = new Set<string>();
    for (let j = a; j < b; j++) if (toks[j].k === ID && !KEYWORDS.has(toks[j].t)) s.add(toks[j].t);
    return [...s];
  };
  const isOp = (j: number, t: string) => j < n && toks[j].k === OP && toks[j].t === t;
  const isId = (j: number) => j < n && toks[j].k === ID && !KEYWORDS.has(toks[j].t);
  /** `kw spec` or `kw ( spec; spec; … )`: calls each(spec start, spec end); returns the statement's end. */
  const specs = (j: number, each: (a: number, b: number) => void) => {
    if (isOp(j, '(')) {
      const stop = close[j];
      let a = j + 1;
      while (a < stop) {
        let b = a;
        while (b < stop && !isOp(b, ';')) b = toks[b].k === OP && OPEN[toks[b].t] ? past(b) : b + 1;
        if (b > a) each(a, b);
        a = b + 1;
      }
      return end(stop + 1);
    }
    const b = end(j);
    each(j, b);
    return b;
  };
  let j = 0;
  while (j < n) {
    const tk = toks[j];
    if (tk.k === OP && tk.t === ';') {
      j++;
      continue;
    }
    if (tk.k !== ID) throw new Unsure(`unexpected ${tk.t} at the top level`);
    switch (tk.t) {
      case 'package':
        if (!isId(j + 1)) throw new Unsure('package clause without a name');
        facts.pkg = toks[j + 1].t;
        j = end(j + 2);
        break;
      case 'import':
        j = specs(j + 1, (a, b) => {
          const last = toks[b - 1];
          if (last.k !== LIT || !/^["`]/.test(last.t)) throw new Unsure('import without a path');
          const name = b - a === 2 ? toks[a].t : null;
          facts.imports.push({ name, path: last.t.slice(1, -1) });
        });
        break;
      case 'func': {
        let a = j + 1;
        let recv: string | undefined;
        if (isOp(a, '(')) {
          recv = receiverBase(toks, a + 1, close[a]);
          a = past(a);
        }
        if (!isId(a)) throw new Unsure('func without a name');
        const name = toks[a].t;
        // Type parameters, parameters and result run up to the body's `{` (one not opening a struct or interface type).
        let b = a + 1;
        while (b < n && !isOp(b, ';')) {
          if (isOp(b, '{') && !(toks[b - 1].k === ID && (toks[b - 1].t === 'struct' || toks[b - 1].t === 'interface'))) break;
          b = toks[b].k === OP && OPEN[toks[b].t] ? past(b) : b + 1;
        }
        facts.decls.push(recv === undefined ? { kind: 'func', name, words: words(a + 1, b) } : { kind: 'method', name, recv, words: words(a + 1, b) });
        if (isOp(b, '{')) facts.bodies.push(toks[b].at + 1, toks[close[b]].at);
        j = end(b);
        break;
      }
      case 'type':
        j = specs(j + 1, (a, b) => {
          if (!isId(a)) throw new Unsure('type without a name');
          let eq = -1;
          for (let k = a + 1; k < b; k = toks[k].k === OP && OPEN[toks[k].t] ? past(k) : k + 1) if (eq < 0 && isOp(k, '=')) eq = k;
          const d: DeclFacts = { kind: 'type', name: toks[a].t, words: words(a + 1, b) };
          if (eq >= 0) {
            d.alias = true;
            if (isId(eq + 1) && (eq + 2 === b || (isOp(eq + 2, '[') && past(eq + 2) === b))) d.aliasOf = toks[eq + 1].t;
          }
          const fields: DeclFacts['fields'] = [];
          for (let k = a + 1; k < b; k++) if (toks[k].k === ID && toks[k].t === 'struct' && isOp(k + 1, '{')) structFields(toks, k + 2, close[k + 1], close, fields);
          if (fields.length) d.fields = fields;
          facts.decls.push(d);
        });
        break;
      case 'var':
      case 'const': {
        const kind = tk.t;
        j = specs(j + 1, (a, b) => {
          const w = words(a, b);
          for (let k = a; k < b && isId(k); k += 2) {
            facts.decls.push({ kind, name: toks[k].t, words: w });
            if (!isOp(k + 1, ',')) break;
          }
        });
        break;
      }
      default:
        throw new Unsure(`unexpected ${tk.t} at the top level`);
    }
  }
}

/** A receiver's base type name: `(r *T)`, `(T)`, `(r T[K])`, `(*T)`. */
function receiverBase(toks: Tok[], a: number, b: number): string {
  const ids: string[] = [];
  for (let k = a; k < b; k++) {
    const tk = toks[k];
    if (tk.k === OP && tk.t === '[') break;
    if (tk.k === ID) ids.push(tk.t);
  }
  const base = ids[ids.length - 1];
  if (!base) throw new Unsure('receiver without a type');
  return base;
}

/** Fields of a struct body `{ … }` (from a to b, exclusive of the braces), nested structs included. */
function structFields(toks: Tok[], a: number, b: number, close: Int32Array, out: NonNullable<DeclFacts['fields']>): void {
  const isOp = (j: number, t: string) => toks[j].k === OP && toks[j].t === t;
  let s = a;
  while (s < b) {
    let e = s;
    while (e < b && !isOp(e, ';')) e = toks[e].k === OP && OPEN[toks[e].t] ? close[e] + 1 : e + 1;
    if (e > s) {
      const w = new Set<string>();
      for (let k = s; k < e; k++) if (toks[k].k === ID && !KEYWORDS.has(toks[k].t)) w.add(toks[k].t);
      const ident = (x: number) => x < e && toks[x].k === ID && !KEYWORDS.has(toks[x].t);
      // An embedded field: [*] T, [*] pkg.T, T[K…], with an optional tag.
      let x = s;
      if (isOp(x, '*')) x++;
      let emb: string | null = null;
      if (ident(x)) {
        emb = toks[x].t;
        x++;
        if (x < e && isOp(x, '.') && ident(x + 1)) {
          emb = toks[x + 1].t;
          x += 2;
        }
        const generic = x < e && isOp(x, '[');
        if (generic) x = close[x] + 1;
        if (x < e && toks[x].k === LIT) x++;
        if (x !== e) emb = null;
        // `a [N]T` reads as an embedded generic `a[N]` followed by T: not embedded then, but `T[K]` alone is.
      }
      if (emb) out.push({ name: emb, words: [...w] });
      // Named fields: a, b T (also when the same tokens could read as an embedded generic: `a [N]int`).
      if (!emb || (toks[s].k === ID && isOp(s + 1, '['))) {
        const names: string[] = [];
        let k = s;
        while (ident(k)) {
          names.push(toks[k].t);
          if (k + 1 < e && isOp(k + 1, ',')) k += 2;
          else break;
        }
        if (names.length && k + 1 < e) {
          const tw = new Set<string>();
          for (let y = k + 1; y < e; y++) if (toks[y].k === ID && !KEYWORDS.has(toks[y].t)) tw.add(toks[y].t);
          for (const nm of names) out.push({ name: nm, words: [...tw] });
        }
      }
      for (let y = s; y < e; y++) if (toks[y].k === ID && toks[y].t === 'struct' && y + 1 < e && isOp(y + 1, '{')) structFields(toks, y + 2, close[y + 1], close, out);
    }
    s = e + 1;
  }
}
