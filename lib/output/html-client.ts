// The style sheet and the script of the HTML review report (lib/output/html.ts), inlined into the
// page. Kept as plain strings: the project compiles without the DOM's types, and the script must
// run as written in any current browser. No backquote and no dollar-brace below (String.raw templates):
// a backquote in the script is written \x60.

export const STYLE = String.raw`
:root {
  --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --panel: #f6f8fa; --accent: #0969da;
  --add: #e6ffec; --add-w: #abf2bc; --add-ln: #d1f8d9; --del: #ffebe9; --del-w: #ffb8b0; --del-ln: #ffd7d5;
  --hunk: #ddf4ff; --flash: #fff8c5;
  --k: #cf222e; --s: #0a3069; --c: #6e7781; --n: #0550ae; --t: #953800; --f: #8250df; --b: #0550ae;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --panel: #151b23; --accent: #4493f8;
    --add: #12261e; --add-w: #1f6f3a; --add-ln: #1b4721; --del: #25171c; --del-w: #8e2b2b; --del-ln: #542426;
    --hunk: #121d2f; --flash: #3b2e00;
    --k: #ff7b72; --s: #a5d6ff; --c: #9198a1; --n: #79c0ff; --t: #ffa657; --f: #d2a8ff; --b: #79c0ff;
  }
}
* { box-sizing: border-box; }
html { scroll-padding-top: 64px; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { padding: 0 20px 40vh; max-width: 1800px; margin: 0 auto; }
h1 { font-size: 22px; margin: 18px 0 2px; }
h2 { font-size: 17px; margin: 26px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h2 .n { color: var(--muted); font-weight: normal; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
code, .code, pre, .mono { font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 12px; }
.meta { color: var(--muted); margin: 0 0 10px; }
nav.toc a { margin-right: 14px; }
.totals { display: flex; flex-wrap: wrap; gap: 8px; margin: 12px 0; }
.tot { border: 1px solid var(--line); border-radius: 6px; padding: 6px 12px; background: var(--panel); min-width: 120px; }
.tot b { display: block; font-size: 20px; }
.tot span { color: var(--muted); font-size: 12px; }
.tot.bad b { color: var(--k); }
.bar { position: sticky; top: 0; z-index: 5; display: flex; flex-wrap: wrap; gap: 14px; align-items: center; padding: 8px 0; background: var(--bg); border-bottom: 1px solid var(--line); }
.bar input[type=search] { width: min(420px, 60vw); padding: 5px 8px; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--fg); font: inherit; }
.bar fieldset { border: 1px solid var(--line); border-radius: 6px; padding: 2px 8px; margin: 0; }
.bar button { font: inherit; padding: 3px 10px; border: 1px solid var(--line); border-radius: 6px; background: var(--panel); color: var(--fg); cursor: pointer; }
.bar .shown { color: var(--muted); }
table.pk { border-collapse: collapse; width: 100%; }
table.pk th, table.pk td { border-bottom: 1px solid var(--line); padding: 3px 8px; text-align: right; white-space: nowrap; }
table.pk th:first-child, table.pk td:first-child { text-align: left; white-space: normal; }
table.pk thead th { background: var(--panel); position: sticky; top: 49px; }
table.pk tfoot td { font-weight: bold; }
table.pk td.z { color: var(--muted); }
ul.la, ul.plain { list-style: none; padding: 0; margin: 0; }
ul.la > li { border: 1px solid var(--line); border-radius: 6px; padding: 6px 10px; margin: 6px 0; }
.tag { display: inline-block; font-size: 11px; padding: 0 6px; border-radius: 10px; border: 1px solid var(--line); color: var(--muted); margin-left: 4px; }
.why { margin: 2px 0; }
ul.mem { margin: 4px 0 0 18px; padding: 0; }
details > summary { cursor: pointer; color: var(--muted); }
.ex { border: 1px solid var(--line); border-radius: 4px; margin: 4px 0; overflow-x: auto; background: var(--panel); }
.ex div { white-space: pre; tab-size: 4; padding: 0 8px 0 0; }
.ex div.at { background: var(--flash); }
.ex div.exh { color: var(--muted); padding: 0 8px; border-bottom: 1px solid var(--line); font-size: 11px; }
.ex .ln { display: inline-block; min-width: 4.5em; padding: 0 8px; color: var(--muted); text-align: right; user-select: none; }
section.file { border: 1px solid var(--line); border-radius: 6px; margin: 10px 0; content-visibility: auto; contain-intrinsic-size: auto 400px; }
section.file > header { display: flex; flex-wrap: wrap; gap: 6px 12px; align-items: baseline; padding: 6px 10px; background: var(--panel); border-bottom: 1px solid var(--line); border-radius: 6px 6px 0 0; position: sticky; top: 49px; z-index: 2; }
section.file > header .path { font-weight: 600; }
section.file > header .pkg { color: var(--muted); }
section.file > header .cnt { color: var(--muted); font-size: 12px; }
section.file > header button.fold { font: inherit; border: none; background: none; color: var(--muted); cursor: pointer; padding: 0 4px; }
section.file.folded > .body { display: none; }
section.file.folded > header { border-bottom: none; }
.body { overflow-x: auto; }
.body.pending { background: repeating-linear-gradient(var(--bg) 0 20px, var(--panel) 20px 40px); }
table.dt { border-collapse: collapse; width: 100%; table-layout: fixed; }
table.dt td { padding: 0; vertical-align: top; line-height: 20px; }
table.dt td.ln { width: 4.5em; padding: 0 8px; color: var(--muted); text-align: right; user-select: none; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 12px; }
table.dt td.cd { white-space: pre-wrap; overflow-wrap: anywhere; tab-size: 4; padding-left: 4px; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 12px; }
table.dt.split td.cd { border-right: 1px solid var(--line); }
table.dt .sg { display: inline-block; width: 1.2em; color: var(--muted); user-select: none; }
table.dt tr.hk td { background: var(--hunk); color: var(--muted); padding: 0 8px; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; }
table.dt td.a { background: var(--add); }
table.dt td.d { background: var(--del); }
table.dt td.ln.a { background: var(--add-ln); }
table.dt td.ln.d { background: var(--del-ln); }
table.dt td.e { background: var(--panel); }
table.dt td.nt { box-shadow: inset 3px 0 0 var(--accent); cursor: help; }
table.dt tr.at td, table.dt tr.at td.cd { background: var(--flash); }
td.a .w { background: var(--add-w); border-radius: 2px; }
td.d .w { background: var(--del-w); border-radius: 2px; }
.k { color: var(--k); } .s { color: var(--s); } .c { color: var(--c); font-style: italic; } .n { color: var(--n); }
.t { color: var(--t); } .f { color: var(--f); } .b { color: var(--b); } .o { color: var(--n); }
.flash { animation: flash 1.6s ease-out; }
@keyframes flash { from { background: var(--flash); } }
[hidden] { display: none !important; }
.none { color: var(--muted); font-style: italic; }
`;

