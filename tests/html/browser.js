// The HTML view in a real browser (headless Chromium through the DevTools
// protocol, tests/html/cdp.js).  tests/html/test_browser.sh makes the pages
// with prof2png and runs:
//   node tests/html/browser.js DIR
// DIR holds myapp.html (samples/myapp.stats), cycle.html
// (tests/data/html/cycle.collapse, -n0 -e0: a recursion cycle a -> b -> c
// -> a), hostile-callgrind.html and hostile-json.html (made by
// tests/data/html/make_hostile.py).  The expected nodes are worked out by
// hand from the profiles' call graphs (see the comments below).
'use strict';
const path = require('path');
const cdp = require('./cdp.js');

let checks = 0;
let failures = 0;
function check(ok, what, detail) {
  checks++;
  if (!ok) {
    failures++;
    console.error('FAIL: ' + what + (detail === undefined ? '' : ': ' + JSON.stringify(detail)));
  }
}
function same(got, want, what) {
  check(JSON.stringify(got) === JSON.stringify(want), what, { got, want });
}

const dir = process.argv[2];
let browser;
let tab;
let loads = 0;

// Open a page (in the one tab: a query string of its own makes each a new
// load), check that its script ran, and return it; page.errors and
// page.requests then hold what this load said and asked for.
async function open(name, fragment = '') {
  const page = tab;
  const url = 'file://' + path.resolve(dir, name) + '?load=' + ++loads;
  page.errors.length = 0;
  page.requests.length = 0;
  await page.open(url + fragment);
  await page.frames();
  page.url = url;
  check(await page.eval("document.documentElement.classList.contains('ready')"), name + ': the script ran');
  return page;
}

// The page said nothing on the console and asked for nothing but itself.
function quiet(page, name) {
  same(page.errors, [], name + ': console errors');
  const others = page.requests.filter((u) => u.split('#')[0] !== page.url);
  same(others, [], name + ': requests other than the page');
}

// In the page: the nodes (by their label's name line, `line` counted from
// the first) and edges ("tail->head" by those names) that carry a class.
const HELPERS = `
  window.t = {
    label(g, line) { return g.querySelectorAll('text')[line].textContent; },
    nodes(cls, line = 0) {
      return [...document.querySelectorAll('g.node' + cls)].map((g) => t.label(g, line)).sort();
    },
    edges(cls, line = 0) {
      const name = new Map([...document.querySelectorAll('g.node')].map((g) => [g.dataset.title, t.label(g, line)]));
      return [...document.querySelectorAll('g.edge' + cls)].map((g) => {
        const [a, b] = g.dataset.title.split('->');
        return name.get(a) + '->' + name.get(b);
      }).sort();
    },
    centre(label) {
      const g = [...document.querySelectorAll('g.node')].find((g) =>
        [...g.querySelectorAll('text')].some((e) => e.textContent === label));
      const r = g.querySelector('polygon, ellipse, path').getBoundingClientRect();
      return [r.x + r.width / 2, r.y + r.height / 2];
    },
    viewBox() { return document.querySelector('#graph svg').getAttribute('viewBox').split(' ').map(Number); },
  };
  true`;

async function helpers(page) {
  await page.eval(HELPERS);
}

const MEDIUM = 'myapp:9:medium';
const LIGHT = 'myapp:13:light';
const HEAVY = 'myapp:17:heavy';
const SLEEP = '~:0:<built-in method time.sleep>';

