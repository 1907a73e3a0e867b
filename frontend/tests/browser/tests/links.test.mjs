// Links between tables in a real browser: the link cell's picker (search the linked table,
// pick several, remove a chip, create a linked row from the search), the chips that open
// the linked row, the expanded row's list of links, and a second user seeing links change
// live. Every change is checked where it lands: in the rows the API returns.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, newPage, screenshot, signUp, logIn, createTable, apiOk, baseUrl, uniqueEmail,
} from '../support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** Empties a table: no rows, only its primary field; answers that field. */
async function emptyTable(token, tableId) {
  const rowIds = (await apiOk('GET', `/api/database/rows/table/${tableId}/`, { token })).results.map((r) => r.id);
  if (rowIds.length) {
    await apiOk('POST', `/api/database/rows/table/${tableId}/batch-delete/`, { token, body: { items: rowIds } });
  }
  let primary;
  for (const f of await apiOk('GET', `/api/database/fields/table/${tableId}/`, { token })) {
    if (f.primary) primary = f;
    else await apiOk('DELETE', `/api/database/fields/${f.id}/`, { token });
  }
  return primary;
}

async function addRows(token, tableId, primary, names) {
  const items = names.map((n) => ({ [`field_${primary.id}`]: n }));
  return (await apiOk('POST', `/api/database/rows/table/${tableId}/batch/`, { token, body: { items } })).items;
}

/**
 * Two tables of one database: Projects (rows Apollo, Gemini, Mercury, Artemis) and Tasks
 * (rows Design, Build) with a link field "Projects" to it (and its related field back).
 */
async function projectsAndTasks(user, linkOptions = {}) {
  const token = user.token;
  const { workspaceId, databaseId, tableId: tasksId } = await createTable(user, { table: 'Tasks' });
  const projects = await apiOk('POST', `/api/database/tables/database/${databaseId}/`, { token, body: { name: 'Projects' } });
  const taskName = await emptyTable(token, tasksId);
  const projectName = await emptyTable(token, projects.id);
  const field = await apiOk('POST', `/api/database/fields/table/${tasksId}/`, {
    token,
    body: { type: 'link_row', name: 'Projects', link_row_table_id: projects.id, has_related_field: true, ...linkOptions },
  });
  const projectRows = await addRows(token, projects.id, projectName, ['Apollo', 'Gemini', 'Mercury', 'Artemis']);
  const taskRows = await addRows(token, tasksId, taskName, ['Design', 'Build']);
  return {
    workspaceId,
    databaseId,
    tasksId,
    projectsId: projects.id,
    field,
    projectName,
    project: Object.fromEntries(projectRows.map((r) => [r[`field_${projectName.id}`], r])),
    task: Object.fromEntries(taskRows.map((r) => [r[`field_${taskName.id}`], r])),
    path: `/database/${databaseId}/table/${tasksId}`,
  };
}

async function openGrid(user, path, size = 'desktop') {
  const { context, page } = await newPage(browser, size);
  await logIn(context, user);
  await page.goto(path);
  await page.waitForSelector('body[data-grid-ready="true"]');
  await page.waitForSelector('#live-status[data-state="live"]');
  return { context, page };
}

/** The link cell of a task row (the column after the primary one). */
function linkCell(page, rowId) {
  return page.locator(`#grid tbody tr[data-row-id="${rowId}"] td`).nth(2);
}

