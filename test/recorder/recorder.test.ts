// The recorder harness writes what Chrome's Recorder writes for the same actions: a viewport and the open page first,
// keystrokes folded into one `change` with the literal value, keys that typed nothing kept as keyDown/keyUp, every
// selector alternative in the Recorder's order, and the page a click led to asserted on that click.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import puppeteer, { type Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Person } from './person';
import { RecorderSession } from './session';
import { resolveBrowser } from '../../electron/engine/browser/resolve';

// Found the way Certkit finds one (CERTKIT_BROWSER, then the usual places).
const CHROMIUM = resolveBrowser({ env: process.env });
const run = existsSync(CHROMIUM) ? describe : describe.skip;

const FORM = `<!doctype html><title>Sign up</title><main><h1>Newsletter</h1>
<form method="post" action="/done"><label for="who">Your email</label><input id="who" name="who" type="email">
<label for="city">City</label><input id="city" name="city">
<label for="freq">How often</label><select id="freq" name="freq"><option value="">Pick one</option><option value="w">Weekly</option><option value="m">Monthly</option></select>
<div class="actions"><button type="button" class="ghost">Cancel</button><button type="submit" class="main">Subscribe now</button></div></form></main>`;

let server: http.Server;
let origin: string;
let browser: Browser;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.method === 'POST') {
      res.writeHead(303, { location: '/thanks' }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(req.url === '/thanks' ? '<!doctype html><title>Thanks</title><p>Subscribed.</p>' : FORM);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
});
afterAll(async () => {
  await browser?.close();
  server?.close();
});

run('recorder harness', () => {
  it('writes the steps a Recorder export has for typing, Tab, a <select> and a submitting click', async () => {
    const page = await browser.newPage();
    await page.setViewport({ width: 900, height: 700 });
    await page.goto(`${origin}/`);
    const rec = await RecorderSession.start(page, 'Sign up');
    const p = new Person(page);
    await p.fill('#who', 'Layla.H@example.com');
    await p.press('Tab');
    await p.type('Manama');
    await p.choose('#freq', 'Monthly');
    await p.clickThrough('button.main', /\/thanks$/);
    const text = await rec.stop();
    await page.close();

    const flow = JSON.parse(text);
    expect(flow.title).toBe('Sign up');
    expect(flow.steps[0]).toEqual({
      type: 'setViewport',
      width: 900,
      height: 700,
      deviceScaleFactor: 1,
      isMobile: false,
      hasTouch: false,
      isLandscape: false,
    });
    expect(flow.steps[1]).toEqual({
      type: 'navigate',
      url: `${origin}/`,
      assertedEvents: [{ type: 'navigation', url: `${origin}/`, title: 'Sign up' }],
    });
    const kinds = flow.steps.slice(2).map((s: { type: string; key?: string }) => s.type + (s.key ? `:${s.key}` : ''));
    expect(kinds).toEqual([
      'click',
      'change',
      'keyDown:Tab',
      'keyUp:Tab',
      'change',
      'click',
      'change',
      'keyUp:Enter',
      'click',
    ]);
    const [, email, , , city, , freq, , submit] = flow.steps.slice(2);
    // Shift held for the capitals is folded away too: one change, the whole literal value.
    expect(email).toEqual({
      type: 'change',
      value: 'Layla.H@example.com',
      selectors: [['aria/Your email'], ['#who'], ['xpath///*[@id="who"]'], ['pierce/#who']],
      target: 'main',
    });
    expect(city.value).toBe('Manama');
    expect(freq.value).toBe('m');
    expect(freq.selectors[1]).toEqual(['#freq']);
    expect(submit.selectors).toEqual([
      ['aria/Subscribe now'],
      ['button.main'],
      ['xpath//html/body/main/form/div/button[2]'],
      ['pierce/button.main'],
      ['text/Subscribe now'],
    ]);
    expect(Object.keys(submit)).toEqual(['type', 'target', 'selectors', 'offsetY', 'offsetX', 'assertedEvents']);
    expect(submit.offsetX).toBeGreaterThan(0);
    expect(submit.assertedEvents).toEqual([{ type: 'navigation', url: `${origin}/thanks`, title: expect.any(String) }]);
    // What "Export as JSON" writes: two-space JSON, no source map comment.
    expect(text.startsWith('{\n  "title": "Sign up",\n  "steps": [\n    {\n      "type": "setViewport"')).toBe(true);
    expect(text).not.toMatch(/\/\/# recorderSourceMap/);
  });
});
