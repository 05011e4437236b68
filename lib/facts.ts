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
export const FACTS_VERSION = 6;

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
  /** Every identifier in code (not in comments or strings, keywords left out), once each, in the order they first appear. */
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
   * one in the values of an assignment, `:=` or `var` (`f := func…`, `a, f = x, (func…)`). Literals
   * only passed, returned or stored in composite literals leave it false.
   */
  runLits: boolean;
  /**
   * Which of `bodies` (by pair: 0 for the first body) hold such a literal, sorted: a file-local
   * transform that looks only at literals the code runs reads the others' bodies blank.
   */
  runBodies: number[];
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

const KEYWORDS = [
  'break', 'case', 'chan', 'const', 'continue', 'default', 'defer', 'else', 'fallthrough', 'for', 'func', 'go', 'goto',
  'if', 'import', 'interface', 'map', 'package', 'range', 'return', 'select', 'struct', 'switch', 'type', 'var',
];

const OPS = [
  '<<=', '>>=', '&^=', '...', '&&', '||', '<-', '++', '--', '==', '!=', '<=', '>=', ':=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=',
  '<<', '>>', '&^', '+', '-', '*', '/', '%', '&', '|', '^', '<', '>', '=', '!', '~', '(', ')', '[', ']', '{', '}', ',', ';', '.', ':',
];

/**
 * Token kinds: an identifier that is not a keyword, a literal, a keyword, then one kind per
 * operator (OP + its index in OPS), so that the readers below compare small integers, not strings.
 */
const ID = 0;
const LIT = 1;
const KW = 2;
const OP = 3;
const op = (text: string) => OP + OPS.indexOf(text);
const SEMI = op(';');
const COMMA = op(',');
const LPAREN = op('(');
const RPAREN = op(')');
const LBRACK = op('[');
const RBRACK = op(']');
const LBRACE = op('{');
const RBRACE = op('}');
const ASSIGN = op('=');
const DEFINE = op(':=');
const DOT = op('.');
const STAR = op('*');
const INC = op('++');
const DEC = op('--');

const isOpen = (k: number) => k === LPAREN || k === LBRACK || k === LBRACE;
const isClose = (k: number) => k === RPAREN || k === RBRACK || k === RBRACE;
/** An identifier, keywords included. */
const isWord = (k: number) => k === ID || k === KW;

/**
 * The tokens of a file as parallel arrays: `k` its kind, `at` where it starts in the lexed text (an
 * inserted semicolon: at the line end), `t` its text (identifier, keyword, literal as written, operator).
 */
interface Toks {
  n: number;
  k: Uint8Array;
  at: Int32Array;
  t: string[];
}

class Unsure extends Error {}

const GENERATED = /^\/\/ Code generated .* DO NOT EDIT\.$/;

/** Operators of one and two ASCII characters: ONE[c], TWO[c * 128 + c2], the kind or -1. */
const ONE = new Int16Array(128).fill(-1);
const TWO = new Int16Array(128 * 128).fill(-1);
for (const [x, text] of OPS.entries()) {
  if (text.length === 1) ONE[text.charCodeAt(0)] = OP + x;
  if (text.length === 2) TWO[text.charCodeAt(0) * 128 + text.charCodeAt(1)] = OP + x;
}
const SHL_ASSIGN = op('<<=');
const SHR_ASSIGN = op('>>=');
const AND_NOT_ASSIGN = op('&^=');
const ELLIPSIS = op('...');

/** Each keyword, to seed the per-file table of names (one lookup tells a keyword from a name seen before). */
const KEYWORD_SEED: [string, number][] = KEYWORDS.map((w) => [w, KW]);

/**
 * Tokens of a Go source, with the semicolons the spec's rule inserts at line ends, and the
 * comments' side facts (generated marker, linkname directives); `words` gets every identifier
 * that is not a keyword, in the order they first appear.
 */
