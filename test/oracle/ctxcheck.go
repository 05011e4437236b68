package main

// ctxcheck: an independent, type-checked finder of what goshift's default transforms are about —
// every misplaced context parameter (ctx-first) and every captured context (ctx-closure) still in a
// tree. It shares the oracle's loading (go list per GOOS, go/types from source, tests included) and
// knows nothing of goshift's engine: the invariant test (test/invariant.test.ts) runs it after
// `goshift -w` and checks that every finding is named on goshift's stderr.
//
//	oracle ctxcheck [-goos linux,windows,darwin] [-tags t1,t2]... [-pkgs p1,p2] [-dir SUB] [-list LISTDIR]
//	                [-allow-types-before T1,T2] [-kinds misplaced,captured] DIR
//
// -list: go list runs in LISTDIR instead of DIR, and files missing under DIR are read from LISTDIR:
// for a partial copy of GOROOT/src (its go.mod and a few package directories, rewritten) checked
// with -pkgs against the installed GOROOT/src, without copying the whole installation.
//
// One line per finding on stdout, sorted and without duplicates (the union over every GOOS and tag
// set): `relpath:line: kind: detail`. -tags may be repeated: each value is one tag set, and the tree
// is loaded once without tags and once per set. Exit 0 (findings or not), 2 when the tree cannot be
// loaded. Type errors are noted on stderr and do not stop the check.
//
// misplaced: a parameter list (func or method declaration, interface method, func type, func
// literal) with a parameter whose type is context.Context (types.Unalias: aliases such as
// golang.org/x/net/context.Context count) that is not in the leading run of parameters that are
// contexts or of an allowed type (-allow-types-before, compared with the type as written with
// package names, spaces dropped). A variadic parameter is never misplaced. Reported at the line of
// the declaration the list belongs to: the `func` keyword of a declaration, a literal or a func
// type; the name of an interface method. A function or method with a `//go:fix inline` directive
// is not checked: it keeps an old signature on purpose (--api compat's wrappers), for go fix.
//
// captured: a func literal the code runs itself — the called function of a call (`func(){…}()`,
// `go func(){…}()`, `defer func(){…}()`), or bound by `f := func…` / `var f [T] = func…` inside a
// function to a variable whose every use is a call of it (at least one) — whose body refers to a
// variable of type context.Context declared outside the literal that is neither a package-level
// variable nor a field, other than only by assigning to it with `=`. Reported at the literal's
// `func` line.

import (
	"flag"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ";") }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }

func ctxcheckMain(args []string) int {
	fl := flag.NewFlagSet("ctxcheck", flag.ContinueOnError)
	goosList := fl.String("goos", "linux,windows,darwin", "GOOS values, comma-separated")
	var tagSets multiFlag
	fl.Var(&tagSets, "tags", "a build tag set (comma-separated tags); repeatable: the tree is loaded without tags and once per set")
	pkgs := fl.String("pkgs", "", "packages to check instead of ./...")
	allow := fl.String("allow-types-before", "", "types a context may follow, comma-separated (as goshift's flag)")
	kinds := fl.String("kinds", "misplaced,captured", "what to look for")
	sub := fl.String("dir", "", "run go list in this subdirectory of DIR (a module or GOPATH package tree below a root without go.mod)")
	listDir := fl.String("list", "", "run go list in this tree instead of DIR (e.g. GOROOT/src when DIR holds a copy of a few of its packages and go.mod); files missing under DIR are read from it")
	fl.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: oracle ctxcheck [-goos l,w,d] [-tags t]... [-pkgs a,b] [-dir sub] [-allow-types-before T1,T2] [-kinds misplaced,captured] DIR")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if fl.NArg() != 1 {
		fl.Usage()
		return 2
	}
	root, err := filepath.Abs(fl.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "ctxcheck: bad path")
		return 2
	}
	o := loadOptions{before: root, after: root, patterns: []string{"./..."}}
	o.dir = *sub
	if *listDir != "" {
		if o.after, err = filepath.Abs(*listDir); err != nil {
			fmt.Fprintln(os.Stderr, "ctxcheck: bad -list path")
			return 2
		}
		o.missingFromAfter = true
	}
	if *pkgs != "" {
		o.patterns = nil
		for _, p := range strings.Split(*pkgs, ",") {
			if p = strings.TrimSpace(p); p != "" {
				o.patterns = append(o.patterns, p)
			}
		}
	}
	if data, err := os.ReadFile(filepath.Join(o.after, "go.mod")); err == nil && strings.HasPrefix(strings.TrimSpace(string(data)), "module std") {
		if st, err := os.Stat(filepath.Join(filepath.Dir(o.after), "pkg", "tool")); err == nil && st.IsDir() {
			o.env = append(o.env, "GOROOT="+filepath.Dir(o.after))
		}
	}
	c := &ctxChecker{allowed: map[string]bool{}, kinds: map[string]bool{}, found: map[string]bool{}}
	for _, t := range strings.Split(*allow, ",") {
		if t = strings.Join(strings.Fields(t), ""); t != "" {
			c.allowed[t] = true
		}
	}
	for _, k := range strings.Split(*kinds, ",") {
		c.kinds[strings.TrimSpace(k)] = true
	}
	sets := append([]string{""}, tagSets...)
	for _, goos := range strings.Split(*goosList, ",") {
		for _, tags := range sets {
			o.goos = strings.TrimSpace(goos)
			o.tags = tags
			g, err := loadGraph(o)
			if err != nil {
				fmt.Fprintf(os.Stderr, "ctxcheck: GOOS=%s tags=%q: %v\n", o.goos, tags, err)
				return 2
			}
			t, err := checkTree("TREE", root, o, g)
			if err != nil {
				fmt.Fprintf(os.Stderr, "ctxcheck: GOOS=%s tags=%q: %v\n", o.goos, tags, err)
				return 2
			}
			if errs := treeErrors(t); len(errs) > 0 {
				fmt.Fprintf(os.Stderr, "ctxcheck: note: GOOS=%s tags=%q: %d type error(s), first: %s\n", o.goos, tags, len(errs), errs[0])
			}
			for _, cp := range t.order {
				if !cp.analysed {
					continue
				}
				for i, f := range cp.files {
					c.file(t.fset, cp, f, cp.rels[i])
				}
			}
		}
	}
	type line struct {
		file string
		n    int
		s    string
	}
	var out []line
	for s := range c.found {
		var file string
		var n int
		if i := strings.Index(s, ": "); i >= 0 {
			head := s[:i]
			if j := strings.LastIndex(head, ":"); j >= 0 {
				file = head[:j]
				fmt.Sscan(head[j+1:], &n)
			}
		}
		out = append(out, line{file, n, s})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].file != out[j].file {
			return out[i].file < out[j].file
		}
		if out[i].n != out[j].n {
			return out[i].n < out[j].n
		}
		return out[i].s < out[j].s
	})
	for _, l := range out {
		fmt.Println(l.s)
	}
	return 0
}

