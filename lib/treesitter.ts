// tree-sitter and the Go grammar, loaded with require: both are CommonJS packages, and importing
// one from an ES module makes Node lex its source for its exports and wrap it (some 20 ms of every
// run's start, against 5 for require). The types are the packages' own.
import { createRequire } from 'node:module';
import type ParserModule from 'tree-sitter';

const require = createRequire(import.meta.url);

/** node-tree-sitter's Parser class (its Tree, SyntaxNode, TreeCursor hang off it as at an import). */
export const Parser = require('tree-sitter') as typeof ParserModule;
/** The patched Go grammar (grammar/tree-sitter-go-goshift). */
export const Go = require('tree-sitter-go-goshift') as ParserModule.Language;
