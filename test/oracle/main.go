// Command oracle checks a goshift rewrite with the Go type checker.
//
// Usage:
//
//	oracle [flags] BEFORE_DIR AFTER_DIR
//
// BEFORE_DIR and AFTER_DIR are the same Go module (or GOROOT/src-like tree) before and after a
// goshift rewrite: the same files, in which only parameter/argument list items moved (and ctx-closure
// inserted a context parameter + argument and maybe `import "context"`). For each GOOS both trees are
// type-checked from source with go/types — every package, its in-package tests and its external
// _test package — and every relation the type checker sees in BEFORE must still hold in AFTER:
//
//   - type-check: AFTER has no type errors (if BEFORE has some, that GOOS is skipped, with a note);
//   - implements: at every conversion of a value to an interface (assignment, argument, return,
//     composite-literal element, send, conversion, var declaration) the value's type still
//     implements it; and for every named type T (and *T) × every interface I of the analysed code
//     (named, literal, embedded, constraints), whether T implements I is unchanged (both ways);
//   - func value assignable/convertible: the same at every such site whose value or target
//     contains a func type; range over a func still ranges over a func;
//   - type assertions / type switch cases: for every dynamic type stored into an interface anywhere
//     × every asserted type, "matches" (identical, or implements for an interface) is unchanged;
//   - resolution: every identifier and selector resolves to the same declaration;
//   - call binding: at every call each argument is bound to the same parameter (by name; unnamed
//     ones by their ordinal among the non-context or context parameters); AFTER may only add
//     context arguments.
//
// Things are matched between the trees by keys that ignore list order and context items: file +
// top-level declaration + kind + canonical text + ordinal (canon.go). A BEFORE item with no
// counterpart in AFTER is reported too.
//
// Flags:
//
//	-goos list   GOOS values, comma-separated (default linux,windows,darwin)
//	-tags list   build tags passed to go list (e.g. integration)
//	-pkgs list   packages (import paths or patterns, comma-separated) to check instead of ./... —
//	             for a big tree such as a copy of GOROOT/src: only they and their tests are analysed;
//	             packages between them are checked from source, every other dependency comes
//	             from the export data of the AFTER tree. For a GOROOT/src tree GOROOT must name
//	             AFTER's parent (it is set so when AFTER/go.mod says `module std` and
//	             AFTER/../pkg/tool exists).
//	-dir sub     run go list in AFTER_DIR/sub instead of AFTER_DIR (a module or GOPATH package tree
//	             below a root that is none): its packages are analysed; packages elsewhere under the
//	             roots (another module it replaces with a local directory) are checked from source
//	             in each tree too
//	-v           print each tree's package count and the time taken to stderr
//
// go list runs in AFTER_DIR (or AFTER_DIR/sub) with the inherited environment plus GOOS (so
// GO111MODULE=off GOPATH=AFTER_DIR works for a GOPATH tree); BEFORE uses the same file lists,
// mapped by path relative to the root.
//
// Output: exit 0 and `oracle: N packages, M relations checked, 0 broken`; exit 1 and one line per
// broken relation, `file:line:col: <relation>: <before> → <after>` (file relative to the roots,
// followed by the GOOS values where it broke when not all), then the summary; exit 2 on bad usage
// or when the trees cannot be loaded.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "ctxcheck" {
		os.Exit(ctxcheckMain(os.Args[2:])) // ctxcheck.go: the invariant test's finder
	}
	os.Exit(run())
}

