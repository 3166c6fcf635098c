// Check a screenshot of the HTML view of samples/myapp.stats opened with
// #search=sleep&focus=light (tests/html/test_screenshot.sh): a real PNG of the size
// asked for, not blank, showing the hot path's red nodes, the magenta
// outline of the match and the side panel.
//   node tests/html/check_screenshot.js SHOT.png WIDTH HEIGHT
'use strict';
const fs = require('fs');
const png = require('./png.js');

const [file, w, h] = process.argv.slice(2);
let failures = 0;
function check(ok, what, detail) {
  if (!ok) {
    failures++;
    console.error('FAIL: ' + what + (detail === undefined ? '' : ': ' + JSON.stringify(detail)));
  }
}
let img;
try {
  img = png.decode(fs.readFileSync(file));
} catch (e) {
  console.error('FAIL: ' + file + ': ' + e.message);
  process.exit(1);
}
check(img.width === Number(w) && img.height === Number(h), 'the size', [img.width, img.height]);
const colours = new Map();
const near = (i, r, g, b) => Math.abs(img.rgba[i] - r) + Math.abs(img.rgba[i + 1] - g) + Math.abs(img.rgba[i + 2] - b) <= 24;
let red = 0;
let magenta = 0;
let panel = 0;
for (let i = 0; i < img.rgba.length; i += 4) {
  const key = (img.rgba[i] << 16) | (img.rgba[i + 1] << 8) | img.rgba[i + 2];
  colours.set(key, (colours.get(key) || 0) + 1);
  if (near(i, 0xff, 0, 0)) red++;
  if (near(i, 0xe6, 0, 0x7e)) magenta++;
  if (near(i, 0xfa, 0xfb, 0xfc)) panel++;
}
const pixels = img.width * img.height;
const top = Math.max(...colours.values());
check(colours.size >= 50, 'not blank: many colours', colours.size);
check(top < pixels * 0.9, 'not blank: no colour covers 90% of the picture', top / pixels);
check(red > pixels * 0.01, "the hot path's red nodes", red);
check(magenta > 200, 'the outline of the match', magenta);
check(panel > pixels * 0.05, 'the side panel', panel);
console.log(failures ? failures + ' failed' : 'the screenshot looks right (' + colours.size + ' colours)');
process.exit(failures ? 1 : 0);
