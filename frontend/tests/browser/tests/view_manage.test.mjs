// Managing and sharing views from the table page in a real browser, at both screen sizes:
// tabs with a type icon and the name, "+ View" for each type (kanban and calendar with
// their field, or why not), the active view's menu (rename, duplicate, move, delete),
// tabs reordered by drag and drop, and "Share view" (public link that opens logged out,
// password, new link, unshare) with errors in words.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, newPage, screenshot, signUp, logIn, createTable, apiOk, baseUrl,
} from '../support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const SIZES = ['desktop', 'mobile'];

/** A table "Tasks" with rows named `names`, its fields by name, its grid view and extra views. */
async function fixture({ names = ['Ada', 'Bob'], fields: extraFields = [], views = [] } = {}) {
  const user = await signUp({ name: 'Vera' });
  const ids = await createTable(user, { table: 'Tasks' });
  const token = user.token;
  for (const body of extraFields) {
    await apiOk('POST', `/api/database/fields/table/${ids.tableId}/`, { token, body });
  }
  const old = await apiOk('GET', `/api/database/rows/table/${ids.tableId}/`, { token });
  if (old.results.length) {
    await apiOk('POST', `/api/database/rows/table/${ids.tableId}/batch-delete/`, { token, body: { items: old.results.map((r) => r.id) } });
  }
  const fields = Object.fromEntries(
    (await apiOk('GET', `/api/database/fields/table/${ids.tableId}/`, { token })).map((f) => [f.name, f]),
  );
  if (names.length) {
    await apiOk('POST', `/api/database/rows/table/${ids.tableId}/batch/`, {
      token,
      body: { items: names.map((n) => ({ [`field_${fields.Name.id}`]: n })) },
    });
  }
  const [grid] = await apiOk('GET', `/api/database/views/table/${ids.tableId}/`, { token });
  const created = [];
  for (const body of views) {
    created.push(await apiOk('POST', `/api/database/views/table/${ids.tableId}/`, { token, body }));
  }
  const viewPath = (id) => `/database/${ids.databaseId}/table/${ids.tableId}/${id}`;
  return { user, token, ids, fields, grid, views: created, viewPath };
}

/** The table's views in their order, from the API. */
async function listViews(f) {
  return apiOk('GET', `/api/database/views/table/${f.ids.tableId}/`, { token: f.token });
}

/** Opens a view page signed in and waits until its script has taken over. */
async function openView(f, path, size) {
  const { context, page } = await newPage(browser, size);
  await logIn(context, f.user);
  await page.goto(path);
  await page.waitForSelector('body[data-grid-ready="true"], body[data-view-ready="true"]');
  await page.waitForSelector('#add-view:not([disabled])');
  return { context, page };
}

/** The tabs' names in their order, and the active tab's view id. */
async function tabNames(page) {
  return page.locator('#view-tab-list .view-tab .view-name').allTextContents();
}

/** Waits until the page's address is the view `id` (after a navigation the script made). */
async function waitForView(page, f, id) {
  await page.waitForURL((url) => url.pathname === f.viewPath(id));
  await page.waitForSelector('#add-view:not([disabled])');
}

