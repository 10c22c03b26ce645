// Measures how long the queue takes to show its first page after navigation, in a real
// browser against a running server (e.g. one with a million seeded tickets).
//
//   node e2e/perf.mjs --url http://127.0.0.1:8080 --email bench@example.com --runs 30 < password
//
// Each run is a full page load of /queue (views: all unsolved tickets, then each team's); the
// figure is the console's `kefu:queue-rendered` mark, in milliseconds since navigation start.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { launch } from './browser.mjs';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:8080' },
    email: { type: 'string' },
    runs: { type: 'string', default: '30' },
  },
});
const password = readFileSync(0, 'utf8').trim();
const runs = Number(values.runs);

const browser = await launch();
const page = await browser.newPage({ locale: 'en-US' });
await page.goto(`${values.url}/`);
await page.getByLabel('Email address').fill(values.email);
await page.getByLabel('Password', { exact: true }).fill(password);
await page.getByRole('button', { name: 'Sign in' }).click();
await page.locator('table.tickets[data-loaded="true"]').waitFor();
const teams = await page.evaluate(async () => (await (await fetch('/api/v1/teams')).json()).items.map((t) => t.id));
const paths = ['/queue?status=unsolved', ...teams.map((id) => `/queue?status=unsolved&team=${id}`)];

const times = [];
for (let i = 0; i < runs; i++) {
  await page.goto(`${values.url}${paths[i % paths.length]}`);
  await page.locator('table.tickets[data-loaded="true"]').waitFor();
  const mark = await page.evaluate(() => performance.getEntriesByName('kefu:queue-rendered')[0]?.startTime);
  times.push(mark);
}
await browser.close();
times.sort((a, b) => a - b);
const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(0);
console.log(`queue first page after navigation, ${runs} full loads: p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${times.at(-1).toFixed(0)} ms`);
