// A team starting from nothing but the browser: a new user signs up, makes a workspace
// and a base with three tables and four kinds of views, invites a colleague who accepts
// on the dashboard, shares a form that a visitor fills in, and the two of them then fill
// one grid together by keyboard alone, at once, without a keystroke lost. The API is only
// read, to check that what the pages show is what was stored.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, screenshot, uniqueEmail, apiOk, baseUrl } from '../support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** Signs up on the sign-up page; returns the credentials and the API token. */
async function signUpInBrowser(page, { name, email }) {
  await page.goto('/signup');
  await page.fill('#name', name);
  await page.fill('#email', email);
  await page.fill('#password', 'password123');
  await page.click('button[type=submit]');
  await page.waitForURL('**/dashboard');
  const { token } = await apiOk('POST', '/api/user/token-auth/', { body: { email, password: 'password123' } });
  return { name, email, token };
}

/** Waits for the sidebar's script. */
function sidebarReady(page) {
  return page.waitForSelector('#sidebar[data-ready="true"]', { state: 'attached' });
}

/** Types a name into the sidebar's inline "new …" box and saves it with Enter. */
async function nameNew(page, label, name) {
  const box = page.getByRole('textbox', { name: label });
  await box.fill(name);
  await box.press('Enter');
}

/** Adds a table to the database from the sidebar and waits for its page (it opens). */
async function addTable(page, databaseId, name) {
  const before = page.url();
  await page.locator(`#sidebar .nav-database[data-database-id="${databaseId}"] [data-nav-add="table"]`).click();
  await nameNew(page, 'New table name', name);
  await page.waitForURL((url) => url.href !== before && /\/database\/\d+\/table\/\d+$/.test(url.pathname));
  await sidebarReady(page);
  await page.waitForSelector('body[data-grid-ready="true"]');
  assert.equal(await page.locator('#table-name').textContent(), name);
}

/** Creates a view of `type` named `name` with "+ View" and waits until it is open. */
async function addView(page, type, name) {
  await page.waitForSelector('#add-view:not([disabled])');
  const before = new URL(page.url()).pathname;
  await page.click('#add-view');
  await page.locator(`#view-create-dialog .view-type-choice[data-type="${type}"]`).click();
  await page.fill('#view-create-name', name);
  await page.click('#view-create-submit');
  await page.waitForURL((url) => url.pathname !== before);
  await page.waitForSelector('#add-view:not([disabled])');
  assert.equal(await page.locator('.view-tab[data-active] .view-name').textContent(), name);
}

/** Opens a table of the sidebar by its name. */
async function openTable(page, name) {
  await page.locator('#sidebar .nav-table > .nav-row .nav-link', { hasText: name }).click();
  await page.waitForSelector('body[data-grid-ready="true"], body[data-view-ready="true"]');
  await sidebarReady(page);
  assert.equal(await page.locator('#table-name').textContent(), name);
}

/** The first two cells (Name, Notes) of every row a grid shows, in order. */
function gridValues(page) {
  return page.evaluate(() => [...document.querySelectorAll('#grid tbody tr[data-row-id]')]
    .map((tr) => [...tr.querySelectorAll('td[data-col]')].slice(0, 2).map((td) => td.textContent)));
}

