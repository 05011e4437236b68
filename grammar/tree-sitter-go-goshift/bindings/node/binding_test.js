const assert = require("node:assert");
const { test } = require("node:test");

const Parser = require("tree-sitter");

test("can load grammar", () => {
  const parser = new Parser();
  assert.doesNotThrow(() => parser.setLanguage(require(".")));
});

test("parses new(expr) and a shadowed make", () => {
  const parser = new Parser();
  parser.setLanguage(require("."));
  const tree = parser.parse("package p\nfunc f() { _ = new(x + 1); var make func(int) int; _ = make(1) }\n");
  assert.strictEqual(tree.rootNode.hasError, false);
});
