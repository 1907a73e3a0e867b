// Security of the pages: headers, CSRF, open redirects, and data rendered as text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, signUp, logIn, createTable, apiOk, baseUrl, screenshot } from '../support.mjs';

const XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('every page sends the content security policy and nosniff', async () => {
  for (const path of ['/login', '/signup', '/forgot-password', '/no-such-page']) {
    const res = await fetch(baseUrl + path);
    const csp = res.headers.get('content-security-policy') || '';
    assert.match(csp, /default-src 'self'/, path);
    assert.match(csp, /script-src 'self'/, path);
    assert.match(csp, /frame-ancestors 'none'/, path);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
    assert.equal(res.headers.get('referrer-policy'), 'same-origin', path);
  }
  const user = await signUp();
  const res = await fetch(baseUrl + '/dashboard', { headers: { Cookie: `tessera_session=${user.refresh}` } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-security-policy'), /object-src 'none'/);
  assert.equal(res.headers.get('cache-control'), 'no-store');
});

test('a form POST without a valid csrf token or from another origin is refused and changes nothing', async () => {
  const user = await signUp();
  const cookie = `tessera_session=${user.refresh}; tessera_csrf=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa`;
  const post = (body, headers = {}) => fetch(baseUrl + '/dashboard/workspaces', {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie, ...headers },
    body,
  });
  let res = await post('name=Forged');
  assert.equal(res.status, 403);
  assert.match(await res.text(), /could not be accepted/);
  res = await post('name=Forged&csrf=not-the-token');
  assert.equal(res.status, 403);

  // The real token for this cookie, read from a page rendered with it.
  const page = await (await fetch(baseUrl + '/dashboard', { headers: { Cookie: cookie } })).text();
  const token = page.match(/name="csrf" value="([^"]+)"/)[1];
  res = await post(`name=Forged&csrf=${encodeURIComponent(token)}`, { Origin: 'https://evil.example' });
  assert.equal(res.status, 403, 'cross-origin POST refused even with the token');
  const spaces = await apiOk('GET', '/api/workspaces/', { token: user.token });
  assert.equal(spaces.length, 0, 'nothing was created');

  res = await post(`name=Real&csrf=${encodeURIComponent(token)}`, { Origin: baseUrl });
  assert.equal(res.status, 303);
  assert.equal((await apiOk('GET', '/api/workspaces/', { token: user.token })).length, 1);
});

test('next= never leads to another site', async () => {
  const user = await signUp();
  for (const next of ['https://evil.example', '//evil.example', '/\\evil.example', 'javascript:alert(1)']) {
    const { context, page } = await newPage(browser);
    await page.goto('/login?next=' + encodeURIComponent(next));
    await page.fill('#email', user.email);
    await page.fill('#password', user.password);
    await page.click('button[type=submit]');
    await page.waitForURL('**/dashboard');
    assert.equal(new URL(page.url()).origin, new URL(baseUrl).origin, next);
    await context.close();
  }
  const res = await fetch(baseUrl + '/dashboard', { redirect: 'manual' });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/login?next=%2Fdashboard');
});

test('names containing markup render as text on the dashboard and nothing runs', async () => {
  const user = await signUp({ name: XSS });
  await createTable(user, { workspace: XSS, database: XSS, table: XSS });
  for (const size of ['desktop', 'mobile']) {
    const { context, page } = await newPage(browser, size);
    await logIn(context, user);
    await page.goto('/dashboard');
    assert.equal(await page.evaluate(() => window.__xss), undefined);
    assert.equal(await page.locator('.workspace h2').first().textContent(), XSS);
    assert.equal((await page.locator('.table-item a').first().textContent()).trim(), XSS);
    assert.equal(await page.locator('img[src=x]').count(), 0);
    // The bootstrap JSON carries the name intact, without breaking out of its element.
    const boot = await page.evaluate(() => JSON.parse(document.getElementById('bootstrap').textContent));
    assert.equal(boot.user.first_name, XSS);
    assert.ok(boot.access_token);
    await screenshot(page, 'dashboard-markup-names');
    assert.deepEqual(page.errors, []);
    await context.close();
  }
});

test('the session token endpoint answers only this site\'s script', async () => {
  const user = await signUp();
  const { context, page } = await newPage(browser);
  await logIn(context, user);
  await page.goto('/dashboard');
  const fromScript = await page.evaluate(async () => {
    const res = await fetch('/session/token/', { method: 'POST', headers: { 'X-Requested-With': 'tessera' } });
    return { status: res.status, body: await res.json() };
  });
  assert.equal(fromScript.status, 200);
  const me = await apiOk('GET', '/api/workspaces/', { token: fromScript.body.access_token });
  assert.deepEqual(me, []);
  const noHeader = await page.evaluate(async () => (await fetch('/session/token/', { method: 'POST' })).status);
  assert.equal(noHeader, 403);
  const foreign = await fetch(baseUrl + '/session/token/', {
    method: 'POST',
    headers: { 'X-Requested-With': 'tessera', Origin: 'https://evil.example', Cookie: `tessera_session=${user.refresh}` },
  });
  assert.equal(foreign.status, 403);
  await context.close();
});