function lex(src: string, out: { generated: boolean; linknames: [string, string?][]; words: string[] }): Toks {
  const n = src.length;
  // Every token but an inserted semicolon takes at least one character, and such a semicolon takes a newline.
  const k = new Uint8Array(n + 1);
  const at = new Int32Array(n + 1);
  const t: string[] = [];
  let count = 0;
  const names = new Map<string, number>(KEYWORD_SEED);
  let i = 0;
  let sawPackage = false;
  /** The last token allows a semicolon at a line end (identifier, literal, some keywords, `)`, `]`, `}`, `++`, `--`). */
  let semi = false;
  const push = (kind: number, start: number, text: string) => {
    k[count] = kind;
    at[count] = start;
    t.push(text);
    count++;
  };
  const newline = () => {
    if (semi) push(SEMI, i, ';');
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
    if (isLetter(c)) {
      let e = i + 1;
      while (e < n && isIdentPart(src.charCodeAt(e))) e++;
      const s = src.slice(i, e);
      let kind = names.get(s);
      if (kind === undefined) {
        names.set(s, (kind = ID));
        out.words.push(s);
      }
      push(kind, i, s);
      i = e;
      if (kind === KW) {
        semi = s === 'break' || s === 'continue' || s === 'fallthrough' || s === 'return';
        if (s === 'package') sawPackage = true;
      } else semi = true;
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
      const nl = src.indexOf('\n', i);
      if (nl >= 0 && nl < e) newline();
      i = e + 2;
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
      push(LIT, i, src.slice(i, e));
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
      push(LIT, i, src.slice(i, e));
      i = e;
      semi = true;
      continue;
    }
    if (c === 96 /* ` */) {
      const e = src.indexOf('`', i + 1);
      if (e < 0) throw new Unsure('unterminated raw string');
      push(LIT, i, src.slice(i, e + 1));
      i = e + 1;
      semi = true;
      continue;
    }
    const kind = operatorAt(src, i, c);
    if (kind < 0) throw new Unsure(`unexpected character ${JSON.stringify(src[i])}`);
    const text = OPS[kind - OP];
    push(kind, i, text);
    i += text.length;
    semi = kind === RPAREN || kind === RBRACK || kind === RBRACE || kind === INC || kind === DEC;
  }
  newline();
  return { n: count, k, at, t };
}

