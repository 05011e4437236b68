import * as fs from 'node:fs';
import * as path from 'node:path';
import type { GoModule, Workspace } from './types.js';
import { importPathsIn, isStdPath, longestOwner, parseGoVersion, parseModulePath, parseReplaces, parseRequires, realpathOr, toPosix, tryRead as read, type Require } from './workspace.js';

/**
 * Dependencies that import a module of the run back (workspace stage, after discovery).
 *
 * Go builds a module's dependencies against the main module's own copy of every module in the
 * build: when a dependency (grpc-go's go-control-plane, a plugin module) imports a package of the
 * module being migrated, its code compiles against the rewritten one. goshift never sees that
 * code, so a changed exported signature would break the build it lives in. This finds them from
 * the files Go itself reads: each required module's go.mod (a local `replace` directory, else the
 * module cache's `cache/download/<path>/@v/<version>.mod`); when one requires a module of the run,
 * the packages the build compiles (buildImportsBack: from the run's own imports through the
 * required modules' sources, the replace directory or the module cache's `<path>@<version>`) for
 * one that imports it; in vendor mode, vendor/; before go 1.17, the whole source of each module of
 * the graph that requires it. A left-out nested module that replaces a module of the run with its
 * directory and imports it counts the same way. Each hit is recorded on the
 * module (`GoModule.importedBack`); the plan stage keeps that module's exported API as --api keep
 * would, with the dependency named. A dependency whose go.mod is nowhere to be read is named in a
 * note: the check could not be made.
 */