export const SCRIPT = String.raw`
(function () {
  'use strict';
  if (window.performance && performance.mark) performance.mark('goshift-start');
  var FILES = [];
  var byPath = Object.create(null);
  var KINDS = { s: 'signature', c: 'call', r: 'rewrite' };

  // ------------------------------------------------------------------ Go, coloured line by line
  var KW = words('break case chan const continue default defer else fallthrough for func go goto if import interface map package range return select struct switch type var');
  var TY = words('any bool byte comparable complex64 complex128 error float32 float64 int int8 int16 int32 int64 rune string uint uint8 uint16 uint32 uint64 uintptr');
  var BI = words('append cap clear close complex copy delete imag len make max min new panic print println real recover');
  var CO = words('true false iota nil');
  function words(s) { var o = Object.create(null); s.split(' ').forEach(function (w) { o[w] = 1; }); return o; }
  var ID = /[\p{L}_][\p{L}\p{N}_]*/uy;
  var NUM = /(?:0[xX][0-9a-fA-F_]*(?:\.[0-9a-fA-F_]*)?(?:[pP][+-]?[0-9_]+)?|0[bBoO][0-7_]+|[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][+-]?[0-9_]+)?|\.[0-9][0-9_]*(?:[eE][+-]?[0-9_]+)?)i?/y;

  // Spans [from, to, class] of one line; st.m carries a block comment (1) or raw string (2) over lines.
  function lex(s, st) {
    var out = [], i = 0, n = s.length, j;
    if (st.m === 1) {
      j = s.indexOf('*/');
      if (j < 0) return [[0, n, 'c']];
      out.push([0, j + 2, 'c']); i = j + 2; st.m = 0;
    } else if (st.m === 2) {
      j = s.indexOf('\x60');
      if (j < 0) return [[0, n, 's']];
      out.push([0, j + 1, 's']); i = j + 1; st.m = 0;
    }
    while (i < n) {
      var c = s.charCodeAt(i), ch = s[i];
      if (ch === '/' && s[i + 1] === '/') { out.push([i, n, 'c']); break; }
      if (ch === '/' && s[i + 1] === '*') {
        j = s.indexOf('*/', i + 2);
        if (j < 0) { out.push([i, n, 'c']); st.m = 1; break; }
        out.push([i, j + 2, 'c']); i = j + 2; continue;
      }
      if (ch === '"' || ch === "'") {
        j = i + 1;
        while (j < n && s[j] !== ch) j += s[j] === '\\' ? 2 : 1;
        j = Math.min(j + 1, n);
        out.push([i, j, 's']); i = j; continue;
      }
      if (ch === '\x60') {
        j = s.indexOf('\x60', i + 1);
        if (j < 0) { out.push([i, n, 's']); st.m = 2; break; }
        out.push([i, j + 1, 's']); i = j + 1; continue;
      }
      if ((c >= 48 && c <= 57) || (ch === '.' && /[0-9]/.test(s[i + 1] || ''))) {
        NUM.lastIndex = i;
        var m = NUM.exec(s);
        j = m && m[0].length > 0 ? i + m[0].length : i + 1;
        out.push([i, j, 'n']); i = j; continue;
      }
      if (ch === '_' || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c > 127) {
        ID.lastIndex = i;
        var w = ID.exec(s);
        if (!w) { i++; continue; }
        var word = w[0];
        j = i + word.length;
        var k = j;
        while (s[k] === ' ') k++;
        var call = s[k] === '(';
        var cls = KW[word] ? 'k' : TY[word] ? 't' : CO[word] ? 'o' : BI[word] && call ? 'b' : call ? 'f' : '';
        if (cls) out.push([i, j, cls]);
        i = j; continue;
      }
      i++;
    }
    return out;
  }

  function esc(s) { return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'); }

  // HTML of a line: its Go colours, and the changed part [a, b) marked (a < 0: none).
  function paint(s, spans, a, b) {
    var cuts = [0, s.length];
    for (var x = 0; x < spans.length; x++) cuts.push(spans[x][0], spans[x][1]);
    if (a >= 0 && b > a) cuts.push(a, b);
    cuts.sort(function (p, q) { return p - q; });
    var html = '', si = 0;
    for (var y = 0; y < cuts.length - 1; y++) {
      var from = cuts[y], to = cuts[y + 1];
      if (to <= from) continue;
      while (si < spans.length && spans[si][1] <= from) si++;
      var cls = si < spans.length && spans[si][0] <= from ? spans[si][2] : '';
      if (a >= 0 && from >= a && to <= b) cls = cls ? cls + ' w' : 'w';
      var t = esc(s.slice(from, to));
      html += cls ? '<span class="' + cls + '">' + t + '</span>' : t;
    }
    return html;
  }

  var WORD = /[\p{L}\p{N}_]/u;
  // The changed middle of two lines: [start, endInOld, endInNew] after their common prefix and suffix.
  function middle(o, n) {
    var p = 0, lim = Math.min(o.length, n.length);
    while (p < lim && o[p] === n[p]) p++;
    var so = o.length, sn = n.length;
    while (so > p && sn > p && o[so - 1] === n[sn - 1]) { so--; sn--; }
    // Whole words: ctx -> c|tx would mark half an identifier.
    while (p > 0 && WORD.test(o[p - 1]) && (WORD.test(o[p] || '') || WORD.test(n[p] || ''))) p--;
    while (so < o.length && sn < n.length && WORD.test(o[so]) && (WORD.test(o[so - 1] || '') || WORD.test(n[sn - 1] || ''))) { so++; sn++; }
    return [p, so, sn];
  }

  // ------------------------------------------------------------------ diffs
  var HUNK = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/;
  function parse(diff) {
    var lines = diff.split('\n'), hunks = [], h = null;
    if (lines[lines.length - 1] === '') lines.pop();
    for (var i = 0; i < lines.length; i++) {
      var l = lines[i], m = HUNK.exec(l);
      if (m) { h = { o: +m[1], n: +m[2], head: l, rows: [] }; hunks.push(h); continue; }
      if (!h) continue;
      var t = l[0];
      if (t === ' ' || t === '-' || t === '+') h.rows.push([t, l.slice(1).replace(/\r$/, '')]);
      else if (t === '\\') h.rows.push(['\\', l]);
    }
    return hunks;
  }

  function notesOf(f) {
    if (f.notes) return f.notes;
    var by = Object.create(null);
    f.edits.forEach(function (e) {
      (by[e[0]] = by[e[0]] || []).push(KINDS[e[2]] + ' (' + e[3] + '): ' + e[4] + (e[5] ? ' [linked set ' + e[5] + ']' : ''));
    });
    return (f.notes = by);
  }

  function lnCell(n, cls, notes) {
    if (n === null) return '<td class="ln ' + cls + '"></td>';
    var nt = notes && notes[n];
    return nt
      ? '<td class="ln ' + cls + ' nt" title="' + esc(nt.join('\n')).replace(/"/g, '&quot;') + '">' + n + '</td>'
      : '<td class="ln ' + cls + '">' + n + '</td>';
  }

  // Rows of one hunk as blocks: {t: ' '|'\\', text} or {dels: [], adds: []} with line numbers and HTML.
  function blocks(h) {
    var out = [], o = h.o, n = h.n, so = { m: 0 }, sn = { m: 0 }, rows = h.rows, i = 0;
    while (i < rows.length) {
      var r = rows[i];
      if (r[0] === ' ') {
        var sp = lex(r[1], so); lex(r[1], sn);
        out.push({ t: ' ', o: o++, n: n++, html: paint(r[1], sp, -1, -1) });
        i++; continue;
      }
      if (r[0] === '\\') { out.push({ t: '\\', text: r[1] }); i++; continue; }
      var dels = [], adds = [];
      while (i < rows.length && (rows[i][0] === '-' || (rows[i][0] === '\\' && dels.length && !adds.length))) { if (rows[i][0] === '-') dels.push({ o: o++, s: rows[i][1] }); i++; }
      while (i < rows.length && (rows[i][0] === '+' || (rows[i][0] === '\\' && adds.length))) { if (rows[i][0] === '+') adds.push({ n: n++, s: rows[i][1] }); i++; }
      for (var k = 0; k < Math.max(dels.length, adds.length); k++) {
        var d = dels[k], a = adds[k], md = d && a ? middle(d.s, a.s) : null;
        if (d) d.html = paint(d.s, lex(d.s, so), md ? md[0] : -1, md ? md[1] : -1);
        if (a) a.html = paint(a.s, lex(a.s, sn), md ? md[0] : -1, md ? md[2] : -1);
      }
      out.push({ dels: dels, adds: adds });
    }
    return out;
  }

  function renderDiff(f, mode) {
    var hunks = parse(f.diff), notes = notesOf(f), split = mode === 'split', html = [];
    html.push('<table class="dt ' + (split ? 'split' : 'inline') + '">');
    html.push(split
      ? '<colgroup><col style="width:4.5em"><col><col style="width:4.5em"><col></colgroup>'
      : '<colgroup><col style="width:4.5em"><col style="width:4.5em"><col></colgroup>');
    var span = split ? 4 : 3;
    hunks.forEach(function (h) {
      html.push('<tr class="hk"><td colspan="' + span + '">' + esc(h.head) + '</td></tr>');
      blocks(h).forEach(function (b) {
        if (b.t === ' ') {
          var code = '<td class="cd"><span class="sg"> </span>' + b.html + '</td>';
          html.push(split
            ? '<tr data-o="' + b.o + '">' + lnCell(b.o, '', notes) + code + lnCell(b.n, '', null) + code + '</tr>'
            : '<tr data-o="' + b.o + '">' + lnCell(b.o, '', notes) + lnCell(b.n, '', null) + code + '</tr>');
          return;
        }
        if (b.t === '\\') {
          html.push('<tr class="hk"><td colspan="' + span + '">' + esc(b.text) + '</td></tr>');
          return;
        }
        if (split) {
          for (var k = 0; k < Math.max(b.dels.length, b.adds.length); k++) {
            var d = b.dels[k], a = b.adds[k];
            html.push('<tr' + (d ? ' data-o="' + d.o + '"' : '') + '>' +
              (d ? lnCell(d.o, 'd', notes) + '<td class="cd d"><span class="sg">-</span>' + d.html + '</td>' : '<td class="ln e"></td><td class="cd e"></td>') +
              (a ? lnCell(a.n, 'a', null) + '<td class="cd a"><span class="sg">+</span>' + a.html + '</td>' : '<td class="ln e"></td><td class="cd e"></td>') +
              '</tr>');
          }
        } else {
          b.dels.forEach(function (d) {
            html.push('<tr data-o="' + d.o + '">' + lnCell(d.o, 'd', notes) + '<td class="ln d"></td><td class="cd d"><span class="sg">-</span>' + d.html + '</td></tr>');
          });
          b.adds.forEach(function (a) {
            html.push('<tr>' + '<td class="ln a"></td>' + lnCell(a.n, 'a', null) + '<td class="cd a"><span class="sg">+</span>' + a.html + '</td></tr>');
          });
        }
      });
    });
    html.push('</table>');
    return html.join('');
  }

  // ------------------------------------------------------------------ lazy rendering
  var mode = 'inline';
  try { mode = localStorage.getItem('goshift-view') || (window.innerWidth >= 1100 ? 'split' : 'inline'); } catch (e) { mode = window.innerWidth >= 1100 ? 'split' : 'inline'; }
  if (mode !== 'split' && mode !== 'inline') mode = 'inline';
  var bodies = [];
  var rendered = 0;

  function fill(body) {
    if (body.getAttribute('data-view') === mode) return;
    var i = +body.parentNode.getAttribute('data-i');
    body.innerHTML = renderDiff(FILES[i], mode);
    body.style.height = '';
    body.classList.remove('pending');
    body.setAttribute('data-view', mode);
    rendered++;
    document.documentElement.setAttribute('data-rendered', String(rendered));
  }

  var io = 'IntersectionObserver' in window ? new IntersectionObserver(function (entries) {
    entries.forEach(function (e) { if (e.isIntersecting) fill(e.target); });
  }, { rootMargin: '800px 0px' }) : null;

  function setMode(m) {
    if (m === mode) return;
    var anchor = null, top = 0;
    for (var i = 0; i < bodies.length; i++) {
      var r = bodies[i].parentNode.getBoundingClientRect();
      if (r.bottom > 60) { anchor = bodies[i].parentNode; top = r.top; break; }
    }
    mode = m;
    try { localStorage.setItem('goshift-view', m); } catch (e) { /* a file:// page may have no storage */ }
    document.documentElement.setAttribute('data-view', m);
    bodies.forEach(function (b) {
      if (!b.hasAttribute('data-view')) return;
      var h = b.offsetHeight;
      b.removeAttribute('data-view');
      b.innerHTML = '';
      b.style.height = h + 'px';
      b.classList.add('pending');
      if (io) { io.unobserve(b); io.observe(b); } else fill(b);
    });
    if (anchor) window.scrollBy(0, anchor.getBoundingClientRect().top - top);
  }
  document.documentElement.setAttribute('data-view', mode);
  document.querySelectorAll('input[name=view]').forEach(function (r) {
    r.checked = r.value === mode;
    r.addEventListener('change', function () { if (r.checked) setMode(r.value); });
  });

  // ------------------------------------------------------------------ folding
  document.addEventListener('click', function (ev) {
    var t = ev.target;
    if (t.closest && t.closest('button.fold')) {
      var sec = t.closest('section.file');
      sec.classList.toggle('folded');
      t.closest('button.fold').setAttribute('aria-expanded', String(!sec.classList.contains('folded')));
    }
  });
  function foldAll(folded) {
    document.querySelectorAll('section.file').forEach(function (s) {
      s.classList.toggle('folded', folded);
      s.querySelector('button.fold').setAttribute('aria-expanded', String(!folded));
    });
  }
  document.getElementById('fold-all').addEventListener('click', function () { foldAll(true); });
  document.getElementById('unfold-all').addEventListener('click', function () { foldAll(false); });

  // ------------------------------------------------------------------ the filter
  var items = [];
  var input = document.getElementById('filter');
  var shown = document.getElementById('shown');
  var groups = Array.prototype.slice.call(document.querySelectorAll('[data-group]'));
  function applyFilter() {
    var q = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    var nFiles = 0, nShown = 0;
    items.forEach(function (it) {
      var ok = q.every(function (w) { return it.text.indexOf(w) >= 0; });
      if (it.el.hidden === ok) it.el.hidden = !ok;
      if (it.file) { nFiles++; if (ok) nShown++; }
    });
    groups.forEach(function (g) {
      var all = g.querySelectorAll('[data-f]').length, vis = g.querySelectorAll('[data-f]:not([hidden])').length;
      var c = g.querySelector('.shown-n');
      if (c) c.textContent = q.length ? vis + ' of ' + all + ' shown' : '';
    });
    shown.textContent = q.length ? nShown + ' of ' + nFiles + ' files shown' : nFiles + ' files';
    shown.setAttribute('data-shown', String(nShown));
  }
  var timer = 0;
  input.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(applyFilter, items.length > 2000 ? 150 : 0); });
  document.querySelectorAll('a.pkg').forEach(function (a) {
    a.addEventListener('click', function (ev) { ev.preventDefault(); input.value = a.getAttribute('data-pkg'); applyFilter(); document.getElementById('files').scrollIntoView(); });
  });

  // ------------------------------------------------------------------ links to lines
  function flash(el) { el.classList.remove('flash'); void el.offsetWidth; el.classList.add('flash'); }
  function showSection(sec) {
    if (sec.hidden) { input.value = ''; applyFilter(); }
    sec.classList.remove('folded');
  }
  // Files above a target render (and change height) once it is in view: keep it there for a moment,
  // until the reader scrolls.
  var settle = 0;
  function stopSettling() { clearTimeout(settle); settle = 0; }
  ['wheel', 'keydown', 'touchstart', 'mousedown'].forEach(function (t) { window.addEventListener(t, stopSettling, { passive: true }); });
  function keepInView(el) {
    var n = 0;
    stopSettling();
    function again() {
      var r = el.getBoundingClientRect();
      if (Math.abs(r.top + r.height / 2 - window.innerHeight / 2) > 40) el.scrollIntoView({ block: 'center' });
      settle = ++n < 8 ? setTimeout(again, 60) : 0;
    }
    settle = setTimeout(again, 30);
  }
  // Scrolls to line 'line' (of the file as read) in the diff of 'path'; false when the diff does not show it.
  function goToDiff(path, line) {
    var i = byPath[path];
    if (i === undefined) return false;
    var sec = document.getElementById('f' + i);
    var body = sec.querySelector('.body');
    var probe = parse(FILES[i].diff).some(function (h) {
      var o = h.o, hit = false;
      h.rows.forEach(function (r) { if (r[0] === ' ' || r[0] === '-') { if (o === line) hit = true; o++; } });
      return hit;
    });
    if (!probe) return false;
    showSection(sec);
    fill(body);
    var row = body.querySelector('tr[data-o="' + line + '"]');
    if (!row) return false;
    row.scrollIntoView({ block: 'center' });
    keepInView(row);
    document.querySelectorAll('tr.at').forEach(function (r) { r.classList.remove('at'); });
    row.classList.add('at');
    flash(row);
    return true;
  }
  document.addEventListener('click', function (ev) {
    var a = ev.target.closest && ev.target.closest('a.loc');
    if (!a) return;
    var path = a.getAttribute('data-p'), line = +a.getAttribute('data-l');
    if (goToDiff(path, line)) { ev.preventDefault(); return; }
    var target = document.getElementById((a.getAttribute('href') || '').slice(1));
    if (!target) return;
    ev.preventDefault();
    var det = target.closest('details');
    if (det) det.open = true;
    highlightExcerpts(det || target);
    var at = target.querySelector('.at') || target;
    at.scrollIntoView({ block: 'center' });
    flash(at);
  });

  // Excerpts of files around the places left alone, coloured when opened.
  function highlightExcerpts(root) {
    root.querySelectorAll('.ex:not([data-hl])').forEach(function (ex) {
      ex.setAttribute('data-hl', '1');
      var st = { m: 0 };
      ex.querySelectorAll('code').forEach(function (c) { var s = c.textContent; c.innerHTML = paint(s, lex(s, st), -1, -1); });
    });
  }
  document.querySelectorAll('details').forEach(function (d) {
    d.addEventListener('toggle', function () { if (d.open) highlightExcerpts(d); });
  });

  // ------------------------------------------------------------------ the file list, from the data
  function plural(n, w) { return n + ' ' + w + (n === 1 ? '' : 's'); }
  function attr(s) { return esc(s).replace(/"/g, '&quot;'); }
  // About 20px a line of the diff, so that the scroll bar is about right before a diff is rendered.
  function estimate(diff) {
    var n = 0, i = diff.indexOf('\n@@');
    while (i >= 0) { n++; i = diff.indexOf('\n', i + 1); }
    return Math.max(1, n) * 20;
  }
  function start(data) {
    if (window.performance && performance.mark) performance.mark('goshift-data');
    FILES = data.files;
    FILES.forEach(function (f, i) { byPath[f.path] = i; });
    var html = [];
    FILES.forEach(function (f, i) {
      var c = { s: 0, c: 0, r: 0 };
      f.edits.forEach(function (e) { c[e[2]]++; });
      var counts = [c.s ? plural(c.s, 'signature') : '', c.c ? plural(c.c, 'call') : '', c.r ? plural(c.r, 'rewrite') : ''].filter(Boolean).join(', ');
      html.push('<section class="file" id="f' + i + '" data-i="' + i + '" data-f="' + attr(f.path + '\n' + f.package) + '"><header>' +
        '<button class="fold" aria-expanded="true" title="fold or unfold this file">\u25be</button>' +
        '<span class="path mono">' + esc(f.path) + '</span><span class="pkg mono">' + esc(f.package) + '</span>' +
        '<span class="cnt">' + esc(counts) + '</span>' +
        f.transforms.map(function (x) { return '<span class="tag">' + esc(x) + '</span>'; }).join('') +
        '</header><div class="body pending" style="height:' + estimate(f.diff) + 'px"></div></section>');
    });
    var list = document.getElementById('file-list');
    list.innerHTML = FILES.length ? html.join('') : '<p class="none">No file changes.</p>';
    bodies = Array.prototype.slice.call(list.querySelectorAll('section.file > .body'));
    bodies.forEach(function (b) { if (io) io.observe(b); else fill(b); });
    items = Array.prototype.slice.call(document.querySelectorAll('[data-f]')).map(function (el) {
      return { el: el, text: el.getAttribute('data-f').toLowerCase(), file: el.matches('section.file') };
    });
    applyFilter();
    window.goshiftReport = { files: FILES.length, setMode: setMode, goToDiff: goToDiff, applyFilter: applyFilter, renderDiff: function (i, m) { return renderDiff(FILES[i], m || mode); } };
    document.documentElement.setAttribute('data-ready', '1');
    if (window.performance && performance.mark) performance.mark('goshift-ready');
  }
  function failed(msg) {
    document.getElementById('file-list').innerHTML = '<p class="none">' + esc(msg) + '</p>';
    document.documentElement.setAttribute('data-ready', 'failed');
  }

  // The data: JSON, or (for large reports) the gzipped JSON in base64, opened with DecompressionStream.
  var holder = JSON.parse(document.getElementById('goshift-data').textContent);
  if (typeof holder.gzip !== 'string') {
    start(holder);
  } else if (typeof DecompressionStream !== 'function') {
    failed('This browser cannot open the diffs of this report: they are compressed, and it has no DecompressionStream. Open the report in a current Chrome, Firefox, Edge or Safari.');
  } else {
    var bin = atob(holder.gzip), bytes = new Uint8Array(bin.length);
    for (var bi = 0; bi < bin.length; bi++) bytes[bi] = bin.charCodeAt(bi);
    new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).text()
      .then(function (text) { start(JSON.parse(text)); }, function (e) { failed('The diffs of this report could not be read: ' + e); });
  }
})();
`;
