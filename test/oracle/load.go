package main

// Loading: `go list` on the AFTER tree finds the packages, their files and their imports for one GOOS;
// the packages to analyse (and everything between them and the ones they import) are type-checked
// from source, in each tree; every other dependency comes from the export data of the AFTER tree.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
)

// listed is one package of `go list -json`, with the fields we use.
type listed struct {
	ImportPath string
	Name       string
	Dir        string
	ForTest    string
	DepOnly    bool
	Standard   bool
	GoFiles    []string
	CgoFiles   []string
	Imports    []string
	ImportMap  map[string]string
	Export     string
	Module     *struct {
		Path      string
		Main      bool
		GoVersion string
	}
	Error *struct{ Err string }
}

// basePath is an import path without a test-variant suffix ("p [p.test]" -> "p").
func basePath(id string) string {
	if i := strings.Index(id, " ["); i >= 0 {
		return id[:i]
	}
	return id
}

type loadOptions struct {
	goos     string
	tags     string
	patterns []string
	before   string // absolute roots
	after    string
	dir      string // where go list runs, relative to the roots ("" for the roots themselves)
	env      []string
	// missingFromAfter: a file missing under the tree being checked is read from AFTER instead
	// (ctxcheck -list: a partial tree checked against the full one it was copied from).
	missingFromAfter bool
}

// listDir is where go list runs: AFTER, or its subdirectory -dir.
func (o loadOptions) listDir() string {
	return filepath.Join(o.after, o.dir)
}

// graph is what go list said about the AFTER tree for one GOOS.
type graph struct {
	byID     map[string]*listed
	order    []string        // every id, in go list order (dependencies first)
	source   map[string]bool // ids type-checked from source
	analysed map[string]bool // ids whose code is analysed
	exports  map[string]string
}

func goList(dir string, env []string, args ...string) ([]*listed, error) {
	cmd := exec.Command("go", append([]string{"list", "-e", "-json"}, args...)...)
	cmd.Dir = dir
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &errb
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("go list %s (in %s): %v\n%s", strings.Join(args, " "), dir, err, errb.String())
	}
	dec := json.NewDecoder(&out)
	var res []*listed
	for {
		p := new(listed)
		if err := dec.Decode(p); err == io.EOF {
			break
		} else if err != nil {
			return nil, fmt.Errorf("go list output: %v", err)
		}
		res = append(res, p)
	}
	return res, nil
}

func within(root, p string) bool {
	return p == root || strings.HasPrefix(p, root+string(filepath.Separator))
}

// listEnv is the environment go list runs in.
func listEnv(o loadOptions) []string {
	env := append(os.Environ(), o.env...)
	env = append(env, "GOOS="+o.goos)
	if os.Getenv("CGO_ENABLED") == "" {
		// cgo files cannot be type-checked from source without running cgo: use the pure Go variants.
		env = append(env, "CGO_ENABLED=0")
	}
	return env
}

