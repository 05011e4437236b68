/**
 * @file tree-sitter-go, extended for goshift with the Go syntax that upstream 0.25 lacks.
 *
 * upstream/grammar.js is tree-sitter-go 0.25.0's grammar, unchanged (MIT, see upstream/LICENSE).
 * This file inherits it and replaces one rule, so every node type and field name stays upstream's.
 *
 * What changed, and why:
 * - `new(expr)` (Go 1.26: `new(42)`, `new(x + 1)`, `new(T(v))`). Upstream parses the operand of `new`/`make`
 *   as a type only, so an expression there is an ERROR.
 * - `new`/`make` are predeclared identifiers, not keywords: code may shadow them
 *   (`var make func(int) *X; make(n - 1)`, as in the standard library's encoding/json/v2 tests). Upstream
 *   always sends `make(` to the builtin's "type first" argument list, so such calls are ERRORs too.
 * Both are fixed by letting the argument list of a `new`/`make` call start with a type (preferred, so
 * `new(T)`, `new([]int)`, `new(pkg.T)`, `make([]int, n)` give exactly upstream's tree), an expression, or a
 * variadic argument, followed like any call's by expressions or variadic arguments. It is still aliased to
 * argument_list, and the call is still a call_expression with fields function and arguments.
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

module.exports = grammar(upstream, {
  name: 'go',

  rules: {
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