/** Waits (up to 5 s) until the stored links of a row, as texts, equal `expected`. */
async function assertLinks(user, tableId, rowId, fieldId, expected) {
  const deadline = Date.now() + 5000;
  for (;;) {
    const row = await apiOk('GET', `/api/database/rows/table/${tableId}/${rowId}/`, { token: user.token });
    const actual = row[`field_${fieldId}`].map((l) => l.value);
    try {
      assert.deepEqual(actual, expected);
      return row[`field_${fieldId}`];
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** The texts of the result rows the picker lists (without the "create" entry). */
async function resultTexts(popup) {
  return popup.locator('.link-results li[data-row-id] .link-result-text').allTextContents();
}

test('the link picker: search the linked table, pick several, remove a chip; chips show in the cell', async () => {
  const user = await signUp({ name: 'Lia' });
  const t = await projectsAndTasks(user);
  const { context, page } = await openGrid(user, t.path);
  const td = linkCell(page, t.task.Design.id);
  await td.click();
  await page.keyboard.press('Enter');
  const popup = page.locator('.link-popup');
  await popup.waitFor();
  // All rows of Projects at first (the first 20), then what matches the search.
  await page.waitForFunction(() => document.querySelectorAll('.link-popup li[data-row-id]').length === 4);
  assert.deepEqual(await resultTexts(popup), ['Apollo', 'Gemini', 'Mercury', 'Artemis']);
  assert.equal(await popup.locator('.link-search').getAttribute('placeholder'), 'Search Projects');
  await page.keyboard.type('ap');
  await page.waitForFunction(() => document.querySelectorAll('.link-popup li[data-row-id]').length === 1);
  assert.deepEqual(await resultTexts(popup), ['Apollo']);
  assert.equal(await popup.locator('li.link-create').textContent(), '+Create row “ap”');
  await page.keyboard.press('Enter');
  await assertLinks(user, t.tasksId, t.task.Design.id, t.field.id, ['Apollo']);

  // A second pick from another search (arrows move through the list).
  await popup.locator('.link-search').fill('m');
  await page.waitForFunction(() => {
    const texts = [...document.querySelectorAll('.link-popup li[data-row-id] .link-result-text')].map((e) => e.textContent);
    return texts.join() === 'Gemini,Mercury,Artemis';
  });
  await page.keyboard.press('ArrowDown');
  assert.equal(await popup.locator('li.active .link-result-text').textContent(), 'Mercury');
  await page.keyboard.press('Enter');
  await popup.locator('li[aria-selected="true"]', { hasText: 'Mercury' }).waitFor();
  await popup.locator('li[data-row-id]', { hasText: 'Gemini' }).click();
  const stored = await assertLinks(user, t.tasksId, t.task.Design.id, t.field.id, ['Apollo', 'Mercury', 'Gemini']);
  assert.deepEqual(stored.map((l) => l.id), [t.project.Apollo.id, t.project.Mercury.id, t.project.Gemini.id]);
  assert.deepEqual(await popup.locator('.link-chosen .chip-link').allTextContents(), ['Apollo×', 'Mercury×', 'Gemini×']);
  await screenshot(page, 'links-picker');

  // The × of a chip removes that link at once.
  await popup.getByRole('button', { name: 'Remove Mercury' }).click();
  await assertLinks(user, t.tasksId, t.task.Design.id, t.field.id, ['Apollo', 'Gemini']);
  assert.deepEqual(await popup.locator('.link-chosen .chip-link').allTextContents(), ['Apollo×', 'Gemini×']);
  // A search that finds nothing says so, and offers to create the row.
  await popup.locator('.link-search').fill('zzz');
  await popup.locator('.link-status', { hasText: 'No row of Projects matches “zzz”.' }).waitFor();
  assert.equal(await popup.locator('li[data-row-id]').count(), 0);
  assert.equal(await popup.locator('li.link-create').count(), 1);

  // Escape closes; the cell shows the links as chips.
  await page.keyboard.press('Escape');
  await popup.waitFor({ state: 'detached' });
  assert.deepEqual(await td.locator('.chip-link').allTextContents(), ['Apollo', 'Gemini']);
  // The linked table's related field has the reverse links.
  const apollo = await apiOk('GET', `/api/database/rows/table/${t.projectsId}/${t.project.Apollo.id}/?user_field_names=true`, { token: user.token });
  assert.deepEqual(apollo.Tasks.map((l) => l.value), ['Design']);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('Enter pressed before the search answered links the first row of what was typed, not of the list before', async () => {
  const user = await signUp({ name: 'Quick' });
  const t = await projectsAndTasks(user);
  const { context, page } = await openGrid(user, t.path);
  const td = linkCell(page, t.task.Design.id);
  await td.click();
  await page.keyboard.press('Enter');
  const popup = page.locator('.link-popup');
  await popup.waitFor();
  await page.waitForFunction(() => document.querySelectorAll('.link-popup li[data-row-id]').length === 4);
  // Typed and entered at once: the search has not even been sent yet.
  await page.keyboard.type('merc');
  await page.keyboard.press('Enter');
  await assertLinks(user, t.tasksId, t.task.Design.id, t.field.id, ['Mercury']);
  // Nothing else was linked on the way (the stale first entry was Apollo).
  await page.waitForTimeout(300);
  await assertLinks(user, t.tasksId, t.task.Design.id, t.field.id, ['Mercury']);
  await context.close();
});

test('the link picker creates a row in the linked table from the search text and links it; chips open the row', async () => {
  const user = await signUp({ name: 'Noa' });
  const t = await projectsAndTasks(user);
  const { context, page } = await openGrid(user, t.path);
  const td = linkCell(page, t.task.Build.id);
  await td.click();
  // Typing on the cell opens the picker with that search.
  await page.keyboard.type('Voyager');
  const popup = page.locator('.link-popup');
  await popup.waitFor();
  assert.equal(await popup.locator('.link-search').inputValue(), 'Voyager');
  await popup.locator('.link-status', { hasText: 'No row of Projects matches “Voyager”.' }).waitFor();
  assert.equal(await popup.locator('li.active').textContent(), '+Create row “Voyager”');
  await page.keyboard.press('Enter');
  const [link] = await assertLinks(user, t.tasksId, t.task.Build.id, t.field.id, ['Voyager']);
  const created = await apiOk('GET', `/api/database/rows/table/${t.projectsId}/${link.id}/`, { token: user.token });
  assert.equal(created[`field_${t.projectName.id}`], 'Voyager');
  await popup.locator('.link-chosen .chip-link', { hasText: 'Voyager' }).waitFor();
  assert.equal(await popup.locator('.link-search').inputValue(), '');

  // The chip opens the linked row, read-only, over the page.
  await popup.locator('.chip-open', { hasText: 'Voyager' }).click();
  const linked = page.locator('#linked-row-dialog');
  await linked.waitFor();
  assert.equal(await linked.locator('h2').textContent(), 'Voyager');
  await linked.locator('.linked-row-fields dd', { hasText: 'Voyager' }).first().waitFor();
  assert.equal(await linked.locator('.linked-row-table a').textContent(), 'Projects');
  assert.deepEqual(await linked.locator('.chip-link').allTextContents(), ['Build']);
  await screenshot(page, 'links-linked-row');
  await linked.locator('.dialog-close').click();
  await linked.waitFor({ state: 'detached' });
  // The picker stayed open under it.
  assert.equal(await popup.count(), 1);
  await page.keyboard.press('Escape');
  await popup.waitFor({ state: 'detached' });
  await td.locator('.chip-link', { hasText: 'Voyager' }).waitFor();
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('a field that links to one row only: picking replaces the link and closes the picker', async () => {
  const user = await signUp({ name: 'Ode' });
  const t = await projectsAndTasks(user, { link_row_multiple_relationships: false });
  await apiOk('PATCH', `/api/database/rows/table/${t.tasksId}/${t.task.Design.id}/`, {
    token: user.token, body: { [`field_${t.field.id}`]: [t.project.Apollo.id] },
  });
  const { context, page } = await openGrid(user, t.path, 'mobile');
  const td = linkCell(page, t.task.Design.id);
  await td.dblclick();
  const popup = page.locator('.link-popup');
  await popup.waitFor();
  await popup.locator('li[data-row-id]', { hasText: 'Artemis' }).waitFor();
  // On a phone the picker fits the window.
  const box = await popup.boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= 390, `picker at ${box.x}..${box.x + box.width}`);
  assert.ok(box.y >= 0 && box.y + box.height <= 844, `picker at ${box.y}..${box.y + box.height}`);
  await popup.locator('li[data-row-id]', { hasText: 'Artemis' }).click();
  await popup.waitFor({ state: 'detached' });
  await assertLinks(user, t.tasksId, t.task.Design.id, t.field.id, ['Artemis']);
  await td.locator('.chip-link', { hasText: 'Artemis' }).waitFor();
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('a second user sees links change live: a new link and a renamed linked row', async () => {
  const ann = await signUp({ name: 'Ann', email: uniqueEmail('ann') });
  const bob = await signUp({ name: 'Bob', email: uniqueEmail('bob') });
  const t = await projectsAndTasks(ann);
  const invitation = await apiOk('POST', `/api/workspaces/invitations/workspace/${t.workspaceId}/`, {
    token: ann.token,
    body: { email: bob.email, permissions: 'MEMBER', message: '', base_url: `${baseUrl}/invite` },
  });
  await apiOk('POST', `/api/workspaces/invitations/${invitation.id}/accept/`, { token: bob.token, body: {} });
  const a = await openGrid(ann, t.path);
  const b = await openGrid(bob, t.path);

  // Bob links Gemini through his picker; Ann's grid shows the chip without reloading.
  await linkCell(b.page, t.task.Build.id).click();
  await b.page.keyboard.press('Enter');
  const popup = b.page.locator('.link-popup');
  await popup.locator('li[data-row-id]', { hasText: 'Gemini' }).click();
  await linkCell(a.page, t.task.Build.id).locator('.chip-link', { hasText: 'Gemini' }).waitFor({ timeout: 3000 });
  await b.page.keyboard.press('Escape');
  await screenshot(a.page, 'links-live');

  // Gemini renamed in its table: the chip follows in both grids.
  await apiOk('PATCH', `/api/database/rows/table/${t.projectsId}/${t.project.Gemini.id}/`, {
    token: bob.token, body: { [`field_${t.projectName.id}`]: 'Gemini II' },
  });
  await linkCell(a.page, t.task.Build.id).locator('.chip-link', { hasText: 'Gemini II' }).waitFor({ timeout: 3000 });
  await linkCell(b.page, t.task.Build.id).locator('.chip-link', { hasText: 'Gemini II' }).waitFor({ timeout: 3000 });
  // Unlinked elsewhere: the chip leaves.
  await apiOk('PATCH', `/api/database/rows/table/${t.tasksId}/${t.task.Build.id}/`, {
    token: bob.token, body: { [`field_${t.field.id}`]: [] },
  });
  await linkCell(a.page, t.task.Build.id).locator('.chip-link').waitFor({ state: 'detached', timeout: 3000 });
  assert.deepEqual(a.page.errors, []);
  assert.deepEqual(b.page.errors, []);
  await a.context.close();
  await b.context.close();
});

test('the expanded row lists the links: chips open the linked row, × removes one, + Add link picks more', async () => {
  const user = await signUp({ name: 'Ivo' });
  const t = await projectsAndTasks(user);
  await apiOk('PATCH', `/api/database/rows/table/${t.tasksId}/${t.task.Design.id}/`, {
    token: user.token, body: { [`field_${t.field.id}`]: [t.project.Apollo.id, t.project.Mercury.id] },
  });
  const { context, page } = await openGrid(user, t.path);
  await page.locator(`#grid tbody tr[data-row-id="${t.task.Design.id}"]`).hover();
  await page.locator(`#grid tbody tr[data-row-id="${t.task.Design.id}"] .row-expand`).click();
  const dialog = page.locator('#row-dialog');
  await dialog.waitFor();
  const links = dialog.locator(`dd[data-field-id="${t.field.id}"]`);
  assert.deepEqual(await links.locator('.chip-link').allTextContents(), ['Apollo×', 'Mercury×']);

  // + Add link opens the picker in the dialog; a pick shows in the dialog and the grid.
  await links.getByRole('button', { name: '+ Add link to Projects' }).click();
  const popup = dialog.locator('.link-popup');
  await popup.waitFor();
  assert.equal(await popup.locator('.link-chosen').count(), 0, 'the dialog lists the links itself');
  await popup.locator('li[aria-selected="true"]', { hasText: 'Apollo' }).waitFor();
  await popup.locator('li[data-row-id]', { hasText: 'Artemis' }).click();
  await links.locator('.chip-link', { hasText: 'Artemis' }).waitFor();
  await assertLinks(user, t.tasksId, t.task.Design.id, t.field.id, ['Apollo', 'Mercury', 'Artemis']);
  await linkCell(page, t.task.Design.id).locator('.chip-link', { hasText: 'Artemis' }).waitFor();
  await screenshot(page, 'links-expanded-picker');
  // Escape closes the picker, not the dialog.
  await page.keyboard.press('Escape');
  await popup.waitFor({ state: 'detached' });
  assert.equal(await dialog.count(), 1);

  // × removes a link.
  await links.getByRole('button', { name: 'Remove Mercury' }).click();
  await assertLinks(user, t.tasksId, t.task.Design.id, t.field.id, ['Apollo', 'Artemis']);
  await links.locator('.chip-link', { hasText: 'Mercury' }).waitFor({ state: 'detached' });

  // A chip opens the linked row over the expanded row; its own links open in turn.
  await links.locator('.chip-open', { hasText: 'Apollo' }).click();
  const linked = page.locator('#linked-row-dialog');
  await linked.waitFor();
  assert.equal(await linked.locator('h2').textContent(), 'Apollo');
  await linked.locator('.chip-link', { hasText: 'Design' }).waitFor();
  await screenshot(page, 'links-expanded-linked-row');
  await linked.locator('.chip-open', { hasText: 'Design' }).click();
  await page.waitForFunction(() => document.querySelector('#linked-row-dialog h2')?.textContent === 'Design');
  await page.keyboard.press('Escape');
  await linked.waitFor({ state: 'detached' });
  assert.equal(await dialog.count(), 1);
  assert.deepEqual(page.errors, []);
  await context.close();
});
