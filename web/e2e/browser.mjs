// Debian's Chromium driven by playwright-core; no browser is ever downloaded.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);

export const CHROMIUM = process.env.KEFU_CHROMIUM ?? '/usr/bin/chromium';

/** Where screenshots go; the test run prints it. */
export const OUTPUT = resolve(new URL('..', import.meta.url).pathname, 'e2e-output');

export async function launch() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM} (apt-get install chromium)`);
  }
  mkdirSync(OUTPUT, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Saves a full-page screenshot under OUTPUT. */
export async function screenshot(page, name) {
  const path = join(OUTPUT, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Runs axe-core in the page (through DevTools, so the page's CSP stays on) and returns the
 * serious and critical violations. */
export async function accessibilityProblems(page) {
  await page.evaluate(AXE);
  const result = await page.evaluate(() =>
    axe.run(document, { resultTypes: ['violations'] }),
  );
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')}`);
}