// samples/myapp.stats: exec -> <module> -> main -> heavy; heavy -> medium,
// light, sleep; medium -> sleep; light -> sleep.
async function sample() {
  let page = await open('myapp.html', '#search=medium');
  await helpers(page);
  same(await page.eval("t.nodes('.match')"), [MEDIUM], '#search=medium marks medium');
  same(await page.eval("document.getElementById('count').textContent"), '1 of 7', '#search=medium: the count');
  same(await page.eval("t.nodes('.dim')"), [], '#search=medium dims nothing');
  quiet(page, 'myapp.html#search=medium');

  // focus on light: its callers up to exec and its callee sleep stay;
  // medium and the edges into and out of it, and heavy -> sleep, are on
  // no path through light
  page = await open('myapp.html', '#focus=light');
  await helpers(page);
  same(await page.eval("t.nodes('.dim')"), [MEDIUM], '#focus=light dims medium only');
  same(await page.eval("t.edges('.dim')"), [HEAVY + '->' + MEDIUM, HEAVY + '->' + SLEEP, MEDIUM + '->' + SLEEP].sort(),
    '#focus=light: the dimmed edges');
  same(await page.eval("t.nodes('.match')"), [], '#focus=light marks nothing');
  quiet(page, 'myapp.html#focus=light');

  page = await open('myapp.html');
  await helpers(page);
  same(await page.eval("t.nodes('.dim')"), [], 'no fragment: nothing dimmed');
  same(await page.eval('location.hash'), '', 'no fragment: none written');
  const fitBox = await page.eval('t.viewBox()');

  // a real click on light focuses it, and the fragment says so
  let [x, y] = await page.eval(`t.centre(${JSON.stringify(LIGHT)})`);
  await page.click(x, y);
  same(await page.eval("t.nodes('.dim')"), [MEDIUM], 'a click on light dims medium');
  check(/(^|[#&])focus=/.test(await page.eval('location.hash')), 'a click writes focus= in the fragment',
    await page.eval('location.hash'));
  same(await page.eval("document.getElementById('details-text').textContent.split('\\n')[0]"), LIGHT,
    'a click shows the node in the details');
  same(await page.eval('location.pathname.endsWith("myapp.html")'), true, 'a click does not leave the page');
  // a second click, on medium, adds it: every node is on a path through
  // one of them; only heavy -> sleep is not
  [x, y] = await page.eval(`t.centre(${JSON.stringify(MEDIUM)})`);
  await page.click(x, y);
  same(await page.eval("t.nodes('.dim')"), [], 'a second click adds medium to the focus');
  same(await page.eval("t.edges('.dim')"), [HEAVY + '->' + SLEEP], 'two nodes focused: the dimmed edges');
  same(await page.eval("t.nodes('.focus')"), [LIGHT, MEDIUM], 'two nodes focused');
  await page.key('Escape');
  same(await page.eval("t.nodes('.dim')"), [], 'Esc clears the dimming');
  same(await page.eval("t.edges('.dim')"), [], 'Esc clears the dimming of edges');
  same(await page.eval('location.hash'), '', 'Esc clears the fragment');
  // shift-click, then a click on the background
  [x, y] = await page.eval(`t.centre(${JSON.stringify(LIGHT)})`);
  await page.click(x, y, 8 /* shift */);
  same(await page.eval("t.nodes('.dim')"), [MEDIUM], 'a shift-click on light dims medium');
  await page.click(20, 400);
  same(await page.eval("t.nodes('.dim')"), [], 'a click on the background clears the focus');

  // typing in the search box
  const box = await page.eval("(() => { const r = document.getElementById('search').getBoundingClientRect(); return [r.x + 20, r.y + r.height / 2]; })()");
  await page.click(box[0], box[1]);
  await page.type('i');
  // builtins.exec, main, medium, light, time.sleep
  same(await page.eval("document.getElementById('count').textContent"), '5 of 7', "typing 'i': the count");
  same(await page.eval("t.nodes('.match').length"), 5, "typing 'i': the marks");
  // Enter steps through the matches in the list's order, heaviest first;
  // shift-Enter steps back (round to the lightest)
  await page.key('Enter');
  same(await page.eval("t.nodes('.current')"), ['~:0:<built-in method builtins.exec>'], 'Enter: the heaviest match first');
  same(await page.eval("document.getElementById('position').textContent"), '#1', 'Enter: the position');
  await page.key('Enter', 8 /* shift */);
  same(await page.eval("t.nodes('.current')"), [LIGHT], 'shift-Enter: back round to the lightest match');
  await page.type('ght');
  same(await page.eval("document.getElementById('count').textContent"), '1 of 7', "typing 'ight': the count");
  same(await page.eval("t.nodes('.match')"), [LIGHT], "typing 'ight' marks light");
  check(/^#search=ight(&|$)/.test(await page.eval('location.hash')), 'typing writes search= in the fragment',
    await page.eval('location.hash'));
  await page.key('Enter');
  same(await page.eval("t.nodes('.current')"), [LIGHT], 'Enter steps to the match');
  {
    const [cx, cy] = await page.eval(`t.centre(${JSON.stringify(LIGHT)})`);
    const pane = await page.eval("(() => { const r = document.getElementById('graph').getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()");
    check(Math.abs(cx - pane[0]) < 2 && Math.abs(cy - pane[1]) < 2, 'Enter centres the match', { node: [cx, cy], pane });
  }
  await page.eval("(() => { const s = document.getElementById('search'); s.select(); return true; })()");
  await page.type('Me');
  same(await page.eval("document.getElementById('count').textContent"), '0 of 7', 'a capital letter: case-sensitive');
  await page.eval("document.getElementById('search').select()");
  await page.type('ME|(');
  same(await page.eval("document.getElementById('count').textContent"), 'invalid regular expression', 'an invalid regular expression');
  await page.key('Escape');
  same(await page.eval("document.getElementById('search').value"), '', 'Esc in the search box empties it');
  same(await page.eval("t.nodes('.match')"), [], 'an empty search marks nothing');

  // zoom: keys, wheel; drag pans; 0 fits again
  await page.eval('document.activeElement.blur(), true');
  await page.key('0');
  same(await page.eval('t.viewBox()'), fitBox, '0 fits the graph as at the start');
  await page.key('+');
  let vb = await page.eval('t.viewBox()');
  check(Math.abs(vb[2] - fitBox[2] / 1.25) < 0.05, "'+' zooms in: the view box is smaller", { vb, fitBox });
  await page.key('-');
  vb = await page.eval('t.viewBox()');
  check(Math.abs(vb[2] - fitBox[2]) < 0.05, "'-' zooms out", { vb, fitBox });
  // the wheel moves the drawn picture (a transform) at once, and sets the
  // view box when it stops
  await page.wheel(400, 400, -300);
  same(await page.eval('t.viewBox()'), fitBox, 'the wheel: no new view box while it turns');
  check(/scale/.test(await page.eval("document.querySelector('#graph svg').style.transform")),
    'the wheel: the picture is scaled while it turns');
  await page.eval('new Promise((r) => setTimeout(r, 300))');
  await page.frames();
  const wheeled = await page.eval('t.viewBox()');
  check(wheeled[2] < fitBox[2] * 0.9, 'the wheel zooms in', { wheeled, fitBox });
  {
    // the point under the pointer stays there
    const left = await page.eval("document.getElementById('graph').getBoundingClientRect().left");
    const width = await page.eval("document.getElementById('graph').getBoundingClientRect().width");
    const top = await page.eval("document.getElementById('graph').getBoundingClientRect().top");
    const at2 = (b) => [b[0] + ((400 - left) * b[2]) / width, b[1] + ((400 - top) * b[2]) / width];
    const [u0, u1] = [at2(fitBox), at2(wheeled)];
    check(Math.abs(u0[0] - u1[0]) < 0.5 && Math.abs(u0[1] - u1[1]) < 0.5, 'the wheel zooms around the pointer', { u0, u1 });
  }
  same(await page.eval("document.querySelector('#graph svg').style.transform"), '', 'the wheel: no transform once set');
  [x, y] = await page.eval(`t.centre(${JSON.stringify(HEAVY)})`);
  await page.drag(x, y, x + 100, y + 50);
  vb = await page.eval('t.viewBox()');
  const s = (await page.eval("document.getElementById('graph').getBoundingClientRect().width")) / vb[2];
  check(Math.abs((wheeled[0] - vb[0]) * s - 100) < 1 && Math.abs((wheeled[1] - vb[1]) * s - 50) < 1,
    'a drag pans by as many pixels', { wheeled, vb, s });
  same(await page.eval("t.nodes('.dim')"), [], 'a drag that starts on a node does not focus it');
  check(/(^|[#&])view=/.test(await page.eval('new Promise((r) => setTimeout(() => r(location.hash), 400))')),
    'the view is written in the fragment');

  // the list of functions: sorted by total, then by self; a row finds its node
  same(await page.eval("[...document.querySelectorAll('#list li .name')].map((e) => e.textContent).slice(0, 2)"),
    ['~:0:<built-in method builtins.exec>', 'myapp:1:<module>'], 'the list, by total time');
  await page.eval("document.getElementById('sort-self').click(), true");
  same(await page.eval("document.querySelector('#list li .name').textContent"), SLEEP, 'the list, by self time');
  same(await page.eval('location.hash.includes("sort=self")'), true, 'the sort is in the fragment');
  const row = await page.eval(`(() => { const li = [...document.querySelectorAll('#list li')].find((li) => li.querySelector('.name').textContent === ${JSON.stringify(MEDIUM)}); const r = li.getBoundingClientRect(); return [r.x + 30, r.y + r.height / 2]; })()`);
  await page.click(row[0], row[1]);
  same(await page.eval("t.nodes('.selected')"), [MEDIUM], 'a click on a row selects its node');
  {
    const [cx, cy] = await page.eval(`t.centre(${JSON.stringify(MEDIUM)})`);
    const pane = await page.eval("(() => { const r = document.getElementById('graph').getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()");
    check(Math.abs(cx - pane[0]) < 2 && Math.abs(cy - pane[1]) < 2, 'a click on a row centres its node', { node: [cx, cy], pane });
  }

  // hovering shows prof2png's tooltip
  [x, y] = await page.eval(`t.centre(${JSON.stringify(MEDIUM)})`);
  await page.send('Input.dispatchMouseEvent', { type: 'mouseMoved', x, y });
  await page.frames();
  same(await page.eval("document.getElementById('tip').hidden"), false, 'hovering shows the tooltip');
  same(await page.eval("document.getElementById('tip').textContent.split('\\n').slice(0, 2)"),
    [MEDIUM, 'file: myapp.py:9'], 'the tooltip: name, file and line');
  same(await page.eval("document.querySelectorAll('#graph title, #graph [*|title]').length"), 0,
    'no native tooltip to cover ours');
  quiet(page, 'myapp.html, after the clicks');
}

// tests/data/html/cycle.collapse: main -> a, main -> e; a -> b -> c -> a
// (a recursion cycle); c -> d; a -> leaf; a -> x.
async function cycle() {
  let page = await open('cycle.html', '#focus=' + encodeURIComponent('^b$'));
  await helpers(page);
  // everything but e reaches b or is reached from it
  same(await page.eval("t.nodes('.dim')"), ['e'], 'cycle, #focus=^b$: dims e');
  same(await page.eval("t.edges('.dim')"), ['main->e'], 'cycle, #focus=^b$: dims main -> e');
  quiet(page, 'cycle.html#focus=^b$');
  page = await open('cycle.html', '#focus=' + encodeURIComponent('^d$'));
  await helpers(page);
  // d's callers are c, b, a (round the cycle) and main; it calls nothing
  same(await page.eval("t.nodes('.dim')"), ['e', 'leaf', 'x'], 'cycle, #focus=^d$: dims e, leaf, x');
  same(await page.eval("t.edges('.dim')"), ['a->leaf', 'a->x', 'main->e'], 'cycle, #focus=^d$: the dimmed edges');
  page = await open('cycle.html', '#search=' + encodeURIComponent('^[abc]$') + '&focus=leaf');
  await helpers(page);
  same(await page.eval("t.nodes('.match')"), ['a', 'b', 'c'], 'cycle, #search=^[abc]$');
  same(await page.eval("document.getElementById('count').textContent"), '3 of 8', 'cycle: the count');
  // leaf's callers: a, and round the cycle c, b; and main
  same(await page.eval("t.nodes('.dim')"), ['d', 'e', 'x'], 'cycle, both keys: #focus=leaf');
  quiet(page, 'cycle.html, both keys');
}

// Names that are markup or code must stay text: no script of theirs runs
// (p2pPwned stays unset), the page asks for nothing, and they show as
// written (tests/data/html/make_hostile.py).
const HOSTILE = {
  'hostile-callgrind.html': ['</script><script>p2pPwned=1</script>', '<img src=x onerror=p2pPwned=2>',
    '&lt;script&gt;p2pPwned=5&lt;/script&gt; &#60;b&#62;', '</title><script>p2pPwned=6</script><title>',
    '"quotes\' & ]]> <!-- comment --> <![CDATA[ x ]]>', 'line\u2028separator\u2029paragraph',
    'bad \ufffd\ufffd utf-8 \ufffd', 'javascript:p2pPwned=8'],
  'hostile-json.html': ['</script><script>p2pPwned=21</script>', '<img src=x onerror=p2pPwned=22>',
    // a name of several lines, one like a tooltip's line, stays whole
    'multi\nline\ntotal time: 999 s (100.00%)\nself time: 999 s (100.00%)'],
  'hostile-pstats.html': ['javascript:p2pPwned=31:1:</script><script>p2pPwned=32</script>',
    'script>:3:f\ufffd\ufffd(\ufffd'],
};

async function hostile() {
  for (const [name, names] of Object.entries(HOSTILE)) {
    const page = await open(name, '#search=script');
    await helpers(page);
    same(await page.eval('typeof window.p2pPwned'), 'undefined', name + ': no script of the profile ran');
    same(await page.eval('document.scripts.length'), 1, name + ": one script element, the page's");
    same(await page.eval("document.querySelectorAll('iframe, img, object, embed, foreignObject, desc, [onerror], [onload], [onmouseover]').length"),
      0, name + ': no element or handler made from a name');
    const rows = await page.eval("[...document.querySelectorAll('#list li .name')].map((e) => e.textContent)");
    for (const want of names) check(rows.includes(want), name + ': the name shows as written', { want, rows });
    same(await page.eval("t.nodes('.match').length > 0"), true, name + ': #search=script marks nodes');
    // click every node: each shows its details, none navigates or runs
    const labels = await page.eval("[...document.querySelectorAll('g.node')].map((g) => g.querySelector('text').textContent)");
    for (const label of labels) {
      const [x, y] = await page.eval(`t.centre(${JSON.stringify(label)})`);
      await page.click(x, y);
    }
    same(await page.eval('location.pathname.endsWith(' + JSON.stringify(name) + ')'), true, name + ': still on the page after the clicks');
    same(await page.eval('typeof window.p2pPwned'), 'undefined', name + ': no script ran after the clicks');
    if (name === 'hostile-pstats.html') {
      // --href 'file:///src/{file}#L{line}': a file named javascript:... is
      // a path in a file: URL
      const links = await page.eval("[...document.querySelectorAll('#graph a')].map((a) => a.getAttributeNS('http://www.w3.org/1999/xlink', 'href')).filter(Boolean)");
      check(links.length === 5 && links.every((l) => l.startsWith('file:///src/')), name + ': links are file: URLs', links);
      const [x, y] = await page.eval("t.centre('javascript:p2pPwned=31:1:</script><script>p2pPwned=32</script>')");
      await page.click(x, y);
      same(await page.eval("document.getElementById('details-href').href"), 'file:///src/javascript%3Ap2pPwned%3D31#L1',
        name + ': the link of a file named javascript:...');
    }
    quiet(page, name);
  }
}

async function main() {
  const watchdog = setTimeout(() => {
    console.error('FAIL: timed out');
    process.exit(1);
  }, 60000);
  try {
    browser = await cdp.launch();
  } catch (e) {
    if (e instanceof cdp.NoBrowser) {
      console.log('SKIP: ' + e.message);
      process.exit(77);
    }
    throw e;
  }
  try {
    tab = await browser.newPage(1280, 800);
    await sample();
    await cycle();
    await hostile();
  } finally {
    browser.close();
    clearTimeout(watchdog);
  }
  console.log(checks - failures + ' passed, ' + failures + ' failed');
  process.exit(failures ? 1 : 0);
}

main().catch((e) => {
  console.error('FAIL: ' + (e.stack || e.message));
  process.exit(1);
});
