package main

// Collecting, in one type-checked tree, everything that is compared with the other tree. Every
// record has a key that does not depend on list order or on inserted context parameters/arguments:
// file + enclosing top-level declaration + kind + canonical text (canon.go) + occurrence ordinal.

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"sort"
	"strconv"
	"strings"
)

// fact is one relation in one tree. Two trees' facts with the same key are compared: cmp must be
// equal, or, when multiset is set, every item of BEFORE must be in AFTER (as many times), and AFTER
// may only add items starting with "~" (context arguments/objects a rewrite may add).
type fact struct {
	key      string
	rel      string // the relation's name, for the report
	pos      token.Position
	cmp      string
	desc     string // human-readable value
	multiset bool
	items    []string
}

type typeSite struct {
	key  string
	pos  token.Position
	t    types.Type
	desc string
	kind string
}

type collected struct {
	facts   map[string]*fact
	order   []string
	named   map[string]typeSite // named types declared in analysed code
	ifaces  map[string]typeSite // interfaces: named and literal
	stores  map[string]typeSite // dynamic types: values converted to an interface
	asserts map[string]typeSite // type assertion and type switch case types
	objKeys map[types.Object]string
	pkgs    int
	fset    *token.FileSet
	// renamed: functions and methods that --api compat moved under a new name, by their old name;
	// wrappers: the //go:fix inline declarations that keep the old name (not analysed).
	renamed  map[types.Object]string
	wrappers map[ast.Decl]bool
}

func newCollected(fset *token.FileSet) *collected {
	return &collected{renamed: map[types.Object]string{}, wrappers: map[ast.Decl]bool{}, facts: map[string]*fact{}, named: map[string]typeSite{}, ifaces: map[string]typeSite{},
		stores: map[string]typeSite{}, asserts: map[string]typeSite{}, objKeys: map[types.Object]string{}, fset: fset}
}

func (c *collected) add(f *fact) {
	if old, ok := c.facts[f.key]; ok {
		if f.multiset {
			old.items = append(old.items, f.items...)
		}
		return
	}
	c.facts[f.key] = f
	c.order = append(c.order, f.key)
}

func typeStr(t types.Type) string {
	return types.TypeString(t, func(p *types.Package) string { return p.Name() })
}

func recvName(e ast.Expr) string {
	for {
		switch x := e.(type) {
		case *ast.StarExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.IndexListExpr:
			e = x.X
		case *ast.ParenExpr:
			e = x.X
		case *ast.Ident:
			return x.Name
		default:
			return "?"
		}
	}
}

// findCompat finds --api compat's wrappers: a function or method with a //go:fix inline directive
// whose body only calls (and returns) a function or method of its package named after it plus a
// suffix. That one is the old declaration under its new name.
func (c *collected) findCompat(t *tree) {
	for _, cp := range t.order {
		for _, f := range cp.files {
			for _, d := range f.Decls {
				fd, ok := d.(*ast.FuncDecl)
				if !ok || fd.Doc == nil || fd.Body == nil || len(fd.Body.List) != 1 {
					continue
				}
				inline := false
				for _, cm := range fd.Doc.List {
					if strings.TrimSpace(cm.Text) == "//go:fix inline" {
						inline = true
					}
				}
				var call *ast.CallExpr
				switch st := fd.Body.List[0].(type) {
				case *ast.ReturnStmt:
					if len(st.Results) == 1 {
						call, _ = st.Results[0].(*ast.CallExpr)
					}
				case *ast.ExprStmt:
					call, _ = st.X.(*ast.CallExpr)
				}
				if !inline || call == nil {
					continue
				}
				fun := call.Fun
				if ix, ok := fun.(*ast.IndexExpr); ok {
					fun = ix.X
				} else if ix, ok := fun.(*ast.IndexListExpr); ok {
					fun = ix.X
				}
				var id *ast.Ident
				switch x := fun.(type) {
				case *ast.Ident:
					id = x
				case *ast.SelectorExpr:
					id = x.Sel
				}
				if id == nil || id.Name == fd.Name.Name || !strings.HasPrefix(id.Name, fd.Name.Name) {
					continue
				}
				obj, ok := cp.info.Uses[id].(*types.Func)
				if !ok || obj.Pkg() != cp.info.Defs[fd.Name].Pkg() {
					continue
				}
				c.renamed[obj.Origin()] = fd.Name.Name
				c.wrappers[d] = true
			}
		}
	}
}

