// The agent console in a real browser against a real server: every step an agent takes, then
// what the page shows and what the API returns.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import { after, afterEach, before, describe, it } from 'node:test';
import { apiClient } from './api.mjs';
import { OUTPUT, accessibilityProblems, launch, screenshot } from './browser.mjs';
import { ADMIN, startServer } from './server.mjs';

let server;
let browser;
let page;
let api;
let contexts = [];
const cspErrors = [];
/** Remote images a mail's frame refused to load (as it must until the agent asks). */
const blockedRemoteImages = [];

/** A new browser context on `path`, signed in as `as` (through the API, so the browser holds
 * the session cookie) or signed out; every step starts from its own page, not the previous
 * step's. */
async function open(path, { as = ADMIN, clock = false } = {}) {
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1400, height: 900 } });
  contexts.push(context);
  if (as) {
    const login = await context.request.post(`${server.base}/api/v1/auth/login`, { data: { email: as.email, password: as.password } });
    assert.equal(login.status(), 200, `signing in as ${as.email}`);
  }
  const p = await context.newPage();
  p.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) {
      (/tracker\.example/.test(message.text()) ? blockedRemoteImages : cspErrors).push(message.text());
    }
  });
  // A page whose clock the test moves on (countdowns), starting at the real time.
  if (clock) await p.clock.install();
  await p.goto(`${server.base}${path}`);
  return p;
}

/** The queue at `query`, loaded. */
async function openQueue(query = 'status=unsolved') {
  const p = await open(`/queue?${query}`);
  await queueLoaded(p);
  return p;
}

/** Waits until the queue shows the rows for the page's current URL, not an earlier query's. */
async function queueLoaded(p) {
  const query = JSON.stringify(new URL(p.url()).search);
  await p.locator(`:is(table.tickets, p.empty)[data-loaded="true"][data-query=${query}]`).waitFor();
}

/** A new email ticket made through the API, opened in the console. */
async function openNewTicket(subject) {
  const ticket = await api.post('/api/v1/tickets', {
    subject,
    channel: 'email',
    stage: 'after_sale',
    requester: { name: 'Lena Park', email: `lena.${Date.now()}@example.com` },
    message: { body: 'My order arrived damaged.' },
  });
  const p = await open(`/tickets/${ticket.number}`);
  await p.getByRole('heading', { level: 1 }).filter({ hasText: `#${ticket.number}` }).waitFor();
  return { page: p, ticket };
}

async function signIn(p, email = ADMIN.email, password = ADMIN.password) {
  await p.goto(`${server.base}/`);
  await p.getByLabel('Email address').fill(email);
  await p.getByLabel('Password', { exact: true }).fill(password);
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.locator('table.tickets[data-loaded="true"], p.empty[data-loaded="true"]').first().waitFor();
}

/** Signs in through the form and waits for whatever page follows. */
async function signInAs(p, who) {
  await p.getByLabel('Email address').fill(who.email);
  await p.getByLabel('Password', { exact: true }).fill(who.password);
  await p.getByRole('button', { name: 'Sign in' }).click();
}

async function assertAccessible(name) {
  const problems = await accessibilityProblems(page);
  assert.deepEqual(problems, [], `accessibility problems on the ${name} page`);
}