export function findImportBacks(ws: Workspace, env: NodeJS.ProcessEnv = process.env): void {
  const modCache = moduleCache(env);
  const parts = ws.parts ?? [ws.modules.map((m) => m.root)];
  const unchecked = new Map<GoModule, Set<string>>();
  for (const roots of parts) {
    const mods = ws.modules.filter((m) => roots.includes(m.root) && m.path !== '' && m.path !== 'std');
    if (!mods.length) continue;
    const ours = new Set(mods.map((m) => m.path));
    const byPath = new Map(mods.map((m) => [m.path, m]));
    for (const main of mods) {
      const gomod = read(path.join(main.root, 'go.mod'));
      if (gomod === null) continue;
      const goVersion = parseGoVersion(gomod) ?? [1, 16];
      /** Module `mp` of the run is imported back by `dep`, as `where` shows. */
      const record = (mp: string, dep: string, version: string | null, where: string) => {
        const list = (byPath.get(mp)!.importedBack ??= []);
        if (!list.some((x) => x.module === dep)) list.push({ module: dep, version, where, how: 'requires' });
      };
      // Vendor mode (go 1.14 and later, vendor/modules.txt): the dependencies are the vendored copies.
      const modulesTxt = read(path.join(main.root, 'vendor', 'modules.txt'));
      if (modulesTxt !== null && (goVersion[0] > 1 || goVersion[1] >= 14)) {
        const vendored = [...modulesTxt.matchAll(/^# (\S+) (\S+)/gm)].map((m) => m[1]).filter((p) => !ours.has(p));
        const vendorDir = path.join(main.root, 'vendor');
        for (const [mp, hit] of importsOf(vendorDir, [...vendored, ...ours], ours, false)) {
          const rel = toPosix(path.relative(vendorDir, hit.file));
          const dep = vendored.filter((v) => rel.startsWith(v + '/')).sort((a, b) => b.length - a.length)[0] ?? path.posix.dirname(rel);
          record(mp, dep, null, `vendor/${rel} imports ${hit.ip}`);
        }
        continue;
      }
      const replaces = parseReplaces(gomod);
      // go 1.17 and later lists every module that provides a package to the build; before, the
      // graph is walked through the dependencies' own go.mod files.
      const walk = goVersion[0] === 1 && goVersion[1] < 17;
      const queue: Require[] = parseRequires(gomod).filter((r) => !ours.has(r.path));
      const seen = new Set<string>();
      /** Where each required module's source is (null: not in the module cache), and how to name it. */
      const located = new Map<string, { version: string; dir: string | null; label: string }>();
      /** Required modules whose go.mod requires modules of the run that no dependency keeps yet: those modules. */
      const candidates = new Map<string, Set<string>>();
      while (queue.length) {
        const req = queue.shift()!;
        const key = `${req.path}@${req.version}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const rep = replaces.find((r) => r.from === req.path && (!r.fromVersion || r.fromVersion === req.version));
        let modFile: string | null;
        let srcDir: string | null;
        let label: string;
        if (rep?.local) {
          srcDir = path.resolve(main.root, rep.to);
          modFile = path.join(srcDir, 'go.mod');
          label = rep.to;
        } else {
          const p = rep ? rep.to : req.path;
          const v = rep?.toVersion ?? req.version;
          modFile = modCache ? path.join(modCache, 'cache', 'download', ...escapePath(p).split('/'), '@v', escapePath(v) + '.mod') : null;
          srcDir = modCache ? path.join(modCache, ...escapePath(p).split('/')) + '@' + escapePath(v) : null;
          label = `${p}@${v}`;
        }
        located.set(req.path, { version: req.version, dir: srcDir && isDir(srcDir) ? srcDir : null, label });
        const text = modFile ? read(modFile) : null;
        if (text === null) {
          let set = unchecked.get(main);
          if (!set) unchecked.set(main, (set = new Set()));
          set.add(key);
          continue;
        }
        const reqs = parseRequires(text);
        if (walk) queue.push(...reqs.filter((r) => !ours.has(r.path)));
        // One dependency is enough to keep a module's API: those already kept are not looked for again.
        const wanted = new Set(reqs.filter((r) => ours.has(r.path) && !byPath.get(r.path)!.importedBack?.length).map((r) => r.path));
        if (!wanted.size) continue;
        if (!walk) {
          candidates.set(req.path, wanted);
          continue;
        }
        // Before go 1.17 the module graph holds more than the build: each such module is read whole.
        const owners = [...reqs.map((r) => r.path).filter((p) => !ours.has(p)), req.path, ...ours];
        const dir = located.get(req.path)!.dir;
        if (dir) for (const [mp, h] of importsOf(dir, owners, wanted)) record(mp, req.path, req.version, `${label}/${toPosix(path.relative(dir, h.file))} imports ${h.ip}`);
        // Its go.mod requires a module of the run but its source is not in the module cache:
        // which of its packages import that module cannot be told, so it counts.
        else for (const mp of wanted) record(mp, req.path, req.version, `${label}/go.mod requires it (its source is not in the module cache)`);
      }
      // go 1.17 and later: only the packages the build compiles matter. They are followed from the
      // imports of the module's files (tests too: go vet and go test compile what they import),
      // through the packages of the required modules, to one that imports a module of the run.
      if (candidates.size) {
        for (const hit of buildImportsBack(ws, main, ours, located, candidates)) record(hit.ours, hit.dep, located.get(hit.dep)?.version ?? null, hit.where);
      }
    }
  }
  // A module left out of the run (nested in one of its modules) that replaces a module of the run
  // with its directory builds against this copy too (grpc-go's examples/: `replace google.golang.org/grpc => ../`).
  const realRoots = new Map(ws.modules.filter((m) => m.path !== '' && m.path !== 'std').map((m) => [realpathOr(m.root), m]));
  for (const root of ws.leftOut ?? []) {
    const gomod = read(path.join(root, 'go.mod'));
    if (gomod === null) continue;
    const modPath = parseModulePath(gomod) ?? path.basename(root);
    const targets = new Map<string, GoModule>();
    for (const r of parseReplaces(gomod)) {
      const w = r.local ? realRoots.get(realpathOr(path.resolve(root, r.to))) : undefined;
      // Looked at even when a dependency keeps the module's API already: a module below its path
      // may import its internal packages too (grpc-go's nested modules import grpc/internal/...).
      if (w && w.path === r.from && !w.importedBack?.some((x) => x.module === modPath)) targets.set(w.path, w);
    }
    if (!targets.size) continue;
    const owners = [...parseRequires(gomod).map((r) => r.path).filter((p) => !targets.has(p)), modPath, ...targets.keys()];
    const rel = toPosix(path.relative(ws.cwd, root)) || '.';
    for (const [mp, h] of importsOf(root, owners, new Set(targets.keys()))) {
      (targets.get(mp)!.importedBack ??= []).push({ module: modPath, version: null, where: `${rel}/${toPosix(path.relative(root, h.file))} imports ${h.ip}`, how: 'replaces' });
    }
  }
  const notes: string[] = [];
  for (const [m, deps] of unchecked) {
    // A module whose API is kept anyway loses nothing by what could not be checked.
    if (m.importedBack?.length) continue;
    const list = [...deps].sort();
    const shown = list.slice(0, 3).join(', ') + (list.length > 3 ? `, and ${list.length - 3} more` : '');
    const one = list.length === 1;
    notes.push(`${m.path}: ${one ? 'a required module' : `${list.length} required modules`} (${shown}) ${one ? 'has' : 'have'} no go.mod in the module cache${modCache ? ` (${modCache})` : ''}, so goshift could not check whether ${one ? 'it imports' : 'they import'} this module back: Go has not needed ${one ? 'it' : 'them'} so far; if a build does, run \`go mod download\` and goshift again, or use --api keep`);
  }
  if (notes.length) ws.notes = [...(ws.notes ?? []), ...notes];
}

/**
 * Packages the build of `main` compiles, from other modules, that import a module of the run
 * (`ours`): a breadth-first walk over import paths from every file of `main` in the run, each
 * resolved to the required module it lies in (the longest path) and read from that module's
 * source. Standard-library paths are not followed. A package of a `candidates` module whose source
 * is not in the module cache counts as importing the modules of the run its go.mod requires (which
 * of its packages do cannot be told).
 */
function buildImportsBack(ws: Workspace, main: GoModule, ours: Set<string>, located: Map<string, { version: string; dir: string | null; label: string }>, candidates: Map<string, Set<string>>): { ours: string; dep: string; where: string }[] {
  const ownerOf = ownerIn([...located.keys(), ...ours]);
  const out: { ours: string; dep: string; where: string }[] = [];
  const found = new Set<string>();
  const queued = new Set<string>();
  const queue: string[] = [];
  const follow = (ip: string) => {
    if (isStdPath(ip) || queued.has(ip)) return;
    const o = ownerOf(ip);
    if (!o || ours.has(o)) return;
    queued.add(ip);
    queue.push(ip);
  };
  for (const sf of ws.files) if (sf.module === main) for (const ip of importPathsIn(head(sf.abs))) follow(ip);
  while (queue.length && found.size < ours.size) {
    const ip = queue.shift()!;
    const dep = ownerOf(ip)!;
    const loc = located.get(dep)!;
    if (!loc.dir) {
      for (const w of candidates.get(dep) ?? []) if (!found.has(w)) {
        found.add(w);
        out.push({ ours: w, dep, where: `${loc.label}/go.mod requires ${w} (its source is not in the module cache)` });
      }
      continue;
    }
    const rel = ip === dep ? '' : ip.slice(dep.length + 1);
    const dir = path.join(loc.dir, ...rel.split('/').filter(Boolean));
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (!e.isFile() || !e.name.endsWith('.go') || e.name.endsWith('_test.go')) continue;
      const file = path.join(dir, e.name);
      for (const imp of importPathsIn(head(file))) {
        const o = isStdPath(imp) ? null : ownerOf(imp);
        if (o && ours.has(o)) {
          if (!found.has(o)) {
            found.add(o);
            out.push({ ours: o, dep, where: `${loc.label}/${toPosix(path.relative(loc.dir, file))} imports ${imp}` });
          }
        } else follow(imp);
      }
    }
  }
  return out;
}

/** The module an import path belongs to: the longest of the module paths it lies in, or null. */
function ownerIn(modules: string[]): (ip: string) => string | null {
  const of = longestOwner(modules, (m) => m);
  return (ip) => of(ip) ?? null;
}

/** The module cache: $GOMODCACHE, else the first GOPATH entry's pkg/mod, else ~/go/pkg/mod. */
function moduleCache(env: NodeJS.ProcessEnv): string | null {
  if (env.GOMODCACHE) return env.GOMODCACHE;
  const gopath = (env.GOPATH ?? '').split(path.delimiter).find((d) => d.trim() !== '');
  if (gopath) return path.join(gopath, 'pkg', 'mod');
  const home = env.HOME ?? env.USERPROFILE;
  return home ? path.join(home, 'go', 'pkg', 'mod') : null;
}

/** The module cache's case encoding: each upper-case letter becomes `!` and its lower case. */
export function escapePath(p: string): string {
  return p.replace(/[A-Z]/g, (c) => '!' + c.toLowerCase());
}

/**
 * Which of `wanted` the non-test Go files below `dir` import, each with one file and import path as
 * the example; the walk stops once every one is found. An import path belongs to the longest of
 * `owners` it lies in. Directories Go does not build as part of a module (testdata, `_x`, `.x`, and
 * with `nested`, nested modules) are skipped. Only each file's head is read: imports come first.
 */
function importsOf(dir: string, owners: string[], wanted: Set<string>, nested = true): Map<string, { file: string; ip: string }> {
  const hits = new Map<string, { file: string; ip: string }>();
  const ownerOf = ownerIn(owners);
  const visit = (d: string, top: boolean) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    if (!top && nested && entries.some((e) => e.name === 'go.mod' && e.isFile())) return;
    for (const e of entries) {
      if (hits.size === wanted.size) return;
      if (e.isDirectory()) {
        if (e.name === 'testdata' || e.name.startsWith('.') || e.name.startsWith('_')) continue;
        visit(path.join(d, e.name), false);
      } else if (e.name.endsWith('.go') && !e.name.endsWith('_test.go')) {
        const file = path.join(d, e.name);
        for (const ip of importPathsIn(head(file))) {
          const o = ownerOf(ip);
          if (o && wanted.has(o) && !hits.has(o)) hits.set(o, { file, ip });
        }
      }
    }
  };
  visit(dir, true);
  return hits;
}

/**
 * A Go file's text up to its first top-level declaration other than imports (byte for byte, as
 * latin1: import paths are what is read), or all of it; empty when it cannot be read.
 */
function head(file: string): string {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return '';
  }
  try {
    const chunk = Buffer.allocUnsafe(16384);
    let text = '';
    for (;;) {
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n <= 0) return text;
      text += chunk.toString('latin1', 0, n);
      // Past the imports once a func, type, var or const starts a line outside a comment.
      const m = /^(?:func|type|var|const)\b/m.exec(text);
      if (m && !/\/\*(?![\s\S]*\*\/)/.test(text.slice(0, m.index))) return text.slice(0, m.index);
    }
  } catch {
    return '';
  } finally {
    fs.closeSync(fd);
  }
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
