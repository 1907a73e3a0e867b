// Sign up, log in and log out in a real browser, at both screen sizes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, screenshot, uniqueEmail, signUp, baseUrl, assertFitsWidth } from '../support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

for (const size of ['desktop', 'mobile']) {
  test(`signing up in the browser lands on the dashboard (${size})`, async () => {
    const { context, page } = await newPage(browser, size);
    await page.goto('/signup');
    await screenshot(page, 'signup');
    await assertFitsWidth(page);
    await page.fill('#name', 'Browser Person');
    await page.fill('#email', uniqueEmail('signup'));
    await page.fill('#password', 'password123');
    await page.click('button[type=submit]');
    await page.waitForURL('**/dashboard');
    assert.equal(await page.locator('h1').textContent(), 'Dashboard');
    assert.match(await page.locator('.empty-state').textContent(), /No workspaces yet/);
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'tessera_session');
    assert.ok(session, 'session cookie set');
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Lax');
    await screenshot(page, 'dashboard-empty');
    await assertFitsWidth(page);
    assert.deepEqual(page.errors, []);
    await context.close();
  });
}

test('a wrong password shows an error; the right one logs in; log out ends the session', async () => {
  const user = await signUp();
  const { context, page } = await newPage(browser, 'desktop');
  await page.goto('/login');
  await page.fill('#email', user.email);
  await page.fill('#password', 'not-the-password');
  await page.click('button[type=submit]');
  assert.match(await page.locator('.alert-error').textContent(), /email or password is incorrect/);
  await screenshot(page, 'login-error');
  await page.fill('#password', user.password);
  await page.click('button[type=submit]');
  await page.waitForURL('**/dashboard');
  await page.click('text=Log out');
  await page.waitForURL('**/login');
  await page.goto('/dashboard');
  assert.match(page.url(), /\/login\?next=%2Fdashboard$/);
  await context.close();
});

test('log in returns to a local next page but never to another site', async () => {
  const user = await signUp();
  const { context, page } = await newPage(browser, 'desktop');
  await page.goto('/login?next=' + encodeURIComponent('https://evil.example/steal'));
  await page.fill('#email', user.email);
  await page.fill('#password', user.password);
  await page.click('button[type=submit]');
  await page.waitForLoadState('load');
  assert.equal(new URL(page.url()).origin, new URL(baseUrl).origin);
  assert.equal(new URL(page.url()).pathname, '/dashboard');
  await context.close();
});