func run() int {
	fl := flag.NewFlagSet("oracle", flag.ContinueOnError)
	goosList := fl.String("goos", "linux,windows,darwin", "GOOS values, comma-separated")
	tags := fl.String("tags", "", "build tags")
	pkgs := fl.String("pkgs", "", "packages to check instead of ./...")
	verbose := fl.Bool("v", false, "verbose")
	sub := fl.String("dir", "", "run go list in this subdirectory of AFTER_DIR")
	fl.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: oracle [-goos linux,windows,darwin] [-tags t] [-pkgs a,b] [-dir sub] [-v] BEFORE_DIR AFTER_DIR")
		fl.PrintDefaults()
	}
	if err := fl.Parse(os.Args[1:]); err != nil {
		return 2
	}
	if fl.NArg() != 2 {
		fl.Usage()
		return 2
	}
	before, err1 := filepath.Abs(fl.Arg(0))
	after, err2 := filepath.Abs(fl.Arg(1))
	if err1 != nil || err2 != nil {
		fmt.Fprintln(os.Stderr, "oracle: bad path")
		return 2
	}
	for _, d := range []string{before, after} {
		if st, err := os.Stat(d); err != nil || !st.IsDir() {
			fmt.Fprintf(os.Stderr, "oracle: %s is not a directory\n", d)
			return 2
		}
	}
	o := loadOptions{tags: *tags, before: before, after: after, dir: filepath.Clean(*sub), patterns: []string{"./..."}}
	if o.dir == "." {
		o.dir = ""
	}
	if filepath.IsAbs(o.dir) || o.dir == ".." || strings.HasPrefix(o.dir, ".."+string(filepath.Separator)) {
		fmt.Fprintln(os.Stderr, "oracle: -dir must be a path inside AFTER_DIR")
		return 2
	}
	if *pkgs != "" {
		o.patterns = nil
		for _, p := range strings.Split(*pkgs, ",") {
			if p = strings.TrimSpace(p); p != "" {
				o.patterns = append(o.patterns, p)
			}
		}
	}
	if data, err := os.ReadFile(filepath.Join(after, "go.mod")); err == nil && strings.HasPrefix(strings.TrimSpace(string(data)), "module std") {
		if st, err := os.Stat(filepath.Join(filepath.Dir(after), "pkg", "tool")); err == nil && st.IsDir() {
			o.env = append(o.env, "GOROOT="+filepath.Dir(after))
		}
	}

	type entry struct {
		b    broken
		goos []string
	}
	found := map[string]*entry{}
	var foundOrder []string
	goosAll := strings.Split(*goosList, ",")
	totalPkgs, totalRel := 0, 0
	for _, goos := range goosAll {
		goos = strings.TrimSpace(goos)
		start := time.Now()
		o.goos = goos
		g, err := loadGraph(o)
		if err != nil {
			fmt.Fprintf(os.Stderr, "oracle: GOOS=%s: %v\n", goos, err)
			return 2
		}
		tb, err := checkTree("BEFORE", before, o, g)
		if err != nil {
			fmt.Fprintf(os.Stderr, "oracle: GOOS=%s: %v\n", goos, err)
			return 2
		}
		ta, err := checkTree("AFTER", after, o, g)
		if err != nil {
			fmt.Fprintf(os.Stderr, "oracle: GOOS=%s: %v\n", goos, err)
			return 2
		}
		var out []broken
		if errs := treeErrors(tb); len(errs) > 0 {
			fmt.Fprintf(os.Stderr, "oracle: note: GOOS=%s: BEFORE has type errors, skipped (first: %s)\n", goos, errs[0])
			continue
		}
		out = append(out, treeErrors(ta)...)
		cb, ca := newCollected(tb.fset), newCollected(ta.fset)
		cb.findCompat(tb)
		ca.findCompat(ta)
		cb.assignObjKeys(tb)
		ca.assignObjKeys(ta)
		for _, cp := range tb.order {
			if cp.analysed {
				cb.collectPkg(tb, cp)
			}
		}
		for _, cp := range ta.order {
			if cp.analysed {
				ca.collectPkg(ta, cp)
			}
		}
		rels, n := compare(cb, ca)
		out = append(out, rels...)
		totalPkgs = max(totalPkgs, cb.pkgs)
		totalRel += n
		for _, b := range out {
			s := b.String()
			e := found[s]
			if e == nil {
				e = &entry{b: b}
				found[s] = e
				foundOrder = append(foundOrder, s)
			}
			e.goos = append(e.goos, goos)
		}
		if *verbose {
			fmt.Fprintf(os.Stderr, "oracle: GOOS=%s: %d packages from source, %d analysed, %d relations, %d broken, %v\n",
				goos, len(tb.order), cb.pkgs, n, len(out), time.Since(start).Round(time.Millisecond))
		}
	}
	sort.SliceStable(foundOrder, func(i, j int) bool {
		x, y := found[foundOrder[i]].b.pos, found[foundOrder[j]].b.pos
		if x.Filename != y.Filename {
			return x.Filename < y.Filename
		}
		if x.Line != y.Line {
			return x.Line < y.Line
		}
		return x.Column < y.Column
	})
	for _, s := range foundOrder {
		e := found[s]
		if len(e.goos) < len(goosAll) {
			s += " [GOOS=" + strings.Join(e.goos, ",") + "]"
		}
		fmt.Println(s)
	}
	fmt.Printf("oracle: %d packages, %d relations checked, %d broken\n", totalPkgs, totalRel, len(foundOrder))
	if len(foundOrder) > 0 {
		return 1
	}
	return 0
}

// treeErrors lists a tree's parse and type errors as broken "type-check" relations.
func treeErrors(t *tree) []broken {
	var out []broken
	for _, e := range t.parse {
		out = append(out, broken{line: "parse: ok → " + relPath(t.root, e)})
	}
	for _, cp := range t.order {
		for _, e := range cp.errs {
			p := e.Fset.Position(e.Pos)
			if cp.cgo[p.Filename] {
				continue
			}
			if r, err := filepath.Rel(t.root, p.Filename); err == nil {
				p.Filename = filepath.ToSlash(r)
			}
			out = append(out, broken{pos: p, line: "type-check: ok → " + e.Msg})
		}
	}
	return out
}

func relPath(root, s string) string {
	return strings.ReplaceAll(s, root+string(filepath.Separator), "")
}
