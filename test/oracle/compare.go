package main

import (
	"fmt"
	"go/token"
	"go/types"
	"sort"
	"strings"
)

type broken struct {
	pos  token.Position
	line string // "<relation>: <before> → <after>"
}

func (b broken) String() string {
	if b.pos.Filename == "" {
		return b.line
	}
	return fmt.Sprintf("%s:%d:%d: %s", b.pos.Filename, b.pos.Line, b.pos.Column, b.line)
}

func showItems(items []string) string {
	if len(items) == 0 {
		return "(none)"
	}
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = strings.TrimPrefix(strings.TrimPrefix(it, "~"), "?")
	}
	return strings.Join(out, "; ")
}

// compare returns every relation of BEFORE that does not hold in AFTER, and how many were checked.
func compare(b, a *collected) ([]broken, int) {
	var out []broken
	n := 0
	for _, k := range b.order {
		fb := b.facts[k]
		fa := a.facts[k]
		n++
		if fa == nil && fb.multiset && allRemovable(fb.items) {
			continue
		}
		if fa == nil {
			what := fb.desc
			if fb.multiset {
				what = showItems(fb.items)
			}
			out = append(out, broken{fb.pos, fmt.Sprintf("%s: %s → (no counterpart in AFTER)", fb.rel, what)})
			continue
		}
		if fb.multiset {
			left := map[string]int{}
			for _, it := range fa.items {
				left[it]++
			}
			bad := false
			for _, it := range fb.items {
				if left[it] > 0 {
					left[it]--
				} else if !strings.HasPrefix(it, "~?") {
					bad = true
				}
			}
			for it, c := range left {
				if c > 0 && !strings.HasPrefix(it, "~") {
					bad = true
				}
			}
			if bad {
				out = append(out, broken{fa.pos, fmt.Sprintf("%s: %s → %s", fb.rel, showItems(fb.items), showItems(fa.items))})
			}
		} else if fb.cmp != fa.cmp {
			out = append(out, broken{fa.pos, fmt.Sprintf("%s: %s → %s", fb.rel, fb.desc, fa.desc)})
		}
	}

	// Relation 1: every named type (and its pointer) against every interface.
	missing := func(kind string, bm, am map[string]typeSite) []string {
		var keys []string
		for k, s := range bm {
			if _, ok := am[k]; !ok {
				out = append(out, broken{s.pos, fmt.Sprintf("%s %s: declared in BEFORE → (no counterpart in AFTER)", kind, s.desc)})
				continue
			}
			keys = append(keys, k)
		}
		sort.Strings(keys)
		return keys
	}
	tkeys := missing("type", b.named, a.named)
	ikeys := missing("interface", b.ifaces, a.ifaces)
	for _, tk := range tkeys {
		for _, ik := range ikeys {
			if tk == ik {
				continue
			}
			tb, ta := b.named[tk].t, a.named[tk].t
			ib, ia := b.ifaces[ik], a.ifaces[ik]
			check := func(x, y types.Type, star string) {
				n++
				vb, va := implements(x, ib.t), implements(y, ia.t)
				if vb != va {
					out = append(out, broken{a.named[tk].pos, fmt.Sprintf("implements: %s%s implements %s = %v → %s%s implements %s = %v (interface at %s)",
						star, b.named[tk].desc, ib.desc, vb, star, a.named[tk].desc, ia.desc, va, posStr(ia.pos))})
				}
			}
			check(tb, ta, "")
			if !isInterface(tb) && !isInterface(ta) {
				check(types.NewPointer(tb), types.NewPointer(ta), "*")
			}
		}
	}

	// Relation 3: which stored dynamic types match which asserted types.
	skeys := missing("value converted to an interface, dynamic type", b.stores, a.stores)
	akeys := missing("asserted type", b.asserts, a.asserts)
	mb := matches(b, skeys, akeys)
	ma := matches(a, skeys, akeys)
	for p := range mb {
		n++
		if !ma[p] {
			out = append(out, dynBroken(b, a, p, true))
		}
	}
	for p := range ma {
		if !mb[p] {
			n++
			out = append(out, dynBroken(b, a, p, false))
		}
	}
	n += len(skeys)*len(akeys) - len(mb)
	return out, n
}

func posStr(p token.Position) string {
	return fmt.Sprintf("%s:%d:%d", p.Filename, p.Line, p.Column)
}

func implements(t types.Type, it types.Type) bool {
	i, ok := it.Underlying().(*types.Interface)
	if !ok {
		return false
	}
	if i.IsMethodSet() {
		return types.Implements(t, i)
	}
	return types.Satisfies(t, i)
}

type pair struct{ store, assert string }

// matches gives the (store, assert) pairs of one tree where the stored dynamic type matches the
// asserted type: identical for a concrete type, implements for an interface.
func matches(c *collected, skeys, akeys []string) map[pair]bool {
	qual := func(p *types.Package) string { return p.Path() }
	type group struct {
		t    types.Type
		keys []string
	}
	groupBy := func(keys []string, m map[string]typeSite) []*group {
		idx := map[string]*group{}
		var gs []*group
		for _, k := range keys {
			t := m[k].t
			s := types.TypeString(t, qual)
			g := idx[s]
			if g == nil || !types.Identical(g.t, t) {
				g = &group{t: t}
				idx[s] = g
				gs = append(gs, g)
			}
			g.keys = append(g.keys, k)
		}
		return gs
	}
	sg := groupBy(skeys, c.stores)
	ag := groupBy(akeys, c.asserts)
	res := map[pair]bool{}
	for _, s := range sg {
		for _, x := range ag {
			var ok bool
			if isInterface(x.t) {
				ok = implements(s.t, x.t)
			} else {
				ok = types.Identical(s.t, x.t)
			}
			if ok {
				for _, sk := range s.keys {
					for _, ak := range x.keys {
						res[pair{sk, ak}] = true
					}
				}
			}
		}
	}
	return res
}

func dynBroken(b, a *collected, p pair, wasMatch bool) broken {
	ab, aa := b.asserts[p.assert], a.asserts[p.assert]
	sb, sa := b.stores[p.store], a.stores[p.store]
	return broken{aa.pos, fmt.Sprintf("%s: value %s stored in an interface at %s matches .(%s) = %v → value %s matches .(%s) = %v",
		ab.kind, sb.desc, posStr(sa.pos), ab.desc, wasMatch, sa.desc, aa.desc, !wasMatch)}
}

// allRemovable: every item is one a rewrite may remove (a use of context.TODO, which ctx-plumb replaces).
func allRemovable(items []string) bool {
	for _, it := range items {
		if !strings.HasPrefix(it, "~?") {
			return false
		}
	}
	return len(items) > 0
}