// nameOf is an identifier's name, the old one for a declaration --api compat renamed.
func (c *collected) nameOf(info *types.Info, id *ast.Ident) string {
	obj := info.Defs[id]
	if obj == nil {
		obj = info.Uses[id]
	}
	if fn, ok := obj.(*types.Func); ok {
		if old, ok := c.renamed[fn.Origin()]; ok {
			return old
		}
	}
	if pn, ok := obj.(*types.PkgName); ok && (pn.Imported().Path() == "context" || pn.Imported().Path() == xnetContext) {
		// Whatever its import name: ctx-legacy merges an x/net import into the file's context import.
		return "context"
	}
	return id.Name
}

// declKeys gives each top-level declaration of a file a key: kind + names (+ ordinal if repeated).
func (c *collected) declKeys(info *types.Info, f *ast.File) []string {
	seen := map[string]int{}
	var keys []string
	for _, d := range f.Decls {
		var k string
		switch x := d.(type) {
		case *ast.FuncDecl:
			k = "func "
			if x.Recv != nil && len(x.Recv.List) > 0 {
				k += "(" + recvName(x.Recv.List[0].Type) + ")."
			}
			k += c.nameOf(info, x.Name)
		case *ast.GenDecl:
			k = x.Tok.String()
			for _, s := range x.Specs {
				switch sp := s.(type) {
				case *ast.TypeSpec:
					k += " " + sp.Name.Name
				case *ast.ValueSpec:
					for _, n := range sp.Names {
						k += " " + n.Name
					}
				}
			}
		default:
			k = "bad"
		}
		keys = append(keys, k+"#"+strconv.Itoa(seen[k]))
		seen[k]++
	}
	return keys
}

// assignObjKeys names every object declared in the tree's source packages by a stable key.
func (c *collected) assignObjKeys(t *tree) {
	for _, cp := range t.order {
		for fi, f := range cp.files {
			dks := c.declKeys(cp.info, f)
			for di, d := range f.Decls {
				if c.wrappers[d] {
					continue
				}
				ord := map[string]int{}
				ast.Inspect(d, func(n ast.Node) bool {
					id, ok := n.(*ast.Ident)
					if !ok {
						return true
					}
					obj := cp.info.Defs[id]
					if obj == nil || obj.Pkg() == nil || obj.Parent() == obj.Pkg().Scope() {
						return true
					}
					if fn, ok := obj.(*types.Func); ok && fn.Type().(*types.Signature).Recv() != nil {
						if _, named := recvNamed(fn); named {
							return true
						}
					}
					base := cp.rels[fi] + "|" + dks[di] + "|"
					if v, ok := obj.(*types.Var); ok && isContext(v.Type()) && !v.IsField() {
						c.objKeys[obj] = base + "ctx " + id.Name
					} else {
						c.objKeys[obj] = base + id.Name + "#" + strconv.Itoa(ord[id.Name])
						ord[id.Name]++
					}
					return true
				})
			}
		}
	}
}

func recvNamed(fn *types.Func) (string, bool) {
	sig := fn.Type().(*types.Signature)
	if sig.Recv() == nil {
		return "", false
	}
	rt := types.Unalias(sig.Recv().Type())
	if p, ok := rt.(*types.Pointer); ok {
		rt = types.Unalias(p.Elem())
	}
	if n, ok := rt.(*types.Named); ok {
		return n.Obj().Name(), true
	}
	return "", false
}

const xnetContext = "golang.org/x/net/context"

func (c *collected) objKey(obj types.Object) string {
	switch o := obj.(type) {
	case *types.Func:
		obj = o.Origin()
	case *types.Var:
		obj = o.Origin()
	case *types.PkgName:
		if o.Imported().Path() == xnetContext {
			return "package context"
		}
		return "package " + o.Imported().Path()
	}
	if obj.Pkg() != nil && obj.Pkg().Path() == xnetContext && obj.Parent() == obj.Pkg().Scope() {
		// Since Go 1.9 golang.org/x/net/context's names are aliases of (or forward to) the standard
		// package's: ctx-legacy rewrites one into the other.
		return "context." + obj.Name()
	}
	if k, ok := c.objKeys[obj]; ok {
		return k
	}
	if obj.Pkg() == nil {
		return "universe." + obj.Name()
	}
	path := obj.Pkg().Path()
	name := obj.Name()
	if old, ok := c.renamed[obj]; ok {
		name = old
	}
	if fn, ok := obj.(*types.Func); ok {
		if r, ok := recvNamed(fn); ok {
			return path + ".(" + r + ")." + name
		}
	}
	if obj.Parent() == obj.Pkg().Scope() {
		return path + "." + name
	}
	p := c.fset.Position(obj.Pos())
	return fmt.Sprintf("%s~%s@%d:%d", path, obj.Name(), p.Line, p.Column)
}