func loadGraph(o loadOptions) (*graph, error) {
	env := listEnv(o)
	args := []string{"-deps", "-test"}
	if o.tags != "" {
		args = append(args, "-tags", o.tags)
	}
	pkgs, err := goList(o.listDir(), env, append(args, o.patterns...)...)
	if err != nil {
		return nil, err
	}
	g := &graph{byID: map[string]*listed{}, source: map[string]bool{}, analysed: map[string]bool{}, exports: map[string]string{}}
	roots := map[string]bool{}
	for _, p := range pkgs {
		g.byID[p.ImportPath] = p
		g.order = append(g.order, p.ImportPath)
		if !p.DepOnly && !isTestMain(p) && within(o.after, p.Dir) {
			roots[basePath(p.ImportPath)] = true
		}
	}
	if len(roots) == 0 {
		return nil, fmt.Errorf("go list %s found no package under %s (for a GOROOT/src tree, GOROOT must name its parent)", strings.Join(o.patterns, " "), o.listDir())
	}
	// Source: the roots and their test variants, and anything importing a source package (so that
	// types from export data never refer to a second copy of a package checked from source).
	var visit func(id string) bool
	done := map[string]bool{}
	visit = func(id string) bool {
		if v, ok := done[id]; ok {
			return v
		}
		done[id] = false
		p := g.byID[id]
		if p == nil || isTestMain(p) {
			return false
		}
		src := roots[basePath(id)] || strings.Contains(id, " [")
		if o.dir != "" && !p.Standard && within(o.after, p.Dir) {
			// Below the roots but outside -dir (a module replaced with a local directory, another
			// GOPATH package): its BEFORE side is its BEFORE source, not AFTER's export data.
			src = true
		}
		for _, imp := range p.Imports {
			if visit(imp) {
				src = true
			}
		}
		if src && !within(o.after, p.Dir) {
			src = false // outside the tree: cannot be checked in BEFORE from its own source
		}
		done[id] = src
		return src
	}
	var need []string
	for _, id := range g.order {
		if visit(id) {
			g.source[id] = true
			p := g.byID[id]
			if roots[basePath(id)] {
				// A package whose in-package test variant exists is analysed through the variant
				// (which has all of its files).
				if strings.Contains(id, " [") || g.byID[id+" ["+id+".test]"] == nil {
					g.analysed[id] = true
				}
			}
			for _, imp := range p.Imports {
				if !visit(imp) && imp != "unsafe" && imp != "C" {
					need = append(need, imp)
				}
			}
		}
	}
	need = uniq(need)
	if len(need) > 0 {
		eargs := []string{"-export", "-deps"}
		if o.tags != "" {
			eargs = append(eargs, "-tags", o.tags)
		}
		ex, err := goList(o.listDir(), env, append(eargs, need...)...)
		if err != nil {
			return nil, err
		}
		for _, p := range ex {
			if p.Export != "" {
				g.exports[p.ImportPath] = p.Export
			}
		}
	}
	return g, nil
}

func isTestMain(p *listed) bool {
	return p.Name == "main" && strings.HasSuffix(p.ImportPath, ".test") && !strings.Contains(p.ImportPath, " [")
}

