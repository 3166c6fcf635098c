// prof2png's interactive view of a call graph (docs/html.md).
//
// The page holds the SVG Graphviz drew; this script makes it a tool: pan
// and zoom (by changing the SVG's viewBox), search by regular expression,
// focus on the paths through some nodes, a tooltip, and a list of the
// functions.  Everything it knows comes from the SVG: a node is a
// <g class="node"> whose <title> is its DOT id and whose link's xlink:title
// is prof2png's tooltip (the full name, then "file: ", "total time: ", ...
// lines); an edge is a <g class="edge"> titled "TAIL->HEAD".
//
// The page's state lives in the URL fragment: #search=REGEX&focus=REGEX&
// sort=self&view=X,Y,WIDTH.  Names come from an untrusted profile: they are
// only ever written as text (textContent), never as markup.
'use strict';
(function () {
  const XLINK = 'http://www.w3.org/1999/xlink';
  const $ = (id) => document.getElementById(id);
  const pane = $('graph');
  const svg = pane.querySelector('svg');
  const search = $('search');
  const count = $('count');
  const position = $('position');
  const status = $('status');
  const tip = $('tip');
  const list = $('list');
  if (!svg) return;

  // ---- the graph, read from the SVG ------------------------------------

  // The lines of a tooltip after the name, in the order prof2png writes
  // them (src/style/annotate.c).  They are read from the end, so that a
  // name holding such a line stays whole.
  const FIELDS = ['process: ', 'module: ', 'file: ', 'total time: ', 'self time: ',
    'samples: ', 'calls: ', 'in recursion cycle '];

  function parseTooltip(text) {
    const lines = text.split('\n');
    const fields = {};
    let next = FIELDS.length;
    let n = lines.length;
    while (n > 1) {
      let k = next - 1;
      while (k >= 0 && !lines[n - 1].startsWith(FIELDS[k])) k--;
      if (k < 0) break;
      fields[FIELDS[k]] = lines[n - 1].slice(FIELDS[k].length);
      next = k;
      n--;
    }
    fields.name = lines.slice(0, n).join('\n');
    return fields;
  }

  // "1.5 s (42.00%)" or "42.00%": the value and the share (percent)
  function amount(text) {
    if (!text) return { value: NaN, share: NaN, text: '' };
    const m = /\(([-+0-9.eE]+)%\)$/.exec(text) || /^([-+0-9.eE]+)%$/.exec(text);
    const share = m ? Number(m[1]) : NaN;
    return { value: m && m.index === 0 ? share : parseFloat(text), share, text };
  }

  function linkOf(g) {
    return g.querySelector('a');
  }

  const nodes = [];
  const byId = new Map();
  for (const g of svg.querySelectorAll('g.node')) {
    const title = g.querySelector('title');
    const a = linkOf(g);
    const tooltip = a ? a.getAttributeNS(XLINK, 'title') || '' : '';
    const labels = Array.from(g.querySelectorAll('text'), (t) => t.textContent);
    const fields = tooltip ? parseTooltip(tooltip) : { name: labels.join(' ') };
    const node = {
      el: g,
      index: nodes.length,
      id: title ? title.textContent : '',
      name: fields.name,
      tooltip: tooltip || fields.name,
      href: a ? a.getAttributeNS(XLINK, 'href') || a.getAttribute('href') : null,
      total: amount(fields['total time: ']),
      self: amount(fields['self time: ']),
      out: [],
      in: [],
      box: null,
      row: null,
      rank: 0, // place in the list
    };
    nodes.push(node);
    if (!byId.has(node.id)) byId.set(node.id, node.index);
  }

  // "TAIL->HEAD", where an id may itself hold "->": the split whose two
  // halves are both node ids
  function ends(title) {
    for (let i = title.indexOf('->'); i >= 0; i = title.indexOf('->', i + 1)) {
      const a = byId.get(title.slice(0, i));
      const b = byId.get(title.slice(i + 2));
      if (a !== undefined && b !== undefined) return [a, b];
    }
    return [-1, -1];
  }

  const edges = [];
  for (const g of svg.querySelectorAll('g.edge')) {
    const title = g.querySelector('title');
    const a = linkOf(g);
    const [from, to] = ends(title ? title.textContent : '');
    edges.push({ el: g, from, to, tooltip: a ? a.getAttributeNS(XLINK, 'title') || '' : '' });
    if (from >= 0) {
      nodes[from].out.push(to);
      nodes[to].in.push(from);
    }
  }

  // The browser's own tooltips (titles) would cover ours: the texts are
  // kept above, the titles go (a node's or edge's DOT id stays as
  // data-title, for tests and other tools).
  for (const t of svg.querySelectorAll('title')) {
    if (t.parentNode.matches('g.node, g.edge')) t.parentNode.setAttribute('data-title', t.textContent);
    t.remove();
  }
  for (const a of svg.querySelectorAll('a')) a.removeAttributeNS(XLINK, 'title');

  const nodeOf = new Map(nodes.map((n) => [n.el, n]));
  const edgeOf = new Map(edges.map((e) => [e.el, e]));
  function hit(target) {
    const g = target && target.closest ? target.closest('g.node, g.edge') : null;
    return g ? nodeOf.get(g) || edgeOf.get(g) : null;
  }

  // ---- the view: the SVG's viewBox --------------------------------------

  const vb = svg.viewBox.baseVal;
  const whole = vb && vb.width > 0 ? { x: vb.x, y: vb.y, w: vb.width, h: vb.height }
    : { x: 0, y: 0, w: 100, h: 100 };
  svg.removeAttribute('width');
  svg.removeAttribute('height');
  const view = { x: whole.x, y: whole.y, w: whole.w, h: whole.h };
  let viewSet = false; // moved since the page opened: written to the fragment

  function paneSize() {
    const r = pane.getBoundingClientRect();
    return { left: r.left, top: r.top, w: Math.max(r.width, 1), h: Math.max(r.height, 1) };
  }

  function fitScale() {
    const p = paneSize();
    return Math.min(p.w / whole.w, p.h / whole.h) * 0.96;
  }

  // pixels per SVG unit (a point): from a quarter of the fit to 16
  function clampScale(s) {
    const fit = fitScale();
    return Math.min(Math.max(s, Math.min(fit / 4, 0.5)), Math.max(16, fit));
  }

  // Drawing a new viewBox makes the browser paint the whole SVG again: a
  // big graph takes a while (tenths of a second without a GPU).  While a
  // drag, a pinch or the wheel goes on, the picture drawn last is only
  // moved and scaled (a CSS transform, which the compositor does each
  // frame); the viewBox is set when the gesture pauses or ends.
  const drawn = { x: view.x, y: view.y, w: view.w };
  let frame = 0;
  let live = false;
  let settle = 0;
  function draw(gesture = false) {
    live = gesture;
    clearTimeout(settle);
    if (gesture) settle = setTimeout(() => draw(false), 200);
    if (!frame) frame = requestAnimationFrame(paint);
  }
  function paint() {
    frame = 0;
    if (live) {
      const s = paneSize().w / view.w;
      const k = drawn.w / view.w;
      svg.style.transform = 'translate(' + s * (drawn.x - view.x) + 'px,' + s * (drawn.y - view.y) + 'px) scale(' + k + ')';
      return;
    }
    svg.setAttribute('viewBox', [view.x, view.y, view.w, view.h].map((v) => +v.toFixed(2)).join(' '));
    svg.style.transform = '';
    drawn.x = view.x;
    drawn.y = view.y;
    drawn.w = view.w;
  }

  // Show the SVG units from (x, y) at `scale` pixels each, from the pane's
  // top left corner; `gesture`: in the middle of a drag, pinch or wheel.
  function setView(x, y, scale, gesture = false) {
    const p = paneSize();
    view.w = p.w / scale;
    view.h = p.h / scale;
    view.x = x;
    view.y = y;
    draw(gesture);
  }

  function scale() {
    return paneSize().w / view.w;
  }

  function centreOn(cx, cy, s) {
    const p = paneSize();
    setView(cx - p.w / s / 2, cy - p.h / s / 2, s);
  }

  function fit() {
    const s = fitScale();
    centreOn(whole.x + whole.w / 2, whole.y + whole.h / 2, s);
  }

  // Zoom by `factor`, keeping the point under (clientX, clientY) in place.
  function zoomAt(clientX, clientY, factor, gesture = false) {
    const p = paneSize();
    const s = scale();
    const ns = clampScale(s * factor);
    const ux = view.x + (clientX - p.left) / s;
    const uy = view.y + (clientY - p.top) / s;
    setView(ux - (clientX - p.left) / ns, uy - (clientY - p.top) / ns, ns, gesture);
    moved();
  }

  function zoomCentre(factor) {
    const p = paneSize();
    zoomAt(p.left + p.w / 2, p.top + p.h / 2, factor);
  }

  function panBy(dxPixels, dyPixels) {
    const s = scale();
    setView(view.x - dxPixels / s, view.y - dyPixels / s, s);
    moved();
  }

  // A node's box in SVG units (the graph group's transform applied).
  const graphGroup = svg.querySelector('g.graph');
  function boxOf(node) {
    if (!node.box) {
      const b = node.el.getBBox();
      const m = graphGroup && graphGroup.transform.baseVal.consolidate();
      const t = (x, y) => (m ? new DOMPoint(x, y).matrixTransform(m.matrix) : { x, y });
      const p = t(b.x, b.y);
      const q = t(b.x + b.width, b.y + b.height);
      node.box = { x: Math.min(p.x, q.x), y: Math.min(p.y, q.y), w: Math.abs(q.x - p.x), h: Math.abs(q.y - p.y) };
    }
    return node.box;
  }

  // Centre a node, zoomed in far enough to read it.
  function show(node) {
    const b = boxOf(node);
    const p = paneSize();
    const s = Math.max(scale(), Math.min(1.2, (p.w * 0.8) / b.w, (p.h * 0.8) / b.h));
    centreOn(b.x + b.w / 2, b.y + b.h / 2, clampScale(s));
    moved();
  }

  // keep the pane's scale and centre when the window changes size
  let lastSize = paneSize();
  window.addEventListener('resize', () => {
    const s = lastSize.w / view.w;
    const cx = view.x + view.w / 2;
    const cy = view.y + view.h / 2;
    lastSize = paneSize();
    centreOn(cx, cy, s);
  });

  // ---- the URL fragment --------------------------------------------------

  function readFragment() {
    const state = {};
    for (const part of location.hash.replace(/^#/, '').split('&')) {
      if (!part) continue;
      const eq = part.indexOf('=');
      const key = eq < 0 ? part : part.slice(0, eq);
      let value = eq < 0 ? '' : part.slice(eq + 1);
      try {
        value = decodeURIComponent(value);
      } catch (e) {
        // a malformed escape: take the text as it is
      }
      state[key] = value;
    }
    return state;
  }

  let written = null;
  let loading = false; // reading the fragment: write it once, at the end
  function writeFragment() {
    if (loading) return;
    const parts = [];
    if (searchText) parts.push('search=' + encodeURIComponent(searchText));
    if (focusText) parts.push('focus=' + encodeURIComponent(focusText));
    if (sortKey !== 'total') parts.push('sort=' + sortKey);
    if (viewSet) parts.push('view=' + [view.x, view.y, view.w].map((v) => +v.toFixed(1)).join(','));
    const hash = parts.length ? '#' + parts.join('&') : '';
    if (hash === location.hash) return;
    written = hash;
    try {
      history.replaceState(null, '', hash || location.pathname + location.search);
    } catch (e) {
      // some browsers refuse this on file: pages; the view still works
    }
  }

  let fragmentTimer = 0;
  function moved() {
    viewSet = true;
    clearTimeout(fragmentTimer);
    fragmentTimer = setTimeout(writeFragment, 300);
  }

  // ---- search ------------------------------------------------------------

  // A regular expression, case-insensitive unless it holds a capital letter
  // (other than in an escape such as \W); null for no text, throws when
  // invalid.
  function compile(text) {
    if (!text) return null;
    return new RegExp(text, /[A-Z]/.test(text.replace(/\\./g, '')) ? '' : 'i');
  }

  let searchText = '';
  let matches = [];
  let current = -1;

  function runSearch(text) {
    searchText = text;
    let re = null;
    search.classList.remove('bad');
    try {
      re = compile(text);
    } catch (e) {
      search.classList.add('bad');
      count.textContent = 'invalid regular expression';
    }
    // in the list's order: Enter steps from the heaviest match down
    matches = re ? nodes.filter((n) => re.test(n.name)).sort((a, b) => a.rank - b.rank) : [];
    const marked = new Set(matches);
    for (const n of nodes) n.el.classList.toggle('match', marked.has(n));
    setCurrent(-1);
    if (re) count.textContent = matches.length + ' of ' + nodes.length;
    else if (!text) count.textContent = '';
    filterList();
    writeFragment();
  }

  function setCurrent(i) {
    if (current >= 0 && matches[current]) matches[current].el.classList.remove('current');
    current = i;
    position.textContent = '';
    if (i < 0 || !matches[i]) return;
    matches[i].el.classList.add('current');
    position.textContent = '#' + (i + 1);
    show(matches[i]);
    select(matches[i]);
  }

  search.addEventListener('input', () => runSearch(search.value));
  search.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && matches.length) {
      const step = e.shiftKey ? matches.length - 1 : 1;
      setCurrent(current < 0 ? (e.shiftKey ? matches.length - 1 : 0) : (current + step) % matches.length);
      e.preventDefault();
    } else if (e.key === 'Escape') {
      if (search.value) {
        search.value = '';
        runSearch('');
      } else {
        search.blur();
      }
      e.preventDefault();
      e.stopPropagation();
    }
  });

  // ---- focus -------------------------------------------------------------

  let focusText = '';
  let focused = new Set();

  // Every node reachable from `start` along `dir` ('out': callees, 'in':
  // callers), start included.
  function reach(start, dir) {
    const seen = new Set(start);
    const stack = Array.from(start);
    while (stack.length) {
      for (const j of nodes[stack.pop()][dir]) {
        if (!seen.has(j)) {
          seen.add(j);
          stack.push(j);
        }
      }
    }
    return seen;
  }

  // Keep the nodes and edges on a path through a focused node: its callers
  // up to the roots, its callees down to the leaves; dim the rest.
  function applyFocus() {
    const on = focused.size > 0;
    const up = on ? reach(focused, 'in') : null;
    const down = on ? reach(focused, 'out') : null;
    for (const n of nodes) {
      n.el.classList.toggle('dim', on && !up.has(n.index) && !down.has(n.index));
      n.el.classList.toggle('focus', focused.has(n.index));
    }
    for (const e of edges) e.el.classList.toggle('dim', on && !(up.has(e.to) || down.has(e.from)));
    if (!on) status.textContent = focusText ? 'focus: no function matches' : '';
    else status.textContent = 'focus: ' + focused.size + (focused.size === 1 ? ' function' : ' functions') + ' (Esc clears)';
    writeFragment();
  }

  function focusOn(text) {
    focusText = text;
    let re = null;
    try {
      re = compile(text);
    } catch (e) {
      re = null;
    }
    focused = new Set(re ? nodes.filter((n) => re.test(n.name)).map((n) => n.index) : []);
    applyFocus();
    if (text && !re) status.textContent = 'focus: invalid regular expression';
  }

  const escapeRegExp = (s) => s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

  // A click toggles a node in or out of the focus; the fragment names the
  // focused functions exactly.
  function toggleFocus(node) {
    if (focused.has(node.index)) focused.delete(node.index);
    else focused.add(node.index);
    const names = Array.from(new Set(Array.from(focused, (i) => escapeRegExp(nodes[i].name)))).sort();
    focusText = names.length ? '^(?:' + names.join('|') + ')$' : '';
    applyFocus();
  }

  function clearFocus() {
    focusText = '';
    focused = new Set();
    applyFocus();
  }

  // ---- details: the tooltip and the selected node -------------------------

  function placeTip(e) {
    const pad = 14;
    const r = tip.getBoundingClientRect();
    let x = e.clientX + pad;
    let y = e.clientY + pad;
    if (x + r.width > window.innerWidth) x = Math.max(0, e.clientX - pad - r.width);
    if (y + r.height > window.innerHeight) y = Math.max(0, e.clientY - pad - r.height);
    tip.style.left = x + 'px';
    tip.style.top = y + 'px';
  }

  let tipFor = null;
  pane.addEventListener('pointermove', (e) => {
    const thing = drag ? null : hit(e.target);
    if (thing !== tipFor) {
      tipFor = thing;
      tip.hidden = !thing || !thing.tooltip;
      if (!tip.hidden) tip.textContent = thing.tooltip;
    }
    if (!tip.hidden) placeTip(e);
  });
  pane.addEventListener('pointerleave', () => {
    tipFor = null;
    tip.hidden = true;
  });

  // only links that lead to the web or to files (prof2png writes no other)
  function safeHref(href) {
    try {
      const url = new URL(href, document.baseURI);
      return ['http:', 'https:', 'file:'].includes(url.protocol) ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  let selected = null;
  function select(node) {
    if (selected) selected.el.classList.remove('selected');
    selected = node;
    $('details').hidden = !node;
    if (!node) return;
    node.el.classList.add('selected');
    $('details-text').textContent = node.tooltip;
    const href = node.href ? safeHref(node.href) : null;
    $('details-link').hidden = !href;
    if (href) $('details-href').href = href;
  }

  // ---- the list of functions ----------------------------------------------

  let sortKey = 'total';
  function buildList() {
    for (const n of nodes) {
      const li = document.createElement('li');
      const name = document.createElement('span');
      name.className = 'name';
      name.textContent = n.name;
      name.title = n.name;
      li.append(name);
      for (const a of [n.total, n.self]) {
        const num = document.createElement('span');
        num.className = 'num';
        num.textContent = Number.isFinite(a.share) ? a.share.toFixed(2) + '%' : '';
        li.append(num);
      }
      li.addEventListener('click', () => {
        show(n);
        select(n);
      });
      n.row = li;
    }
  }

  function key(a) {
    return Number.isFinite(a.value) ? a.value : Number.isFinite(a.share) ? a.share : -Infinity;
  }

  function sortList(by) {
    sortKey = by === 'self' ? 'self' : 'total';
    const other = sortKey === 'self' ? 'total' : 'self';
    const order = nodes.slice().sort((a, b) =>
      key(b[sortKey]) - key(a[sortKey]) || key(b[other]) - key(a[other]) || a.index - b.index);
    list.replaceChildren(...order.map((n) => n.row));
    order.forEach((n, i) => { n.rank = i; });
    if (matches.length) {
      setCurrent(-1);
      matches.sort((a, b) => a.rank - b.rank);
    }
    $('sort-total').classList.toggle('on', sortKey === 'total');
    $('sort-self').classList.toggle('on', sortKey === 'self');
    writeFragment();
  }

  function filterList() {
    const marked = new Set(matches);
    for (const n of nodes) n.row.hidden = searchText !== '' && !marked.has(n);
    $('list-count').textContent = searchText ? '(' + matches.length + ' of ' + nodes.length + ')'
      : '(' + nodes.length + ')';
  }

  $('sort-total').addEventListener('click', () => sortList('total'));
  $('sort-self').addEventListener('click', () => sortList('self'));

  // ---- pointer: drag to pan, pinch and wheel to zoom, click to focus -------

  const pointers = new Map();
  let drag = null;

  pane.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    pane.setPointerCapture(e.pointerId);
    const p = paneSize();
    const s = scale();
    if (pointers.size === 1) {
      drag = { x: e.clientX, y: e.clientY, vx: view.x, vy: view.y, s, target: e.target, moved: false, shift: e.shiftKey };
    } else if (pointers.size === 2) {
      const [a, b] = Array.from(pointers.values());
      const mx = (a.x + b.x) / 2 - p.left;
      const my = (a.y + b.y) / 2 - p.top;
      drag = {
        pinch: Math.hypot(a.x - b.x, a.y - b.y) || 1, s, moved: true,
        ux: view.x + mx / s, uy: view.y + my / s,
      };
    }
    tip.hidden = true;
  });

  pane.addEventListener('pointermove', (e) => {
    if (!drag || !pointers.has(e.pointerId)) return;
    pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    const p = paneSize();
    if (drag.pinch && pointers.size >= 2) {
      const [a, b] = Array.from(pointers.values());
      const ns = clampScale(drag.s * (Math.hypot(a.x - b.x, a.y - b.y) / drag.pinch));
      const mx = (a.x + b.x) / 2 - p.left;
      const my = (a.y + b.y) / 2 - p.top;
      setView(drag.ux - mx / ns, drag.uy - my / ns, ns, true);
      moved();
    } else if (!drag.pinch) {
      const dx = e.clientX - drag.x;
      const dy = e.clientY - drag.y;
      if (!drag.moved && Math.hypot(dx, dy) < 4) return;
      drag.moved = true;
      pane.classList.add('dragging');
      setView(drag.vx - dx / drag.s, drag.vy - dy / drag.s, drag.s, true);
      moved();
    }
  });

  function endPointer(e) {
    if (!pointers.delete(e.pointerId)) return;
    if (pointers.size > 0) {
      // a pinch ends with a finger still down: that finger pans from here
      const [a] = Array.from(pointers.values());
      drag = { x: a.x, y: a.y, vx: view.x, vy: view.y, s: scale(), moved: true };
      return;
    }
    const d = drag;
    drag = null;
    pane.classList.remove('dragging');
    if (live) draw(false);
    if (!d || d.moved || e.type === 'pointercancel') return;
    const thing = hit(d.target);
    if (thing && thing.el.classList.contains('node')) {
      toggleFocus(thing);
      select(thing);
    } else if (!thing) {
      clearFocus();
      select(null);
    }
  }
  pane.addEventListener('pointerup', endPointer);
  pane.addEventListener('pointercancel', endPointer);

  // a click on a node focuses it; it does not follow the node's link (the
  // details panel shows the link)
  pane.addEventListener('click', (e) => e.preventDefault());

  pane.addEventListener('wheel', (e) => {
    e.preventDefault();
    const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? paneSize().h : 1;
    // a trackpad's pinch arrives as a wheel event with ctrlKey set
    const rate = e.ctrlKey ? 0.01 : 0.0015;
    zoomAt(e.clientX, e.clientY, Math.exp(-e.deltaY * unit * rate), true);
  }, { passive: false });

  // ---- keys ----------------------------------------------------------------

  document.addEventListener('keydown', (e) => {
    if (e.target === search || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.target.closest && e.target.closest('button, a') && (e.key === 'Enter' || e.key === ' ')) return;
    const step = 60;
    switch (e.key) {
      case '+': case '=': zoomCentre(1.25); break;
      case '-': case '_': zoomCentre(0.8); break;
      case '0': fit(); moved(); break;
      case 'Escape': clearFocus(); select(null); break;
      case '/': search.focus(); search.select(); break;
      case 'ArrowLeft': panBy(step, 0); break;
      case 'ArrowRight': panBy(-step, 0); break;
      case 'ArrowUp': panBy(0, step); break;
      case 'ArrowDown': panBy(0, -step); break;
      default: return;
    }
    e.preventDefault();
  });

  $('zoom-in').addEventListener('click', () => zoomCentre(1.25));
  $('zoom-out').addEventListener('click', () => zoomCentre(0.8));
  $('zoom-fit').addEventListener('click', () => { fit(); moved(); });

  // ---- start -----------------------------------------------------------------

  function applyFragment() {
    loading = true;
    const state = readFragment();
    sortList(state.sort);
    search.value = state.search || '';
    runSearch(search.value);
    focusOn(state.focus || '');
    const v = (state.view || '').split(',').map(Number);
    if (v.length === 3 && v.every(Number.isFinite) && v[2] > 0) {
      viewSet = true;
      setView(v[0], v[1], clampScale(paneSize().w / v[2]));
    } else {
      viewSet = false;
      fit();
    }
    loading = false;
    writeFragment();
  }

  window.addEventListener('hashchange', () => {
    if (location.hash !== written) applyFragment();
  });

  buildList();
  applyFragment();
  paint();
  document.documentElement.classList.add('ready');
})();
