/**
 * @file tree-sitter-go, extended for goshift with the Go syntax that upstream 0.25 lacks.
 *
 * upstream/grammar.js is tree-sitter-go 0.25.0's grammar, unchanged (MIT, see upstream/LICENSE).
 * This file inherits it and replaces two rules; every node type and field name stays upstream's.
 *
 * special_argument_list (the arguments of a call of `new` or `make`):
 * - `new(expr)` (Go 1.26: `new(42)`, `new(x + 1)`, `new(T(v))`). Upstream parses the operand of `new`/`make`
 *   as a type only, so an expression there is an ERROR.
 * - `new`/`make` are predeclared identifiers, not keywords: code may shadow them
 *   (`var make func(int) *X; make(n - 1)`, as in the standard library's encoding/json/v2 tests). Upstream
 *   always sends `make(` to the builtin's "type first" argument list, so such calls are ERRORs too.
 * Both are fixed by letting that argument list start with a type (preferred, so `new(T)`, `new([]int)`,
 * `new(pkg.T)`, `make([]int, n)` give exactly upstream's tree), an expression, or a variadic argument,
 * followed like any call's by expressions or variadic arguments. It is still aliased to argument_list, and the
 * call is still a call_expression with fields function and arguments.
 *
 * source_file: a file ending without a newline right after a const, type or var declaration
 * (`type T int<EOF>`, `var x int // c<EOF>`) is valid Go (gofmt and the compiler accept it), but upstream lets
 * only a package clause, import or func declaration end the file without a terminator and reports a MISSING
 * newline. Fixed by letting a const/type/var declaration end the file too.
 *
 * supertypes: none. Upstream declares five (_expression, _type, _simple_type, _statement, _simple_statement),
 * hidden rules that tree-sitter then keeps as an invisible node around every expression, statement and simple
 * type, for queries that match a supertype. goshift runs no queries; without the supertypes tree-sitter's
 * generator removes those unit reductions, and a tree of the standard library takes a fifth less memory
 * (every visible node, its type, field and range are the same). What changes is how a few ambiguous
 * constructs are resolved, because tree-sitter compares the competing trees node by node: in 22 files of the
 * standard library `f[T](x)` and `(*G[T])(x)` read as a call_expression (upstream: type_conversion_expression;
 * the former is a call of a generic function, the latter a conversion, as `(*T)(x)` always reads) and `a[i[j]]`
 * as an index_expression (upstream: type_instantiation_expression). goshift resolves a call_expression's
 * callee, a type or a function, either way.
 *
 * Regenerate src/ after editing: scripts/regen-grammar.sh (from the repository root).
 */

/// <reference types="tree-sitter-cli/dsl" />
// @ts-check

const upstream = require('./upstream/grammar.js');

// Dynamic precedence of the "type first" reading of `new(...)`/`make(...)`: where the operand reads both as a
// type and as an expression (`new(T)`, `new(pkg.T)`, `new(*T)`, `new(G[int])`) the type wins, as upstream.
// Higher than any dynamic precedence inside an operand (upstream's largest is 1, on index_expression).
const PREFER_TYPE = 10;

// Upstream's statement terminator (not exported by upstream/grammar.js): the same tokens, so the same symbols.
const terminator = choice(/\n/, ';', '\0');

module.exports = grammar(upstream, {
  name: 'go',

  supertypes: $ => [],

  rules: {
    // Upstream's rule, with `$._declaration` (const, type, var) allowed last without a terminator.
    source_file: $ => seq(
      repeat(choice(
        // Unlike a Go compiler, we accept statements at top-level to enable
        // parsing of partial code snippets in documentation (see #63).
        seq($._statement, terminator),
        seq($._top_level_declaration, terminator),
      )),
      optional(choice($._top_level_declaration, $._declaration)),
    ),

    special_argument_list: $ => seq(
      '(',
      optional(seq(
        choice(
          prec.dynamic(PREFER_TYPE, $._type),
          $._expression,
          $.variadic_argument,
        ),
        repeat(seq(',', choice($._expression, $.variadic_argument))),
        optional(','),
      )),
      ')',
    ),
  },
});