/** The kind of the operator at i (whose first character's code is c), the longest that matches; -1 for none. */
function operatorAt(src: string, i: number, c: number): number {
  if (c >= 128) return -1;
  // (Never past the end: reading there costs V8's compiled lexer a deoptimization.)
  const c2 = i + 1 < src.length ? src.charCodeAt(i + 1) : 0;
  if (c2 < 128) {
    const c3 = i + 2 < src.length ? src.charCodeAt(i + 2) : 0;
    if (c3 === 61 /* = */ && ((c === 60 && c2 === 60) || (c === 62 && c2 === 62) || (c === 38 && c2 === 94))) return c === 60 ? SHL_ASSIGN : c === 62 ? SHR_ASSIGN : AND_NOT_ASSIGN;
    if (c === 46 && c2 === 46 && c3 === 46) return ELLIPSIS;
    const two = TWO[c * 128 + c2];
    if (two >= 0) return two;
  }
  return ONE[c];
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

/** The closing bracket's kind for an opening one. */
const closer = (k: number) => (k === LPAREN ? RPAREN : k === LBRACK ? RBRACK : RBRACE);

/** The index after the token at j, a bracketed part skipped whole. */
const next = (k: Uint8Array, close: Int32Array, j: number) => (isOpen(k[j]) ? close[j] + 1 : j + 1);

/** Facts of one file's bytes. Never throws: what it cannot read is marked `unsure`. */
export function factsOf(bytes: Buffer): FileFacts {
  const facts: FileFacts = { v: FACTS_VERSION, pkg: null, imports: [], generated: false, decls: [], words: [], linknames: [], later: [], funcLits: false, runLits: false, runBodies: [], localTypes: [], bodies: [] };
  const side = { generated: false, linknames: [] as [string, string?][], words: [] as string[] };
  try {
    const toks = lex(bytes.toString('utf8'), side);
    const { n, k } = toks;
    // Brackets must balance: the top level is read by depth.
    const close = new Int32Array(n).fill(-1);
    const opened: number[] = [];
    for (let j = 0; j < n; j++) {
      const kind = k[j];
      if (kind < OP) continue;
      if (isOpen(kind)) opened.push(j);
      else if (isClose(kind)) {
        const o = opened.pop();
        if (o === undefined || closer(k[o]) !== kind) throw new Unsure(`unbalanced ${toks.t[j]}`);
        close[o] = j;
      }
    }
    if (opened.length) throw new Unsure(`unclosed ${OPS[closer(k[opened[opened.length - 1]]) - OP]}`);
    topLevel(toks, close, facts);
    inner(toks, close, facts);
  } catch (e) {
    if (!(e instanceof Unsure)) throw e;
    facts.unsure = e.message;
    facts.bodies = [];
    facts.runBodies = [];
  }
  facts.generated = side.generated;
  facts.linknames = side.linknames;
  facts.words = side.words;
  return facts;
}

/** What the facts say below the top level: later list elements, func literals, local types. */
function inner(toks: Toks, close: Int32Array, facts: FileFacts): void {
  const { n, k, t } = toks;
  const later = new Set<string>();
  const local = new Set<string>();
  let openOf: Int32Array | undefined;
  let depth = 0;
  /** Offsets of the literals' `func` (bound) or `}` (called where written) that make runLits. */
  const runAt: number[] = [];
  for (let j = 0; j < n; j++) {
    const kind = k[j];
    if (kind >= OP) {
      if (isOpen(kind)) depth++;
      else if (isClose(kind)) depth--;
      if (kind !== LPAREN) continue;
      // Each element after a comma at this list's own level: its last token, when an identifier.
      const stop = close[j];
      for (let a = j + 1; a < stop; a = next(k, close, a)) {
        if (k[a] !== COMMA) continue;
        let b = a + 1;
        let last = -1;
        while (b < stop && k[b] !== COMMA) {
          last = b;
          b = next(k, close, b);
        }
        if (last >= 0 && k[last] === ID) later.add(t[last]);
      }
      continue;
    }
    if (kind !== KW) continue;
    if (t[j] === 'func' && (depth > 0 || (j > 0 && k[j - 1] !== SEMI))) {
      facts.funcLits = true;
      // Bound: the value (through parentheses, `f := (func…)`) right after `=`, `:=` or a comma among the values.
      let b = j - 1;
      while (b > 0 && k[b] === LPAREN) b--;
      if (b >= 0 && (k[b] === ASSIGN || k[b] === DEFINE || (k[b] === COMMA && inAssignment(k, (openOf ??= opens(close)), b)))) runAt.push(toks.at[j]);
    }
    if (t[j] === 'type' && depth > 0 && j + 1 < n) {
      if (isWord(k[j + 1])) local.add(t[j + 1]);
      else if (k[j + 1] === LPAREN) {
        // A group: the name starting each spec.
        const stop = close[j + 1];
        for (let a = j + 2; a < stop; a++) {
          if (isWord(k[a]) && (a === j + 2 || k[a - 1] === SEMI)) local.add(t[a]);
          if (isOpen(k[a])) a = close[a];
        }
      }
    }
  }
  facts.later = [...later].sort();
  facts.localTypes = [...local].sort();
  // A literal called where it is written: its body's `}`, any closing parentheses, then `(`.
  for (let j = 0; j + 1 < n; j++) {
    if (k[j] !== RBRACE) continue;
    let x = j + 1;
    while (x < n && k[x] === RPAREN) x++;
    if (x < n && k[x] === LPAREN) runAt.push(toks.at[j]);
  }
  facts.runLits = runAt.length > 0;
  // The bodies holding them (both lists are in source order; a body spans [bodies[2i], bodies[2i+1])).
  runAt.sort((a, b) => a - b);
  const bs = facts.bodies;
  let i = 0;
  for (const at of runAt) {
    while (i + 1 < bs.length && bs[i + 1] <= at) i += 2;
    if (i + 1 < bs.length && bs[i] <= at && facts.runBodies[facts.runBodies.length - 1] !== i / 2) facts.runBodies.push(i / 2);
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
function inAssignment(k: Uint8Array, openOf: Int32Array, comma: number): boolean {
  for (let x = comma - 1; x >= 0; x--) {
    const kind = k[x];
    if (kind < OP) continue;
    if (isClose(kind)) {
      x = openOf[x]; // a bracketed part before the comma, skipped whole
      continue;
    }
    if (isOpen(kind) || kind === SEMI) return false;
    if (kind === ASSIGN || kind === DEFINE) return true;
  }
  return false;
}

/** Reads the top-level declarations of a balanced token stream. */
function topLevel(toks: Toks, close: Int32Array, facts: FileFacts): void {
  const { n, k, t } = toks;
  /** Index just past a matched bracket at j. */
  const past = (j: number) => close[j] + 1;
  /** Index of the `;` (or end) ending the statement starting at j, skipping brackets. */
  const end = (j: number) => {
    while (j < n && k[j] !== SEMI) j = next(k, close, j);
    return j;
  };
  const words = (a: number, b: number) => {
    const s = new Set<string>();
    for (let j = a; j < b; j++) if (k[j] === ID) s.add(t[j]);
    return [...s];
  };
  const is = (j: number, kind: number) => j < n && k[j] === kind;
  /** `kw spec` or `kw ( spec; spec; … )`: calls each(spec start, spec end); returns the statement's end. */
  const specs = (j: number, each: (a: number, b: number) => void) => {
    if (is(j, LPAREN)) {
      const stop = close[j];
      let a = j + 1;
      while (a < stop) {
        let b = a;
        while (b < stop && k[b] !== SEMI) b = next(k, close, b);
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
    if (k[j] === SEMI) {
      j++;
      continue;
    }
    if (k[j] !== KW) throw new Unsure(`unexpected ${t[j]} at the top level`);
    switch (t[j]) {
      case 'package':
        if (!is(j + 1, ID)) throw new Unsure('package clause without a name');
        facts.pkg = t[j + 1];
        j = end(j + 2);
        break;
      case 'import':
        j = specs(j + 1, (a, b) => {
          if (k[b - 1] !== LIT || !/^["`]/.test(t[b - 1])) throw new Unsure('import without a path');
          const name = b - a === 2 ? t[a] : null;
          facts.imports.push({ name, path: t[b - 1].slice(1, -1) });
        });
        break;
      case 'func': {
        let a = j + 1;
        let recv: string | undefined;
        if (is(a, LPAREN)) {
          recv = receiverBase(toks, a + 1, close[a]);
          a = past(a);
        }
        if (!is(a, ID)) throw new Unsure('func without a name');
        const name = t[a];
        // Type parameters, parameters and result run up to the body's `{` (one not opening a struct or interface type).
        let b = a + 1;
        while (b < n && k[b] !== SEMI) {
          if (k[b] === LBRACE && !(k[b - 1] === KW && (t[b - 1] === 'struct' || t[b - 1] === 'interface'))) break;
          b = next(k, close, b);
        }
        facts.decls.push(recv === undefined ? { kind: 'func', name, words: words(a + 1, b) } : { kind: 'method', name, recv, words: words(a + 1, b) });
        if (is(b, LBRACE)) facts.bodies.push(toks.at[b] + 1, toks.at[close[b]]);
        j = end(b);
        break;
      }
      case 'type':
        j = specs(j + 1, (a, b) => {
          if (!is(a, ID)) throw new Unsure('type without a name');
          let eq = -1;
          for (let x = a + 1; x < b; x = next(k, close, x)) if (eq < 0 && k[x] === ASSIGN) eq = x;
          const d: DeclFacts = { kind: 'type', name: t[a], words: words(a + 1, b) };
          if (eq >= 0) {
            d.alias = true;
            if (is(eq + 1, ID) && (eq + 2 === b || (is(eq + 2, LBRACK) && past(eq + 2) === b))) d.aliasOf = t[eq + 1];
          }
          const fields: DeclFacts['fields'] = [];
          for (let x = a + 1; x < b; x++) if (k[x] === KW && t[x] === 'struct' && is(x + 1, LBRACE)) structFields(toks, x + 2, close[x + 1], close, fields);
          if (fields.length) d.fields = fields;
          facts.decls.push(d);
        });
        break;
      case 'var':
      case 'const': {
        const kind = t[j] as 'var' | 'const';
        j = specs(j + 1, (a, b) => {
          const w = words(a, b);
          for (let x = a; x < b && is(x, ID); x += 2) {
            facts.decls.push({ kind, name: t[x], words: w });
            if (!is(x + 1, COMMA)) break;
          }
        });
        break;
      }
      default:
        throw new Unsure(`unexpected ${t[j]} at the top level`);
    }
  }
}

/** A receiver's base type name: `(r *T)`, `(T)`, `(r T[K])`, `(*T)`. */
function receiverBase(toks: Toks, a: number, b: number): string {
  const ids: string[] = [];
  for (let x = a; x < b; x++) {
    if (toks.k[x] === LBRACK) break;
    if (isWord(toks.k[x])) ids.push(toks.t[x]);
  }
  const base = ids[ids.length - 1];
  if (!base) throw new Unsure('receiver without a type');
  return base;
}

/** Fields of a struct body `{ … }` (from a to b, exclusive of the braces), nested structs included. */
function structFields(toks: Toks, a: number, b: number, close: Int32Array, out: NonNullable<DeclFacts['fields']>): void {
  const { k, t } = toks;
  let s = a;
  while (s < b) {
    let e = s;
    while (e < b && k[e] !== SEMI) e = next(k, close, e);
    if (e > s) {
      const w = new Set<string>();
      for (let x = s; x < e; x++) if (k[x] === ID) w.add(t[x]);
      const ident = (x: number) => x < e && k[x] === ID;
      // An embedded field: [*] T, [*] pkg.T, T[K…], with an optional tag.
      let x = s;
      if (k[x] === STAR) x++;
      let emb: string | null = null;
      if (ident(x)) {
        emb = t[x];
        x++;
        if (x < e && k[x] === DOT && ident(x + 1)) {
          emb = t[x + 1];
          x += 2;
        }
        const generic = x < e && k[x] === LBRACK;
        if (generic) x = close[x] + 1;
        if (x < e && k[x] === LIT) x++;
        if (x !== e) emb = null;
        // `a [N]T` reads as an embedded generic `a[N]` followed by T: not embedded then, but `T[K]` alone is.
      }
      if (emb) out.push({ name: emb, words: [...w] });
      // Named fields: a, b T (also when the same tokens could read as an embedded generic: `a [N]int`).
      if (!emb || (isWord(k[s]) && k[s + 1] === LBRACK)) {
        const names: string[] = [];
        let y = s;
        while (ident(y)) {
          names.push(t[y]);
          if (y + 1 < e && k[y + 1] === COMMA) y += 2;
          else break;
        }
        if (names.length && y + 1 < e) {
          const tw = new Set<string>();
          for (let z = y + 1; z < e; z++) if (k[z] === ID) tw.add(t[z]);
          for (const nm of names) out.push({ name: nm, words: [...tw] });
        }
      }
      for (let y = s; y < e; y++) if (k[y] === KW && t[y] === 'struct' && y + 1 < e && k[y + 1] === LBRACE) structFields(toks, y + 2, close[y + 1], close, out);
    }
    s = e + 1;
  }
}
