// The package's install script: compiles src/parser.c into build/Release with node-gyp (npm's own).
// There are no prebuilt binaries and no network for node-gyp to download Node's headers, so when npm's
// config names no nodedir and the running Node has its headers installed beside it (/usr/include/node for
// /usr/bin/node), those are used.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const args = ['rebuild'];
if (!process.env.npm_config_nodedir) {
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  if (fs.existsSync(path.join(prefix, 'include', 'node', 'node.h'))) args.push(`--nodedir=${prefix}`);
}
// npm sets npm_config_node_gyp to its bundled node-gyp for install scripts; otherwise use one on PATH.
const gyp = process.env.npm_config_node_gyp;
const r = gyp && fs.existsSync(gyp)
  ? spawnSync(process.execPath, [gyp, ...args], { stdio: 'inherit', cwd: path.join(__dirname, '..', '..') })
  : spawnSync('node-gyp', args, { stdio: 'inherit', cwd: path.join(__dirname, '..', '..'), shell: process.platform === 'win32' });
if (r.error) console.error(`tree-sitter-go-goshift: cannot run node-gyp: ${r.error.message}`);
process.exit(r.status ?? 1);
