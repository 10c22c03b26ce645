import { chromium } from 'playwright-core';
import http from 'node:http';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const S = { browser, ctx: {}, page: {}, log: [] };
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor;
S.shot = async (name, p, opts = {}) => { const path = `/tmp/walk/shots/${name}.png`; await p.screenshot({ path, ...opts }); return path; };
S.newCtx = async (name, opts = {}) => {
  const c = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...opts });
  const p = await c.newPage();
  p.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') S.log.push(`[${name}] ${m.type()}: ${m.text()}`); });
  p.on('pageerror', (e) => S.log.push(`[${name}] pageerror: ${e.message}`));
  S.ctx[name] = c; S.page[name] = p; return p;
};
S.login = async (name, email, opts = {}) => {
  const p = await S.newCtx(name, opts);
  await p.goto('http://localhost:8080/');
  await p.locator('input[type=email]').first().fill(email);
  await p.locator('input[type=password]').first().fill('demo-85347bcb6d7ddba8');
  await p.locator('button[type=submit]').first().click();
  await p.waitForTimeout(2000);
  return p;
};
http.createServer(async (req, res) => {
  let body = ''; for await (const c of req) body += c;
  try {
    const fn = new AsyncFunction('S', body);
    const r = await fn(S);
    res.end(JSON.stringify(r ?? null, null, 1) + '\n');
  } catch (e) { res.end('ERR ' + (e.stack || e) + '\n'); }
}).listen(9555, '127.0.0.1', () => console.log('ready'));
