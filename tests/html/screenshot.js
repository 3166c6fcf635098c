// Make a PNG of an HTML page as headless Chromium draws it:
//   node tests/html/screenshot.js PAGE.html OUT.png [WIDTHxHEIGHT] [#FRAGMENT]
// (the README's picture of the HTML view: see samples/make_pictures.sh).
'use strict';
const fs = require('fs');
const path = require('path');
const cdp = require('./cdp.js');

async function main() {
  const [page, out, size = '1280x800', fragment = ''] = process.argv.slice(2);
  if (!page || !out || !/^\d+x\d+$/.test(size)) {
    console.error('usage: screenshot.js PAGE.html OUT.png [WIDTHxHEIGHT] [#FRAGMENT]');
    process.exit(2);
  }
  const [w, h] = size.split('x').map(Number);
  const timer = setTimeout(() => {
    console.error('screenshot.js: timed out');
    process.exit(1);
  }, 30000);
  const browser = await cdp.launch();
  try {
    const p = await browser.newPage(w, h);
    await p.open('file://' + path.resolve(page) + fragment);
    await p.frames();
    fs.writeFileSync(out, await p.screenshot());
  } finally {
    browser.close();
    clearTimeout(timer);
  }
}

main().catch((e) => {
  console.error('screenshot.js: ' + e.message);
  process.exit(e instanceof cdp.NoBrowser ? 77 : 1);
});