describe('the agent console', () => {
  before(async () => {
    server = await startServer({ tickets: 120 });
    browser = await launch();
    api = await apiClient(server.base, ADMIN.email, ADMIN.password);
    console.log(`screenshots: ${OUTPUT}`);
  });

  afterEach(async () => {
    for (const context of contexts) await context.close();
    contexts = [];
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows the sign-in page without accessibility problems', async () => {
    page = await open('/queue', { as: null });
    await page.getByRole('heading', { name: 'Sign in to Kefu' }).waitFor();
    await assertAccessible('sign-in');
  });

  it('refuses a wrong password with the API message', async () => {
    page = await open('/', { as: null });
    await page.getByLabel('Email address').fill(ADMIN.email);
    await page.getByLabel('Password', { exact: true }).fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'incorrect' }).waitFor();
  });

  it('signs in and shows the queue with views and counts', async () => {
    page = await open('/', { as: null });
    await signIn(page);
    const rows = page.locator('table.tickets tbody tr');
    assert.ok((await rows.count()) > 0, 'the queue lists tickets');
    const views = page.getByRole('navigation', { name: 'Views' });
    await views.getByRole('link', { name: /Unassigned/ }).waitFor();
    const counts = await api.get('/api/v1/tickets/views');
    const unassigned = counts.items.find((v) => v.view === 'unassigned');
    await views.getByRole('link', { name: new RegExp(`Unassigned\\s*${unassigned.count}`) }).waitFor();
    await screenshot(page, 'queue-en');
    await assertAccessible('queue');
  });

  it('filters the queue, keeps the filters in the URL, and agrees with the API', async () => {
    page = await openQueue('');
    await page.getByLabel('Status', { exact: true }).selectOption('pending');
    await page.waitForURL(/status=pending/);
    await queueLoaded(page);
    const statuses = await page.locator('table.tickets tbody tr .badge').allTextContents();
    assert.ok(statuses.length > 0);
    assert.ok(statuses.every((s) => s === 'Pending'), `only pending tickets: ${statuses}`);
    const fromApi = await api.get('/api/v1/tickets?status=pending&limit=50');
    const numbers = await page.locator('table.tickets tbody td.number').allTextContents();
    assert.deepEqual(numbers, fromApi.items.map((t) => `#${t.number}`));
    // The URL is shareable: loading it again shows the same view.
    await page.reload();
    await queueLoaded(page);
    assert.equal(await page.getByLabel('Status', { exact: true }).inputValue(), 'pending');
  });

  it('searches by best match and marks the words found in each result', async () => {
    const ticket = await api.post('/api/v1/tickets', {
      subject: 'Screen flickers',
      channel: 'chat',
      requester: { name: 'Wang Fang', email: `wang.${Date.now()}@example.com` },
      message: { body: 'Since the update the screen flickers; 我想申请退货 or a replacement.' },
    });
    page = await openQueue('');
    await page.getByLabel('Search subject and messages').fill('flicker 退货');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/sort=relevance/);
    await queueLoaded(page);
    assert.equal(await page.getByLabel('Sort').inputValue(), 'relevance');
    const row = page.locator('table.tickets tbody tr').filter({ hasText: `#${ticket.number}` });
    assert.deepEqual(await row.locator('.snippet mark').allTextContents(), ['flickers', '退货']);
    assert.match(await row.locator('.snippet').textContent(), /the screen flickers; 我想申请退货 or a replacement/);
    await assertAccessible('search results');
    await screenshot(page, 'queue-search');
    // Clearing the search leaves best match for the queue's own order.
    await page.getByLabel('Search subject and messages').fill('');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL((url) => !url.search.includes('sort=relevance'));
    assert.equal(await page.getByLabel('Sort').inputValue(), 'updated');
  });

  it('moves with j/k, opens with Enter, and shows the shortcut help', async () => {
    page = await openQueue();
    await page.keyboard.press('?');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await page.keyboard.press('j');
    const second = await page.locator('table.tickets tbody tr').nth(1).locator('td.number').textContent();
    assert.equal(await page.locator('table.tickets tbody tr.active td.number').textContent(), second);
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/tickets/${second.slice(1)}$`));
    await page.getByRole('heading', { level: 1 }).filter({ hasText: second }).waitFor();
  });

  it('replies, adds an internal note, and changes status and assignee', async () => {
    const opened = await openNewTicket('Damaged espresso machine');
    page = opened.page;
    const { ticket } = opened;
    await page.getByRole('textbox', { name: 'Reply', exact: true }).fill('Your replacement ships today. 今天发货。');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.locator('.timeline .entry.reply').filter({ hasText: 'Your replacement ships today' }).waitFor();
    await page.getByRole('radio', { name: 'Internal note' }).check();
    await page.getByRole('textbox', { name: 'Internal note', exact: true }).fill('Warehouse confirmed stock.');
    await page.getByRole('button', { name: 'Add note' }).click();
    const note = page.locator('.timeline .entry.note').filter({ hasText: 'Warehouse confirmed stock.' });
    await note.waitFor();
    assert.match(await note.textContent(), /Internal note/);
    // After a note, the box is back to a public reply.
    assert.equal(await page.getByRole('radio', { name: 'Public reply' }).isChecked(), true);
    await page.getByLabel('Status', { exact: true }).selectOption('pending');
    await page.locator('.ticket-header .badge', { hasText: 'Pending' }).waitFor();
    const agents = await api.get('/api/v1/users?role=agent&limit=50');
    const agent = agents.items[0];
    await page.getByLabel('Assignee', { exact: true }).selectOption(agent.id);
    await page.locator('.timeline .entry.event').filter({ hasText: agent.name }).waitFor();
    const after = await api.get(`/api/v1/tickets/${ticket.id}`);
    assert.equal(after.status, 'pending');
    assert.equal(after.assignee.id, agent.id);
    const timeline = await api.get(`/api/v1/tickets/${ticket.id}/messages`);
    const bodies = timeline.items.map((m) => [m.visibility, m.body]);
    assert.ok(bodies.some(([v, b]) => v === 'public' && b.includes('今天发货')));
    assert.ok(bodies.some(([v, b]) => v === 'internal' && b === 'Warehouse confirmed stock.'));
    await screenshot(page, 'ticket-en');
    await assertAccessible('ticket');
  });

  it('focuses the reply with r and solves with e', async () => {
    page = (await openNewTicket('Wrong colour delivered')).page;
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('r');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'reply-body');
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('e');
    await page.locator('.ticket-header .badge', { hasText: 'Solved' }).waitFor();
    const number = new URL(page.url()).pathname.split('/').pop();
    assert.equal((await api.get(`/api/v1/tickets/${number}`)).status, 'solved');
  });

  it('opens a ticket on any channel from the new-ticket form', async () => {
    page = await openQueue();
    await page.getByRole('link', { name: 'New ticket' }).click();
    await page.getByLabel('Subject').fill('Quote for 50 label printers');
    await page.getByLabel('Channel').selectOption('chat');
    await page.getByLabel('Stage').selectOption('pre_sale');
    await page.getByLabel('Priority').selectOption('high');
    await page.getByLabel("Requester's name").fill('Olivia Green');
    await page.getByLabel("Requester's email").fill('olivia.green@example.com');
    await page.getByLabel('Tags').fill('quote, 报价');
    await page.getByLabel('Message').fill('We need 50 units before March.');
    await page.getByRole('button', { name: 'Create ticket' }).click();
    await page.waitForURL(/\/tickets\/\d+$/);
    const number = new URL(page.url()).pathname.split('/').pop();
    const ticket = await api.get(`/api/v1/tickets/${number}`);
    assert.equal(ticket.channel, 'chat');
    assert.equal(ticket.priority, 'high');
    assert.equal(ticket.requester.email, 'olivia.green@example.com');
    assert.deepEqual(ticket.tags.sort(), ['quote', '报价'].sort());
    await page.locator('.timeline .entry').filter({ hasText: 'We need 50 units before March.' }).waitFor();
  });

  it('assigns, tags and pends several tickets at once', async () => {
    page = await openQueue('status=new');
    const rows = page.locator('table.tickets tbody tr');
    const numbers = (await rows.locator('td.number').allTextContents()).slice(0, 2);
    assert.equal(numbers.length, 2, 'the seed has new tickets');
    for (const number of numbers) {
      await page.getByRole('checkbox', { name: `Select ticket ${number}` }).check();
    }
    const agents = await api.get('/api/v1/users?role=agent&limit=50');
    const agent = agents.items[1];
    await page.getByLabel('Assign to…').selectOption(agent.id);
    await page.getByLabel('Set status…').selectOption('pending');
    await page.getByLabel('Add tag').fill('bulk-test');
    await page.getByRole('button', { name: 'Apply to selected' }).click();
    await page.getByRole('status').filter({ hasText: 'Updated 2 tickets' }).waitFor();
    for (const number of numbers) {
      const ticket = await api.get(`/api/v1/tickets/${number.slice(1)}`);
      assert.equal(ticket.assignee.id, agent.id);
      assert.equal(ticket.status, 'pending');
      assert.ok(ticket.tags.includes('bulk-test'), ticket.tags.join(','));
    }
  });

  it('logs a call for a known number on one of the caller\'s tickets', async () => {
    const page1 = await api.get('/api/v1/tickets?channel=phone&status=unsolved&limit=1');
    const ticket = page1.items[0];
    const phone = ticket.requester.phone;
    assert.ok(phone, 'the seeded phone ticket has a caller number');
    page = await openQueue();
    await page.getByRole('link', { name: 'Log a call' }).first().click();
    await page.getByLabel("Caller's phone number").fill(phone);
    await page.getByRole('button', { name: 'Find caller' }).click();
    await page.getByRole('heading', { name: new RegExp(`Known caller: ${ticket.requester.name}`) }).waitFor();
    await page.getByLabel('Our number').fill('+86 21 5555 0100');
    await page.getByLabel('Duration (minutes:seconds)').fill('3:25');
    await page.getByLabel('Notes').fill('Customer asked for the delivery date.');
    await page.getByRole('button', { name: `Log on #${ticket.number}` }).click();
    await page.waitForURL(new RegExp(`/tickets/${ticket.number}$`));
    await page.locator('.notice').filter({ hasText: `Call logged on #${ticket.number}` }).waitFor();
    assert.ok(!(await page.locator('.notice').textContent()).includes('##'), 'the number is shown once with its #');
    await page.locator('.timeline .entry.call').filter({ hasText: 'Customer asked for the delivery date.' }).waitFor();
    const timeline = await api.get(`/api/v1/tickets/${ticket.id}/messages`);
    const call = timeline.items.filter((m) => m.kind === 'call').pop().call;
    assert.equal(call.duration_seconds, 205);
    assert.equal(call.from, phone);
    assert.equal(call.to, '+862155550100');
  });

  it('logs a call from an unknown number as a new phone ticket', async () => {
    page = await open('/calls');
    await page.getByLabel("Caller's phone number").fill('+1 415 555 0199');
    await page.getByRole('button', { name: 'Find caller' }).click();
    await page.getByText('No customer has this number yet').waitFor();
    await page.getByLabel('Our number').fill('+86 21 5555 0100');
    await page.getByLabel('Duration (minutes:seconds)').fill('1:05');
    await page.getByLabel('Subject').fill('Installation visit for the espresso machine');
    await page.getByLabel("Caller's name").fill('Grace Walker');
    await page.getByRole('button', { name: 'Create phone ticket' }).click();
    await page.waitForURL(/\/tickets\/\d+$/);
    const number = new URL(page.url()).pathname.split('/').pop();
    const ticket = await api.get(`/api/v1/tickets/${number}`);
    assert.equal(ticket.channel, 'phone');
    assert.equal(ticket.requester.name, 'Grace Walker');
    assert.equal(ticket.requester.phone, '+14155550199');
    await page.locator('.requester').getByText('Grace Walker').waitFor();
  });

  it('reads national numbers at home, offers the team line, and files the phone ticket where chosen', async () => {
    const me = await api.get('/api/v1/me');
    const teams = await api.get('/api/v1/teams');
    const orders = teams.items.find((t) => t.name === 'Orders');
    assert.equal((await api.get('/api/v1/settings')).phone_region, 'CN', 'the demo is a Chinese business');
    await api.patch(`/api/v1/teams/${orders.id}`, { members: [...orders.members.map((m) => m.id), me.user.id] });
    page = await open('/calls');
    await page.getByLabel("Caller's phone number").fill('138 0013 8111');
    await page.getByRole('button', { name: 'Find caller' }).click();
    await page.getByText('No customer has this number yet').waitFor();
    assert.equal(await page.getByLabel('Our number').inputValue(), orders.phone_line_display, 'the team line is offered');
    await page.getByLabel('Duration (minutes:seconds)').fill('2:00');
    await page.getByLabel('Subject').fill('Where is my parcel?');
    await page.getByLabel('Stage').selectOption('in_sale');
    await page.getByLabel('Priority').selectOption('high');
    await page.getByLabel('Team').selectOption(orders.id);
    await page.getByRole('button', { name: 'Create phone ticket' }).click();
    await page.waitForURL(/\/tickets\/\d+$/);
    const number = new URL(page.url()).pathname.split('/').pop();
    const ticket = await api.get(`/api/v1/tickets/${number}`);
    assert.deepEqual([ticket.stage, ticket.priority, ticket.team?.id], ['in_sale', 'high', orders.id]);
    assert.equal(ticket.requester.phone, '+8613800138111');
    await page.locator('.requester').getByText('138 0013 8111').waitFor();
    await page.locator('.timeline .entry.call').filter({ hasText: '138 0013 8111' }).waitFor();
  });

  it('creates a user and a team on the admin pages', async () => {
    page = await openQueue();
    await page.getByRole('link', { name: 'Users' }).click();
    const form = page.getByRole('form', { name: 'New user' });
    await form.getByLabel('Email', { exact: true }).fill('new.agent@example.com');
    await form.getByLabel('Name', { exact: true }).fill('Noah New');
    await form.getByLabel('Role', { exact: true }).selectOption('agent');
    await form.getByLabel('First password').fill('first-password-1');
    await form.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('cell', { name: 'new.agent@example.com' }).waitFor();
    const users = await api.get('/api/v1/users?limit=200');
    const created = users.items.find((u) => u.email === 'new.agent@example.com');
    assert.equal(created?.role, 'agent');

    await page.getByRole('link', { name: 'Teams' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Field service');
    await page.getByRole('button', { name: 'Create' }).click();
    const team = page.getByRole('region', { name: 'Field service' });
    await team.waitFor();
    await team.getByRole('checkbox', { name: 'Noah New' }).check();
    await team.getByRole('button', { name: /Save team/ }).click();
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    const teams = await api.get('/api/v1/teams');
    const field = teams.items.find((t) => t.name === 'Field service');
    assert.deepEqual(field.members.map((m) => m.name), ['Noah New']);
  });

  it('switches to Chinese, and remembers it', async () => {
    page = await openQueue();
    await page.getByLabel('Language').selectOption('zh-CN');
    await page.getByRole('link', { name: '工单队列' }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    const headers = await page.locator('table.tickets thead th').allTextContents();
    assert.ok(headers.includes('主题') && headers.includes('状态'), headers.join(','));
    const me = await api.get('/api/v1/me');
    // The API client is another session of the same admin: the choice is on the account.
    assert.equal(me.user.locale, 'zh-CN');
    await screenshot(page, 'queue-zh');
    await page.locator('table.tickets tbody tr').first().locator('td.subject a').click();
    await page.getByRole('heading', { name: '属性' }).waitFor();
    await screenshot(page, 'ticket-zh');
    await assertAccessible('ticket (Chinese)');
    await page.getByLabel('语言').selectOption('en');
    await page.getByRole('link', { name: 'Queue', exact: true }).waitFor();
  });

  it('sends an ended session back to sign-in, and back to where the agent was', async () => {
    page = await openQueue();
    // The session ends on the server (as an idle timeout or a password change would).
    const me = await page.evaluate(async () => (await fetch('/api/v1/me')).status);
    assert.equal(me, 200);
    await page.context().clearCookies();
    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: /Unassigned/ }).click();
    await page.getByRole('heading', { name: 'Sign in to Kefu' }).waitFor();
    await page.getByText('Your session has ended').waitFor();
    await page.getByLabel('Email address').fill(ADMIN.email);
    await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('table.tickets[data-loaded="true"]').waitFor();
  });

  it('creates an API token, shows it once, and revokes it', async () => {
    page = await openQueue();
    await page.getByRole('link', { name: 'API tokens' }).click();
    await page.getByRole('heading', { name: 'Personal API tokens' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Warehouse sync');
    await page.getByLabel('Access').selectOption('read');
    await page.getByRole('button', { name: 'Create' }).click();
    const secret = (await page.getByTestId('token-secret').textContent()).trim();
    assert.match(secret, /^kefu_pat_/);
    const asToken = await fetch(`${server.base}/api/v1/me`, { headers: { authorization: `Bearer ${secret}` } });
    assert.equal(asToken.status, 200, 'the shown token works as a bearer token');
    await screenshot(page, 'tokens-en');
    await assertAccessible('API tokens');
    await page.getByRole('button', { name: 'Revoke Warehouse sync' }).click();
    await page.getByRole('cell', { name: 'Revoked', exact: true }).waitFor();
    const revoked = await fetch(`${server.base}/api/v1/me`, { headers: { authorization: `Bearer ${secret}` } });
    assert.equal(revoked.status, 401, 'a revoked token is refused');
  });

  it('shows the audit log of sign-ins and admin actions', async () => {
    await api.post('/api/v1/teams', { name: `Audited ${Date.now()}` });
    page = await open('/admin/audit');
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await page.locator('tr[data-action="team_created"]').first().waitFor();
    await page.locator('tr[data-action="sign_in"]').first().waitFor();
    const log = await api.get('/api/v1/audit?limit=5');
    const first = page.locator('table.audit tbody tr').first();
    assert.equal(await first.getAttribute('data-action'), log.items[0].action);
    await assertAccessible('audit log');
  });

  it('sets a new password from a reset link, once', async () => {
    const email = `reset.${Date.now()}@example.com`;
    await api.post('/api/v1/users', { email, name: 'Rosa Reset', role: 'agent', password: 'old-password-1' });
    const out = server.run(['users', 'reset-link', '--email', email]);
    const link = /(http:\/\/\S+\/reset-password\?token=\S+)/.exec(out)?.[1];
    assert.ok(link, out);
    page = await open(new URL(link).pathname + new URL(link).search, { as: null });
    await page.getByLabel('New password', { exact: true }).fill('new-password-77');
    await page.getByLabel('New password again').fill('new-password-77');
    await page.getByRole('button', { name: 'Set password' }).click();
    await page.getByText('Your password is set').waitFor();
    await assertAccessible('reset password');
    const login = await fetch(`${server.base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'new-password-77' }) });
    assert.equal(login.status, 200);
    page = await open(new URL(link).pathname + new URL(link).search, { as: null });
    await page.getByLabel('New password', { exact: true }).fill('another-pass-77');
    await page.getByLabel('New password again').fill('another-pass-77');
    await page.getByRole('button', { name: 'Set password' }).click();
    await page.getByRole('alert').filter({ hasText: 'no longer valid' }).waitFor();
  });

  it('shows a customer who signs in their requests, and they rate a solved one', async () => {
    const stamp = Date.now();
    const customer = { email: `customer.${stamp}@example.com`, password: 'customer-pass-1' };
    await api.post('/api/v1/users', { ...customer, name: 'Chen Jie', role: 'customer' });
    const ticket = await api.post('/api/v1/tickets', {
      subject: `Dryer too loud ${stamp}`, channel: 'email', stage: 'after_sale',
      requester: { email: customer.email }, message: { body: 'It rattles.' },
    });
    await api.patch(`/api/v1/tickets/${ticket.id}`, { status: 'solved' });
    page = await open('/', { as: null });
    await signInAs(page, customer);
    await page.getByRole('heading', { name: 'Your requests, Chen Jie' }).waitFor();
    assert.equal(await page.getByRole('alert').count(), 0, 'no red error box');
    const request = page.getByRole('listitem').filter({ hasText: `Dryer too loud ${stamp}` });
    await request.getByRole('button', { name: 'Rate our help' }).click();
    await request.getByLabel('5 of 5: very happy').check();
    await request.getByLabel('Better than expected').check();
    await assertAccessible('customer portal');
    await request.getByRole('button', { name: 'Send' }).click();
    await request.getByRole('status').getByText('Thank you!').waitFor();
    const ratings = await api.get(`/api/v1/tickets/${ticket.id}/ratings`);
    assert.equal(ratings.items[0].source, 'portal');
    assert.equal(ratings.items[0].expectation, 'better');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Kefu' }).waitFor();
  });

  it('shows a mail with why it is on the ticket, and replies to it by mail', async () => {
    const raw = [
      'From: Mei Lin <mei.lin@example.cn>',
      'To: support@kefu.localhost',
      'Subject: =?UTF-8?B?' + Buffer.from('尺码问题 Size question').toString('base64') + '?=',
      `Message-ID: <e2e-${Date.now()}@example.cn>`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/alternative; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Do you have this in size 42?',
      '',
      'On Mon, 1 Dec 2026, Shop <support@kefu.localhost> wrote:',
      '> Thanks for your order.',
      '--b',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>Do you have this in <b>size 42</b>?</p><img src="https://tracker.example/p.gif"><script>alert(1)</script>',
      '--b--',
      '',
    ].join('\r\n');
    const taken = server.ingest(raw);
    assert.equal(taken.status, 0, `kefu mail ingest: ${taken.stderr}`);
    const number = /ticket #(\d+)/.exec(taken.stdout)[1];
    page = await open(`/tickets/${number}`);
    await page.getByText('Opened this ticket').waitFor();
    await page.getByText('Mei Lin <mei.lin@example.cn>').waitFor();
    const frame = page.frameLocator('iframe.email-frame');
    await frame.locator('b', { hasText: 'size 42' }).waitFor();
    assert.equal(await frame.locator('script').count(), 0, 'no script reaches the frame');
    for (let i = 0; i < 50 && blockedRemoteImages.length === 0; i += 1) await page.waitForTimeout(100);
    assert.ok(blockedRemoteImages.length > 0, 'the tracking image is not loaded until the agent asks');
    await page.getByRole('button', { name: 'Show as text' }).click();
    await page.locator('.email .body').filter({ hasText: 'Do you have this in size 42?' }).waitFor();
    await page.getByText('Quoted history').click();
    await page.getByText('> Thanks for your order.').waitFor();
    await page.getByText('This reply goes by mail to mei.lin@example.cn').waitFor();
    await page.getByRole('button', { name: 'Change' }).click();
    await page.getByLabel('Cc', { exact: true }).fill('stock@shop.example');
    await page.getByLabel('Reply', { exact: true }).fill('Yes, size 42 is in stock. 42 码有货。');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByText('Sent by mail').waitFor();
    await screenshot(page, 'ticket-email');
    const timeline = await api.get(`/api/v1/tickets/${number}/messages`);
    const sent = timeline.items.find((m) => m.email?.direction === 'outbound' && m.kind === 'reply');
    assert.deepEqual(sent.email.to.map((p) => p.address), ['mei.lin@example.cn']);
    assert.deepEqual(sent.email.cc.map((p) => p.address), ['stock@shop.example'], 'the agent copied the stock room');
    const acknowledged = timeline.items.find((m) => m.kind === 'event' && m.email?.direction === 'outbound');
    assert.ok(acknowledged, 'the customer was acknowledged by mail');
    await page.getByText('This reply goes by mail to mei.lin@example.cn, stock@shop.example').waitFor();
    await assertAccessible('ticket with mail');
  });

  it('moves a mail to the ticket it belongs on', async () => {
    const mail = (id, subject, body) =>
      ['From: Tom Wu <tom.wu@example.com>', 'To: support@kefu.localhost', `Subject: ${subject}`, `Message-ID: <${id}-${Date.now()}@example.com>`, 'Content-Type: text/plain; charset=utf-8', '', body, ''].join('\r\n');
    const first = server.ingest(mail('move-a', 'Coffee machine leaks', 'My coffee machine leaks water.'));
    const second = server.ingest(mail('move-b', 'Photos', 'Here are the photos of the leak you asked for.'));
    const [into, stray] = [first, second].map((taken) => /ticket #(\d+)/.exec(taken.stdout)[1]);
    page = await open(`/tickets/${stray}`);
    await page.getByText('Opened this ticket').waitFor();
    await page.getByText('Move or split this mail').click();
    await page.getByLabel('Ticket number').fill(into);
    await page.getByRole('button', { name: 'Move to that ticket' }).click();
    await page.waitForURL(new RegExp(`/tickets/${into}$`));
    await page.getByText('Moved here by an agent').waitFor();
    await page.getByText(`moved a mail here from #${stray}`).waitFor();
    await assertAccessible('moved mail');
    const left = await api.get(`/api/v1/tickets/${stray}/messages`);
    assert.ok(left.items.some((m) => m.body.includes(`moved a mail to #${into}`)), 'the old ticket says where it went');
  });

  it('sets up a mailbox and shows quarantined mail to admins', async () => {
    const junk = server.ingest('this is not a mail at all');
    assert.equal(junk.status, 65, 'quarantined mail exits 65');
    assert.match(junk.stderr, /not taken/);
    page = await open('/admin/mail');
    await page.getByRole('heading', { name: 'Mail', level: 1 }).waitFor();
    const form = page.getByRole('form', { name: 'New mailbox' });
    await form.getByLabel('Name').fill('Orders');
    await form.getByLabel('Address').fill('orders@shop.example');
    await form.getByLabel('Stage for new tickets').selectOption('in_sale');
    await form.getByLabel('Fetch over IMAP').check();
    await form.getByLabel('Server').fill('imap.shop.example');
    await form.getByLabel('Password').fill('imap-password');
    await form.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('form', { name: 'Orders' }).waitFor();
    const mailboxes = await api.get('/api/v1/mailboxes');
    const orders = mailboxes.find((m) => m.address === 'orders@shop.example');
    assert.equal(orders.stage, 'in_sale');
    assert.equal(orders.imap.host, 'imap.shop.example');
    assert.ok(!JSON.stringify(orders).includes('imap-password'), 'the password never comes back');
    const row = page.locator('table.list tbody tr').first();
    await row.getByText('Not a mail').waitFor();
    await screenshot(page, 'admin-mail');
    await assertAccessible('mail admin');
  });

  it('edits a mail template with a preview, and refuses a broken one', async () => {
    page = await open('/admin/mail');
    const editor = page.getByRole('form', { name: 'Mail templates' });
    await editor.getByLabel('Mail', { exact: true }).selectOption('acknowledgement');
    await editor.getByLabel('Language').selectOption('en');
    await editor.getByText("Kefu's own").waitFor();
    await editor.getByLabel('Subject').fill('Got it, {{ custmer.name }}');
    await editor.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('alert').filter({ hasText: 'the subject' }).waitFor();
    await editor.getByLabel('Subject').fill('Got it: {{ ticket.subject }}');
    await editor.getByLabel('HTML').fill('<p style="color: #1a5fd0">Dear <b>{{ customer.name }}</b>, ticket {{ ticket.number }} is open.</p>');
    await editor.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByRole('region', { name: 'Preview with sample values' });
    await preview.getByText('Got it: The printer jams').waitFor();
    await page.frameLocator('iframe[title="Preview with sample values"]').getByText('Dana Li').waitFor();
    await editor.getByRole('button', { name: 'Save' }).click();
    await editor.getByText('Changed by an admin').waitFor();
    const saved = await api.get('/api/v1/mail/templates/acknowledgement/en');
    assert.equal(saved.subject, 'Got it: {{ ticket.subject }}');
    await screenshot(page, 'admin-mail-templates');
    await assertAccessible('mail templates');
    await editor.getByLabel('Language').selectOption('zh-CN');
    await editor.getByLabel('Subject').waitFor();
    assert.match(await editor.getByLabel('Subject').inputValue(), /我们已收到您的请求/);
  });

  it('sets the outgoing SMTP server, goes back to the file, and sends a test mail', async () => {
    page = await open('/admin/mail');
    const smtp = page.getByRole('form', { name: 'Outgoing mail (SMTP)' });
    await page.getByText('Not set here').waitFor();
    await smtp.getByLabel('SMTP server').fill('smtp.shop.example');
    await smtp.getByLabel('User name').fill('kefu');
    await smtp.getByLabel('Password').fill('smtp-secret-1');
    await smtp.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Mail goes out through the server set here').waitFor();
    const shown = await api.get('/api/v1/mail/smtp');
    assert.equal(shown.host, 'smtp.shop.example');
    assert.ok(shown.password_set && !JSON.stringify(shown).includes('smtp-secret-1'), 'the password never comes back');
    await assertAccessible('smtp settings');
    await smtp.getByRole('button', { name: 'Use the configuration file instead' }).click();
    await page.getByText('Not set here').waitFor();
    await page.getByLabel('Test mail to').fill('it@shop.example');
    await page.getByRole('button', { name: 'Send a test mail' }).click();
    let mail;
    for (let i = 0; i < 50 && !mail; i += 1) {
      mail = server.sentMail().find((m) => m.head.includes('it@shop.example'));
      if (!mail) await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(mail, 'the test mail was written where mail goes (.eml files here)');
    assert.match(mail.text, /sent this test mail from Kefu's console/);
  });

  it('chooses which mail notifications an agent gets', async () => {
    page = await open('/settings/notifications');
    await page.getByRole('heading', { name: 'Mail notifications' }).waitFor();
    await page.getByLabel(/A customer replied/).uncheck();
    await page.getByLabel(/A vendor answered/).uncheck();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved').first().waitFor();
    const settings = await api.get('/api/v1/me/notifications');
    // The vendor users' two settings are not on an agent's page, and stay as they were.
    assert.deepEqual(settings, {
      assigned: true,
      customer_replied: false,
      vendor_update: false,
      escalation_new: true,
      escalation_reply: true,
    });
    await assertAccessible('notifications');
  });

  it('mails a reset link from the sign-in page, and the link sets a new password', async () => {
    const email = `forgot.${Date.now()}@example.com`;
    await api.post('/api/v1/users', { email, name: 'Fei Forgot', role: 'agent', password: 'old-password-1', locale: 'zh-CN' });
    page = await open('/', { as: null });
    await page.getByRole('button', { name: 'Forgot your password?' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Mail me a link' }).click();
    await page.getByRole('status').filter({ hasText: 'a link is on its way' }).waitFor();
    await assertAccessible('forgot password');
    let mail;
    for (let i = 0; i < 50 && !mail; i += 1) {
      mail = server.sentMail().find((m) => m.head.includes(email));
      if (!mail) await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(mail, 'the reset mail was written');
    assert.match(mail.text, /重置您的 Kefu 账户密码|有人申请重置/, 'in the user\'s language');
    const link = /(http:\/\/\S+\/reset-password\?token=\S+)/.exec(mail.text)?.[1];
    assert.ok(link, mail.text);
    page = await open(new URL(link).pathname + new URL(link).search, { as: null });
    await page.getByLabel('New password', { exact: true }).fill('forgot-password-7');
    await page.getByLabel('New password again').fill('forgot-password-7');
    await page.getByRole('button', { name: 'Set password' }).click();
    await page.getByText('Your password is set').waitFor();
  });

  it('escalates with a preview; the vendor answers in the portal at phone width; the agent copies the answer', async () => {
    const stamp = Date.now();
    const vendor = await api.post('/api/v1/vendors', {
      name: `PrintCo ${stamp}`, kind: 'oem', coverage: ['LaserJet'], contacts: ['cases@printco.example'],
      targets: { acknowledge_minutes: 60, answer_minutes: 1440 },
    });
    const tech = { email: `tech.${stamp}@printco.example`, password: 'vendor-password-1' };
    await api.post('/api/v1/users', { email: tech.email, name: 'Wang Tech', role: 'vendor', vendor: vendor.id, password: tech.password });
    const ticket = await api.post('/api/v1/tickets', {
      subject: `LaserJet prints blank pages, case ${stamp.toString(36)}`, channel: 'email', stage: 'after_sale',
      requester: { name: 'Lena Park', email: `lena.${stamp}@example.com` },
      message: { body: `Hi, Lena Park here. Mail me at lena.${stamp}@example.com or call 138 0013 8000.` },
    });
    page = await open(`/tickets/${ticket.number}`);
    await page.getByRole('button', { name: 'Escalate to a vendor' }).click();
    const vendorChoice = page.getByLabel('Vendor');
    assert.match(await vendorChoice.locator('option:checked').textContent(), new RegExp(`PrintCo ${stamp} \\(covers this\\)`));
    await page.getByLabel('Brief').fill(`Lena Park (lena.${stamp}@example.com) sees blank pages since the update. Please advise.`);
    await page.locator('.share-item input').first().check();
    await page.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByRole('region', { name: `What PrintCo ${stamp} will see` });
    await preview.waitFor();
    const shown = await preview.textContent();
    assert.ok(!shown.includes('Lena Park') && !shown.includes(`lena.${stamp}`) && !shown.includes('138 0013'), shown);
    assert.match(shown, /\[👤 •••\] \(\[✉ •••\]\) sees blank pages/);
    assert.match(shown, /call \[☎ •••\]/);
    await assertAccessible('escalation preview');
    await screenshot(page, 'escalate-preview');
    await preview.getByRole('button', { name: 'Escalate' }).click();
    const panel = page.getByRole('region', { name: 'Escalations' });
    await panel.getByRole('button', { name: new RegExp(`E-\\w+ · PrintCo ${stamp}`) }).waitFor();
    assert.equal((await api.get(`/api/v1/tickets/${ticket.id}`)).status, 'on_hold');

    // The vendor's technician, on a phone.
    const phone = await browser.newContext({ locale: 'en-US', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    contexts.push(phone);
    const signedIn = await phone.request.post(`${server.base}/api/v1/auth/login`, { data: tech });
    assert.equal(signedIn.status(), 200);
    page = await phone.newPage();
    await page.goto(`${server.base}/vendor`);
    await page.getByRole('heading', { name: 'Escalated cases' }).waitFor();
    await assertAccessible('vendor portal queue');
    // Long numbers read as order numbers and are masked: the case's title uses letters too.
    await page.getByRole('link', { name: new RegExp(`LaserJet prints blank pages, case ${stamp.toString(36)}`) }).click();
    await page.getByText('sees blank pages since the update').waitFor();
    const caseText = await page.locator('main').textContent();
    assert.ok(!caseText.includes('Lena Park') && !caseText.includes(`#${ticket.number}`), 'the vendor sees neither the customer nor the ticket');
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true, 'nothing wider than the phone');
    await page.getByLabel('Attach a file').setInputFiles({ name: 'printer-log.txt', mimeType: 'text/plain', buffer: Buffer.from('error 0x4F at page feed\n') });
    await page.getByRole('link', { name: 'printer-log.txt' }).waitFor();
    await page.getByLabel('Write to the other side').fill('Install firmware 2.02: it fixes blank pages.');
    await page.getByRole('button', { name: 'Answer' }).click();
    await page.locator('section.escalation[data-status="answered"]').waitFor();
    await assertAccessible('vendor portal case');
    await screenshot(page, 'vendor-portal-phone');
    await page.getByLabel('Language').selectOption('zh-CN');
    await page.getByRole('heading', { name: 'LaserJet' }).or(page.getByText('往来记录')).first().waitFor();
    await assertAccessible('vendor portal case in Chinese');
    await page.getByRole('link', { name: '返回案例列表' }).click();
    await page.getByRole('heading', { name: '升级案例' }).waitFor();
    await assertAccessible('vendor portal queue in Chinese');

    // Back on the ticket: open again, the answer is there, and the agent copies it.
    assert.equal((await api.get(`/api/v1/tickets/${ticket.id}`)).status, 'open');
    page = await open(`/tickets/${ticket.number}`);
    const escalations = page.getByRole('region', { name: 'Escalations' });
    await escalations.getByRole('button', { name: new RegExp(`PrintCo ${stamp}`) }).click();
    await escalations.getByText('Install firmware 2.02').waitFor();
    await escalations.locator('li.esc-entry', { hasText: 'Install firmware 2.02' }).getByRole('button', { name: 'Copy into a customer reply' }).click();
    await page.getByText('Copied into a reply to the customer').waitFor();
    const timeline = await api.get(`/api/v1/tickets/${ticket.id}/messages`);
    const noted = timeline.items.find((m) => m.kind === 'event' && m.data?.copied_from);
    assert.ok(noted, 'an internal event records the copy');
    assert.equal(noted.visibility, 'internal');
    const copied = timeline.items.find((m) => m.id === noted.data.copied_from.message);
    assert.equal(copied.body, 'Install firmware 2.02: it fixes blank pages.');
    assert.equal(copied.visibility, 'public');
    assert.equal(copied.data, null, 'the customer sees nothing of the escalation');

    // The scorecard counts the case for its vendor.
    page = await open('/escalations/scorecard');
    const row = page.getByRole('row', { name: new RegExp(`PrintCo ${stamp}`) });
    await row.waitFor();
    assert.match(await row.textContent(), /100%/, 'answered within target');
    await assertAccessible('vendor scorecard');
  });

  it("connects a vendor's own helpdesk: a webhook with its secret shown once, a test call, and an API key", async () => {
    const stamp = Date.now();
    const vendor = await api.post('/api/v1/vendors', { name: `CloudSoft ${stamp}`, kind: 'isv', contacts: ['desk@cloudsoft.example'] });
    page = await open('/admin/vendors');
    const card = page.getByRole('region', { name: new RegExp(`CloudSoft ${stamp}`) });
    await card.getByText("The vendor's own helpdesk: webhook and API key").click();
    await card.getByLabel('Webhook address').fill('http://127.0.0.1:9/hooks/kefu');
    await card.getByRole('button', { name: 'Save' }).last().click();
    const secret = card.locator('.shown-once code');
    await secret.waitFor();
    assert.match(await secret.textContent(), /^whsec_/);
    // A loopback address is refused unless allowed: the test call says so.
    await card.getByRole('button', { name: 'Send a test call' }).click();
    await card.getByText(/a private, loopback or link-local address/).waitFor({ timeout: 15000 });
    await card.getByRole('button', { name: 'Make an API key' }).click();
    const key = card.locator('.vendor-api-key .shown-once code');
    await key.waitFor();
    const bearer = (await key.textContent()).trim();
    const queue = await fetch(`${server.base}/api/v1/escalations`, { headers: { authorization: `Bearer ${bearer}` } });
    assert.equal(queue.status, 200, 'the key reads the vendor\'s queue');
    const tickets = await fetch(`${server.base}/api/v1/tickets`, { headers: { authorization: `Bearer ${bearer}` } });
    assert.equal(tickets.status, 403, 'and nothing else');
    await assertAccessible('vendor webhook and API key');
    await screenshot(page, 'vendor-systems');
    await card.getByRole('button', { name: 'Revoke the key' }).click();
    await card.getByRole('button', { name: 'Make an API key' }).waitFor();
    const revoked = await fetch(`${server.base}/api/v1/escalations`, { headers: { authorization: `Bearer ${bearer}` } });
    assert.equal(revoked.status, 401);
    assert.equal(vendor.name, `CloudSoft ${stamp}`);
  });

  it('sets up an integration webhook: secret shown once, a test event delivered, signed ticket events', async () => {
    const calls = [];
    const receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        calls.push({ headers: req.headers, body });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"received":true}');
      });
    });
    await new Promise((done) => receiver.listen(0, '127.0.0.1', done));
    try {
      const stamp = Date.now();
      page = await open('/admin/integrations');
      const form = page.getByRole('region', { name: 'New integration' });
      await form.getByLabel('Name').fill(`CRM ${stamp}`);
      await form.getByLabel('Webhook address').fill(`http://127.0.0.1:${receiver.address().port}/kefu`);
      await form.getByLabel('Message written').check();
      await form.getByLabel('Allow a private or loopback address').check();
      await form.getByRole('button', { name: 'Create' }).click();
      const secret = form.locator('.shown-once code');
      await secret.waitFor();
      const shown = (await secret.textContent()).trim();
      assert.match(shown, /^whsec_/);
      const card = page.getByRole('region', { name: `CRM ${stamp}` });
      await card.getByRole('button', { name: 'Send test event' }).click();
      await card.getByText('HTTP 200').waitFor({ timeout: 15000 });
      await card.getByText('Response').click();
      await card.getByText('{"received":true}').waitFor();
      await assertAccessible('integrations');
      await screenshot(page, 'integrations');
      // A ticket made now reaches it, signed with the secret shown once.
      const ticket = await api.post('/api/v1/tickets', {
        subject: `Integration ${stamp}`, channel: 'email', stage: 'pre_sale',
        requester: { name: 'Ana Lima', email: `ana.${stamp}@example.com` }, message: { body: 'Hello there' },
      });
      const deadline = Date.now() + 15000;
      while (!calls.some((c) => c.headers['kefu-event'] === 'ticket.created') && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
      }
      const made = calls.find((c) => c.headers['kefu-event'] === 'ticket.created');
      assert.ok(made, `the ticket reached the receiver: ${calls.map((c) => c.headers['kefu-event'])}`);
      const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(made.headers['kefu-signature']);
      const expected = crypto.createHmac('sha256', shown).update(`${t}.${made.body}`).digest('hex');
      assert.equal(v1, expected, 'signed with the secret');
      assert.equal(JSON.parse(made.body).data.ticket.id, ticket.id);
      assert.equal(JSON.parse(made.body).data.message.body, 'Hello there');
    } finally {
      receiver.close();
    }
  });

  it('pops a ringing call up at the agent whose extension rings; a missed call owes a call back', async () => {
    page = await open('/admin/telephony');
    await page.getByLabel('Take call events').check();
    await page.getByLabel('Ada Admin').fill('9801');
    await page.getByRole('button', { name: 'Save' }).click();
    const secretBox = page.locator('.shown-once code');
    await secretBox.waitFor({ timeout: 10000 }).catch(async (cause) => {
      throw new Error(`no secret shown: ${await page.locator('main').innerText()}`, { cause });
    });
    const secret = (await secretBox.textContent()).trim();
    await assertAccessible('telephony settings');
    const stamp = Date.now();
    const caller = `+86139${String(stamp).slice(-8)}`;
    const call = async (id, type, extra = {}) => {
      const body = JSON.stringify({ id: `${id}-${stamp}`, type, call_id: `call-${stamp}`, direction: 'inbound', from: caller, to: '+862160001000', extension: '9801', ...extra });
      const t = Math.floor(Date.now() / 1000);
      const v1 = crypto.createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
      const answer = await fetch(`${server.base}/api/v1/telephony/events`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'kefu-signature': `t=${t},v1=${v1}` }, body,
      });
      const text = await answer.text();
      assert.equal(answer.status, 200, text);
      return JSON.parse(text);
    };
    const rang = await call('e1', 'call.ringing');
    const pop = page.getByRole('alert', { name: `Incoming call: ${caller}` });
    await pop.waitFor({ timeout: 10000 });
    assert.match(await pop.textContent(), new RegExp(`#${rang.ticket_number}`));
    await assertAccessible('screen pop');
    await screenshot(page, 'screen-pop');
    await call('e2', 'call.missed');
    await page.getByRole('region', { name: `Missed call: ${caller}` }).getByRole('link', { name: 'Open the timeline' }).click();
    await page.waitForURL(`**/tickets/${rang.ticket_number}`);
    await page.getByText(`Missed call from ${caller}`).first().waitFor();
    const ticket = await api.get(`/api/v1/tickets/${rang.ticket_id}`);
    assert.ok(ticket.tags.includes('call-back'), `tags: ${ticket.tags}`);
    assert.equal(ticket.channel, 'phone');
    // Turned off again, so later steps see no calls.
    await api.put('/api/v1/telephony', { enabled: false, stage: 'after_sale' });
  });

  it('schedules a visit; the technician records it at phone width; the calendar shows it', async () => {
    const stamp = Date.now();
    const partner = await api.post('/api/v1/vendors', { name: `HomeFix ${stamp}`, kind: 'service_partner' });
    const tech = { email: `lina.${stamp}@homefix.example`, password: 'vendor-password-1' };
    await api.post('/api/v1/users', { email: tech.email, name: 'Lina Ortiz', role: 'vendor', vendor: partner.id, password: tech.password });
    const ticket = await api.post('/api/v1/tickets', {
      subject: `Install the washer ${stamp.toString(36)}`, channel: 'email', stage: 'after_sale',
      requester: { name: 'Ana Lima', email: `ana.${stamp}@example.com` }, message: { body: 'Please install it.' },
    });
    page = await open(`/tickets/${ticket.number}`);
    const panel = page.getByRole('region', { name: 'Field-service visits' });
    await panel.getByRole('button', { name: 'Schedule a visit' }).click();
    await panel.getByLabel('Technician').selectOption({ label: `HomeFix ${stamp}` });
    await panel.getByLabel('Address').fill('12 Rose Lane, Springfield');
    await panel.getByLabel('What to do').fill('Install the washer and run a test cycle');
    await panel.getByRole('button', { name: 'Schedule a visit' }).click();
    const card = panel.getByRole('article', { name: `Visit by HomeFix ${stamp}` });
    await card.waitFor();
    await assertAccessible('visits on a ticket');
    await card.getByRole('button', { name: 'Confirm with the customer' }).click();
    await card.locator('.visit-confirmed').waitFor();
    // The customer asks for another day: the agent moves it, and it stays confirmed.
    const before = (await api.get(`/api/v1/tickets/${ticket.id}/visits`)).items[0];
    await card.getByRole('button', { name: 'Another time' }).click();
    const later = new Date(Date.parse(before.start) + 24 * 3600 * 1000);
    const pad = (n) => String(n).padStart(2, '0');
    await card.getByLabel('Starts').fill(`${later.getFullYear()}-${pad(later.getMonth() + 1)}-${pad(later.getDate())}T${pad(later.getHours())}:${pad(later.getMinutes())}`);
    await card.getByRole('button', { name: 'Move the visit' }).click();
    await card.getByRole('button', { name: 'Another time' }).waitFor();
    const moved = (await api.get(`/api/v1/tickets/${ticket.id}/visits`)).items[0];
    assert.equal(Date.parse(moved.start) - Date.parse(before.start), 24 * 3600 * 1000);
    assert.equal(moved.status, 'confirmed');

    const phone = await browser.newContext({ locale: 'en-US', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    contexts.push(phone);
    assert.equal((await phone.request.post(`${server.base}/api/v1/auth/login`, { data: tech })).status(), 200);
    page = await phone.newPage();
    await page.goto(`${server.base}/vendor/visits`);
    const visit = page.getByRole('article', { name: `Visit by HomeFix ${stamp}` });
    await visit.getByText('12 Rose Lane').waitFor();
    assert.ok(!(await page.locator('main').textContent()).includes(`Install the washer ${stamp.toString(36)}`), 'the partner sees no ticket');
    await visit.getByRole('button', { name: 'On my way' }).click();
    await visit.getByRole('button', { name: 'Record the work done' }).click();
    await visit.getByLabel('Work done').fill('Installed and tested; drain hose replaced.');
    await visit.getByLabel('Parts used').fill('Drain hose 1.5 m');
    await visit.getByLabel('Signed by').fill('Ana Lima');
    await visit.getByRole('button', { name: 'Record' }).click();
    await page.locator('article.visit[data-status="done"]').first().waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true, 'nothing wider than the phone');
    await assertAccessible('portal visits at phone width');
    await screenshot(page, 'portal-visit-phone');
    await page.getByLabel('Language').selectOption('zh-CN');
    await page.getByRole('heading', { name: '上门服务' }).waitFor();
    await assertAccessible('portal visits in Chinese');

    const timeline = await api.get(`/api/v1/tickets/${ticket.id}/messages`);
    assert.ok(timeline.items.some((m) => m.body.includes('drain hose replaced') && m.body.includes('Ana Lima')), 'the outcome is on the timeline');
    page = await open('/visits');
    await page.getByRole('row', { name: new RegExp(`HomeFix ${stamp}`) }).waitFor();
    await assertAccessible('visits calendar');
  });

  it('sets business hours and an SLA policy; the queue and the ticket count down', async () => {
    const stamp = Date.now();
    page = await open('/admin/service-levels');
    await page.getByRole('heading', { name: 'Service levels', level: 1 }).waitFor();
    // The demo's calendar is there, with China's 2026 holidays and working weekends.
    const demo = page.getByRole('form', { name: /Shanghai office/ });
    assert.match(await demo.getByLabel('Holidays and working days').inputValue(), /2026-10-10 work 国庆节补班/);
    const newCalendar = page.getByRole('form', { name: 'New calendar' });
    await newCalendar.getByLabel('Name').fill(`Berlin ${stamp}`);
    await newCalendar.getByLabel('Time zone').fill('Europe/Berlin');
    await newCalendar.getByLabel('Saturday').fill('10:00-14:00');
    await newCalendar.getByLabel('Holidays and working days').fill('2026-12-24 Heiligabend\n2026-12-27 work Sonderschicht');
    await newCalendar.getByRole('button', { name: 'Create' }).click();
    const calendar = page.getByRole('form', { name: `Berlin ${stamp}` });
    await calendar.waitFor();
    assert.equal(await calendar.getByLabel('Saturday').inputValue(), '10:00-14:00');
    assert.match(await calendar.getByLabel('Holidays and working days').inputValue(), /2026-12-27 work Sonderschicht/);

    // A policy on it, tried first; the preview says when its target falls due.
    const newPolicy = page.getByRole('form', { name: 'New policy' });
    await newPolicy.getByLabel('Name', { exact: true }).fill(`Urgent ${stamp}`);
    await newPolicy.getByLabel('Order', { exact: true }).fill('-1');
    await newPolicy.getByLabel('Calendar', { exact: true }).selectOption({ label: `Berlin ${stamp}` });
    await newPolicy.getByLabel('Urgent', { exact: true }).check();
    await newPolicy.getByLabel('First response', { exact: true }).fill('90');
    // Friday 17:30 in Berlin: half an hour that day, an hour on the Saturday.
    await newPolicy.getByLabel('Preview: a ticket opened at').fill('2026-12-04T16:30');
    await newPolicy.getByText("calendar's time 2026-12-05 11:00").waitFor();
    await assertAccessible('service levels');
    await screenshot(page, 'service-levels');
    await newPolicy.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('form', { name: `Urgent ${stamp}` }).waitFor();

    // An urgent ticket counts down in the queue, soonest first, and on its page.
    const ticket = await api.post('/api/v1/tickets', {
      subject: `Oven on fire ${stamp}`, channel: 'email', stage: 'after_sale', priority: 'urgent',
      requester: { name: 'Lena Park', email: `lena.${stamp}@example.com` }, message: { body: 'Smoke everywhere.' },
    });
    assert.ok(ticket.sla_due_at, 'the new ticket has a due time');
    const queue = await openQueue('status=unsolved&sort=due');
    const row = queue.locator('table.tickets tbody tr').filter({ hasText: `Oven on fire ${stamp}` });
    await row.locator('.countdown').filter({ hasText: /left/ }).waitFor();
    const ticketPage = await open(`/tickets/${ticket.number}`, { clock: true });
    const clock = ticketPage.getByRole('region', { name: 'Service level' });
    await clock.getByText(`Urgent ${stamp}`).waitFor();
    const countdown = clock.locator('.sla-target', { hasText: 'First response' }).locator('.countdown');
    const before = await countdown.textContent();
    // Two hours on, whatever the business hours: the countdown has moved by itself.
    await ticketPage.clock.fastForward('02:00:00');
    await countdown.filter({ hasNotText: before }).waitFor();
  });

  it('routes new tickets by rule and hands a team its tickets automatically', async () => {
    const stamp = Date.now();
    page = await open('/admin/routing');
    await page.getByRole('heading', { name: 'Routing', level: 1 }).waitFor();
    // The demo's rules are there, in order.
    await page.getByRole('form', { name: /Refunds and returns · 退款退货/ }).waitFor();
    const form = page.getByRole('form', { name: 'New rule' });
    await form.getByLabel('Name', { exact: true }).fill(`Boilers ${stamp}`);
    await form.getByLabel('Words in the subject or first message').fill(`boiler${stamp}\n锅炉${stamp}`);
    await form.getByLabel('After-sale', { exact: true }).check();
    await form.getByLabel('Team', { exact: true }).selectOption({ label: 'After-sales support' });
    await form.getByLabel('Priority', { exact: true }).selectOption('urgent');
    await form.getByLabel('Add tags').fill('boiler, 锅炉');
    await form.getByRole('button', { name: 'Create' }).click();
    const rule = page.getByRole('form', { name: new RegExp(`Boilers ${stamp}`) });
    await rule.waitFor();
    assert.equal(await rule.getByLabel('Words in the subject or first message').inputValue(), `boiler${stamp}\n锅炉${stamp}`);

    // Try it before a customer does: the Chinese word matches.
    const tryForm = page.getByRole('form', { name: 'Try the rules' });
    await tryForm.getByLabel('Stage').selectOption('after_sale');
    await tryForm.getByLabel('Subject').fill(`家里锅炉${stamp}坏了`);
    await tryForm.getByRole('button', { name: 'Show what would match' }).click();
    await tryForm.getByRole('status').getByText(`Boilers ${stamp}`).waitFor();
    await assertAccessible('routing');
    await screenshot(page, 'routing');

    // A customer's ticket with the word lands in the team, urgent, tagged, and says why.
    const ticket = await api.post('/api/v1/tickets', {
      subject: `Boiler${stamp} leaks`, channel: 'email', stage: 'after_sale',
      requester: { name: 'Lena Park', email: `lena.${stamp}@example.com` }, message: { body: 'Water on the floor.' },
    });
    assert.equal(ticket.team?.name, 'After-sales support');
    assert.equal(ticket.priority, 'urgent');
    assert.deepEqual([...ticket.tags].sort(), ['boiler', '锅炉']);
    const ticketPage = await open(`/tickets/${ticket.number}`);
    await ticketPage.getByText(`Routed by Boilers ${stamp}`).waitFor();

    // Automatic assignment for the team: least busy, two email tickets each.
    page = await open('/admin/routing');
    const mode = page.getByLabel('Assignment for After-sales support');
    await mode.selectOption('least_busy');
    await page.getByLabel('Email tickets per agent in After-sales support').fill('2');
    await page.getByRole('row', { name: /After-sales support/ }).getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved').first().waitFor();
    const teams = await api.get('/api/v1/team-assignment');
    const after = teams.items.find((t) => t.team_name === 'After-sales support');
    assert.equal(after.mode, 'least_busy');
    assert.equal(after.capacities.email, 2);
    await api.put(`/api/v1/teams/${after.team_id}/assignment`, { mode: 'off', capacities: after.capacities });
    await api.del(`/api/v1/routing-rules/${(await api.get('/api/v1/routing-rules')).items.find((r) => r.name === `Boilers ${stamp}`).id}`);
  });

  it('sets a trigger that acts on new tickets and says so on the timeline', async () => {
    const stamp = Date.now();
    page = await open('/admin/triggers');
    await page.getByRole('heading', { name: 'Triggers', level: 1 }).waitFor();
    const form = page.getByRole('form', { name: 'New trigger' });
    await form.getByLabel('Name', { exact: true }).fill(`Urgent care ${stamp}`);
    await form.getByLabel('When', { exact: true }).selectOption('ticket_created');
    await form.getByRole('group', { name: 'Priority' }).getByLabel('Urgent', { exact: true }).check();
    await form.getByLabel('Tags', { exact: true }).fill(`care${stamp}`);
    await form.getByRole('button', { name: 'Add an action' }).click();
    await form.getByLabel('Text in English').fill('Call the customer within the hour.');
    await form.getByLabel('Text in Chinese').fill('请在一小时内致电客户。');
    await assertAccessible('triggers');
    await screenshot(page, 'triggers');
    await form.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('form', { name: `Urgent care ${stamp}` }).waitFor();

    const ticket = await api.post('/api/v1/tickets', {
      subject: `Gas smell ${stamp}`, channel: 'phone', stage: 'after_sale', priority: 'urgent',
      requester: { name: 'Lena Park', email: `lena.${stamp}@example.com` },
      call: { direction: 'inbound', from: '+8613800138000', to: '+862155550100', duration_seconds: 60, outcome: 'answered' },
    });
    assert.ok(ticket.tags.includes(`care${stamp}`), JSON.stringify(ticket.tags));
    const ticketPage = await open(`/tickets/${ticket.number}`);
    await ticketPage.getByText(`Trigger “Urgent care ${stamp}” ran`).waitFor();
    await ticketPage.getByText('Call the customer within the hour. / 请在一小时内致电客户。').waitFor();
    // A normal ticket does not meet the condition.
    const calm = await api.post('/api/v1/tickets', {
      subject: `Manual request ${stamp}`, channel: 'email', stage: 'pre_sale',
      requester: { name: 'Lena Park', email: `lena.${stamp}@example.com` }, message: { body: 'Where is the manual?' },
    });
    assert.ok(!calm.tags.includes(`care${stamp}`));
    const triggers = await api.get('/api/v1/triggers');
    await api.del(`/api/v1/triggers/${triggers.items.find((t) => t.name === `Urgent care ${stamp}`).id}`);
  });

  it('a customer rates a solved ticket from the mailed link, in their language, once', async () => {
    const stamp = Date.now();
    const email = `rate.${stamp}@example.com`;
    const ticket = await api.post('/api/v1/tickets', {
      subject: `洗衣机漏水 ${stamp}`, channel: 'email', stage: 'after_sale',
      requester: { name: '王芳', email }, message: { body: '洗衣机底部漏水。' },
    });
    await api.patch(`/api/v1/tickets/${ticket.id}`, { status: 'solved' });
    let mail;
    for (let i = 0; i < 100 && !mail; i++) {
      mail = server.sentMail().find((m) => m.head.includes(email) && m.text.includes('/rate/'));
      if (!mail) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(mail, 'the survey mail was written');
    assert.match(mail.text, /只能使用一次/, 'in the customer\'s language');
    const token = /\/rate\/([A-Za-z0-9_-]{43})/.exec(mail.text)[1];

    // No sign-in: a fresh browser, as the customer's mail client opens it.
    page = await open(`/rate/${token}`, { as: null });
    const survey = page;
    await survey.getByRole('heading', { name: '我们做得怎么样？' }).waitFor();
    await survey.getByText(`洗衣机漏水 ${stamp}`).waitFor();
    await survey.getByLabel('4 分（共 5 分）：满意').check();
    await survey.getByLabel('符合预期').check();
    await survey.getByLabel('想对我们说的话（可选）').fill('师傅很专业。');
    await assertAccessible('survey');
    await screenshot(survey, 'survey');
    await survey.getByRole('button', { name: '提交' }).click();
    await survey.getByRole('status').getByText('谢谢！').waitFor();
    const ratings = await api.get(`/api/v1/tickets/${ticket.id}/ratings`);
    assert.equal(ratings.items[0].score, 4);
    assert.equal(ratings.items[0].expectation, 'as_expected');
    assert.equal(ratings.items[0].source, 'email');
    // Once only.
    await survey.goto(`${server.base}/rate/${token}`);
    await survey.getByText('此调查已提交过。谢谢！').waitFor();
    const agentView = await open(`/tickets/${ticket.number}`);
    await agentView.getByText('Rated 4/5 · as expected: “师傅很专业。”').waitFor();
  });

  it('shows reports per team with a chart, in both languages, and exports them as CSV', async () => {
    page = await open('/reports');
    await page.getByRole('heading', { name: 'Reports', level: 1 }).waitFor();
    const table = page.getByRole('table', { name: /^From / });
    await table.getByRole('rowheader', { name: 'All' }).waitFor();
    await page.getByRole('img', { name: /^Tickets per day:/ }).waitFor();
    await page.getByRole('button', { name: 'Last year' }).click();
    await page.getByLabel('Rows per').selectOption('stage');
    await table.getByRole('rowheader', { name: 'After-sale', exact: true }).waitFor();
    await assertAccessible('reports');
    await screenshot(page, 'reports');
    const href = await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
    assert.match(href, /^\/api\/v1\/reports\.csv\?.*by=stage/);
    const csv = await page.context().request.get(`${server.base}${href}`);
    assert.equal(csv.status(), 200);
    assert.match(await csv.text(), /^\uFEFFgroup,created,solved,/);
    await page.getByLabel('Language').selectOption('zh-CN');
    await page.getByRole('heading', { name: '报表', level: 1 }).waitFor();
    await assertAccessible('reports in Chinese');
    await page.getByLabel('语言').selectOption('en');
    await page.getByRole('heading', { name: 'Reports', level: 1 }).waitFor();
  });

  it('keeps a macro and applies it by typing / in the reply box', async () => {
    const stamp = Date.now();
    page = await open('/macros');
    await page.getByRole('heading', { name: 'Macros', level: 1 }).waitFor();
    const form = page.getByRole('form', { name: 'New macro' });
    await form.getByLabel('Title').fill(`Replacement ${stamp}`);
    await form.getByLabel('Shortcut').fill(`swap${stamp}`);
    await form.getByLabel('Reply in English').fill('Hello {{customer.name}}, a replacement for {{ticket.number}} ships today.');
    await form.getByLabel('Reply in Chinese').fill('{{customer.name}}您好，{{ticket.number}} 的换货今天发出。');
    await form.getByLabel('Status', { exact: true }).selectOption('pending');
    await form.getByLabel('Tags to add').fill('replacement');
    await form.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('form', { name: `Replacement ${stamp}` }).waitFor();
    await assertAccessible('macros');

    const { page: ticketPage, ticket } = await openNewTicket(`Broken blender ${stamp}`);
    const reply = ticketPage.getByRole('textbox', { name: 'Reply' });
    await reply.click();
    await reply.pressSequentially(`/swap${stamp}`);
    const picker = ticketPage.getByRole('listbox', { name: 'Macros' });
    await picker.getByRole('option', { name: new RegExp(`Replacement ${stamp}`) }).waitFor();
    await reply.press('Enter');
    await ticketPage.waitForFunction(
      (number) => document.querySelector('#reply-body')?.value === `Hello Lena Park, a replacement for #${number} ships today.`,
      ticket.number,
    );
    // Its changes are made at once: pending, tagged.
    const after = await api.get(`/api/v1/tickets/${ticket.id}`);
    assert.equal(after.status, 'pending');
    assert.deepEqual(after.tags, ['replacement']);
    await ticketPage.getByRole('button', { name: 'Send', exact: true }).click();
    await ticketPage.locator('.timeline .entry.reply').filter({ hasText: 'a replacement for' }).waitFor();
  });

  it('signs out', async () => {
    page = await openQueue();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Kefu' }).waitFor();
    const status = await page.evaluate(async () => (await fetch('/api/v1/me')).status);
    assert.equal(status, 401);
  });

  it('loaded no script or style the CSP refused', () => {
    assert.deepEqual(cspErrors, []);
  });
});