test('a team starts from the browser alone: base, views, a colleague, a shared form, one grid filled together by keyboard', async () => {
  // Ann signs up and builds the base from the sidebar.
  const { context: annContext, page: ann } = await newPage(browser, 'desktop');
  const annUser = await signUpInBrowser(ann, { name: 'Ann Owner', email: uniqueEmail('ann') });
  await sidebarReady(ann);
  await ann.click('#sidebar [data-nav-add="workspace"]');
  await nameNew(ann, 'New workspace name', 'Studio');
  const workspace = ann.locator('#sidebar .nav-workspace', { hasText: 'Studio' });
  await workspace.waitFor();
  const workspaceId = Number(await workspace.getAttribute('data-workspace-id'));
  await workspace.locator('[data-nav-add="database"]').click();
  await nameNew(ann, 'New database name', 'Operations');
  const database = ann.locator('#sidebar .nav-database', { hasText: 'Operations' });
  await database.waitFor();
  const databaseId = Number(await database.getAttribute('data-database-id'));
  for (const name of ['Projects', 'Tasks', 'People']) await addTable(ann, databaseId, name);
  const tables = await apiOk('GET', `/api/database/tables/database/${databaseId}/`, { token: annUser.token });
  assert.deepEqual(tables.map((t) => t.name), ['Projects', 'Tasks', 'People']);
  const byName = Object.fromEntries(tables.map((t) => [t.name, t.id]));

  // Four kinds of views: a gallery of people, a kanban of projects by a new single
  // select, a form for tasks (besides each table's grid).
  await addView(ann, 'gallery', 'Faces');
  await openTable(ann, 'Projects');
  await ann.click('#add-field');
  await ann.waitForSelector('#field-dialog');
  await ann.fill('#field-name', 'Stage');
  await ann.selectOption('#field-type', 'single_select');
  await ann.click('#field-add-option');
  await ann.keyboard.type('Planned');
  await ann.click('#field-add-option');
  await ann.keyboard.type('Running');
  await ann.click('#field-save');
  await ann.waitForSelector('#field-dialog', { state: 'detached' });
  await addView(ann, 'kanban', 'Board');
  await ann.locator('.kanban-column[aria-label="Running"]').waitFor();
  await openTable(ann, 'Tasks');
  await addView(ann, 'form', 'Request');
  await ann.locator('#form-add-fields button', { hasText: 'Name' }).click();
  await ann.locator('#form-fields li', { hasText: 'Name' }).waitFor();
  const kinds = new Set();
  for (const id of Object.values(byName)) {
    for (const view of await apiOk('GET', `/api/database/views/table/${id}/`, { token: annUser.token })) kinds.add(view.type);
  }
  assert.deepEqual([...kinds].sort(), ['form', 'gallery', 'grid', 'kanban']);

  // The form is shared; a visitor without an account fills it in.
  await ann.click('#share-view');
  await ann.check('#share-public');
  await ann.locator('#share-link').waitFor();
  const formLink = await ann.inputValue('#share-link');
  assert.ok(formLink.startsWith(`${baseUrl}/form/`), formLink);
  await ann.click('#view-share-dialog .dialog-close');
  const visitor = await newPage(browser, 'mobile');
  await visitor.page.goto(formLink);
  await visitor.page.locator('form input[name^="field_"]').first().fill('From the form');
  await visitor.page.click('button[type=submit]');
  await visitor.page.locator('[role=status]').waitFor();
  assert.deepEqual(visitor.page.errors, []);
  await visitor.context.close();

  // Ann invites Bob from the members page; Bob signs up and accepts on his dashboard.
  await ann.getByRole('button', { name: 'Actions for Studio', exact: true }).click();
  await ann.getByRole('menuitem', { name: 'Members', exact: true }).click();
  await ann.waitForURL(`**/workspace/${workspaceId}/members`);
  const bobEmail = uniqueEmail('bob');
  await ann.fill('#invite-email', bobEmail);
  await ann.selectOption('#invite-role', 'MEMBER');
  await ann.click('text=Send invitation');
  await ann.waitForSelector('text=The invitation was sent.');
  const { context: bobContext, page: bob } = await newPage(browser, 'desktop');
  await signUpInBrowser(bob, { name: 'Bob Colleague', email: bobEmail });
  const invitation = bob.locator('.invitations .person');
  assert.match(await invitation.textContent(), /Ann Owner invited you to Studio as a member\./);
  await invitation.locator('button:text("Accept")').click();
  await bob.waitForURL(`**/dashboard#ws-${workspaceId}`);
  await sidebarReady(bob);
  await screenshot(bob, 'journey-dashboard');

  // Both open the Tasks grid: two empty rows of a new table and the visitor's row.
  await ann.goto(`/database/${databaseId}/table/${byName.Tasks}`);
  await bob.locator('#sidebar .nav-database', { hasText: 'Operations' }).waitFor();
  await openTable(bob, 'Tasks');
  for (const page of [ann, bob]) {
    await page.waitForSelector('body[data-grid-ready="true"]');
    await page.waitForSelector('#live-status[data-state="live"]');
  }
  assert.deepEqual(await gridValues(ann), [['', ''], ['', ''], ['From the form', '']]);

  // At the same time, without a pause between keys: Bob fills the two empty rows (Name,
  // Notes, past Active to the next row); Ann notes the visitor's row, then Enter adds
  // rows she fills the same way.
  const bobTypes = (async () => {
    await bob.locator('#grid-scroll').focus();
    for (const [name, notes] of [['Design review', 'Bring sketches'], ['Budget', 'Q3 numbers']]) {
      await bob.keyboard.type(name);
      await bob.keyboard.press('Tab');
      await bob.keyboard.type(notes);
      await bob.keyboard.press('Tab');
      await bob.keyboard.press('Tab');
    }
  })();
  const annTypes = (async () => {
    await ann.locator('#grid-scroll').focus();
    await ann.keyboard.press('PageDown');
    await ann.keyboard.press('Tab');
    await ann.keyboard.type('Checked by Ann');
    await ann.keyboard.press('Tab');
    for (const [name, notes] of [['Kiwi', 'green'], ['Lime', 'sour']]) {
      await ann.keyboard.press('Enter');
      await ann.keyboard.type(name);
      await ann.keyboard.press('Tab');
      await ann.keyboard.type(notes);
      await ann.keyboard.press('Tab');
    }
  })();
  await Promise.all([bobTypes, annTypes]);

  const expected = [
    ['Design review', 'Bring sketches'],
    ['Budget', 'Q3 numbers'],
    ['From the form', 'Checked by Ann'],
    ['Kiwi', 'green'],
    ['Lime', 'sour'],
  ];
  const deadline = Date.now() + 15000;
  let stored;
  for (;;) {
    const { results } = await apiOk('GET', `/api/database/rows/table/${byName.Tasks}/?user_field_names=true`, { token: annUser.token });
    stored = results.map((r) => [r.Name, r.Notes]);
    if (JSON.stringify(stored) === JSON.stringify(expected) || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.deepEqual(stored, expected, 'every keystroke of both is stored, each in its cell');
  // Each grid shows all of it, the other's typing included, without a reload.
  for (const page of [ann, bob]) {
    await page.waitForFunction(
      (want) => JSON.stringify([...document.querySelectorAll('#grid tbody tr[data-row-id]')]
        .map((tr) => [...tr.querySelectorAll('td[data-col]')].slice(0, 2).map((td) => td.textContent))) === JSON.stringify(want),
      expected,
      { timeout: 5000 },
    );
  }
  await screenshot(ann, 'journey-grid-together');
  assert.deepEqual(ann.errors, []);
  assert.deepEqual(bob.errors, []);
  await annContext.close();
  await bobContext.close();
});
