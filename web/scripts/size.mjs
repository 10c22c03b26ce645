// Prints the console's JavaScript size, raw and gzipped, and fails above the budget.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_GZIP = 150 * 1024;
const dir = new URL('../dist/assets/', import.meta.url).pathname;
let raw = 0;
let gzip = 0;
for (const name of readdirSync(dir).filter((n) => n.endsWith('.js'))) {
  const bytes = readFileSync(join(dir, name));
  raw += bytes.length;
  gzip += gzipSync(bytes, { level: 9 }).length;
}
const kb = (n) => (n / 1024).toFixed(1);
console.log(`console JavaScript: ${kb(raw)} KB raw, ${kb(gzip)} KB gzipped (budget ${kb(BUDGET_GZIP)} KB)`);
if (gzip > BUDGET_GZIP) {
  console.error('the console JavaScript is over its gzip budget');
  process.exit(1);
}

// The chat widget: one script every page of a customer's website loads.
const WIDGET_BUDGET_GZIP = 30 * 1024;
const widget = readFileSync(new URL('../dist/widget.js', import.meta.url));
const widgetGzip = gzipSync(widget, { level: 9 }).length;
console.log(`widget JavaScript: ${kb(widget.length)} KB raw, ${kb(widgetGzip)} KB gzipped (budget ${kb(WIDGET_BUDGET_GZIP)} KB)`);
if (widgetGzip > WIDGET_BUDGET_GZIP) {
  console.error('the widget is over its gzip budget');
  process.exit(1);
}
