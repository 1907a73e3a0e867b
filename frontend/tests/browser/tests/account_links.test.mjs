// Pages reached from emails: password reset and workspace invitations.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, signUp, logIn, apiOk, apiCall, screenshot, waitForMail, uniqueEmail, baseUrl, assertFitsWidth } from '../support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('a forgotten password is reset through the emailed link, once', async () => {
  const user = await signUp();
  for (const size of ['desktop', 'mobile']) {
    const { context, page } = await newPage(browser, size);
    await page.goto('/login');
    await page.click('text=Forgot your password?');
    await page.waitForURL('**/forgot-password');
    await screenshot(page, 'forgot-password');
    await assertFitsWidth(page);
    await context.close();
  }
  const { context, page } = await newPage(browser);
  await page.goto('/forgot-password');
  await page.fill('#email', user.email);
  await page.click('button[type=submit]');
  assert.match(await page.locator('.alert-success').textContent(), /we sent it a link/);
  // An unknown address gets the same answer.
  await page.goto('/forgot-password');
  await page.fill('#email', uniqueEmail('nobody'));
  await page.click('button[type=submit]');
  assert.match(await page.locator('.alert-success').textContent(), /we sent it a link/);

  const mail = await waitForMail(user.email);
  const link = mail.match(/https?:\/\/[^\s"<>]+\/reset-password\/[A-Za-z0-9._-]+/)[0];
  assert.ok(link.startsWith(baseUrl), link);
  await page.goto(link);
  await page.fill('#password', 'short');
  await page.click('button[type=submit]');
  assert.ok(await page.locator('.field-error').isVisible());
  await screenshot(page, 'reset-password-error');
  await page.fill('#password', 'brand-new-password');
  await page.click('button[type=submit]');
  await page.waitForURL('**/login?reset=1');
  assert.match(await page.locator('.alert-success').textContent(), /password was changed/);
  await page.fill('#email', user.email);
  await page.fill('#password', 'brand-new-password');
  await page.click('button[type=submit]');
  await page.waitForURL('**/dashboard');
  // The link is used up.
  await page.goto(link);
  await page.fill('#password', 'another-password-1');
  await page.click('button[type=submit]');
  assert.match(await page.locator('.alert-error').textContent(), /not valid or was already used/);
  await context.close();
});

test('the emailed verification link asks first, then verifies the address', async () => {
  const user = await signUp();
  await apiCall('POST', '/api/user/send-verify-email/', { body: { email: user.email } });
  const mail = await waitForMail(user.email);
  const link = mail.match(/https?:\/\/[^\s"<>]+\/verify-email-address\/[A-Za-z0-9._:-]+/)[0];
  assert.ok(link.startsWith(baseUrl), link);
  for (const size of ['desktop', 'mobile']) {
    const { context, page } = await newPage(browser, size);
    await page.goto(link);
    await page.locator('button', { hasText: 'Verify my email address' }).waitFor();
    await screenshot(page, 'verify-email');
    await assertFitsWidth(page);
    await context.close();
  }
  const me = () => apiOk('POST', '/api/user/token-verify/', { body: { refresh_token: user.refresh } });
  assert.equal((await me()).user.email_verified, false, 'opening the link verifies nothing');
  const { context, page } = await newPage(browser);
  await page.goto(link);
  await page.click('button[type=submit]');
  assert.match(await page.locator('.alert-success').textContent(), /is verified/);
  await screenshot(page, 'verify-email-done');
  assert.equal((await me()).user.email_verified, true);
  await page.click('text=Continue');
  await page.waitForURL('**/login');
  await context.close();
});

test('an invitation is accepted by signing up from its link', async () => {
  const owner = await signUp({ name: 'Owner' });
  const ws = await apiOk('POST', '/api/workspaces/', { token: owner.token, body: { name: 'Team <b>space</b>' } });
  const invitee = uniqueEmail('invitee');
  await apiOk('POST', `/api/workspaces/invitations/workspace/${ws.id}/`, {
    token: owner.token,
    body: { email: invitee, permissions: 'MEMBER', message: 'Welcome aboard!', base_url: `${baseUrl}/workspace-invitation` },
  });
  const mail = await waitForMail(invitee);
  const link = mail.match(/https?:\/\/[^\s"<>]+\/workspace-invitation\/[A-Za-z0-9._-]+/)[0];
  const { context, page } = await newPage(browser);
  await page.goto(link);
  assert.equal(await page.locator('h1').textContent(), 'Join Team <b>space</b>');
  assert.match(await page.locator('.quote').textContent(), /Welcome aboard!/);
  await screenshot(page, 'invitation');
  await page.click('text=Sign up and join');
  assert.equal(await page.locator('#email').inputValue(), invitee);
  await page.fill('#name', 'New Member');
  await page.fill('#password', 'password123');
  await page.click('button[type=submit]');
  await page.waitForURL('**/dashboard');
  assert.deepEqual(await page.locator('.workspace h2').allTextContents(), ['Team <b>space</b>']);
  await context.close();
});

test('a signed-in invitee accepts or declines on the invitation page', async () => {
  const owner = await signUp({ name: 'Owner' });
  const member = await signUp({ name: 'Member' });
  const ws = await apiOk('POST', '/api/workspaces/', { token: owner.token, body: { name: 'Shared' } });
  await apiOk('POST', `/api/workspaces/invitations/workspace/${ws.id}/`, {
    token: owner.token,
    body: { email: member.email, permissions: 'MEMBER', message: '', base_url: `${baseUrl}/workspace-invitation` },
  });
  const mail = await waitForMail(member.email);
  const link = mail.match(/https?:\/\/[^\s"<>]+\/workspace-invitation\/[A-Za-z0-9._-]+/)[0];
  const { context, page } = await newPage(browser);
  await page.goto(link);
  // Not signed in and the account exists: log in first, then come back.
  await page.click('a:text("Log in")');
  await page.fill('#email', member.email);
  await page.fill('#password', member.password);
  await page.click('button[type=submit]');
  await page.waitForURL('**/workspace-invitation/**');
  await page.click('text=Accept invitation');
  await page.waitForURL('**/dashboard**');
  assert.deepEqual(await page.locator('.workspace h2').allTextContents(), ['Shared']);
  const again = await page.goto(link);
  assert.equal(again.status(), 404);
  await context.close();
});