for (const size of SIZES) {
  test(`+ View: each type with a name; kanban and calendar need their field or say why not; the new view opens (${size})`, async () => {
    const f = await fixture();
    const { context, page } = await openView(f, f.viewPath(f.grid.id), size);
    // The tab reads as the view's name with its type's icon (the type is for screen readers).
    const tab = page.locator(`.view-tab[data-view-id="${f.grid.id}"]`);
    assert.equal(await tab.locator('.view-name').textContent(), 'Grid');
    assert.equal(await tab.locator('.view-icon-grid').count(), 1);
    assert.equal(await tab.locator('.view-kind').count(), 0, 'no type label next to the name');
    assert.equal(await page.getByRole('link', { name: 'Grid (grid view)', exact: true }).count(), 1);

    await page.click('#add-view');
    const dialog = page.locator('#view-create-dialog');
    await dialog.waitFor();
    // The name follows the chosen type until typed in.
    assert.equal(await page.inputValue('#view-create-name'), 'Grid');
    await dialog.locator('.view-type-choice[data-type="kanban"]').click();
    assert.equal(await page.inputValue('#view-create-name'), 'Kanban');
    assert.match(await page.locator('#view-create-missing').textContent(), /no single select field/);
    assert.ok(await page.locator('#view-create-submit').isDisabled());
    await dialog.locator('.view-type-choice[data-type="calendar"]').click();
    assert.match(await page.locator('#view-create-missing').textContent(), /no date field/);
    await screenshot(page, 'view-manage-create-missing');

    // An empty name is refused in words, and nothing is created.
    await dialog.locator('.view-type-choice[data-type="gallery"]').click();
    assert.equal(await page.locator('#view-create-field').isVisible(), false);
    await page.fill('#view-create-name', '   ');
    await page.click('#view-create-submit');
    assert.equal(await page.locator('#view-create-error').textContent(), 'Give the view a name.');
    assert.equal((await listViews(f)).length, 1);
    // The server's refusal (a NUL byte in the name) is shown in words too.
    await page.fill('#view-create-name', 'Bad\u0000name');
    await page.click('#view-create-submit');
    await page.locator('#view-create-error', { hasText: 'could not be created' }).waitFor();
    assert.match(await page.locator('#view-create-error').textContent(), /^The view could not be created: Name: \S/);
    assert.doesNotMatch(await page.locator('#view-create-error').textContent(), /ERROR_/);
    assert.equal((await listViews(f)).length, 1);

    await page.fill('#view-create-name', 'Cards');
    await screenshot(page, 'view-manage-create');
    await page.click('#view-create-submit');
    await page.waitForURL((url) => url.pathname !== f.viewPath(f.grid.id));
    const cards = (await listViews(f)).find((v) => v.name === 'Cards');
    assert.equal(cards?.type, 'gallery');
    await waitForView(page, f, cards.id);
    const active = page.locator('.view-tab[data-active]');
    assert.equal(await active.locator('.view-name').textContent(), 'Cards');
    assert.equal(await active.locator('.view-icon-gallery').count(), 1);
    await page.locator('.gallery-card', { hasText: 'Ada' }).waitFor();

    // With a single select field and a date field, their pickers offer them.
    const status = await apiOk('POST', `/api/database/fields/table/${f.ids.tableId}/`, {
      token: f.token, body: { name: 'Status', type: 'single_select', select_options: [{ value: 'Open', color: 'blue' }] },
    });
    const due = await apiOk('POST', `/api/database/fields/table/${f.ids.tableId}/`, { token: f.token, body: { name: 'Due', type: 'date' } });
    await page.reload();
    await page.waitForSelector('#add-view:not([disabled])');
    await page.click('#add-view');
    await page.locator('#view-create-dialog .view-type-choice[data-type="kanban"]').click();
    assert.deepEqual(await page.locator('#view-create-field-pick option').allTextContents(), ['Status']);
    await page.fill('#view-create-name', 'Board');
    await screenshot(page, 'view-manage-create-kanban');
    await page.click('#view-create-submit');
    await page.waitForURL((url) => url.pathname !== f.viewPath(cards.id));
    const board = (await listViews(f)).find((v) => v.name === 'Board');
    assert.equal(board.type, 'kanban');
    assert.equal(board.single_select_field, status.id);
    await waitForView(page, f, board.id);
    // The board shows its columns at once, not the prompt to choose a field.
    await page.locator('.kanban-column').first().waitFor();
    assert.equal(await page.locator('#kanban-setup').count(), 0);

    await page.click('#add-view');
    await page.locator('#view-create-dialog .view-type-choice[data-type="calendar"]').click();
    assert.deepEqual(await page.locator('#view-create-field-pick option').allTextContents(), ['Due']);
    await page.click('#view-create-submit');
    await page.waitForURL((url) => url.pathname !== f.viewPath(board.id));
    const calendar = (await listViews(f)).find((v) => v.type === 'calendar');
    await waitForView(page, f, calendar.id);
    assert.equal(await page.locator('.view-tab[data-active] .view-icon-calendar').count(), 1);
    assert.equal(calendar.name, 'Calendar');
    assert.equal(calendar.date_field, due.id);
    assert.deepEqual(await tabNames(page), ['Grid', 'Cards', 'Board', 'Calendar']);
    assert.deepEqual(page.errors, []);
    await context.close();
  });

  test(`the active view's menu: rename in place, duplicate opens the copy, delete asks and opens another view; errors in words (${size})`, async () => {
    const f = await fixture({ views: [{ name: 'Second', type: 'gallery' }] });
    const { context, page } = await openView(f, f.viewPath(f.grid.id), size);
    await page.click('#view-menu-button');
    const menu = page.locator('#view-menu');
    await menu.waitFor();
    assert.equal(await page.getAttribute('#view-menu-button', 'aria-expanded'), 'true');
    assert.deepEqual(await menu.locator('[role="menuitem"]').allTextContents(), ['Rename', 'Duplicate', 'Move left', 'Move right', 'Delete view']);
    assert.ok(await menu.locator('[data-action="move-left"]').isDisabled(), 'the first tab cannot move left');
    await screenshot(page, 'view-manage-menu');
    // Escape closes the menu.
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'hidden' });

    // Rename in place: Enter saves.
    await page.click('#view-menu-button');
    await menu.locator('[data-action="rename"]').click();
    await page.fill('#view-rename', 'Main grid');
    await screenshot(page, 'view-manage-rename');
    await page.keyboard.press('Enter');
    await page.locator('.view-tab[data-active] .view-name', { hasText: 'Main grid' }).waitFor();
    await waitForName(f, f.grid.id, 'Main grid');
    // Escape keeps the old name; an empty name is refused in words.
    await page.click('#view-menu-button');
    await menu.locator('[data-action="rename"]').click();
    await page.fill('#view-rename', 'Not this');
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('.view-tab[data-active] .view-name').textContent(), 'Main grid');
    await page.click('#view-menu-button');
    await menu.locator('[data-action="rename"]').click();
    await page.fill('#view-rename', '');
    await page.keyboard.press('Enter');
    assert.match(await page.locator('#grid-error').textContent(), /needs a name/);
    assert.equal(await page.locator('.view-tab[data-active] .view-name').textContent(), 'Main grid');

    // Duplicate: the copy (with its own name) comes last and opens.
    await page.click('#view-menu-button');
    await menu.locator('[data-action="duplicate"]').click();
    await page.waitForURL((url) => url.pathname !== f.viewPath(f.grid.id));
    const views = await listViews(f);
    assert.equal(views.length, 3);
    const copy = views[2];
    assert.equal(copy.name, 'Main grid 2');
    assert.equal(copy.type, 'grid');
    await waitForView(page, f, copy.id);
    assert.deepEqual(await tabNames(page), ['Main grid', 'Second', 'Main grid 2']);
    assert.equal(await page.locator('.view-tab[data-active] .view-name').textContent(), copy.name);

    // Delete asks first, then opens the view next to it.
    await page.click('#view-menu-button');
    await menu.locator('[data-action="delete"]').click();
    const confirm = page.locator('#view-delete-dialog');
    await confirm.waitFor();
    assert.match(await confirm.textContent(), new RegExp(`Delete the view “${copy.name}”`));
    await screenshot(page, 'view-manage-delete');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    assert.equal((await listViews(f)).length, 3, 'Cancel deletes nothing');
    await page.click('#view-menu-button');
    await menu.locator('[data-action="delete"]').click();
    await page.click('#view-delete-confirm');
    await waitForView(page, f, f.views[0].id);
    assert.deepEqual((await listViews(f)).map((v) => v.name), ['Main grid', 'Second']);
    assert.deepEqual(await tabNames(page), ['Main grid', 'Second']);

    // The view deleted elsewhere meanwhile: the page says so at once, and renaming it
    // says why it failed, in words.
    await page.waitForSelector('#live-status[data-state="live"]');
    await apiOk('DELETE', `/api/database/views/${f.views[0].id}/`, { token: f.token });
    await page.locator('#grid-error', { hasText: 'This view was deleted.' }).waitFor();
    await page.click('#view-menu-button');
    await menu.locator('[data-action="rename"]').click();
    await page.fill('#view-rename', 'Too late');
    await page.keyboard.press('Enter');
    await page.locator('#grid-error', { hasText: 'could not be renamed' }).waitFor();
    const message = await page.locator('#grid-error').textContent();
    assert.match(message, /could not be renamed: .*does not exist/);
    assert.doesNotMatch(message, /ERROR_/);
    assert.equal(await page.locator('.view-tab[data-active] .view-name').textContent(), 'Second');
    await context.close();
  });

  test(`tabs reorder by drag and drop and by the menu, and the order is saved (${size})`, async () => {
    const f = await fixture({ views: [{ name: 'Alpha', type: 'grid' }, { name: 'Beta', type: 'form' }] });
    const [alpha, beta] = f.views;
    const { context, page } = await openView(f, f.viewPath(f.grid.id), size);
    assert.deepEqual(await tabNames(page), ['Grid', 'Alpha', 'Beta']);
    // Beta dragged onto the left half of Grid goes first.
    const target = page.locator(`.view-tab[data-view-id="${f.grid.id}"] a`);
    await page.dragAndDrop(`.view-tab[data-view-id="${beta.id}"] a`, `.view-tab[data-view-id="${f.grid.id}"] a`, {
      targetPosition: { x: 3, y: 8 },
    });
    assert.ok(await target.isVisible());
    assert.deepEqual(await tabNames(page), ['Beta', 'Grid', 'Alpha']);
    await waitForOrder(f, [beta.id, f.grid.id, alpha.id]);

    // The menu moves the active tab too.
    await page.click('#view-menu-button');
    await page.click('#view-menu [data-action="move-right"]');
    assert.deepEqual(await tabNames(page), ['Beta', 'Alpha', 'Grid']);
    await waitForOrder(f, [beta.id, alpha.id, f.grid.id]);
    await screenshot(page, 'view-manage-reordered');

    // The page renders the saved order.
    await page.reload();
    await page.waitForSelector('#add-view:not([disabled])');
    assert.deepEqual(await tabNames(page), ['Beta', 'Alpha', 'Grid']);
    assert.deepEqual(page.errors, []);
    await context.close();
  });

  test(`views created, renamed, reordered or deleted elsewhere show in the tabs at once (${size})`, async () => {
    const f = await fixture({ views: [{ name: 'Alpha', type: 'gallery' }] });
    const [alpha] = f.views;
    const { context, page } = await openView(f, f.viewPath(f.grid.id), size);
    await page.waitForSelector('#live-status[data-state="live"]');
    const later = await apiOk('POST', `/api/database/views/table/${f.ids.tableId}/`, { token: f.token, body: { name: 'Later', type: 'form' } });
    await page.locator(`.view-tab[data-view-id="${later.id}"] .view-icon-form`).waitFor();
    assert.equal(await page.getAttribute(`.view-tab[data-view-id="${later.id}"] a`, 'href'), f.viewPath(later.id));
    await apiOk('PATCH', `/api/database/views/${alpha.id}/`, { token: f.token, body: { name: 'Renamed' } });
    await page.locator(`.view-tab[data-view-id="${alpha.id}"] .view-name`, { hasText: 'Renamed' }).waitFor();
    await apiOk('POST', `/api/database/views/table/${f.ids.tableId}/order/`, { token: f.token, body: { view_ids: [later.id, alpha.id, f.grid.id] } });
    await page.waitForFunction(() => [...document.querySelectorAll('.view-tab .view-name')].map((n) => n.textContent).join() === 'Later,Renamed,Grid');
    await apiOk('DELETE', `/api/database/views/${later.id}/`, { token: f.token });
    await page.locator(`.view-tab[data-view-id="${later.id}"]`).waitFor({ state: 'detached' });
    assert.deepEqual(await tabNames(page), ['Renamed', 'Grid']);
    assert.deepEqual(page.errors, []);
    await context.close();
  });

  test(`Share view: the public link opens logged out, a password is asked for when set, a new link ends the old one, unsharing ends it (${size})`, async () => {
    const f = await fixture({ names: ['Ada', 'Bob'] });
    const { context, page } = await openView(f, f.viewPath(f.grid.id), size);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
    await page.click('#share-view');
    const dialog = page.locator('#view-share-dialog');
    await dialog.waitFor();
    assert.equal(await page.isChecked('#share-public'), false);
    assert.equal(await page.locator('#share-link').count(), 0);
    await page.check('#share-public');
    await page.locator('#share-link').waitFor();
    let view = await apiOk('GET', `/api/database/views/${f.grid.id}/`, { token: f.token });
    assert.equal(view.public, true);
    const link = await page.inputValue('#share-link');
    assert.equal(link, `${baseUrl}/public/grid/${view.slug}`);
    await page.click('#share-copy');
    await page.locator('.share-copied', { hasText: 'Copied' }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);
    assert.ok(await page.locator('#share-view.is-shared').count());
    await screenshot(page, 'view-share-public');

    // The link opens in a browser that is not logged in.
    const visitor = await newPage(browser, size);
    let res = await visitor.page.goto(link);
    assert.equal(res.status(), 200);
    assert.deepEqual(await visitor.page.locator('tbody tr td:nth-child(2)').allTextContents(), ['Ada', 'Bob']);

    // A password too short is refused in words; a good one is then asked of visitors.
    await page.click('#share-password-set');
    await page.fill('#share-password', 'short');
    await page.click('#share-password-save');
    assert.match(await page.locator('#share-error').textContent(), /at least 8 characters/);
    view = await apiOk('GET', `/api/database/views/${f.grid.id}/`, { token: f.token });
    assert.equal(view.public_view_has_password, false);
    await page.fill('#share-password', 'opensesame');
    await screenshot(page, 'view-share-password-form');
    await page.click('#share-password-save');
    await page.locator('#share-password-state', { hasText: 'A password protects this link.' }).waitFor();
    assert.equal(await page.locator('#share-error').textContent(), '');
    await screenshot(page, 'view-share-password');
    const locked = await newPage(browser, size);
    res = await locked.page.goto(link);
    assert.equal(res.status(), 401);
    assert.equal(await locked.page.locator('tbody').count(), 0);
    await locked.page.fill('#password', 'opensesame');
    await locked.page.click('button[type=submit]');
    await locked.page.waitForSelector('tbody tr');
    assert.equal(await locked.page.locator('tbody tr').count(), 2);
    await locked.context.close();

    // A new link: the old one stops working, the new one still asks for the password.
    await page.click('#share-rotate');
    await page.waitForFunction((old) => document.getElementById('share-link')?.value !== old, link);
    const fresh = await page.inputValue('#share-link');
    view = await apiOk('GET', `/api/database/views/${f.grid.id}/`, { token: f.token });
    assert.equal(fresh, `${baseUrl}/public/grid/${view.slug}`);
    res = await visitor.page.goto(link);
    assert.equal(res.status(), 404);
    res = await visitor.page.goto(fresh);
    assert.equal(res.status(), 401);

    // Removing the password opens the link again; unsharing ends it.
    await page.click('#share-password-remove');
    await page.locator('#share-password-state', { hasText: 'No password' }).waitFor();
    res = await visitor.page.goto(fresh);
    assert.equal(res.status(), 200);
    await page.uncheck('#share-public');
    await page.locator('#share-link').waitFor({ state: 'detached' });
    assert.equal(await page.locator('#share-view.is-shared').count(), 0);
    res = await visitor.page.goto(fresh);
    assert.equal(res.status(), 404);
    await visitor.context.close();
    assert.deepEqual(page.errors, []);
    await context.close();
  });

  test(`Share view of a form gives its form address; a gallery its public gallery (${size})`, async () => {
    const f = await fixture({ views: [{ name: 'Sign-up', type: 'form' }, { name: 'Cards', type: 'gallery' }] });
    const [form, gallery] = f.views;
    await apiOk('PATCH', `/api/database/views/${form.id}/field-options/`, {
      token: f.token, body: { field_options: { [f.fields.Name.id]: { enabled: true } } },
    });
    const { context, page } = await openView(f, f.viewPath(form.id), size);
    await page.click('#share-view');
    await page.check('#share-public');
    await page.locator('#share-link').waitFor();
    const view = await apiOk('GET', `/api/database/views/${form.id}/`, { token: f.token });
    const link = await page.inputValue('#share-link');
    assert.equal(link, `${baseUrl}/form/${view.slug}`);
    assert.match(await page.locator('#view-share-dialog').textContent(), /fill in this form/);
    // The form editor's own share box follows.
    await page.click('#view-share-dialog .dialog-close');
    await page.locator('#form-public-link').waitFor();
    await screenshot(page, 'view-share-form');
    const visitor = await newPage(browser, size);
    const res = await visitor.page.goto(link);
    assert.equal(res.status(), 200);
    assert.equal(await visitor.page.locator(`form #field_${f.fields.Name.id}`).count(), 1);
    await visitor.context.close();

    await page.goto(f.viewPath(gallery.id));
    await page.waitForSelector('body[data-view-ready="true"]');
    await page.click('#share-view');
    await page.check('#share-public');
    await page.locator('#share-link').waitFor();
    const shared = await apiOk('GET', `/api/database/views/${gallery.id}/`, { token: f.token });
    assert.equal(await page.inputValue('#share-link'), `${baseUrl}/public/gallery/${shared.slug}`);
    assert.match(await page.locator('#view-share-dialog').textContent(), /see this view's cards/);
    assert.equal(await page.locator('#share-unavailable').count(), 0);
    assert.deepEqual(page.errors, []);
    await context.close();
  });
}

/** Waits until the view's stored name is `name`. */
async function waitForName(f, id, name) {
  for (let i = 0; i < 50; i += 1) {
    const view = await apiOk('GET', `/api/database/views/${id}/`, { token: f.token });
    if (view.name === name) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`the view was not renamed to ${name}`);
}

/** Waits until the table's stored view order is `ids`. */
async function waitForOrder(f, ids) {
  let last = [];
  for (let i = 0; i < 50; i += 1) {
    last = (await listViews(f)).map((v) => v.id);
    if (last.join() === ids.join()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.deepEqual(last, ids);
}
