// A small client of the Chrome DevTools Protocol for the HTML view's tests:
// it starts Debian's headless Chromium with --remote-debugging-pipe (the
// protocol on file descriptors 3 and 4, messages as JSON ended by a NUL
// byte), so it needs no npm package and no network port.
//
//   const cdp = require('./cdp.js');
//   const browser = await cdp.launch();          // throws cdp.NoBrowser when none
//   const page = await browser.newPage(1280, 800);
//   await page.open('file:///...html#search=x');
//   const v = await page.eval('document.title');
//   browser.close();                              // also done at exit
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

class NoBrowser extends Error {}

// Debian's chromium-headless-shell (the package installs it under
// /usr/lib/chromium), else chromium; P2P_CHROMIUM overrides.
function findBrowser() {
  const candidates = [process.env.P2P_CHROMIUM, '/usr/lib/chromium/chromium-headless-shell',
    '/usr/bin/chromium-headless-shell', '/usr/bin/chromium', '/usr/lib/chromium/chromium'];
  for (const c of candidates) {
    if (!c) continue;
    try {
      fs.accessSync(c, fs.constants.X_OK);
      return c;
    } catch (e) {
      // next
    }
  }
  return null;
}

const live = new Set();
process.on('exit', () => {
  for (const b of live) b.kill();
});

class Browser {
  constructor(child, dir) {
    this.child = child;
    this.dir = dir;
    this.nextId = 1;
    this.pending = new Map();
    this.listeners = [];
    this.buffer = Buffer.alloc(0);
    this.stderr = '';
    this.exited = false;
    live.add(this);
    child.stdio[4].on('data', (chunk) => this.receive(chunk));
    child.stderr.on('data', (chunk) => {
      if (this.stderr.length < 20000) this.stderr += chunk;
    });
    child.on('exit', () => {
      this.exited = true;
      for (const { reject } of this.pending.values()) reject(new Error('the browser exited: ' + this.stderr.slice(-2000)));
      this.pending.clear();
    });
    // the pipes must not keep Node alive once the tests are done
    child.stdio[3].on('error', () => {});
  }

  receive(chunk) {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    let end;
    while ((end = this.buffer.indexOf(0)) >= 0) {
      const msg = JSON.parse(this.buffer.subarray(0, end).toString('utf8'));
      this.buffer = this.buffer.subarray(end + 1);
      if (msg.id !== undefined) {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (!p) continue;
        if (msg.error) p.reject(new Error(p.method + ': ' + msg.error.message));
        else p.resolve(msg.result);
      } else {
        for (const l of this.listeners.slice()) l(msg);
      }
    }
  }

  send(method, params = {}, sessionId = undefined) {
    if (this.exited) return Promise.reject(new Error('the browser has exited'));
    const id = this.nextId++;
    const msg = { id, method, params };
    if (sessionId) msg.sessionId = sessionId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      this.child.stdio[3].write(JSON.stringify(msg) + '\0');
    });
  }

  on(fn) {
    this.listeners.push(fn);
  }

  off(fn) {
    this.listeners = this.listeners.filter((l) => l !== fn);
  }

  async newPage(width, height) {
    const { targetId } = await this.send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await this.send('Target.attachToTarget', { targetId, flatten: true });
    const page = new Page(this, sessionId);
    await page.send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: false });
    await page.send('Page.enable');
    await page.send('Runtime.enable');
    await page.send('Log.enable');
    await page.send('Network.enable');
    return page;
  }

  kill() {
    if (!this.exited) {
      try {
        this.child.kill('SIGKILL');
      } catch (e) {
        // gone already
      }
    }
    try {
      fs.rmSync(this.dir, { recursive: true, force: true });
    } catch (e) {
      // the browser may still be writing there as it dies
    }
    live.delete(this);
  }

  close() {
    this.kill();
  }
}

class Page {
  constructor(browser, sessionId) {
    this.browser = browser;
    this.sessionId = sessionId;
    this.errors = []; // console errors, exceptions, CSP reports
    this.requests = []; // every URL the page asked for
    browser.on((msg) => {
      if (msg.sessionId !== sessionId) return;
      const p = msg.params || {};
      if (msg.method === 'Runtime.exceptionThrown') {
        const d = p.exceptionDetails || {};
        this.errors.push('exception: ' + ((d.exception && d.exception.description) || d.text));
      } else if (msg.method === 'Runtime.consoleAPICalled' && (p.type === 'error' || p.type === 'warning')) {
        this.errors.push('console.' + p.type + ': ' + (p.args || []).map((a) => a.value ?? a.description).join(' '));
      } else if (msg.method === 'Log.entryAdded' && (p.entry.level === 'error' || p.entry.level === 'warning')) {
        this.errors.push('log (' + p.entry.source + '): ' + p.entry.text);
      } else if (msg.method === 'Network.requestWillBeSent') {
        this.requests.push(p.request.url);
      }
    });
  }