type ctxChecker struct {
	allowed map[string]bool
	kinds   map[string]bool
	found   map[string]bool
}

// isCtx: the type is context.Context (through aliases).
func isCtx(t types.Type) bool {
	if t == nil {
		return false
	}
	n, ok := types.Unalias(t).(*types.Named)
	if !ok {
		return false
	}
	o := n.Obj()
	return o.Pkg() != nil && o.Pkg().Path() == "context" && o.Name() == "Context" && n.TypeArgs().Len() == 0
}

type sigOwner struct {
	kind string // func, method, imethod, literal, functype
	name string
	pos  token.Pos
}

func (c *ctxChecker) file(fset *token.FileSet, cp *checkedPkg, f *ast.File, rel string) {
	info := cp.info
	owners := map[*ast.FuncType]sigOwner{}
	add := func(pos token.Pos, kind, detail string) {
		c.found[fmt.Sprintf("%s:%d: %s: %s", rel, fset.Position(pos).Line, kind, detail)] = true
	}
	qual := func(p *types.Package) string {
		if p == cp.pkg {
			return ""
		}
		return p.Name()
	}
	// Parents, for the captured check (what a literal is the operand of).
	parent := map[ast.Node]ast.Node{}
	var stack []ast.Node
	ast.Inspect(f, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		if len(stack) > 0 {
			parent[n] = stack[len(stack)-1]
		}
		stack = append(stack, n)
		switch x := n.(type) {
		case *ast.FuncDecl:
			if fixInline(x) {
				owners[x.Type] = sigOwner{"inline", "", x.Pos()}
				break
			}
			k := "func"
			name := x.Name.Name
			if x.Recv != nil {
				k = "method"
				if len(x.Recv.List) > 0 {
					name = types.ExprString(x.Recv.List[0].Type) + "." + name
				}
			}
			owners[x.Type] = sigOwner{k, name, x.Pos()}
		case *ast.FuncLit:
			owners[x.Type] = sigOwner{"literal", "func literal", x.Pos()}
		case *ast.InterfaceType:
			for _, m := range x.Methods.List {
				if ft, ok := m.Type.(*ast.FuncType); ok && len(m.Names) > 0 {
					owners[ft] = sigOwner{"imethod", "interface method " + m.Names[0].Name, m.Names[0].Pos()}
				}
			}
		case *ast.FuncType:
			if !c.kinds["misplaced"] {
				break
			}
			o, ok := owners[x]
			if ok && o.kind == "inline" {
				break
			}
			if !ok {
				o = sigOwner{"functype", "func type", x.Func}
				if !x.Func.IsValid() {
					o.pos = x.Pos()
				}
			}
			c.misplaced(x, o, info, qual, add)
		}
		return true
	})
	if !c.kinds["captured"] {
		return
	}
	ast.Inspect(f, func(n ast.Node) bool {
		lit, ok := n.(*ast.FuncLit)
		if !ok {
			return true
		}
		how := runsItself(lit, parent, info)
		if how == "" {
			return true
		}
		var names []string
		seen := map[types.Object]bool{}
		ast.Inspect(lit.Body, func(m ast.Node) bool {
			id, ok := m.(*ast.Ident)
			if !ok {
				return true
			}
			v, ok := info.Uses[id].(*types.Var)
			if !ok || seen[v] || v.IsField() || !isCtx(v.Type()) {
				return true
			}
			if v.Pkg() != nil && v.Parent() == v.Pkg().Scope() {
				return true // package-level
			}
			if v.Pos() >= lit.Pos() && v.Pos() < lit.End() {
				return true // declared inside the literal
			}
			if onlyAssigned(id, parent) {
				return true
			}
			seen[v] = true
			names = append(names, fmt.Sprintf("%s (line %d)", v.Name(), fset.Position(v.Pos()).Line))
			return true
		})
		if len(names) > 0 {
			add(lit.Pos(), "captured", fmt.Sprintf("func literal (%s) reads %s", how, strings.Join(names, ", ")))
		}
		return true
	})
}

