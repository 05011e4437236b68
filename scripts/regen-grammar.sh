#!/usr/bin/env bash
# Regenerates grammar/tree-sitter-go-goshift/src/ (parser.c, grammar.json, node-types.json, tree_sitter/*.h)
# from its grammar.js, rebuilds the native binding and checks that it loads and parses modern Go.
#
# Run it after editing grammar/tree-sitter-go-goshift/grammar.js, and commit src/ with the change: `npm ci`
# only compiles the committed src/parser.c (seconds, no tree-sitter CLI needed).
#
# Needs cargo (crates.io) and node. The tree-sitter CLI is installed once with cargo, pinned to the version
# that generated upstream tree-sitter-go 0.25.0's parser.c (it regenerates upstream's grammar byte for byte),
# under ~/.cache/goshift/ (TREE_SITTER_CLI=/path/to/tree-sitter to use another binary).
#
# Afterwards: node grammar/tree-sitter-go-goshift/tools/compare.js --gofmt  (every file of the Go standard
# library that upstream parses must give exactly upstream's tree).
set -euo pipefail

TS_CLI_VERSION=0.25.8
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=$root/grammar/tree-sitter-go-goshift

cli=${TREE_SITTER_CLI:-}
if [[ -z $cli ]]; then
  prefix=${XDG_CACHE_HOME:-$HOME/.cache}/goshift/tree-sitter-cli-$TS_CLI_VERSION
  cli=$prefix/bin/tree-sitter
  if [[ ! -x $cli ]]; then
    echo "installing tree-sitter-cli $TS_CLI_VERSION with cargo into $prefix (a few minutes)..." >&2
    cargo install tree-sitter-cli --version "$TS_CLI_VERSION" --locked --root "$prefix"
  fi
fi
version=$("$cli" --version)
case $version in
  *" $TS_CLI_VERSION"*) ;;
  *) echo "warning: $cli is '$version', not $TS_CLI_VERSION: src/parser.c may differ from upstream's style" >&2 ;;
esac

cd "$dir"
echo "generating $dir/src with $version" >&2
"$cli" generate grammar.js

# Rebuild the addon in place (node_modules/tree-sitter-go-goshift is a link to this directory).
cd "$root"
npm rebuild tree-sitter-go-goshift

node -e '
  const Parser = require("tree-sitter");
  const p = new Parser();
  p.setLanguage(require("tree-sitter-go-goshift"));
  const t = p.parse("package p\n\nfunc f(x int) {\n\t_ = new(x + 1)\n\tvar make func(int) int\n\t_ = make(1)\n}\n");
  if (t.rootNode.hasError) { console.error(t.rootNode.toString()); process.exit(1); }
  console.error("ok: tree-sitter-go-goshift loads and parses new(expr)");
'
git -C "$root" status --short -- grammar/tree-sitter-go-goshift/src
