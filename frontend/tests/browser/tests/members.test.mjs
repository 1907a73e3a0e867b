// A workspace's members page and invitations, from the browser alone: an admin invites a
// colleague by email, resends and cancels invitations, changes roles and removes members;
// the colleague answers the invitation on the dashboard; a non-admin only reads the list.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, signUp, logIn, apiOk, screenshot, assertFitsWidth, waitForMail, uniqueEmail, baseUrl } from '../support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** The names listed on the members page, in order. */
async function memberNames(page) {
  const names = await page.locator('#members .person-name').allTextContents();
  return names.map((n) => n.replace(/\s+you$/, '').trim());
}

/** The row of one person (member or invitation) on the page, found by its text. */
function personRow(page, text) {
  return page.locator('.person', { hasText: text });
}

/** Submits a form whose button asks for confirmation first, accepting the dialog. */
async function confirmClick(page, button) {
  page.once('dialog', (d) => d.accept());
  await button.click();
  await page.waitForLoadState('load');
}

/** The colleague signs up on the sign-up page (no email link) and lands on the dashboard. */
async function signUpInBrowser(page, { name, email }) {
  await page.goto('/signup');
  await page.fill('#name', name);
  await page.fill('#email', email);
  await page.fill('#password', 'password123');
  await page.click('button[type=submit]');
  await page.waitForURL('**/dashboard');
}