  send(method, params = {}) {
    return this.browser.send(method, params, this.sessionId);
  }

  waitFor(method, ms = 10000) {
    return new Promise((resolve, reject) => {
      const listen = (msg) => {
        if (msg.sessionId === this.sessionId && msg.method === method) {
          clearTimeout(timer);
          this.browser.off(listen);
          resolve(msg.params);
        }
      };
      const timer = setTimeout(() => {
        this.browser.off(listen);
        reject(new Error('timed out waiting for ' + method));
      }, ms);
      this.browser.on(listen);
    });
  }

  // Open a URL and wait until it has loaded.
  async open(url) {
    const loaded = this.waitFor('Page.loadEventFired');
    const r = await this.send('Page.navigate', { url });
    if (r.errorText) throw new Error('cannot open ' + url + ': ' + r.errorText);
    await loaded;
  }

  // The value of a JavaScript expression in the page (awaited when it is a
  // promise); an exception is an error.
  async eval(expression) {
    const r = await this.send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true });
    if (r.exceptionDetails) {
      const d = r.exceptionDetails;
      throw new Error('in the page: ' + ((d.exception && d.exception.description) || d.text));
    }
    return r.result.value;
  }

  // Two animation frames: the view has drawn what the last event changed.
  frames() {
    return this.eval('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))');
  }

  async click(x, y, modifiers = 0) {
    const base = { x, y, button: 'left', clickCount: 1, modifiers };
    await this.send('Input.dispatchMouseEvent', { type: 'mouseMoved', x, y, modifiers });
    await this.send('Input.dispatchMouseEvent', { type: 'mousePressed', ...base });
    await this.send('Input.dispatchMouseEvent', { type: 'mouseReleased', ...base });
    await this.frames();
  }

  async drag(x0, y0, x1, y1) {
    await this.send('Input.dispatchMouseEvent', { type: 'mouseMoved', x: x0, y: y0 });
    await this.send('Input.dispatchMouseEvent', { type: 'mousePressed', x: x0, y: y0, button: 'left', clickCount: 1 });
    const steps = 5;
    for (let i = 1; i <= steps; i++) {
      const x = x0 + ((x1 - x0) * i) / steps;
      const y = y0 + ((y1 - y0) * i) / steps;
      await this.send('Input.dispatchMouseEvent', { type: 'mouseMoved', x, y, button: 'left', buttons: 1 });
    }
    await this.send('Input.dispatchMouseEvent', { type: 'mouseReleased', x: x1, y: y1, button: 'left', clickCount: 1 });
    await this.frames();
  }

  async wheel(x, y, deltaY) {
    await this.send('Input.dispatchMouseEvent', { type: 'mouseWheel', x, y, deltaX: 0, deltaY });
    await this.frames();
  }

  // A key as a keyboard would send it: key names as in KeyboardEvent.key.
  async key(key, modifiers = 0) {
    const codes = { Escape: 27, Enter: 13, '+': 187, '-': 189, '0': 48 };
    const params = { key, modifiers, windowsVirtualKeyCode: codes[key] || 0 };
    if (key.length === 1) params.text = key;
    await this.send('Input.dispatchKeyEvent', { type: key.length === 1 ? 'keyDown' : 'rawKeyDown', ...params });
    await this.send('Input.dispatchKeyEvent', { type: 'keyUp', ...params });
    await this.frames();
  }

  async type(text) {
    for (const ch of text) await this.key(ch);
  }

  async screenshot() {
    const r = await this.send('Page.captureScreenshot', { format: 'png' });
    return Buffer.from(r.data, 'base64');
  }
}

// Start the browser.  Throws NoBrowser when none is installed.
async function launch() {
  const bin = findBrowser();
  if (!bin) throw new NoBrowser('no chromium-headless-shell or chromium found (set P2P_CHROMIUM)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'p2p-chromium-'));
  // The flags keep a headless Chromium from reaching for the network
  // (component updates, metrics, sync) and from needing a display or a GPU.
  const args = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--no-default-browser-check',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--disable-extensions', '--disable-default-apps', '--disable-dev-shm-usage', '--mute-audio',
    '--hide-scrollbars', '--disable-features=Translate,MediaRouter,OptimizationHints,DialMediaRouteProvider',
    '--remote-debugging-pipe', '--user-data-dir=' + dir, 'about:blank'];
  const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
  const browser = new Browser(child, dir);
  await new Promise((resolve, reject) => {
    child.on('error', (e) => reject(new Error('cannot start ' + bin + ': ' + e.message)));
    child.on('spawn', resolve);
  });
  await browser.send('Browser.getVersion');
  return browser;
}

module.exports = { launch, NoBrowser };