// walker collects the facts of one file.
type walker struct {
	c       *collected
	cp      *checkedPkg
	info    *types.Info
	cn      *canoner
	rel     string
	decl    string
	ord     map[string]int
	sigs    []*types.Signature
	stack   []ast.Node
	typeDef map[*ast.InterfaceType]bool
}

func (w *walker) pos(n ast.Node) token.Position {
	p := w.c.fset.Position(n.Pos())
	p.Filename = w.rel
	return p
}

// key makes a per-declaration unique key for kind+text.
func (w *walker) key(kind, text string) string {
	k := w.rel + "|" + w.decl + "|" + kind + "|" + text
	n := w.ord[k]
	w.ord[k]++
	return k + "#" + strconv.Itoa(n)
}

func (c *collected) collectPkg(t *tree, cp *checkedPkg) {
	c.pkgs++
	for fi, f := range cp.files {
		tf := t.fset.File(f.Pos())
		w := &walker{c: c, cp: cp, info: cp.info, cn: newCanoner(cp.info, tf, cp.srcs[fi], f, c.nameOf), rel: cp.rels[fi], typeDef: map[*ast.InterfaceType]bool{}}
		dks := c.declKeys(cp.info, f)
		for di, d := range f.Decls {
			if c.wrappers[d] {
				continue
			}
			w.decl = dks[di]
			w.ord = map[string]int{}
			w.sigs = nil
			w.stack = nil
			ast.Inspect(d, w.visit)
		}
	}
}

func (w *walker) parent() ast.Node {
	if len(w.stack) < 2 {
		return nil
	}
	return w.stack[len(w.stack)-2]
}

func (w *walker) visit(n ast.Node) bool {
	if n == nil {
		top := w.stack[len(w.stack)-1]
		w.stack = w.stack[:len(w.stack)-1]
		switch top.(type) {
		case *ast.FuncDecl, *ast.FuncLit:
			w.sigs = w.sigs[:len(w.sigs)-1]
		}
		return true
	}
	w.stack = append(w.stack, n)
	info := w.info
	switch x := n.(type) {
	case *ast.FuncDecl:
		var sig *types.Signature
		if obj := info.Defs[x.Name]; obj != nil {
			sig, _ = obj.Type().(*types.Signature)
		}
		w.sigs = append(w.sigs, sig)
	case *ast.FuncLit:
		sig, _ := info.TypeOf(x).(*types.Signature)
		w.sigs = append(w.sigs, sig)
	case *ast.TypeSpec:
		if it, ok := x.Type.(*ast.InterfaceType); ok {
			w.typeDef[it] = true
		}
		if obj, ok := info.Defs[x.Name].(*types.TypeName); ok && !obj.IsAlias() {
			if nt, ok := obj.Type().(*types.Named); ok && nt.TypeParams().Len() == 0 {
				k := w.c.objKey(obj)
				w.c.named[k] = typeSite{key: k, pos: w.pos(x.Name), t: nt, desc: typeStr(nt)}
				if it, ok := nt.Underlying().(*types.Interface); ok && !(it.Empty()) {
					w.c.ifaces[k] = typeSite{key: k, pos: w.pos(x.Name), t: nt, desc: typeStr(nt)}
				}
			}
		}
	case *ast.InterfaceType:
		if !w.typeDef[x] {
			if it, ok := info.TypeOf(x).(*types.Interface); ok && !it.Empty() {
				k := w.key("interface", w.cn.canon(x))
				w.c.ifaces[k] = typeSite{key: k, pos: w.pos(x), t: it, desc: typeStr(it)}
			}
		}
	case *ast.AssignStmt:
		if x.Tok == token.ASSIGN || x.Tok == token.DEFINE {
			var dst []types.Type
			for _, l := range x.Lhs {
				var t types.Type
				if x.Tok == token.ASSIGN {
					t = info.TypeOf(l)
				} else if id, ok := l.(*ast.Ident); ok && info.Defs[id] == nil {
					if o := info.Uses[id]; o != nil {
						t = o.Type()
					}
				}
				dst = append(dst, t)
			}
			w.pairs("assignment", x, dst, x.Rhs)
		}
	case *ast.ValueSpec:
		if x.Type != nil {
			t := info.TypeOf(x.Type)
			dst := make([]types.Type, len(x.Names))
			for i := range dst {
				dst[i] = t
			}
			w.pairs("variable", x, dst, x.Values)
		}
	case *ast.ReturnStmt:
		if len(w.sigs) > 0 && w.sigs[len(w.sigs)-1] != nil {
			res := w.sigs[len(w.sigs)-1].Results()
			var dst []types.Type
			for i := 0; i < res.Len(); i++ {
				dst = append(dst, res.At(i).Type())
			}
			if len(x.Results) > 0 {
				w.pairs("return", x, dst, x.Results)
			}
		}
	case *ast.SendStmt:
		if ch, ok := info.TypeOf(x.Chan).Underlying().(*types.Chan); ok {
			w.site("send", x, ch.Elem(), x.Value, nil)
		}
	case *ast.CompositeLit:
		w.compositeLit(x)
	case *ast.CallExpr:
		w.call(x)
	case *ast.RangeStmt:
		if t := info.TypeOf(x.X); t != nil {
			if sig, ok := t.Underlying().(*types.Signature); ok {
				k := w.key("range-over-func", w.cn.canon(x.X))
				w.c.add(&fact{key: k, rel: "range over func", pos: w.pos(x.X), cmp: strconv.Itoa(sig.Params().Len()), desc: typeStr(t)})
			}
		}
	case *ast.TypeAssertExpr:
		if x.Type != nil {
			w.assertSite(x.Type, "type assertion")
		}
	case *ast.TypeSwitchStmt:
		for _, s := range x.Body.List {
			cc := s.(*ast.CaseClause)
			for _, e := range cc.List {
				if tv, ok := info.Types[e]; ok && tv.IsType() {
					w.assertSite(e, "type switch case")
				}
			}
		}
	case *ast.Ident:
		w.use(x)
	}
	return true
}

