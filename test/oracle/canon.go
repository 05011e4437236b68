package main

// Canonical text of a syntax node, used as a key to find the same expression in BEFORE and AFTER:
// the source text with comments dropped and whitespace (and semicolons) collapsed, in which every
// call's argument list and every field list (parameters, results, struct fields, interface methods)
// is sorted and loses its context.Context items. So the key does not change when goshift permutes
// list items or inserts a context parameter and argument. A context variable and a call that only
// produces a context (context.TODO(), r.Context()) are both ⟨ctx⟩: ctx-plumb replaces the one by
// the other. Long texts are replaced by a hash.

import (
	"crypto/sha1"
	"encoding/hex"
	"go/ast"
	"go/token"
	"go/types"
	"sort"
	"strings"
)

type canoner struct {
	info *types.Info
	tf   *token.File
	src  []byte
	memo map[ast.Node]string
	// temps: locals that only hold a value for the next statement (goshift's temporaries, which keep
	// evaluation order): each stands for the expression it was bound to.
	temps map[types.Object]ast.Expr
	// name: an identifier's name as BEFORE had it (--api compat renames declarations).
	name func(*types.Info, *ast.Ident) string
}

func newCanoner(info *types.Info, tf *token.File, src []byte, file *ast.File, name func(*types.Info, *ast.Ident) string) *canoner {
	return &canoner{info: info, tf: tf, src: src, memo: map[ast.Node]string{}, temps: findTemps(info, file), name: name}
}

// findTemps finds `a, b := e1, e2` statements (two or more: goshift binds at least the two arguments
// that would trade places) whose every variable is used exactly once, as a whole argument of one
// call in the next statement of the same block (not inside a func literal).
func findTemps(info *types.Info, file *ast.File) map[types.Object]ast.Expr {
	uses := map[types.Object]int{}
	for id, obj := range info.Uses {
		if file.Pos() <= id.Pos() && id.Pos() < file.End() {
			uses[obj]++
		}
	}
	out := map[types.Object]ast.Expr{}
	visit := func(list []ast.Stmt) {
		for i := 0; i+1 < len(list); i++ {
			as, ok := list[i].(*ast.AssignStmt)
			if !ok || as.Tok != token.DEFINE || len(as.Lhs) < 2 || len(as.Lhs) != len(as.Rhs) {
				continue
			}
			next := list[i+1]
			// Each variable is passed, as a whole argument, to one call of the next statement, outside
			// any func literal: what goshift writes.
			var host *ast.CallExpr
			found := map[types.Object]ast.Expr{}
			for j, l := range as.Lhs {
				id, ok := l.(*ast.Ident)
				obj := info.Defs[id]
				if !ok || obj == nil || uses[obj] != 1 {
					found = nil
					break
				}
				var at *ast.CallExpr
				ast.Inspect(next, func(n ast.Node) bool {
					if at != nil {
						return false
					}
					if _, lit := n.(*ast.FuncLit); lit {
						return false
					}
					if call, ok := n.(*ast.CallExpr); ok {
						for _, a := range call.Args {
							if x, ok := a.(*ast.Ident); ok && info.Uses[x] == obj {
								at = call
							}
						}
					}
					return true
				})
				if at == nil || (host != nil && at != host) {
					found = nil
					break
				}
				host = at
				found[obj] = as.Rhs[j]
			}
			for o, e := range found {
				out[o] = e
			}
		}
	}
	ast.Inspect(file, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.BlockStmt:
			visit(x.List)
		case *ast.CaseClause:
			visit(x.Body)
		case *ast.CommClause:
			visit(x.Body)
		}
		return true
	})
	return out
}

// isContext reports whether t is context.Context (through aliases, e.g. golang.org/x/net/context).
func isContext(t types.Type) bool {
	if t == nil {
		return false
	}
	n, ok := types.Unalias(t).(*types.Named)
	if !ok || n.Obj().Pkg() == nil {
		return false
	}
	return n.Obj().Pkg().Path() == "context" && n.Obj().Name() == "Context"
}

func (c *canoner) isCtxExpr(e ast.Expr) bool {
	return isContext(c.info.TypeOf(e))
}

func norm(b []byte) string {
	var sb strings.Builder
	space := false
	for _, ch := range b {
		if ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == ';' {
			space = true
			continue
		}
		if space && sb.Len() > 0 {
			sb.WriteByte(' ')
		}
		space = false
		sb.WriteByte(ch)
	}
	return sb.String()
}

func (c *canoner) off(p token.Pos) int {
	o := c.tf.Offset(p)
	if o > len(c.src) {
		o = len(c.src)
	}
	return o
}

func (c *canoner) canon(n ast.Node) string {
	if n == nil {
		return ""
	}
	if s, ok := c.memo[n]; ok {
		return s
	}
	var s string
	switch x := n.(type) {
	case *ast.Ident:
		s = c.name(c.info, x)
		if e, ok := c.temps[c.info.Uses[x]]; ok {
			s = c.canon(e)
		} else if v, ok := c.info.Uses[x].(*types.Var); ok && isContext(v.Type()) {
			s = "⟨ctx⟩" // a context variable: ctx-plumb puts one where context.TODO() was
		} else if v, ok := c.info.Defs[x].(*types.Var); ok && isContext(v.Type()) {
			s = "⟨ctx⟩" // declared here, or (after ctx-closure gave the literal that name) assigned
		}
	case *ast.BasicLit:
		s = x.Value
	case *ast.CallExpr:
		if producesContext(c.info, x) {
			s = "⟨ctx⟩"
			break
		}
		var args []string
		for _, a := range x.Args {
			if !c.isCtxExpr(a) {
				args = append(args, c.canon(a))
			}
		}
		sort.Strings(args)
		s = c.canon(x.Fun) + "(" + strings.Join(args, ",")
		if x.Ellipsis.IsValid() {
			s += "..."
		}
		s += ")"
	case *ast.FieldList:
		var items []string
		for _, f := range x.List {
			if f.Type != nil && isContext(c.info.TypeOf(f.Type)) {
				continue
			}
			items = append(items, c.canon(f))
		}
		sort.Strings(items)
		s = "(" + strings.Join(items, ",") + ")"
	case *ast.Field:
		var names []string
		for _, nm := range x.Names {
			names = append(names, nm.Name)
		}
		s = strings.Join(names, ",") + " " + c.canon(x.Type)
		if x.Tag != nil {
			s += " " + x.Tag.Value
		}
	default:
		var kids []ast.Node
		ast.Inspect(n, func(k ast.Node) bool {
			if k == n {
				return true
			}
			if k != nil {
				if _, isCG := k.(*ast.CommentGroup); !isCG && k.Pos().IsValid() {
					kids = append(kids, k)
				}
			}
			return false
		})
		sort.SliceStable(kids, func(i, j int) bool { return kids[i].Pos() < kids[j].Pos() })
		var sb strings.Builder
		cur, end := c.off(n.Pos()), c.off(n.End())
		for _, k := range kids {
			a := c.off(k.Pos())
			if a < cur {
				continue
			}
			sb.WriteString(norm(c.src[cur:a]))
			sb.WriteByte(' ')
			sb.WriteString(c.canon(k))
			sb.WriteByte(' ')
			cur = c.off(k.End())
		}
		if cur < end {
			sb.WriteString(norm(c.src[cur:end]))
		}
		s = norm([]byte(sb.String()))
	}
	if len(s) > 160 {
		h := sha1.Sum([]byte(s))
		s = s[:40] + "…#" + hex.EncodeToString(h[:8])
	}
	c.memo[n] = s
	return s
}