func (c *ctxChecker) misplaced(ft *ast.FuncType, o sigOwner, info *types.Info, qual types.Qualifier, add func(token.Pos, string, string)) {
	if ft.Params == nil {
		return
	}
	type param struct {
		name    string
		ctx     bool
		allowed bool
		vararg  bool
		text    string
	}
	var ps []param
	for _, fld := range ft.Params.List {
		_, vararg := fld.Type.(*ast.Ellipsis)
		t := info.TypeOf(fld.Type)
		p := param{ctx: !vararg && isCtx(t), vararg: vararg}
		if t != nil {
			p.text = types.TypeString(t, qual)
			p.allowed = c.allowed[strings.Join(strings.Fields(p.text), "")]
		} else {
			p.text = types.ExprString(fld.Type)
		}
		if !p.allowed && c.allowed[strings.Join(strings.Fields(types.ExprString(fld.Type)), "")] {
			p.allowed = true
		}
		if len(fld.Names) == 0 {
			ps = append(ps, p)
		}
		for _, n := range fld.Names {
			q := p
			q.name = n.Name
			ps = append(ps, q)
		}
	}
	lead := 0
	for lead < len(ps) && (ps[lead].ctx || ps[lead].allowed) {
		lead++
	}
	for i := lead; i < len(ps); i++ {
		if ps[i].ctx {
			before := ps[lead]
			name := ps[i].name
			if name == "" {
				name = "(unnamed)"
			}
			bn := before.name
			if bn == "" {
				bn = "(unnamed)"
			}
			add(o.pos, "misplaced", fmt.Sprintf("%s %s: context parameter %s (#%d) after %s %s", o.kind, o.name, name, i+1, bn, before.text))
			return
		}
	}
}

// runsItself says how a func literal is run by the code itself ("called", "go", "defer",
// "bound to f"), or "" when it is not.
func runsItself(lit *ast.FuncLit, parent map[ast.Node]ast.Node, info *types.Info) string {
	var n ast.Node = lit
	p := parent[n]
	for {
		if pe, ok := p.(*ast.ParenExpr); ok {
			n = pe
			p = parent[pe]
			continue
		}
		break
	}
	if call, ok := p.(*ast.CallExpr); ok && call.Fun == n {
		switch parent[call].(type) {
		case *ast.GoStmt:
			return "go"
		case *ast.DeferStmt:
			return "defer"
		}
		return "called"
	}
	// Bound: f := func…, var f = func…
	var id *ast.Ident
	switch s := p.(type) {
	case *ast.AssignStmt:
		if s.Tok == token.DEFINE && len(s.Lhs) == len(s.Rhs) {
			for i, r := range s.Rhs {
				if r == n {
					id, _ = s.Lhs[i].(*ast.Ident)
				}
			}
		}
	case *ast.ValueSpec:
		if len(s.Names) == len(s.Values) {
			for i, r := range s.Values {
				if r == n {
					id = s.Names[i]
				}
			}
		}
	}
	if id == nil {
		return ""
	}
	v, ok := info.Defs[id].(*types.Var)
	if !ok || v == nil || (v.Pkg() != nil && v.Parent() == v.Pkg().Scope()) {
		return ""
	}
	calls := 0
	for use, obj := range info.Uses {
		if obj != v {
			continue
		}
		var u ast.Node = use
		for {
			if pe, ok := parent[u].(*ast.ParenExpr); ok {
				u = pe
				continue
			}
			break
		}
		call, ok := parent[u].(*ast.CallExpr)
		if !ok || call.Fun != u {
			return ""
		}
		calls++
	}
	if calls == 0 {
		return ""
	}
	return "bound to " + id.Name
}

// onlyAssigned: the identifier is a left-hand operand of a plain `=` assignment (a write, not a read).
func onlyAssigned(id *ast.Ident, parent map[ast.Node]ast.Node) bool {
	as, ok := parent[id].(*ast.AssignStmt)
	if !ok || as.Tok != token.ASSIGN {
		return false
	}
	for _, l := range as.Lhs {
		if l == id {
			return true
		}
	}
	return false
}

// fixInline: a declaration whose doc comment holds a //go:fix inline directive.
func fixInline(d *ast.FuncDecl) bool {
	if d.Doc == nil {
		return false
	}
	for _, c := range d.Doc.List {
		if strings.TrimSpace(c.Text) == "//go:fix inline" {
			return true
		}
	}
	return false
}