for (const size of ['desktop', 'mobile']) {
  test(`an admin invites a colleague, who accepts on the dashboard; roles change, members leave the list (${size})`, async () => {
    const admin = await signUp({ name: 'Ada Admin' });
    const ws = await apiOk('POST', '/api/workspaces/', { token: admin.token, body: { name: 'Product team' } });
    const colleagueEmail = uniqueEmail('colleague');
    const { context, page } = await newPage(browser, size);
    await logIn(context, admin);

    // From the dashboard's workspace card to its members page.
    await page.goto('/dashboard');
    const link = page.locator(`section.workspace:has(#ws-${ws.id}) a.members-link`);
    assert.equal((await link.textContent()).trim(), '1 member');
    await link.click();
    await page.waitForURL(`**/workspace/${ws.id}/members`);
    assert.equal(await page.locator('h1').textContent(), 'Members');
    assert.deepEqual(await memberNames(page), ['Ada Admin']);
    assert.match(await personRow(page, 'Ada Admin').textContent(), new RegExp(admin.email));

    // Invite by email, with a role and a message; the email goes out.
    await page.fill('#invite-email', colleagueEmail);
    await page.selectOption('#invite-role', 'MEMBER');
    await page.fill('#invite-message', 'Join us on the roadmap!');
    await page.click('text=Send invitation');
    await page.waitForSelector('text=The invitation was sent.');
    const pending = personRow(page, colleagueEmail);
    assert.match(await pending.textContent(), /Member · invited/);
    assert.match(await pending.textContent(), /Join us on the roadmap!/);
    const first = await waitForMail(colleagueEmail);
    assert.match(first, /Join us on the roadmap!/);
    assert.match(first, /\/workspace-invitation\/[A-Za-z0-9._-]+/);
    if (size === 'desktop') await screenshot(page, 'invitations-pending');

    // Inviting someone already in the workspace is refused in words; nothing is added.
    await page.fill('#invite-email', admin.email);
    await page.click('text=Send invitation');
    assert.match(await page.locator('#invite .alert-error').textContent(), /already a member/);
    assert.equal(await page.locator('#invite-email').inputValue(), admin.email);
    assert.equal(await page.locator('#invitations .person').count(), 1);
    if (size === 'desktop') await screenshot(page, 'invitations-error');

    // Resend: a second email arrives.
    await page.goto(`/workspace/${ws.id}/members`);
    await personRow(page, colleagueEmail).locator('button:text("Resend")').click();
    await page.waitForSelector('text=The invitation email was sent again.');
    assert.match(await waitForMail(colleagueEmail, { count: 2 }), /Join us on the roadmap!/);

    // The colleague signs up in their own browser and finds the invitation on the dashboard.
    const { context: cctx, page: cpage } = await newPage(browser, size);
    await signUpInBrowser(cpage, { name: 'Cleo Colleague', email: colleagueEmail });
    const invitation = cpage.locator('.invitations .person');
    assert.equal(await invitation.count(), 1);
    assert.match(await invitation.textContent(), /Ada Admin invited you to Product team as a member\./);
    assert.match(await invitation.textContent(), /Join us on the roadmap!/);
    if (size === 'desktop') await screenshot(cpage, 'invitations-dashboard');
    await invitation.locator('button:text("Accept")').click();
    await cpage.waitForURL(`**/dashboard#ws-${ws.id}`);
    assert.equal(await cpage.locator('.invitations').count(), 0);
    assert.deepEqual(await cpage.locator('.workspace h2').allTextContents(), ['Product team']);

    // A member sees the list without edit controls, and can leave.
    await cpage.click(`section.workspace:has(#ws-${ws.id}) a.members-link`);
    await cpage.waitForURL(`**/workspace/${ws.id}/members`);
    assert.deepEqual(await memberNames(cpage), ['Ada Admin', 'Cleo Colleague']);
    assert.equal(await cpage.locator('#members select').count(), 0);
    assert.equal(await cpage.locator('button:text("Remove")').count(), 0);
    assert.equal(await cpage.locator('#invite, #invitations').count(), 0);
    assert.deepEqual((await cpage.locator('.role-badge').allTextContents()).map((t) => t.trim()), ['Admin', 'Member']);
    assert.match(await cpage.locator('main').textContent(), /Only admins of this workspace can invite people/);
    assert.equal(await personRow(cpage, 'Cleo Colleague').locator('button:text("Leave")').count(), 1);
    if (size === 'desktop') await screenshot(cpage, 'members-readonly');

    // The admin sees the new member and makes them an admin.
    await page.goto(`/workspace/${ws.id}/members`);
    assert.deepEqual(await memberNames(page), ['Ada Admin', 'Cleo Colleague']);
    assert.equal(await page.locator('#invitations .person').count(), 0);
    const cleo = personRow(page, 'Cleo Colleague');
    await cleo.locator('select').selectOption('ADMIN');
    await cleo.locator('button:text("Save role")').click();
    await page.waitForSelector('text=The role was changed.');
    let members = await apiOk('GET', `/api/workspaces/users/workspace/${ws.id}/`, { token: admin.token });
    assert.equal(members.find((m) => m.email === colleagueEmail).permissions, 'ADMIN');
    assert.equal(await personRow(page, 'Cleo Colleague').locator('select').inputValue(), 'ADMIN');
    if (size === 'desktop') await screenshot(page, 'members');

    // Back to member; then the last admin cannot demote themselves: the reason is shown.
    await personRow(page, 'Cleo Colleague').locator('select').selectOption('MEMBER');
    await personRow(page, 'Cleo Colleague').locator('button:text("Save role")').click();
    await page.waitForSelector('text=The role was changed.');
    await personRow(page, 'Ada Admin').locator('select').selectOption('MEMBER');
    await personRow(page, 'Ada Admin').locator('button:text("Save role")').click();
    assert.match(await page.locator('.alert-error').textContent(), /needs at least one admin/);
    members = await apiOk('GET', `/api/workspaces/users/workspace/${ws.id}/`, { token: admin.token });
    assert.equal(members.find((m) => m.email === admin.email).permissions, 'ADMIN');
    // Nor leave.
    await confirmClick(page, personRow(page, 'Ada Admin').locator('button:text("Leave")'));
    assert.match(await page.locator('.alert-error').textContent(), /needs at least one admin/);
    if (size === 'desktop') await screenshot(page, 'members-last-admin');

    // Remove the colleague (after confirming): they lose the workspace.
    await page.goto(`/workspace/${ws.id}/members`);
    await confirmClick(page, personRow(page, 'Cleo Colleague').locator('button:text("Remove")'));
    await page.waitForSelector('text=The member was removed from the workspace.');
    assert.deepEqual(await memberNames(page), ['Ada Admin']);
    await cpage.goto('/dashboard');
    assert.equal(await cpage.locator('.workspace').count(), 0);
    const gone = await cpage.goto(`/workspace/${ws.id}/members`);
    assert.equal(gone.status(), 404);
    assert.match(await cpage.locator('main').textContent(), /not a member of it/);

    // Invited again, the colleague declines on the dashboard.
    await page.fill('#invite-email', colleagueEmail);
    await page.selectOption('#invite-role', 'ADMIN');
    await page.click('text=Send invitation');
    await page.waitForSelector('text=The invitation was sent.');
    await cpage.goto('/dashboard');
    assert.match(await cpage.locator('.invitations').textContent(), /as an admin\./);
    await confirmClick(cpage, cpage.locator('.invitations button:text("Decline")'));
    assert.equal(await cpage.locator('.invitations').count(), 0);
    assert.equal(await cpage.locator('.workspace').count(), 0);

    // Cancel an invitation: its emailed link stops working.
    const other = uniqueEmail('other');
    await page.goto(`/workspace/${ws.id}/members`);
    await page.fill('#invite-email', other);
    await page.click('text=Send invitation');
    await page.waitForSelector('text=The invitation was sent.');
    const mail = await waitForMail(other);
    const emailed = mail.match(/https?:\/\/[^\s"<>]+\/workspace-invitation\/[A-Za-z0-9._-]+/)[0];
    await confirmClick(page, personRow(page, other).locator('button:text("Cancel")'));
    await page.waitForSelector('text=The invitation was cancelled');
    assert.match(await page.locator('#invitations').textContent(), /No invitation is waiting for an answer/);
    assert.deepEqual(await apiOk('GET', `/api/workspaces/invitations/workspace/${ws.id}/`, { token: admin.token }), []);
    const { context: octx, page: opage } = await newPage(browser, size);
    assert.equal((await opage.goto(emailed)).status(), 404);
    await octx.close();

    if (size === 'mobile') await assertFitsWidth(page);
    assert.deepEqual(page.errors, []);
    assert.deepEqual(cpage.errors, []);
    await cctx.close();
    await context.close();
  });
}

test('a long workspace name and long member names fit the members page on a phone', async () => {
  const admin = await signUp({ name: 'Bartholomew Maximilian Featherstonehaugh-Cholmondeley' });
  const name = 'The_extraordinarily_long_workspace_name_without_any_spaces_for_wrapping';
  const ws = await apiOk('POST', '/api/workspaces/', { token: admin.token, body: { name } });
  await apiOk('POST', `/api/workspaces/invitations/workspace/${ws.id}/`, {
    token: admin.token,
    body: { email: uniqueEmail('someone-with-a-rather-long-address'), permissions: 'MEMBER', message: 'A message that goes on for a while, to see how it wraps on a small screen.', base_url: `${baseUrl}/workspace-invitation` },
  });
  const { context, page } = await newPage(browser, 'mobile');
  await logIn(context, admin);
  await page.goto(`/workspace/${ws.id}/members`);
  assert.equal(await page.locator('.breadcrumb-current').textContent(), name);
  await assertFitsWidth(page);
  await screenshot(page, 'members-long-names');
  await context.close();
});
