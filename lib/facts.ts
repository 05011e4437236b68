// Stage 2 of the pipeline (workspace → facts → link → plan → edit → output): what one Go file
// says, from its own bytes alone, as plain data. Facts decide which files are parsed at all and
// where a package declares each name, so that a package's other files stay unparsed until one of
// their declarations is needed. They cross worker boundaries and are cached on disk.
//
// They come from a Go lexer (the spec's "Lexical elements", with its semicolon rule), not from a
// tree: lexing is an order of magnitude cheaper than parsing, and top-level declarations are
// plain to see in the token stream. Whatever the lexer cannot be sure of makes the file `unsure`,
// and an unsure file is parsed as if it mentioned everything.

import { debugOn, EVERY_RUN_BODY } from './debug.js';

/** Bump when FileFacts or the way they are computed changes: cached facts of another version are ignored. */
export const FACTS_VERSION = 12;

/**
 * Identifiers as the facts keep them: one string, each identifier once, separated by single spaces
 * ('' for none). As a list of strings, the words were half of the facts' memory, and JSON.parse
 * made a string and an array slot for each of them (on the main thread, for every file); as one
 * string they cost a byte a character, and a third less to read. Read them with the functions below.
 */
export type Words = string;

/** The identifiers of a Words, in order. */
export function wordList(w: Words): string[] {
  return w === '' ? [] : w.split(' ');
}

/** Whether one of the identifiers passes the test (each is handed over as its own string). */
export function someWord(w: Words, test: (word: string) => boolean): boolean {
  for (let a = 0; a < w.length; ) {
    let b = w.indexOf(' ', a);
    if (b < 0) b = w.length;
    if (test(w.slice(a, b))) return true;
    a = b + 1;
  }
  return false;
}

/** Whether the identifier is one of them. */
export function hasWord(w: Words, word: string): boolean {
  if (word === '') return false;
  for (let i = w.indexOf(word); i >= 0; i = w.indexOf(word, i + 1)) {
    const end = i + word.length;
    if ((i === 0 || w.charCodeAt(i - 1) === 32) && (end === w.length || w.charCodeAt(end) === 32)) return true;
  }
  return false;
}

/** Whether one of them is in the set: a few wanted words are looked for, many are looked up. */
export function anyWordIn(w: Words, set: ReadonlySet<string>): boolean {
  if (set.size > 8) return someWord(w, (x) => set.has(x));
  for (const x of set) if (hasWord(w, x)) return true;
  return false;
}

