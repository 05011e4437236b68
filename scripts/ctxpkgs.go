// ctxpkgs: which packages of a Go source tree declare a parameter of type context.Context.
// Used by the standard-library round trip (scripts/roundtrip-lib.ts) to say where ctx-last can start.
//
// Usage: go run ctxpkgs.go SRCDIR
//
// Prints one JSON object per line for every package directory (relative to SRCDIR, slash-separated)
// holding a func declaration, func literal, interface method or func type with a context parameter:
//
//	{"dir":"net/http","sigs":120,"notLast":80}
//
// sigs counts those signatures; notLast the ones whose context is followed by a parameter that is
// neither a context nor variadic (the ones ctx-last wants to move). Syntactic, like goshift: the
// context is `X.Context` where X is a file's name for the import "context" (or
// "golang.org/x/net/context"), or a plain `Context` inside the package context itself. Skipped like
// goshift skips them: vendor/, testdata/, directories starting with `.` or `_`, nested modules (cmd/).
package main

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

type pkgInfo struct {
	Dir     string `json:"dir"`
	Sigs    int    `json:"sigs"`
	NotLast int    `json:"notLast"`
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go run ctxpkgs.go SRCDIR")
		os.Exit(2)
	}
	root := os.Args[1]
	infos := map[string]*pkgInfo{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p == root {
				return nil
			}
			if name == "vendor" || name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil {
				return filepath.SkipDir // a nested module (cmd)
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil // not parseable: goshift refuses it too
		}
		rel, _ := filepath.Rel(root, filepath.Dir(p))
		rel = filepath.ToSlash(rel)
		isCtx := contextMatcher(f, rel)
		if isCtx == nil {
			return nil
		}
		ast.Inspect(f, func(n ast.Node) bool {
			ft, ok := n.(*ast.FuncType)
			if !ok || ft.Params == nil {
				return true
			}
			var kinds []byte // 'c' context, 'v' variadic, 'o' other; one per parameter
			for _, field := range ft.Params.List {
				k := byte('o')
				if isCtx(field.Type) {
					k = 'c'
				} else if _, ok := field.Type.(*ast.Ellipsis); ok {
					k = 'v'
				}
				count := len(field.Names)
				if count == 0 {
					count = 1
				}
				for i := 0; i < count; i++ {
					kinds = append(kinds, k)
				}
			}
			s := string(kinds)
			if !strings.Contains(s, "c") {
				return true
			}
			info := infos[rel]
			if info == nil {
				info = &pkgInfo{Dir: rel}
				infos[rel] = info
			}
			info.Sigs++
			if strings.Contains(s[strings.Index(s, "c"):], "o") {
				info.NotLast++
			}
			return true
		})
		return nil
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "ctxpkgs:", err)
		os.Exit(1)
	}
	dirs := make([]string, 0, len(infos))
	for d := range infos {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	enc := json.NewEncoder(os.Stdout)
	for _, d := range dirs {
		if err := enc.Encode(infos[d]); err != nil {
			fmt.Fprintln(os.Stderr, "ctxpkgs:", err)
			os.Exit(1)
		}
	}
}

// contextMatcher returns a test for "this type expression is context.Context" in f, or nil when f
// cannot name context.Context.
func contextMatcher(f *ast.File, dir string) func(ast.Expr) bool {
	names := map[string]bool{}
	for _, imp := range f.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		if path != "context" && path != "golang.org/x/net/context" {
			continue
		}
		name := "context"
		if imp.Name != nil {
			name = imp.Name.Name
		}
		if name != "_" && name != "." {
			names[name] = true
		}
	}
	local := dir == "context" && f.Name.Name == "context" // package context declares Context itself
	if len(names) == 0 && !local {
		return nil
	}
	return func(e ast.Expr) bool {
		switch t := e.(type) {
		case *ast.SelectorExpr:
			x, ok := t.X.(*ast.Ident)
			return ok && names[x.Name] && t.Sel.Name == "Context"
		case *ast.Ident:
			return local && t.Name == "Context"
		}
		return false
	}
}
