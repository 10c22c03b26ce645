// Live chat in real browsers against a real server: a visitor on the demo shop chats with an
// agent in the console (two browser contexts), reloads mid-chat and goes on, and rates the
// chat; the offline form when nobody is online; the widget in Chinese.
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { apiClient } from './api.mjs';
import { accessibilityProblems, launch, screenshot } from './browser.mjs';
import { ADMIN, startServer } from './server.mjs';

/** A PNG photo, `width` × `height`, drawn in stripes (what a phone camera would send). */
function photo(width, height) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes) => {
    let c = 0xffffffff;
    for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) rows.set([(x * 4) % 256, (y * 4) % 256, 160], y * (width * 3 + 1) + 1 + x * 3);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Whether the picture named `name` has loaded in `scope`. */
async function pictureShown(scope, name) {
  const picture = scope.getByRole('img', { name });
  await picture.waitFor();
  await picture.evaluate((img) => (img.complete ? null : new Promise((done) => img.addEventListener('load', done, { once: true }))));
  return picture.evaluate((img) => img.naturalWidth);
}

let server;
let browser;
let api;
let agent;
let afterSales;
let orders;

describe('live chat', () => {
  before(async () => {
    server = await startServer({ tickets: 10 });
    browser = await launch();
    api = await apiClient(server.base, ADMIN.email, ADMIN.password);
    // The demo widget runs on this server's own address, wherever the test put it.
    const widgets = await api.get('/api/v1/widgets');
    const demo = widgets.items[0];
    await api.put(`/api/v1/widgets/${demo.id}`, {
      name: demo.name,
      origins: [...demo.origins, server.base],
      pre_sale_team_id: demo.pre_sale_team_id,
      in_sale_team_id: demo.in_sale_team_id,
      after_sale_team_id: demo.after_sale_team_id,
      greeting_en: demo.greeting_en,
      greeting_zh: demo.greeting_zh,
    });
    const teams = (await api.get('/api/v1/teams')).items;
    afterSales = teams.find((t) => t.name === 'After-sales support');
    orders = teams.find((t) => t.name === 'Orders');
    // Only one agent of After-sales support takes chats in this test.
    const member = await api.get(`/api/v1/users/${afterSales.members[0].id}`);
    agent = { email: member.email, password: server.agentPassword, name: member.name };
    // After-sales speaks for itself in the widget: a greeting, and an offline text in Chinese.
    const texts = await api.get(`/api/v1/teams/${afterSales.id}/chat-settings`);
    await api.put(`/api/v1/teams/${afterSales.id}/chat-settings`, {
      ...texts,
      greeting_en: 'After-sales here: have your order number ready.',
      offline_zh: '售后团队九点上班，请留言。',
    });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function context(locale = 'en-US') {
    return browser.newContext({ locale, viewport: { width: 1300, height: 850 } });
  }

  /** The demo shop in a browser of its own, with the chat widget opened. */
  async function openWidget() {
    const shopContext = await context();
    const shop = await shopContext.newPage();
    await shop.goto(`${server.base}/demo`);
    await shop.getByRole('button', { name: 'Chat with us' }).click();
    return { shopContext, shop, form: shop.getByRole('dialog', { name: 'Chat with us' }) };
  }

  async function console_(who) {
    const c = await context();
    const login = await c.request.post(`${server.base}/api/v1/auth/login`, { data: { email: who.email, password: who.password } });
    assert.equal(login.status(), 200);
    const page = await c.newPage();
    await page.goto(`${server.base}/queue`);
    await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor();
    return page;
  }

  it('a visitor chats with an agent, reloads, goes on, and rates the chat', async () => {
    const desk = await console_(agent);
    const { shopContext, shop, form } = await openWidget();
    // After-sales is online: nothing is chosen for the visitor, and nothing says "nobody".
    await form.getByLabel('Your name').waitFor();
    assert.equal(await form.getByLabel('Before buying').isChecked(), false);
    assert.equal(await form.getByText('Nobody can chat right now.', { exact: false }).count(), 0);
    await form.getByLabel('Help after buying').check();
    await form.getByText('After-sales here: have your order number ready.').waitFor();
    await form.getByLabel('Your name').fill('Wang Fang');
    await form.getByLabel('Your message').fill('My kettle arrived broken 水壶坏了');
    await form.getByRole('button', { name: 'Start chat' }).click();
    await form.getByText('My kettle arrived broken 水壶坏了').waitFor();

    const offer = desk.getByRole('alert').filter({ hasText: 'New chat from Wang Fang' });
    await offer.waitFor();
    await offer.getByRole('button', { name: 'Accept' }).click();
    await form.getByText(`${agent.name} joined the chat.`).waitFor();
    await form.getByText(`${agent.name} is helping you`).waitFor();
    const window = desk.getByRole('region', { name: 'Chat with Wang Fang' });
    await window.getByText('My kettle arrived broken 水壶坏了').waitFor();
    await window.locator('li.chat-note', { hasText: `${agent.name} joined the chat.` }).waitFor();
    // Who the visitor is: their language by name, browser and system, and their other
    // tickets on demand.
    await window.getByText('American English (en-US)', { exact: false }).waitFor();
    await window.getByText(/Chrome \d+ · Linux/).waitFor();
    await window.getByText('Other tickets').click();
    await window.getByText('No other tickets.').waitFor();

    await form.getByRole('textbox', { name: 'Your message' }).pressSequentially('It leaks');
    await window.getByText('Wang Fang is typing…').waitFor();
    await form.getByRole('button', { name: 'Send' }).click();
    await window.getByText('It leaks').waitFor();

    await window.getByLabel('Message').fill('Sorry to hear that! Could you send a photo?');
    await window.getByRole('button', { name: 'Send' }).click();
    await form.getByText('Sorry to hear that! Could you send a photo?').waitFor();

    // The photo of the broken kettle: a thumbnail on both sides.
    await form.getByLabel('Attach a photo or file').setInputFiles({ name: 'broken-kettle.png', mimeType: 'image/png', buffer: photo(640, 480) });
    assert.equal(await pictureShown(window, 'broken-kettle.png'), 320, 'the agent sees the thumbnail');
    assert.equal(await pictureShown(form, 'broken-kettle.png'), 320, 'the visitor sees their photo');
    await screenshot(shop, 'chat-visitor');
    await screenshot(desk, 'chat-agent');
    assert.deepEqual(await accessibilityProblems(shop), [], 'the widget on the demo shop');
    assert.deepEqual(await accessibilityProblems(desk), [], 'the console with a chat open');

    // The agent has the chat open, so the visitor's lines are marked read.
    const readMark = (scope, text) => scope.locator('li.line.mine', { hasText: text }).getByText('Read', { exact: true });
    await readMark(form, 'It leaks').waitFor();

    // A reload mid-chat: the same chat, everything in it, and it goes on.
    await shop.reload();
    const again = shop.getByRole('dialog', { name: 'Chat with us' });
    await again.getByText('Sorry to hear that! Could you send a photo?').waitFor();
    await again.getByText('It leaks').waitFor();
    await readMark(again, 'It leaks').waitFor();
    // The note that the agent joined is still where it happened: after the first line.
    const shown = await again.locator('ul.lines > li').allInnerTexts();
    const at = (text) => shown.findIndex((item) => item.includes(text));
    assert.ok(at('水壶坏了') < at(`${agent.name} joined the chat.`) && at(`${agent.name} joined the chat.`) < at('It leaks'), JSON.stringify(shown));
    assert.equal(await pictureShown(again, 'broken-kettle.png'), 320, 'the photo is still there after the reload');
    await again.getByRole('textbox', { name: 'Your message' }).fill('Back after a reload');
    await again.getByRole('button', { name: 'Send' }).click();
    await window.getByText('Back after a reload').waitFor();

    // The visitor moves on in the shop (a single-page shop changes its address without loading
    // a page): the agent sees the page they are on now.
    await shop.evaluate(() => history.pushState({}, '', '/demo?step=checkout'));
    await window.getByText(`On ${server.base}/demo?step=checkout`).waitFor();

    // Folded, the widget counts what the agent writes meanwhile.
    await again.getByRole('button', { name: 'Close chat' }).click();
    await window.getByLabel('Message').fill('Are you still there?');
    await window.getByRole('button', { name: 'Send' }).click();
    await shop.getByRole('button', { name: 'Chat with us (1 new)' }).waitFor();
    // The page's title counts it too.
    await shop.waitForFunction(() => document.title.startsWith('(1) '));
    await shop.getByRole('button', { name: 'Chat with us (1 new)' }).click();
    await again.getByText('Are you still there?').waitFor();
    // Seen: the title is the page's own again (set once the panel has shown the line).
    await shop.waitForFunction(() => !document.title.startsWith('('));
    assert.equal(await shop.getByRole('button', { name: 'Chat with us (1 new)' }).count(), 0);

    await window.getByRole('button', { name: 'End chat' }).click();
    await again.getByText('The chat has ended.').waitFor();
    await again.getByRole('button', { name: '5 / 5' }).click();
    await again.getByLabel('Anything to add? (optional)').fill('Quick and kind');
    await again.getByRole('button', { name: 'Send rating' }).click();
    await again.getByText('Thank you for your feedback!').waitFor();

    // The ticket holds the whole chat, and the agent can keep answering on it.
    const tickets = await api.get('/api/v1/tickets?channel=chat&limit=5');
    const ticket = tickets.items.find((t) => t.requester.name === 'Wang Fang');
    assert.ok(ticket, 'the chat is a ticket');
    const messages = await api.get(`/api/v1/tickets/${ticket.id}/messages`);
    const bodies = messages.items.map((m) => m.body);
    for (const line of ['My kettle arrived broken 水壶坏了', 'It leaks', 'Sorry to hear that! Could you send a photo?', 'Back after a reload']) {
      assert.ok(bodies.includes(line), `${line} is on the ticket: ${JSON.stringify(bodies)}`);
    }
    const photoLine = messages.items.find((m) => m.files?.length);
    assert.equal(photoLine?.files[0].name, 'broken-kettle.png');
    assert.deepEqual([photoLine.files[0].width, photoLine.files[0].height], [640, 480]);
    // The ticket page shows the photo among the chat's lines.
    await desk.goto(`${server.base}/tickets/${ticket.number}`);
    assert.equal(await pictureShown(desk, 'broken-kettle.png'), 320, 'the ticket shows the photo');
    await desk.locator('li.event', { hasText: `${agent.name} joined the chat.` }).waitFor();
    // Beside it, how the ticket came in: a live chat that ended, when, and the page (the last
    // the visitor was on) and browser they had.
    const chatPanel = desk.getByRole('region', { name: 'Chat', exact: true });
    await chatPanel.getByText('Live chat, ended').waitFor();
    await chatPanel.getByText('Ended', { exact: true }).waitFor();
    await chatPanel.getByText(`${server.base}/demo?step=checkout`, { exact: true }).waitFor();
    await chatPanel.getByText(/Chrome \d+ · Linux/).waitFor();
    await shopContext.close();
    await desk.context().close();
  });

  it('a chat is transferred to another team with a note, which the agent taking it over reads', async () => {
    const desk = await console_(agent);
    // An Orders agent whose console speaks English.
    const members = await Promise.all(orders.members.map((m) => api.get(`/api/v1/users/${m.id}`)));
    const ordersMember = members.find((m) => m.locale === 'en');
    const ordersDesk = await console_({ email: ordersMember.email, password: server.agentPassword });
    const { shopContext, shop, form } = await openWidget();
    await form.getByLabel('Help after buying').check();
    await form.getByLabel('Your name').fill('Zhao Lei');
    await form.getByRole('button', { name: 'Start chat' }).click();
    const offer = desk.getByRole('alert').filter({ hasText: 'New chat from Zhao Lei' });
    await offer.getByRole('button', { name: 'Accept' }).click();
    const window = desk.getByRole('region', { name: 'Chat with Zhao Lei' });
    await window.getByRole('button', { name: 'Transfer' }).click();
    // The agents online now are offered, with how many chats each has.
    await window.locator('option', { hasText: `${ordersMember.name} · chats: 0` }).waitFor({ state: 'attached' });
    await window.getByLabel('Transfer to').selectOption(`team:${orders.id}`);
    await window.getByLabel('Note for them (internal)').fill('Order 1042 is late');
    await window.locator('form.chat-transfer').getByRole('button', { name: 'Transfer' }).click();
    await form.getByText('Your chat was passed to a colleague who can help better.').waitFor();
    await window.getByText('You passed this chat on.').waitFor();
    await window.locator('li.chat-note', { hasText: 'The chat was passed on.' }).waitFor();
    // The Orders agent is offered it with who passed it on and why, and keeps both beside it.
    const passed = `Passed on by ${agent.name}: “Order 1042 is late”`;
    const handed = ordersDesk.getByRole('alert').filter({ hasText: 'Chat with Zhao Lei, passed on to you' });
    await handed.getByText(passed).waitFor();
    // It waits in Orders' queue, though the visitor chose after-sale help.
    await handed.getByText('Orders · After-sale').waitFor();
    await handed.getByRole('button', { name: 'Accept' }).click();
    await ordersDesk.getByRole('region', { name: 'Chat with Zhao Lei' }).getByText(passed).waitFor();
    await form.getByText(`${ordersMember.name} joined the chat`, { exact: false }).waitFor();
    await shopContext.close();
    await ordersDesk.context().close();
    await desk.context().close();
  });

  it('with nobody online the widget offers the offline form, and the message is a ticket', async () => {
    // Nobody of the team is connected now: every console above is closed.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const { shopContext, shop, form } = await openWidget();
    await form.getByText('Nobody can chat right now.', { exact: false }).waitFor();
    // Each stage says before it is picked that a message is answered later.
    await form.locator('label', { hasText: 'Before buying' }).getByText('leave a message').waitFor();
    await form.getByLabel('Before buying').check();
    await form.getByLabel('Your name').fill('Zhang Min');
    await form.getByLabel('Email (we answer there)').fill('zhang.min@example.com');
    await form.getByLabel('Your message').fill('Do you ship to Chengdu?');
    await form.getByRole('button', { name: 'Send message' }).click();
    const thanks = form.getByText(/Your message is request #(\d+)/);
    await thanks.waitFor();
    const number = /#(\d+)/.exec(await thanks.textContent())[1];
    const ticket = await api.get(`/api/v1/tickets/${number}`);
    assert.equal(ticket.channel, 'chat');
    assert.equal(ticket.stage, 'pre_sale');
    await screenshot(shop, 'chat-offline');
    await shopContext.close();
    // The agent answering it later sees on the ticket that it was left on the offline form,
    // and from which page.
    const desk = await console_(agent);
    await desk.goto(`${server.base}/tickets/${number}`);
    const chatPanel = desk.getByRole('region', { name: 'Chat', exact: true });
    await chatPanel.getByText('Message left on the offline form while nobody could chat').waitFor();
    await chatPanel.getByText(`${server.base}/demo`, { exact: true }).waitFor();
    await desk.context().close();
  });

  it('an open widget offers the chat as soon as an agent comes online, and the form again when they leave', async () => {
    const { shopContext, shop, form } = await openWidget();
    await form.getByLabel('Help after buying').check();
    const nobody = form.getByText('Nobody can chat right now.', { exact: false });
    await nobody.waitFor();
    // The After-sales agent signs in: the visitor's form opens without a reload.
    const desk = await console_(agent);
    await nobody.waitFor({ state: 'detached' });
    await form.getByRole('button', { name: 'Start chat' }).waitFor();
    await desk.getByLabel('Your chat presence').selectOption('away');
    await nobody.waitFor();
    await desk.context().close();
    await shopContext.close();
  });

  it('admins set up widgets and teams\' chat settings in the console', async () => {
    const c = await context();
    const login = await c.request.post(`${server.base}/api/v1/auth/login`, { data: { email: ADMIN.email, password: ADMIN.password } });
    assert.equal(login.status(), 200);
    const page = await c.newPage();
    await page.goto(`${server.base}/admin/chat`);
    const settings = page.getByRole('form', { name: 'Chat settings of Orders' });
    const capacity = settings.getByLabel('Chats per agent at once');
    await capacity.fill('5');
    await settings.getByLabel('Offline text (Chinese)').fill('我们九点回来');
    assert.equal(await capacity.inputValue(), '5', 'the capacity typed stays in the form');
    const [put] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/teams/${orders.id}/chat-settings`) && r.request().method() === 'PUT'),
      settings.getByRole('button', { name: 'Save chat settings' }).click(),
    ]);
    assert.equal(put.status(), 200, await put.text());
    assert.equal(put.request().postDataJSON().capacity, 5, 'the form sends what was typed');
    await page.getByText('Saved').first().waitFor();
    const saved = await api.get(`/api/v1/teams/${orders.id}/chat-settings`);
    assert.equal(saved.capacity, 5);
    assert.equal(saved.offline_zh, '我们九点回来');
    // What the admin sees on coming back to the page.
    await page.reload();
    assert.equal(await page.getByRole('form', { name: 'Chat settings of Orders' }).getByLabel('Chats per agent at once').inputValue(), '5');

    const fresh = page.getByRole('form', { name: 'New widget' });
    await fresh.getByLabel('Name').fill('Outlet store');
    await fresh.getByLabel('Websites (one per line)').fill('https://outlet.example.com');
    await fresh.getByLabel('Team for “After-sale”').selectOption(afterSales.id);
    await fresh.getByRole('button', { name: 'Create' }).click();
    const created = page.getByRole('form', { name: 'Outlet store' });
    const snippet = await created.getByLabel('Snippet').inputValue();
    assert.match(snippet, /<script src="[^"]+\/widget\.js" data-kefu-widget="[0-9a-f-]+" async><\/script>/);
    assert.deepEqual(await accessibilityProblems(page), [], 'the chat admin page');
    await screenshot(page, 'chat-admin');
    await c.close();
  });

  it('the widget speaks Chinese to a Chinese browser', async () => {
    const shopContext = await context('zh-CN');
    const shop = await shopContext.newPage();
    await shop.goto(`${server.base}/demo`);
    await shop.getByRole('button', { name: '在线客服' }).click();
    const form = shop.getByRole('dialog', { name: '在线客服' });
    await form.getByText('您好！关于水壶的任何问题都可以问我们。').waitFor();
    // Nobody is online: the After-sales team's own offline text, in Chinese.
    await form.getByLabel('售后服务').check();
    await form.getByText('售后团队九点上班，请留言。').waitFor();
    await screenshot(shop, 'chat-zh');
    await shopContext.close();
  });
});
