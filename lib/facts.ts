// Stage 2 of the pipeline (workspace → facts → link → plan → edit → output): what one Go file
// says, from its own bytes alone, as plain data. Facts decide which files are parsed at all and
// where a package declares each name, so that a package's other files stay unparsed until one of
// their declarations is needed. They cross worker boundaries and are cached on disk.

/** Bump when FileFacts or the way they are computed changes: cached facts of another version are ignored. */
export const FACTS_VERSION = 1;

/** A top-level declaration. */
export interface DeclFacts {
  kind: 'func' | 'method' | 'type' | 'var' | 'const';
  name: string;
  /** For a method: its receiver's base type name (`T` for `*T`, `T[K]`). */
  recv?: string;
  /** For a type: declared with `=`. */
  alias?: boolean;
  /**
   * Identifiers written in what the declaration says to the outside, comments and strings left out:
   * a func's or method's parameters and results; a type's type; a var's or const's type and values.
   */
  words: string[];
  /** For a struct type: each field's (or embedded type's) name and the identifiers of its type. */
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
  /** Every identifier in code (not in comments or strings), sorted, once each. */
  words: string[];
  /** `//go:linkname local target` and `//export name` directives: [local, target?]. */
  linknames: [string, string?][];
  /**
   * Set when the lexer met something it cannot be sure of (an unterminated literal, unbalanced
   * brackets): such a file is parsed whatever its facts say, and its package is loaded whole.
   */
  unsure?: string;
}

/** Facts of one file's bytes. Never throws: what it cannot read is marked `unsure`. */
export function factsOf(bytes: Buffer): FileFacts {
  void bytes;
  return { v: FACTS_VERSION, pkg: null, imports: [], generated: false, decls: [], words: [], linknames: [], unsure: 'not implemented' };
}