func (w *walker) assertSite(te ast.Expr, what string) {
	t := w.info.TypeOf(te)
	if t == nil {
		return
	}
	k := w.key(what, w.cn.canon(te))
	w.c.asserts[k] = typeSite{key: k, pos: w.pos(te), t: t, desc: typeStr(t), kind: what}
}

// pairs matches destination types with values (one multi-value call, or one value each).
func (w *walker) pairs(kind string, stmt ast.Node, dst []types.Type, rhs []ast.Expr) {
	if len(rhs) == 1 && len(dst) > 1 {
		if tup, ok := w.info.TypeOf(rhs[0]).(*types.Tuple); ok {
			for i := 0; i < tup.Len() && i < len(dst); i++ {
				w.site(fmt.Sprintf("%s (result %d)", kind, i), stmt, dst[i], rhs[0], tup.At(i).Type())
			}
		}
		return
	}
	for i := range rhs {
		if i < len(dst) {
			w.site(kind, stmt, dst[i], rhs[i], nil)
		}
	}
}

func hasFunc(t types.Type, seen map[types.Type]bool) bool {
	if t == nil || seen[t] {
		return false
	}
	seen[t] = true
	switch u := t.Underlying().(type) {
	case *types.Signature:
		return true
	case *types.Pointer:
		return hasFunc(u.Elem(), seen)
	case *types.Slice:
		return hasFunc(u.Elem(), seen)
	case *types.Array:
		return hasFunc(u.Elem(), seen)
	case *types.Chan:
		return hasFunc(u.Elem(), seen)
	case *types.Map:
		return hasFunc(u.Key(), seen) || hasFunc(u.Elem(), seen)
	case *types.Struct:
		for i := 0; i < u.NumFields(); i++ {
			if hasFunc(u.Field(i).Type(), seen) {
				return true
			}
		}
	}
	return false
}

func isInterface(t types.Type) bool {
	if t == nil {
		return false
	}
	_, ok := t.Underlying().(*types.Interface)
	return ok
}