/** A top-level declaration other than a constant's (FileFacts.consts). */
export interface DeclFacts {
  kind: 'func' | 'method' | 'type' | 'var';
  name: string;
  /** For a method: its receiver's base type name (`T` for `*T`, `T[K]`). */
  recv?: string;
  /** For a type: declared with `=`. */
  alias?: boolean;
  /** For an alias of a type of this package by its bare name (`= T`, `= T[K]`): that name (methods declared on the alias are T's). */
  aliasOf?: string;
  /**
   * Identifiers written in what the declaration says to the outside, comments and strings left out:
   * a func's or method's type parameters, parameters and results; a type's type; a var's whole
   * spec.
   */
  words: Words;
  /**
   * For a type: the fields of every struct type in it (nested ones too), each with the identifiers
   * of its type. A field the lexer cannot tell from an embedded generic type (`a [N]T` / `T[N]`) is
   * listed under both readings.
   */
  fields?: { name: string; words: Words }[];
  /**
   * For a func or method whose `words` have `Context`: its type parameters or results have it
   * (it may return a context), so that one taking a context is not taken for one returning it.
   */
  cr?: true;
  /**
   * For a func or method whose `words` have `Context`: the positions of the parameters whose type
   * may be a context (-1: a variadic one, from its position on).
   */
  cp?: number[];
  /**
   * For a type whose `words` have `Context`: the methods of its interfaces whose results have
   * `Context` (`r:M`), and those whose parameters have it at some positions (`p:M:0,2`).
   */
  im?: string[];
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
  /**
   * The names of the package-level constants, in the order declared, separated by single spaces
   * ('' for none; `_` as often as declared): where a package declares a name is all that is read
   * of a constant. (A DeclFacts each made a third of std's objects in the facts.)
   */
  consts: string;
  /** Every identifier in code (not in comments or strings, keywords left out), once each, in the order they first appear. */
  words: Words;
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
   * A `func` keyword in code stands inside square brackets (`Map[string, func()]`, `[F ~func()]`,
   * `a[f(func() {…})]`): only then can a type argument or a constraint be a func type, which the
   * linker pins, and reading the file with its bodies blank could miss one. (Brackets in comments and
   * strings do not count, as they did for the byte-level test this replaces.)
   */
  funcInBrackets?: true;
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
  /**
   * Of those literals, one may capture a context: it reads a variable that its function declares
   * outside it in a way that may make it a context (localNames: a parameter or var whose type is
   * written as a name or a qualified name, or a name bound by `:=` or `var` to a name, a selector, a
   * call, a conversion or an assertion). One outside every body (in a package-level var) counts.
   */
  captureLits: boolean;
  /** Which of `runBodies` hold a literal that may capture a context, sorted. */
  captureBodies: number[];
  /**
   * For each of `captureBodies`, what its literals capture that may make them capture a context,
   * for the engine to rule out with what the whole workspace declares (refineCaptures in
   * lib/select.ts). First `f:<name>` for each field or method of a struct or interface type written
   * in the function. Then per name captured: `n:<name>`; how each of its declarations outside the
   * literal makes it: `t:<type name>` a type written, `a:<type name>` a type assertion (`a:*` to a
   * type that cannot be a context), `c:<name>` a call of a function or method, `l:<name>` a call of
   * a func value the function declares, `s:<name>` a field read, `v:<name>` a copy of another
   * variable, whose own declarations follow, `?` anything else; then the signs that it is used as a
   * context: `m` a Done, Deadline or Value call on it, `p:<name>:<i>` passed as argument i to a
   * function or method of that name, `p:?` in parentheses goshift does not follow. Absent when the
   * facts list every body (GOSHIFT_DEBUG_EVERY_RUN_BODY); a body with a literal that could not be
   * read has just `?`.
   */
  captureWhy?: string[][];
  /** A literal outside every body (a package-level var's) may capture a context. */
  captureTop?: true;
  /** Names of types declared inside functions (`type X = context.Context` in a body), sorted, once each. */
  localTypes: string[];
  /**
   * The bodies of top-level functions and methods, as pairs of offsets in the file's text decoded
   * as UTF-8: just past each body's `{`, and at its `}`. A file read only for its declarations is
   * parsed with these blanked (Program).
   */
  bodies: number[];
  /**
   * Runs of the text that hold nothing but literals, as pairs of offsets (like `bodies`), in order
   * (inertRanges): the inside of a composite literal's braces made of literals and operators only
   * (a table of numbers or strings), and the inside of a string literal with many escapes (embedded
   * data). No name, keyword or comment is in one, so no declaration, reference, scope or func value
   * is; a tree may leave them out (Program parses with them left out).
   */
  inert: number[];
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
const COLON = op(':');
const ARROW = op('<-');
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
function lex(src: string, out: { generated: boolean; linknames: [string, string?][]; words: string[]; comments?: number[] }): Toks {
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
      out.comments?.push(i);
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
      out.comments?.push(i);
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

/** The elements of tokens [a, b) separated by commas at their own level, as [start, end) pairs (an empty one too). */
function elementsOf(k: Uint8Array, close: Int32Array, a: number, b: number): number[] {
  const els: number[] = [];
  let s = a;
  for (let x = a; x <= b; x = x < b ? next(k, close, x) : b + 1) {
    if (x === b || k[x] === COMMA) {
      els.push(s, x);
      s = x + 1;
    }
  }
  return els;
}

/** Calls each(start, end) for every spec of a block's inside [a, b): the runs of tokens between semicolons at their own level. */
function eachSpec(k: Uint8Array, close: Int32Array, a: number, b: number, each: (s: number, e: number) => void): void {
  for (let s = a; s < b; ) {
    let e = s;
    while (e < b && k[e] !== SEMI) e = next(k, close, e);
    if (e > s) each(s, e);
    s = e + 1;
  }
}

/** Facts of one file's bytes. Never throws: what it cannot read is marked `unsure`. */
export function factsOf(bytes: Buffer): FileFacts {
  const facts: FileFacts = { v: FACTS_VERSION, pkg: null, imports: [], generated: false, decls: [], consts: '', words: '', linknames: [], later: [], funcLits: false, runLits: false, runBodies: [], captureLits: false, captureBodies: [], localTypes: [], bodies: [], inert: [] };
  const side = { generated: false, linknames: [] as [string, string?][], words: [] as string[], comments: [] as number[] };
  /** Constants' names, as far as topLevel read (all of them, unless the lexer gave up). */
  const consts: string[] = [];
  try {
    const toks = lex(bytes.toString('utf8'), side);
    const { n, k } = toks;
    // Brackets must balance: the top level is read by depth.
    const close = new Int32Array(n).fill(-1);
    const opened: number[] = [];
    /** Square brackets open around the token. */
    let squares = 0;
    for (let j = 0; j < n; j++) {
      const kind = k[j];
      if (kind === KW) {
        if (squares > 0 && toks.t[j] === 'func') facts.funcInBrackets = true;
        continue;
      }
      if (kind < OP) continue;
      if (isOpen(kind)) {
        opened.push(j);
        if (kind === LBRACK) squares++;
      } else if (isClose(kind)) {
        const o = opened.pop();
        if (o === undefined || closer(k[o]) !== kind) throw new Unsure(`unbalanced ${toks.t[j]}`);
        if (kind === RBRACK) squares--;
        close[o] = j;
      }
    }
    if (opened.length) throw new Unsure(`unclosed ${OPS[closer(k[opened[opened.length - 1]]) - OP]}`);
    const fns: number[] = [];
    topLevel(toks, close, facts, fns, consts);
    inner(toks, close, facts, fns);
    facts.inert = inertRanges(toks, close, side.comments);
  } catch (e) {
    if (!(e instanceof Unsure)) throw e;
    facts.unsure = e.message;
    facts.bodies = [];
    facts.inert = [];
    facts.runBodies = [];
    facts.captureBodies = [];
  }
  facts.generated = side.generated;
  facts.linknames = side.linknames;
  facts.words = side.words.join(' ');
  facts.consts = consts.join(' ');
  return facts;
}

/**
 * The imports of a Go text (to be written in `encoding`), as factsOf gives them, lexing no more than
 * the part before its first top-level declaration other than an import when it can: imports come
 * before every other declaration, so a line starting with `func`, `type`, `var` or `const` ends
 * them, unless it stands in a comment or a raw string, which then leaves the part cut short unsure,
 * and the whole text is read (so it is when an import line follows).
 */
export function importsOf(text: string, encoding: 'utf8' | 'latin1' = 'utf8'): FileFacts['imports'] {
  const m = /\n(?:func|type|var|const)[\s(]/.exec(text);
  // (An import after other declarations is not Go, but factsOf would list it: the whole text then.)
  if (m && !/\nimport[\s("`]/.test(text.slice(m.index))) {
    const head = factsOf(Buffer.from(text.slice(0, m.index + 1), encoding));
    if (head.unsure === undefined) return head.imports;
  }
  return factsOf(Buffer.from(text, encoding)).imports;
}

/**
 * What the facts say below the top level: later list elements, func literals, local types. `fns`
 * holds, for each body in `facts.bodies`, its function's `func` token and its `{` token.
 */
function inner(toks: Toks, close: Int32Array, facts: FileFacts, fns: number[]): void {
  const { n, k, t } = toks;
  const later = new Set<string>();
  const local = new Set<string>();
  let openOf: Int32Array | undefined;
  let depth = 0;
  /** The `func` token of each func literal, by its body's closing `}`. */
  const litOf = new Map<number, number>();
  /**
   * The literals that make runLits, as triples: the literal's `func` token and its body's `}` (-1
   * when not found: then it counts as capturing), and the token that places it (its `func` when
   * bound, its `}` when called where written).
   */
  const runs: number[] = [];
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
      const body = literalBody(toks, close, j);
      if (body >= 0) litOf.set(close[body], j);
      // Bound: the value (through parentheses, `f := (func…)`) right after `=`, `:=` or a comma among the values.
      let b = j - 1;
      while (b > 0 && k[b] === LPAREN) b--;
      if (b >= 0 && (k[b] === ASSIGN || k[b] === DEFINE || (k[b] === COMMA && inAssignment(k, (openOf ??= opens(close)), b)))) runs.push(body >= 0 ? j : -1, body >= 0 ? close[body] : -1, j);
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
    if (x < n && k[x] === LPAREN) runs.push(litOf.get(j) ?? -1, j, j);
  }
  // The bodies holding run literals, and those holding one that may capture a context (both lists
  // are in source order; a body spans [bodies[2i], bodies[2i+1]), its function the tokens
  // [fns[2i], close[fns[2i+1]]]). One outside every body (in a package-level var) may capture one.
  facts.runLits = runs.length > 0;
  const order: number[] = [];
  for (let r = 0; r < runs.length; r += 3) order.push(r);
  order.sort((a, b) => runs[a + 2] - runs[b + 2]);
  const bs = facts.bodies;
  const every = order.length > 0 && debugOn(EVERY_RUN_BODY);
  const why: string[][] = [];
  let i = 0;
  /** The body whose literals are being gathered (an index into bs), what they capture, and whether one could not be read. */
  let at = -1;
  let decls: LocalNames | null = null;
  let caught = new Map<string, number[]>();
  let blind = false;
  const done = () => {
    if (at < 0) return;
    if (blind || caught.size || every) {
      facts.captureBodies.push(at / 2);
      why.push(blind ? ['?'] : captureWhy(toks, close, () => (openOf ??= opens(close)), fns[at], close[fns[at + 1]], decls!, caught));
    }
    at = -1;
    caught = new Map();
    blind = false;
  };
  for (const r of order) {
    const place = toks.at[runs[r + 2]];
    while (i + 1 < bs.length && bs[i + 1] <= place) i += 2;
    if (!(i + 1 < bs.length && bs[i] <= place)) {
      facts.captureLits = true;
      facts.captureTop = true;
      continue;
    }
    if (facts.runBodies[facts.runBodies.length - 1] !== i / 2) facts.runBodies.push(i / 2);
    if (at !== i) {
      done();
      at = i;
      decls = localNames(toks, close, fns[i], close[fns[i + 1]]);
    }
    const f = runs[r];
    if (f < 0) blind = true;
    else captures(toks, f, runs[r + 1], decls!, caught);
  }
  done();
  // Without the literals' captures read (every body listed for the tests), nothing is ruled out.
  if (facts.captureBodies.length && !every) facts.captureWhy = why;
  if (facts.captureBodies.length) facts.captureLits = true;
}

/** Tokens a composite literal's braces must hold at least for their inside to be a run left out (inertRanges). */
const MIN_INERT_TOKENS = 16;
/** Escapes a string literal must hold at least for its inside to be a run left out: tree-sitter makes a node of each. */
const MIN_INERT_ESCAPES = 8;
const PLUS = op('+');
const MINUS = op('-');
const CARET = op('^');
const NOT = op('!');
/** Operators between two literals (`1 << 3`, `"a" + "b"`). */
const BINARY = new Set(['+', '-', '*', '/', '%', '<<', '>>', '&', '|', '^', '&^', '==', '!=', '<', '<=', '>', '>=', '&&', '||'].map(op));
const ESCAPE = /\\(?:[abfnrtv\\'"]|[0-7]{3}|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})/y;
const NUMBER = /^(?:0|[1-9][0-9]*|0[0-7]+|0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|(?:[0-9]+\.[0-9]+|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[0-9]+[eE][+-]?[0-9]+)$/;

/**
 * Runs of a file's text that hold only literals (FileFacts.inert): the inside of each outermost
 * `{…}` of MIN_INERT_TOKENS tokens or more holding only elements made of literals and operators
 * (inertGroup), and the inside of each string literal with MIN_INERT_ESCAPES escapes or more outside
 * those. Nothing there is a name, a keyword or a comment, and every literal is one tree-sitter-go
 * reads as a whole token (inertLiteral): what tree-sitter would make of the run is a list of
 * literal elements, or a string's escapes, and nothing goshift looks at.
 */
function inertRanges(toks: Toks, close: Int32Array, comments: number[]): number[] {
  const { n, k, t, at } = toks;
  const out: number[] = [];
  let c = 0;
  for (let j = 0; j < n; j++) {
    if (k[j] === LBRACE) {
      const e = close[j];
      if (e - j - 1 < MIN_INERT_TOKENS || !inertGroup(toks, j, e)) continue;
      // No comment inside (a comment is a node: the stages look for comments on a line).
      while (c < comments.length && comments[c] < at[j]) c++;
      if (c < comments.length && comments[c] < at[e]) continue;
      out.push(at[j] + 1, at[e]);
      j = e;
    } else if (k[j] === LIT && t[j].charCodeAt(0) === 34 /* " */ && escapes(t[j]) >= MIN_INERT_ESCAPES && inertLiteral(t[j])) {
      out.push(at[j] + 1, at[j] + t[j].length - 1);
    }
  }
  return out;
}

function escapes(s: string): number {
  let m = 0;
  for (let i = s.indexOf('\\'); i >= 0; i = s.indexOf('\\', i + 2)) m++;
  return m;
}

/** A literal token tree-sitter-go reads as one token, without error: every escape valid, no newline in a raw string, a plain number. */
function inertLiteral(s: string): boolean {
  const q = s.charCodeAt(0);
  if (q === 96 /* ` */) return !s.includes('\n');
  if (q === 34 /* " */ || q === 39 /* ' */) {
    let runes = 0;
    for (let i = 1; i < s.length - 1; ) {
      if (s.charCodeAt(i) === 92 /* \ */) {
        ESCAPE.lastIndex = i;
        if (!ESCAPE.test(s)) return false;
        i = ESCAPE.lastIndex;
      } else i += s.codePointAt(i)! > 0xffff ? 2 : 1;
      runes++;
    }
    return q === 34 || runes === 1;
  }
  return NUMBER.test(s.endsWith('i') ? s.slice(0, -1) : s);
}

/**
 * The tokens strictly between the braces at a and b are the elements of a composite literal made
 * of literals only: each element a value, or `key: value`, each a literal expression (literals,
 * unary + - ^ !, binary operators, parentheses) or a nested `{…}` of the same; commas between them,
 * one after the last allowed. Names, keywords, brackets, selectors, semicolons (a line that does not
 * end in a comma) make it not.
 */
function inertGroup(toks: Toks, a: number, b: number): boolean {
  const { k, t } = toks;
  /** Per open bracket: a brace (elements) or a parenthesis, and for a brace whether its element has a key. */
  const brace: boolean[] = [true];
  const keyed: boolean[] = [false];
  let operand = true; // an operand comes next
  let element = true; // at an element's start or after its key: a `{` may open a nested literal
  let closable = true; // a `}` may come now: at the start, or after a comma
  for (let j = a + 1; j < b; j++) {
    const kind = k[j];
    const top = brace.length - 1;
    if (kind === LIT) {
      if (!operand || !inertLiteral(t[j])) return false;
      operand = element = closable = false;
    } else if (kind === LBRACE) {
      if (!operand || !element) return false;
      brace.push(true);
      keyed.push(false);
      closable = true;
    } else if (kind === RBRACE) {
      if (!brace[top] || top === 0 || (operand && !closable)) return false;
      brace.pop();
      keyed.pop();
      operand = element = closable = false;
    } else if (kind === LPAREN) {
      if (!operand) return false;
      brace.push(false);
      keyed.push(false);
      element = closable = false;
    } else if (kind === RPAREN) {
      if (brace[top] || operand) return false;
      brace.pop();
      keyed.pop();
    } else if (kind === COMMA) {
      if (!brace[top] || operand) return false;
      keyed[top] = false;
      operand = element = closable = true;
    } else if (kind === COLON) {
      if (!brace[top] || operand || keyed[top]) return false;
      keyed[top] = true;
      operand = element = true;
      closable = false;
    } else if (operand && (kind === PLUS || kind === MINUS || kind === CARET || kind === NOT)) {
      element = closable = false;
    } else if (!operand && BINARY.has(kind)) {
      operand = true;
      element = closable = false;
    } else return false;
  }
  return brace.length === 1 && (!operand || closable);
}

/** The `{` of the body of the func literal whose `func` is at j: -1 when it has none (a func type). */
function literalBody(toks: Toks, close: Int32Array, j: number): number {
  const { n, k, t } = toks;
  for (let b = j + 1; b < n; ) {
    const kind = k[b];
    if (kind === LBRACE) {
      if (!(k[b - 1] === KW && (t[b - 1] === 'struct' || t[b - 1] === 'interface'))) return b;
    } else if (!(kind === ID || kind === KW || kind === DOT || kind === STAR || kind === LPAREN || kind === LBRACK || kind === ARROW)) return -1;
    b = next(k, close, b);
  }
  return -1;
}

/**
 * The names a function (tokens [from, to]) declares as variables that may hold a context, as
 * ctx-closure's scope walk (lib/scope.ts) decides it, each with the token indices that declare
 * it: parameters, receivers and results of it and of the literals in it whose type is written as a
 * name or a qualified name, and the names `:=` and `var` bind to a value that may be one (a name,
 * a selector, a call, a conversion or an assertion: not a literal, an operation, an index, `range`,
 * a receive or a type switch's binding). More may be listed, never less.
 */
function localNames(toks: Toks, close: Int32Array, from: number, to: number): LocalNames {
  const { k, t } = toks;
  const out = new Map<string, number[]>();
  const why = new Map<number, string>();
  /** Every name the function declares as a variable or parameter, whatever its type. */
  const declared = new Set<string>();
  const add = (x: number, how: string) => {
    if (t[x] === '_') return;
    why.set(x, how);
    const list = out.get(t[x]);
    if (list) list.push(x);
    else out.set(t[x], [x]);
  };
  /** A type written [a, b) that may be context.Context: a name or a qualified name. */
  const typeMay = (a: number, b: number) => (b - a === 1 && k[a] === ID) || (b - a === 3 && k[a] === ID && k[a + 1] === DOT && k[a + 2] === ID);
  /** A value [a, b) that may be a context: no operator at its top level, and it ends in a name or `)`. */
  const valueMay = (a: number, b: number) => {
    if (a >= b || (k[a] === KW && t[a] === 'range')) return false;
    let last = a;
    for (let x = a; x < b; x = next(k, close, x)) {
      if (k[x] >= OP && k[x] !== DOT && !isOpen(k[x])) return false;
      last = x;
    }
    const kind = isOpen(k[last]) ? k[close[last]] : k[last];
    return kind === ID || kind === KW || kind === RPAREN;
  };
  const elements = (a: number, b: number) => elementsOf(k, close, a, b);
  /** A parameter list's inside [a, b): names with a type that may be a context, with the names grouped before them. */
  const params = (a: number, b: number) => {
    const els = elements(a, b);
    let pending: number[] = [];
    for (let e = 0; e < els.length; e += 2) {
      const x = els[e];
      const y = els[e + 1];
      if (k[x] === ID) declared.add(t[x]);
      if (y - x === 1 && k[x] === ID) {
        pending.push(x);
        continue;
      }
      if (y - x >= 2 && k[x] === ID && k[x + 1] !== DOT && typeMay(x + 1, y)) {
        const how = `t:${t[y - 1]}`;
        add(x, how);
        for (const p of pending) add(p, how);
      }
      pending = [];
    }
  };
  /** `names := values` or `var names [type] [= values]`: names [a, eq), values [eq + 1, b). */
  const binding = (names: number[], typeAt: number, eq: number, b: number) => {
    for (const x of names) declared.add(t[x]);
    if (typeAt < eq) {
      if (typeMay(typeAt, eq)) for (const x of names) add(x, `t:${t[eq - 1]}`);
      return;
    }
    if (eq >= b) return;
    const vals = elements(eq + 1, b);
    for (let i = 0; i < names.length; i++) {
      const v = vals.length === 2 * names.length ? 2 * i : vals.length === 2 ? 0 : -1;
      if (v < 0) add(names[i], '?');
      else if (valueMay(vals[v], vals[v + 1])) add(names[i], valueHow(vals[v], vals[v + 1]));
    }
  };
  /** The end of the statement part starting at a: `;`, `:` or the end of the enclosing block or list. */
  const stmtEnd = (a: number, limit: number) => {
    let x = a;
    while (x < limit && k[x] !== SEMI && k[x] !== COLON && !isClose(k[x])) x = next(k, close, x);
    return x;
  };
  /**
   * How a value [a, b) that valueMay lets through may be a context (captureWhy's forms): a name, a
   * selector, a call (its function's last name), an assertion (its type's last name).
   */
  const valueHow = (a: number, b: number): string => {
    let last = a;
    let only = true;
    for (let x = a; x < b; x = next(k, close, x)) {
      if (x > a) only = false;
      last = x;
    }
    if (k[last] === ID) {
      if (only) return `v:${t[last]}`;
      // A field (or a package's variable) read, whatever it is read from.
      return k[last - 1] === DOT ? `s:${t[last]}` : '?';
    }
    if (k[last] !== LPAREN || last === a) return '?';
    const c = close[last];
    // An assertion: only to a type written as a name or a qualified name can it give a context.
    if (k[last - 1] === DOT) return c - last === 2 && k[last + 1] === ID ? `a:${t[last + 1]}` : c - last === 4 && k[last + 1] === ID && k[last + 2] === DOT && k[last + 3] === ID ? `a:${t[last + 3]}` : 'a:*';
    if (k[last - 1] === ID) return `c:${t[last - 1]}`;
    // Type arguments: F[T](…), pkg.F[T](…).
    if (k[last - 1] === RBRACK) {
      let o = last - 2;
      while (o > a && close[o] !== last - 1) o--;
      if (close[o] === last - 1 && o > a && k[o - 1] === ID) return `c:${t[o - 1]}`;
    }
    return '?';
  };
  for (let j = from; j <= to; j++) {
    const kind = k[j];
    if (kind === DEFINE) {
      const names: number[] = [];
      for (let b = j - 1; b >= from && k[b] === ID; b -= 2) {
        names.unshift(b);
        if (k[b - 1] !== COMMA) break;
      }
      // A type switch's binding (`x := y.(type)`, at the value's own level) is declared with each
      // case's type, never as a context.
      const end = stmtEnd(j + 1, to);
      let typeSwitch = false;
      for (let x = j + 1; x < end && !typeSwitch; x = next(k, close, x)) typeSwitch = k[x] === DOT && k[x + 1] === LPAREN && k[x + 2] === KW && t[x + 2] === 'type';
      for (const x of names) declared.add(t[x]);
      if (!typeSwitch) binding(names, j, j, end);
    } else if (kind === KW && t[j] === 'var') {
      const spec = (a: number, b: number) => {
        const names: number[] = [];
        let x = a;
        while (x < b && k[x] === ID) {
          names.push(x);
          if (k[x + 1] !== COMMA) break;
          x += 2;
        }
        x++;
        let eq = x;
        while (eq < b && k[eq] !== ASSIGN) eq = next(k, close, eq);
        binding(names, x, eq, b);
      };
      if (k[j + 1] === LPAREN) {
        const stop = close[j + 1];
        for (let a = j + 2; a < stop; ) {
          const b = stmtEnd(a, stop);
          if (b > a) spec(a, b);
          a = b + 1;
        }
      } else spec(j + 1, stmtEnd(j + 1, to));
    } else if (kind === KW && t[j] === 'func') {
      // Receiver, name, type parameters, parameters, results: every parenthesized list up to the body or the end of the type.
      for (let a = j + 1; a <= to; ) {
        if (k[a] === LPAREN) {
          params(a + 1, close[a]);
          a = close[a] + 1;
        } else if (k[a] === LBRACK) a = close[a] + 1;
        else if (k[a] === ID && a === j + 1) a++;
        else if (k[a] === ID && k[a - 1] === RPAREN && k[a + 1] !== LBRACE) a++;
        else break;
      }
    }
  }
  return { names: out, why, declared };
}

/** localNames' answer: the names with the tokens declaring them, and how each of those may make it a context (captureWhy's forms). */
interface LocalNames {
  names: Map<string, number[]>;
  why: Map<number, string>;
  /** Every name the function declares as a variable or parameter (a call of one calls a func value). */
  declared: Set<string>;
}

/**
 * The names the literal (tokens [from, to]) reads that its function declares outside it (`decls`,
 * from localNames), with those declarations: a name read after a `.` is a field or method, not a
 * variable.
 */
function captures(toks: Toks, from: number, to: number, decls: LocalNames, out: Map<string, number[]>): void {
  const { k, t } = toks;
  for (let x = from + 1; x < to; x++) {
    if (k[x] !== ID || k[x - 1] === DOT) continue;
    const at = decls.names.get(t[x]);
    if (!at || out.has(t[x])) continue;
    const outside = at.filter((d) => d < from || d > to);
    if (outside.length) out.set(t[x], outside);
  }
}

/** Methods of context.Context whose call on a variable is a sign it is one (as CONTEXT_METHODS in lib/scope.ts). */
const SIGN_METHODS = new Set(['Done', 'Deadline', 'Value']);

/**
 * captureWhy's entries for the names a body's literals capture (`caught`, with their declarations
 * outside the literal): how each declaration may make the name a context (a copy of another
 * variable brings that one's declarations too), and the signs in the function (tokens [from, to])
 * that the name is used as one. `opened` gives where each closing bracket opened (made once a file).
 */
function captureWhy(toks: Toks, close: Int32Array, opened: () => Int32Array, from: number, to: number, decls: LocalNames, caught: Map<string, number[]>): string[] {
  const { k, t } = toks;
  const out: string[] = [];
  // The fields and methods of struct and interface types written in the function (a local type, a
  // composite literal's or a variable's own type): a field read or a method call may give a context
  // through them, which no top-level declaration says.
  const members = new Set<string>();
  for (let x = from; x < to; x++) {
    if (k[x] !== KW || k[x + 1] !== LBRACE || (t[x] !== 'struct' && t[x] !== 'interface')) continue;
    if (t[x] === 'interface') {
      eachSpec(k, close, x + 2, close[x + 1], (s) => {
        if (k[s] === ID && k[s + 1] === LPAREN) members.add(t[s]);
      });
      continue;
    }
    const fields: NonNullable<DeclFacts['fields']> = [];
    structFields(toks, x + 2, close[x + 1], close, fields);
    for (const f of fields) members.add(f.name);
  }
  for (const m of members) out.push(`f:${m}`);
  for (const [name, at] of caught) {
    const hows = new Set<string>();
    const seen = new Set<number>();
    const todo = [...at];
    while (todo.length) {
      const d = todo.pop()!;
      if (seen.has(d)) continue;
      seen.add(d);
      let how = decls.why.get(d) ?? '?';
      // A call of a name the function declares calls a func value, whatever the name (`len := f`):
      // what it returns is not told by any top-level declaration.
      if (how.startsWith('c:') && decls.declared.has(how.slice(2))) how = `l:${how.slice(2)}`;
      hows.add(how);
      if (how.startsWith('v:')) todo.push(...(decls.names.get(how.slice(2)) ?? []));
    }
    const signs = new Set<string>();
    for (let x = from; x <= to; x++) {
      if (k[x] !== ID || t[x] !== name || (x > 0 && k[x - 1] === DOT)) continue;
      if (k[x + 1] === DOT && k[x + 2] === ID && SIGN_METHODS.has(t[x + 2]) && k[x + 3] === LPAREN) signs.add('m');
      if (!(k[x - 1] === LPAREN || k[x - 1] === COMMA) || !(k[x + 1] === RPAREN || k[x + 1] === COMMA || k[x + 1] === ELLIPSIS)) continue;
      // The bracket the name stands in: an argument when it is a call's parentheses.
      let o = x - 1;
      let at = 0;
      const openOf = opened();
      while (o >= 0 && !isOpen(k[o])) {
        if (k[o] === COMMA) at++;
        o = isClose(k[o]) ? openOf[o] - 1 : o - 1;
      }
      if (o < 1 || k[o] !== LPAREN) continue;
      const before = k[o - 1];
      if (before === ID) signs.add(`p:${t[o - 1]}:${at}`);
      // Not a call of a literal (`}(x)`) or of an instantiation (`F[T](x)`), which take no context
      // the scope walk would see: parentheses around the name (`(x).Done()`, `f((x))`), or a call of
      // a call or of a parenthesized function, which are not followed.
      else if (before !== RBRACE && before !== RBRACK) signs.add('p:?');
    }
    out.push(`n:${name}`, ...hows, ...signs);
  }
  return out;
}

/** For each closing bracket's index, where it opened. */
function opens(close: Int32Array): Int32Array {
  const o = new Int32Array(close.length).fill(-1);
  for (let a = 0; a < close.length; a++) if (close[a] >= 0) o[close[a]] = a;
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
function topLevel(toks: Toks, close: Int32Array, facts: FileFacts, fns: number[], consts: string[]): void {
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
    return [...s].join(' ');
  };
  const is = (j: number, kind: number) => j < n && k[j] === kind;
  /** `kw spec` or `kw ( spec; spec; … )`: calls each(spec start, spec end); returns the statement's end. */
  const specs = (j: number, each: (a: number, b: number) => void) => {
    if (is(j, LPAREN)) {
      eachSpec(k, close, j + 1, close[j], each);
      return end(close[j] + 1);
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
        const d: DeclFacts = recv === undefined ? { kind: 'func', name, words: words(a + 1, b) } : { kind: 'method', name, recv, words: words(a + 1, b) };
        if (hasWord(d.words, 'Context')) {
          // The parameter list, and the rest (type parameters, results).
          const p = is(a + 1, LBRACK) ? past(a + 1) : a + 1;
          if (is(p, LPAREN)) {
            if (hasContext(toks, a + 1, p) || hasContext(toks, past(p), b)) d.cr = true;
            const cp = contextParams(toks, close, p + 1, close[p]);
            if (cp.length) d.cp = cp;
          }
        }
        facts.decls.push(d);
        if (is(b, LBRACE)) {
          facts.bodies.push(toks.at[b] + 1, toks.at[close[b]]);
          fns.push(j, b);
        }
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
          if (hasWord(d.words, 'Context')) {
            const im: string[] = [];
            for (let x = a + 1; x < b; x++) if (k[x] === KW && t[x] === 'interface' && is(x + 1, LBRACE)) interfaceMethods(toks, x + 2, close[x + 1], close, im);
            if (im.length) d.im = im;
          }
          facts.decls.push(d);
        });
        break;
      case 'var':
        j = specs(j + 1, (a, b) => {
          const w = words(a, b);
          for (let x = a; x < b && is(x, ID); x += 2) {
            facts.decls.push({ kind: 'var', name: t[x], words: w });
            if (!is(x + 1, COMMA)) break;
          }
        });
        break;
      case 'const':
        j = specs(j + 1, (a, b) => {
          for (let x = a; x < b && is(x, ID); x += 2) {
            consts.push(t[x]);
            if (!is(x + 1, COMMA)) break;
          }
        });
        break;
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

/** Whether tokens [a, b) have the identifier `Context`. */
function hasContext(toks: Toks, a: number, b: number): boolean {
  for (let z = a; z < b; z++) if (toks.k[z] === ID && toks.t[z] === 'Context') return true;
  return false;
}

/**
 * The positions of the parameters in a parameter list's inside [a, b) whose type has `Context`: a
 * lone name stands for a type (`(context.Context, int)`) or shares the type of the next element
 * (`(a, b context.Context)`), so either counts; a variadic one gives -1 (every position from it on).
 */
function contextParams(toks: Toks, close: Int32Array, a: number, b: number): number[] {
  const { k } = toks;
  const all = elementsOf(k, close, a, b);
  // Those with tokens (a trailing comma leaves an empty one).
  const els: number[] = [];
  for (let i = 0; i < all.length; i += 2) if (all[i + 1] > all[i]) els.push(all[i], all[i + 1]);
  const out: number[] = [];
  for (let e = 0; e < els.length; e += 2) {
    const [x, y] = [els[e], els[e + 1]];
    let has = hasContext(toks, x, y);
    // A lone name: the type of the next element with more than a name, for a grouped name.
    for (let f = e + 2; !has && y - x === 1 && f < els.length; f += 2) {
      if (els[f + 1] - els[f] === 1) continue;
      has = hasContext(toks, els[f], els[f + 1]);
      break;
    }
    if (!has) continue;
    let variadic = false;
    for (let z = x; z < y; z = next(k, close, z)) if (k[z] === ELLIPSIS) variadic = true;
    out.push(variadic ? -1 : e / 2);
  }
  return out;
}

/** The methods of an interface body `{ … }` (a to b) with `Context` in their results (`r:M`) or parameters (`p:M:<positions>`). */
function interfaceMethods(toks: Toks, a: number, b: number, close: Int32Array, out: string[]): void {
  const { k, t } = toks;
  eachSpec(k, close, a, b, (s, e) => {
    if (k[s] !== ID || k[s + 1] !== LPAREN) return;
    const cp = contextParams(toks, close, s + 2, close[s + 1]);
    if (cp.length) out.push(`p:${t[s]}:${cp.join(',')}`);
    if (hasContext(toks, close[s + 1] + 1, e)) out.push(`r:${t[s]}`);
  });
}

/** Fields of a struct body `{ … }` (from a to b, exclusive of the braces), nested structs included. */
function structFields(toks: Toks, a: number, b: number, close: Int32Array, out: NonNullable<DeclFacts['fields']>): void {
  const { k, t } = toks;
  eachSpec(k, close, a, b, (s, e) => {
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
    if (emb) out.push({ name: emb, words: [...w].join(' ') });
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
        const tws = [...tw].join(' ');
        for (const nm of names) out.push({ name: nm, words: tws });
      }
    }
    for (let y = s; y < e; y++) if (k[y] === KW && t[y] === 'struct' && y + 1 < e && k[y + 1] === LBRACE) structFields(toks, y + 2, close[y + 1], close, out);
  });
}