func uniq(xs []string) []string {
	sort.Strings(xs)
	out := xs[:0]
	for i, x := range xs {
		if i == 0 || x != xs[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// checkedPkg is one package type-checked from source in one tree.
type checkedPkg struct {
	id       string
	pkg      *types.Package
	files    []*ast.File
	rels     []string // file paths relative to the tree root, parallel to files
	srcs     [][]byte // the files' bytes with comments blanked out
	info     *types.Info
	errs     []types.Error
	analysed bool
	cgo      map[string]bool // absolute paths of cgo files (checked with FakeImportC: their errors are ignored)
}

// tree is one side (BEFORE or AFTER) type-checked for one GOOS.
type tree struct {
	name  string
	root  string
	fset  *token.FileSet
	pkgs  map[string]*checkedPkg
	order []*checkedPkg
	parse []string // parse errors
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

func checkTree(name, root string, o loadOptions, g *graph) (*tree, error) {
	t := &tree{name: name, root: root, fset: token.NewFileSet(), pkgs: map[string]*checkedPkg{}}
	gc := importer.ForCompiler(t.fset, "gc", func(path string) (io.ReadCloser, error) {
		f, ok := g.exports[path]
		if !ok && root != o.after {
			// A package only this tree imports (ctx-legacy drops golang.org/x/net/context from
			// AFTER): its export data as go list gives it in this tree.
			if ex, err := goList(filepath.Join(root, o.dir), listEnv(o), "-export", "-deps", path); err == nil {
				for _, p := range ex {
					if p.Export != "" {
						if _, have := g.exports[p.ImportPath]; !have {
							g.exports[p.ImportPath] = p.Export
						}
					}
				}
			}
			f, ok = g.exports[path]
		}
		if !ok {
			return nil, fmt.Errorf("no export data for %q", path)
		}
		return os.Open(f)
	})
	sizes := types.SizesFor("gc", runtime.GOARCH)
	var check func(id string) (*checkedPkg, error)
	check = func(id string) (*checkedPkg, error) {
		if cp, ok := t.pkgs[id]; ok {
			if cp == nil {
				return nil, fmt.Errorf("import cycle through %s", id)
			}
			return cp, nil
		}
		t.pkgs[id] = nil
		p := g.byID[id]
		for _, imp := range p.Imports {
			if g.source[imp] {
				if _, err := check(imp); err != nil {
					return nil, err
				}
			}
		}
		rel, err := filepath.Rel(o.after, p.Dir)
		if err != nil {
			return nil, err
		}
		dir := filepath.Join(root, rel)
		cp := &checkedPkg{id: id, analysed: g.analysed[id], cgo: map[string]bool{}}
		for _, fn := range p.CgoFiles {
			cp.cgo[filepath.Join(dir, fn)] = true
		}
		names := append(append([]string{}, p.GoFiles...), p.CgoFiles...)
		for _, fn := range names {
			abs := filepath.Join(dir, fn)
			data, err := os.ReadFile(abs)
			if err != nil && o.missingFromAfter {
				data, err = os.ReadFile(filepath.Join(p.Dir, fn))
			}
			if err != nil {
				return nil, fmt.Errorf("%s: %v (the trees must have the same files)", name, err)
			}
			f, err := parser.ParseFile(t.fset, abs, data, parser.ParseComments|parser.SkipObjectResolution)
			if err != nil {
				t.parse = append(t.parse, err.Error())
				if f == nil {
					continue
				}
			}
			cp.files = append(cp.files, f)
			cp.rels = append(cp.rels, filepath.ToSlash(filepath.Join(rel, fn)))
			cp.srcs = append(cp.srcs, blankComments(t.fset, f, data))
		}
		cp.info = &types.Info{
			Types:      map[ast.Expr]types.TypeAndValue{},
			Defs:       map[*ast.Ident]types.Object{},
			Uses:       map[*ast.Ident]types.Object{},
			Implicits:  map[ast.Node]types.Object{},
			Selections: map[*ast.SelectorExpr]*types.Selection{},
			Instances:  map[*ast.Ident]types.Instance{},
		}
		conf := types.Config{
			Importer: importerFunc(func(path string) (*types.Package, error) {
				if path == "unsafe" {
					return types.Unsafe, nil
				}
				to := path
				if m, ok := p.ImportMap[path]; ok {
					to = m
				}
				if g.source[to] {
					if dep := t.pkgs[to]; dep != nil {
						return dep.pkg, nil
					}
					return nil, fmt.Errorf("%s not checked yet", to)
				}
				return gc.Import(to)
			}),
			Sizes:       sizes,
			FakeImportC: len(p.CgoFiles) > 0,
			Error:       func(err error) { cp.errs = append(cp.errs, err.(types.Error)) },
		}
		if p.Module != nil && p.Module.GoVersion != "" {
			conf.GoVersion = "go" + p.Module.GoVersion
		}
		cp.pkg, _ = conf.Check(basePath(id), t.fset, cp.files, cp.info)
		t.pkgs[id] = cp
		t.order = append(t.order, cp)
		return cp, nil
	}
	for _, id := range g.order {
		if g.source[id] {
			if _, err := check(id); err != nil {
				return nil, err
			}
		}
	}
	return t, nil
}

// blankComments returns a copy of src with every comment replaced by spaces (offsets unchanged).
func blankComments(fset *token.FileSet, f *ast.File, src []byte) []byte {
	out := append([]byte(nil), src...)
	tf := fset.File(f.Pos())
	for _, cg := range f.Comments {
		for _, c := range cg.List {
			a, b := tf.Offset(c.Pos()), tf.Offset(c.End())
			for i := a; i < b && i < len(out); i++ {
				if out[i] != '\n' {
					out[i] = ' '
				}
			}
		}
	}
	return out
}