// site records one implicit or explicit conversion of value e (type src, or e's type) to dst.
func (w *walker) site(kind string, ctxNode ast.Node, dst types.Type, e ast.Expr, src types.Type) {
	if dst == nil || e == nil {
		return
	}
	if src == nil {
		src = w.info.TypeOf(e)
	}
	if src == nil {
		return
	}
	if b, ok := src.(*types.Basic); ok && b.Kind() == types.UntypedNil {
		return
	}
	if _, tp := dst.(*types.TypeParam); tp {
		return
	}
	text := w.cn.canon(e) + " in " + w.cn.canon(ctxNode)
	conv := strings.HasPrefix(kind, "conversion")
	ok := func() bool {
		if conv {
			return types.ConvertibleTo(src, dst)
		}
		return types.AssignableTo(src, dst)
	}
	verb := "assignable to"
	if conv {
		verb = "convertible to"
	}
	if isInterface(dst) && !isInterface(src) {
		k := w.key("implements/"+kind, text)
		good := ok()
		w.c.add(&fact{key: k, rel: "implements (" + kind + ")", pos: w.pos(e), cmp: strconv.FormatBool(good),
			desc: fmt.Sprintf("%s %s %s = %v", typeStr(src), verb, typeStr(dst), good)})
		sk := w.key("dynamic type/"+kind, text)
		w.c.stores[sk] = typeSite{key: sk, pos: w.pos(e), t: src, desc: typeStr(src)}
	}
	if hasFunc(src, map[types.Type]bool{}) || hasFunc(dst, map[types.Type]bool{}) {
		k := w.key("func value/"+kind, text)
		good := ok()
		w.c.add(&fact{key: k, rel: "func value " + verb + " (" + kind + ")", pos: w.pos(e), cmp: strconv.FormatBool(good),
			desc: fmt.Sprintf("%s %s %s = %v", typeStr(src), verb, typeStr(dst), good)})
	}
}

func (w *walker) compositeLit(x *ast.CompositeLit) {
	t := w.info.TypeOf(x)
	if t == nil {
		return
	}
	u := t.Underlying()
	if p, ok := u.(*types.Pointer); ok {
		u = p.Elem().Underlying()
	}
	for i, el := range x.Elts {
		kv, _ := el.(*ast.KeyValueExpr)
		switch ct := u.(type) {
		case *types.Struct:
			if kv != nil {
				if id, ok := kv.Key.(*ast.Ident); ok {
					for j := 0; j < ct.NumFields(); j++ {
						if ct.Field(j).Name() == id.Name {
							w.site("composite literal field", x, ct.Field(j).Type(), kv.Value, nil)
						}
					}
				}
			} else if i < ct.NumFields() {
				w.site("composite literal field", x, ct.Field(i).Type(), el, nil)
			}
		case *types.Slice, *types.Array:
			var et types.Type
			if s, ok := ct.(*types.Slice); ok {
				et = s.Elem()
			} else {
				et = ct.(*types.Array).Elem()
			}
			if kv != nil {
				el = kv.Value
			}
			w.site("composite literal element", x, et, el, nil)
		case *types.Map:
			if kv != nil {
				w.site("composite literal key", x, ct.Key(), kv.Key, nil)
				w.site("composite literal element", x, ct.Elem(), kv.Value, nil)
			}
		}
	}
}

