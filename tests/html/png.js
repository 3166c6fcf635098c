// Decode a PNG (8-bit RGB or RGBA, not interlaced: what Chromium's
// Page.captureScreenshot writes) into RGBA pixels, with Node's zlib.
//   const { width, height, rgba } = require('./png.js').decode(buffer);
'use strict';
const zlib = require('zlib');

function decode(buf) {
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (buf.length < 8 || !buf.subarray(0, 8).equals(sig)) throw new Error('not a PNG: bad signature');
  let at = 8;
  let ihdr = null;
  const idat = [];
  let ended = false;
  while (at + 12 <= buf.length) {
    const len = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    if (at + 12 + len > buf.length) throw new Error('not a PNG: chunk ' + type + ' runs past the end');
    const body = buf.subarray(at + 8, at + 8 + len);
    if (type === 'IHDR') ihdr = body;
    else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') {
      ended = true;
      break;
    }
    at += 12 + len;
  }
  if (!ihdr || !idat.length || !ended) throw new Error('not a PNG: IHDR, IDAT or IEND missing');
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  const depth = ihdr[8];
  const colour = ihdr[9];
  const interlace = ihdr[12];
  if (depth !== 8 || (colour !== 2 && colour !== 6) || interlace !== 0) {
    throw new Error('unsupported PNG: depth ' + depth + ', colour type ' + colour + ', interlace ' + interlace);
  }
  const bpp = colour === 6 ? 4 : 3;
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  if (raw.length !== height * (stride + 1)) throw new Error('PNG data of the wrong size');
  const rows = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = y * (stride + 1) + 1;
    const row = y * stride;
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? rows[row + i - bpp] : 0;
      const b = y > 0 ? rows[row - stride + i] : 0;
      const c = i >= bpp && y > 0 ? rows[row - stride + i - bpp] : 0;
      let p = raw[src + i];
      if (filter === 1) p += a;
      else if (filter === 2) p += b;
      else if (filter === 3) p += (a + b) >> 1;
      else if (filter === 4) {
        const q = a + b - c;
        const pa = Math.abs(q - a);
        const pb = Math.abs(q - b);
        const pc = Math.abs(q - c);
        p += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else if (filter !== 0) throw new Error('PNG filter ' + filter);
      rows[row + i] = p & 255;
    }
  }
  const rgba = Buffer.alloc(width * height * 4);
  for (let i = 0, j = 0; i < rows.length; i += bpp, j += 4) {
    rgba[j] = rows[i];
    rgba[j + 1] = rows[i + 1];
    rgba[j + 2] = rows[i + 2];
    rgba[j + 3] = bpp === 4 ? rows[i + 3] : 255;
  }
  return { width, height, rgba };
}

module.exports = { decode };
