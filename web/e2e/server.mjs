// Starts a real `kefu` server for end-to-end tests: a fresh SQLite database in a temporary
// folder, an admin, demo data, and `kefu serve` on a free loopback port.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = resolve(new URL('../..', import.meta.url).pathname);

/** The kefu binary under test: KEFU_BIN, or the debug build. */
export const KEFU = process.env.KEFU_BIN ?? join(ROOT, 'target/debug/kefu');

export const ADMIN = { email: 'admin@example.com', password: 'admin-password-1', name: 'Ada Admin' };

function kefu(args, env, input) {
  const result = spawnSync(KEFU, args, { env, input, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`kefu ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

/** Starts the server; resolves to { base, stop, databaseUrl }. */
export async function startServer({ tickets = 120, url } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'kefu-e2e-'));
  const databaseUrl = url ?? `sqlite://${join(dir, 'kefu.sqlite3')}`;
  const env = {
    PATH: process.env.PATH,
    KEFU_DATABASE_URL: databaseUrl,
    KEFU_LOG_FILTER: 'warn,kefu=info',
    KEFU_API_BIND: '127.0.0.1:0',
    KEFU_GATEWAY_BIND: '127.0.0.1:0',
  };
  kefu(['users', 'create', '--email', ADMIN.email, '--name', ADMIN.name, '--role', 'admin', '--password-stdin'], env, `${ADMIN.password}\n`);
  let agentPassword = null;
  if (tickets > 0) {
    const out = kefu(['demo', 'seed', '--tickets', String(tickets)], env);
    agentPassword = /with password (\S+)/.exec(out)?.[1] ?? null;
  }
  const child = spawn(KEFU, ['serve'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const lines = createInterface({ input: child.stderr });
  const base = await new Promise((resolveBase, reject) => {
    const timer = setTimeout(() => reject(new Error('kefu serve did not start in 30 s')), 30_000);
    child.on('exit', (code) => reject(new Error(`kefu serve exited with ${code}`)));
    lines.on('line', (line) => {
      const match = /listening on (http:\/\/\S+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolveBase(match[1]);
      }
    });
  });
  return {
    base,
    databaseUrl,
    agentPassword,
    /** Runs a `kefu` command on this server's database and returns what it printed. */
    run: (args, input) => kefu(args, env, input),
    /** Pipes a mail to `kefu mail ingest`, as an MTA would: { status, stdout, stderr }. */
    ingest: (raw) => spawnSync(KEFU, ['mail', 'ingest'], { env, input: raw, encoding: 'utf8' }),
    /** The mail Kefu wrote as `.eml` files (no SMTP server is configured), each with its
     * headers and its decoded plain-text body. */
    sentMail: () => {
      const folder = join(dir, 'kefu.sqlite3.mail-out');
      if (!existsSync(folder)) return [];
      return readdirSync(folder)
        .filter((name) => name.endsWith('.eml'))
        .map((name) => readEml(readFileSync(join(folder, name), 'utf8')));
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Reads an `.eml` Kefu wrote: its header block, and its text/plain part decoded from base64. */
function readEml(raw) {
  const head = raw.split(/\r?\n\r?\n/)[0];
  const part = /Content-Type: text\/plain[^]*?\r?\n\r?\n([A-Za-z0-9+/=\r\n]+)/.exec(raw);
  const text = part ? Buffer.from(part[1].replace(/\s+/g, ''), 'base64').toString('utf8') : '';
  const subject = /^Subject: (.*)$/m.exec(head)?.[1] ?? '';
  return { head, subject, text };
}