func (w *walker) call(x *ast.CallExpr) {
	info := w.info
	tv, ok := info.Types[x.Fun]
	if !ok {
		return
	}
	if tv.IsType() {
		if len(x.Args) == 1 {
			w.site("conversion", x, tv.Type, x.Args[0], nil)
		}
		return
	}
	if tv.IsBuiltin() {
		return
	}
	sig, ok := tv.Type.Underlying().(*types.Signature)
	if !ok {
		return
	}
	if producesContext(info, x) {
		return // nothing to bind; a rewrite may add or replace such calls (an inserted argument, a plumbed context.TODO())
	}
	params := sig.Params()
	np := params.Len()
	pid := func(j int) string {
		v := params.At(j)
		if v.Name() != "" && v.Name() != "_" {
			return v.Name()
		}
		cls := isContext(v.Type())
		k := 0
		for i := 0; i < j; i++ {
			if isContext(params.At(i).Type()) == cls {
				k++
			}
		}
		if cls {
			return "ctx#" + strconv.Itoa(k)
		}
		return "#" + strconv.Itoa(k)
	}
	var items []string
	if len(x.Args) == 1 && np > 1 {
		if tup, ok := info.TypeOf(x.Args[0]).(*types.Tuple); ok {
			var ps []string
			for j := 0; j < np; j++ {
				ps = append(ps, pid(j))
				if j < tup.Len() {
					w.site(fmt.Sprintf("argument (result %d)", j), x, params.At(j).Type(), x.Args[0], tup.At(j).Type())
				}
			}
			items = append(items, w.cn.canon(x.Args[0])+" → "+strings.Join(ps, ","))
		}
	}
	if items == nil {
		for i, a := range x.Args {
			var p string
			var dst types.Type
			switch {
			case sig.Variadic() && i >= np-1 && !x.Ellipsis.IsValid():
				p = pid(np-1) + "[" + strconv.Itoa(i-(np-1)) + "]"
				if s, ok := params.At(np - 1).Type().(*types.Slice); ok {
					dst = s.Elem()
				}
			case i < np:
				p = pid(i)
				dst = params.At(i).Type()
			default:
				p = "?"
			}
			item := w.cn.canon(a) + " → " + p
			if w.cn.isCtxExpr(a) && dst != nil && isContext(dst) {
				item = "~" + item // a context argument bound to a context parameter: a rewrite may add one
			}
			items = append(items, item)
			if dst != nil {
				w.site("argument", x, dst, a, nil)
			}
		}
	}
	sort.Strings(items)
	k := w.key("call", w.cn.canon(x))
	w.c.add(&fact{key: k, rel: "call binding of " + w.cn.canon(x.Fun), pos: w.pos(x), multiset: true, items: items})
}

func (w *walker) use(id *ast.Ident) {
	obj := w.info.Uses[id]
	if obj == nil || id.Name == "_" {
		return
	}
	text := w.c.nameOf(w.info, id)
	if sel, ok := w.parent().(*ast.SelectorExpr); ok && sel.Sel == id {
		text = w.cn.canon(sel)
	}
	item := w.c.objKey(obj)
	if contextTODO(obj) {
		item = "~?" + item
	} else if sel, ok := w.parent().(*ast.SelectorExpr); ok && sel.X == id && contextObject(w.info.Uses[sel.Sel]) {
		item = "~" + item // the receiver of an added r.Context(), t.Context()
	} else if contextObject(obj) {
		item = "~" + item
	}
	k := w.rel + "|" + w.decl + "|use|" + text
	w.c.add(&fact{key: k, rel: "resolution of " + text, pos: w.pos(id), multiset: true, items: []string{item}})
}

// producesContext: a call of a function or method that takes nothing and returns just a context
// (context.Background(), context.TODO(), r.Context(), t.Context()).
func producesContext(info *types.Info, x *ast.CallExpr) bool {
	var id *ast.Ident
	switch f := ast.Unparen(x.Fun).(type) {
	case *ast.Ident:
		id = f
	case *ast.SelectorExpr:
		id = f.Sel
	}
	return id != nil && len(x.Args) == 0 && contextObject(info.Uses[id])
}

// contextTODO: context.TODO, which ctx-plumb replaces with the context it threads, and the context
// package (`context.TODO()` may have been its only use there): a rewrite may add or remove uses of them.
func contextTODO(obj types.Object) bool {
	if p, ok := obj.(*types.PkgName); ok {
		return p.Imported().Path() == "context" || p.Imported().Path() == "golang.org/x/net/context"
	}
	f, ok := obj.(*types.Func)
	return ok && f.Pkg() != nil && (f.Pkg().Path() == "context" || f.Pkg().Path() == "golang.org/x/net/context") && f.Name() == "TODO"
}

// contextObject: a context-typed variable, the context package, a name of the type
// context.Context, or a function or method taking nothing and returning just a context
// (context.Background, (*http.Request).Context, (*testing.T).Context) — what a rewrite may add uses
// of (an inserted `ctx context.Context` parameter, and the argument its calls pass).
func contextObject(obj types.Object) bool {
	switch o := obj.(type) {
	case *types.Func:
		sig, ok := o.Type().(*types.Signature)
		return ok && sig.Params().Len() == 0 && sig.Results().Len() == 1 && isContext(sig.Results().At(0).Type())
	case *types.Var:
		return isContext(o.Type())
	case *types.TypeName:
		return isContext(o.Type())
	case *types.PkgName:
		p := o.Imported().Path()
		return p == "context" || p == "golang.org/x/net/context"
	}
	return false
}
