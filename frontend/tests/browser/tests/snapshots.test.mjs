// A database's snapshots from the sidebar's "⋯" menu: the dialog takes one (its progress
// shown, a taken name refused), lists it with who took it, restores it as a new database
// that joins the sidebar with the rows it had when taken, and deletes it after asking — at
// both screen sizes. A job begun before the dialog opened shows its progress there.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  launch, newPage, screenshot, signUp, logIn, createTable, apiOk,
} from '../support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** Waits until `read()` (re-run every 100 ms) deep-equals `expected`. */
async function eventually(read, expected, what) {
  const deadline = Date.now() + 20000;
  let last;
  while (Date.now() < deadline) {
    last = await read();
    try {
      assert.deepEqual(last, expected);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  assert.deepEqual(last, expected, what);
}

/** The table's rows' names, in order. */
async function rowNames(user, tableId) {
  const fields = await apiOk('GET', `/api/database/fields/table/${tableId}/`, { token: user.token });
  const name = fields.find((f) => f.primary);
  const rows = await apiOk('GET', `/api/database/rows/table/${tableId}/`, { token: user.token });
  return { field: name, rows: rows.results, names: rows.results.map((r) => r[`field_${name.id}`]) };
}

/** The sidebar's database names in a workspace, in order. */
function databaseNames(page, workspaceId) {
  return page.locator(`#sidebar .nav-workspace[data-workspace-id="${workspaceId}"] .nav-database > .nav-row .nav-label`).allTextContents();
}

/** On phones the sidebar is a drawer: opens it unless open (a no-op on desktop). */
async function showSidebar(page) {
  if (await page.locator('#sidebar-open').isVisible() && !(await page.locator('#sidebar.open').count())) {
    await page.click('#sidebar-open');
    await page.waitForSelector('#sidebar.open:not(.sliding)');
  }
  await page.locator('#sidebar').waitFor({ state: 'visible' });
}

for (const size of ['desktop', 'mobile']) {
  test(`snapshots are taken, listed, restored and deleted from the sidebar (${size})`, async () => {
    const ann = await signUp({ name: 'Ann' });
    const { workspaceId, databaseId, tableId } = await createTable(ann, { workspace: 'Acme', database: 'Sales', table: 'Customers' });
    const before = await rowNames(ann, tableId);
    await apiOk('POST', `/api/database/rows/table/${tableId}/batch-delete/`, { token: ann.token, body: { items: before.rows.map((r) => r.id) } });
    const primary = `field_${before.field.id}`;
    const ada = await apiOk('POST', `/api/database/rows/table/${tableId}/`, { token: ann.token, body: { [primary]: 'Ada' } });
    await apiOk('POST', `/api/database/rows/table/${tableId}/`, { token: ann.token, body: { [primary]: 'Grace' } });

    const { context, page } = await newPage(browser, size);
    await logIn(context, ann);
    await page.goto('/dashboard');
    await page.waitForSelector('#sidebar[data-ready="true"]', { state: 'attached' });
    await showSidebar(page);

    // The database's menu opens its snapshots: none yet, a name ready in UTC.
    await page.getByRole('button', { name: 'Actions for Sales', exact: true }).click();
    await page.getByRole('menuitem', { name: 'Snapshots', exact: true }).click();
    const dialog = page.locator('#snapshots-dialog');
    await dialog.waitFor();
    assert.equal(await dialog.locator('h2').textContent(), 'Snapshots of Sales');
    await dialog.getByText('No snapshots yet.').waitFor();
    const name = dialog.getByLabel('Create a new snapshot');
    assert.match(await name.inputValue(), /^Snapshot \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);
    if (size === 'mobile') await screenshot(page, 'snapshots-empty');

    // Taking one: a job, whose progress shows until it is listed with who took it.
    await name.fill('Before cleanup');
    await dialog.getByRole('button', { name: 'Create snapshot' }).click();
    // The job is polled at most every 0.4 s: its bar shows in the name's place meanwhile.
    await dialog.getByRole('progressbar', { name: 'Snapshot progress' }).waitFor();
    assert.equal(await name.isVisible(), false);
    await dialog.getByRole('status').getByText('Snapshot “Before cleanup” created.').waitFor();
    assert.equal(await dialog.getByRole('progressbar').count(), 0, 'the bar goes once it is listed');
    const item = dialog.locator('.snapshot', { hasText: 'Before cleanup' });
    await item.waitFor();
    assert.match(await item.locator('.snapshot-detail').textContent(), new RegExp(`^${ann.email.replace(/[.]/g, '\\.')} · just now$`));
    const listed = await apiOk('GET', `/api/snapshots/application/${databaseId}/`, { token: ann.token });
    assert.deepEqual(listed.map((s) => s.name), ['Before cleanup']);
    assert.match(await name.inputValue(), /^Snapshot /, 'a fresh name is ready for the next one');

    // A name taken by another snapshot of the database is refused in words.
    await name.fill('Before cleanup');
    await dialog.getByRole('button', { name: 'Create snapshot' }).click();
    await dialog.getByRole('alert').getByText('The database has a snapshot of that name already.').waitFor();
    assert.equal((await apiOk('GET', `/api/snapshots/application/${databaseId}/`, { token: ann.token })).length, 1);
    if (size === 'mobile') await screenshot(page, 'snapshots-listed');

    // The live database changes; restoring makes a new database as the snapshot had it.
    await apiOk('PATCH', `/api/database/rows/table/${tableId}/${ada.id}/`, { token: ann.token, body: { [primary]: 'Changed' } });
    await item.getByRole('button', { name: 'Restore Before cleanup' }).click();
    await item.getByRole('progressbar', { name: 'Restoring Before cleanup' }).waitFor();
    await item.getByText('Restored as a new database').waitFor({ timeout: 30000 });
    assert.equal(await dialog.getByRole('alert').isVisible(), false, 'the earlier refusal is gone');
    await eventually(() => databaseNames(page, workspaceId), ['Sales', 'Before cleanup'], 'the restored database joins the sidebar');
    const apps = await apiOk('GET', `/api/applications/workspace/${workspaceId}/`, { token: ann.token });
    const restored = apps.find((a) => a.name === 'Before cleanup');
    assert.deepEqual(restored.tables.map((t) => t.name), ['Customers']);
    const restoredTable = restored.tables[0].id;
    assert.deepEqual((await rowNames(ann, restoredTable)).names, ['Ada', 'Grace']);
    assert.deepEqual((await rowNames(ann, tableId)).names, ['Changed', 'Grace'], 'the live database is untouched');

    // Deleting asks first; cancelling keeps it.
    await item.getByRole('button', { name: 'Delete Before cleanup' }).click();
    const confirm = page.locator('#snapshot-delete-dialog');
    await confirm.waitFor();
    assert.match(await confirm.textContent(), /Delete the snapshot “Before cleanup” for good\?/);
    if (size === 'mobile') await screenshot(page, 'snapshots-delete');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    assert.equal((await apiOk('GET', `/api/snapshots/application/${databaseId}/`, { token: ann.token })).length, 1);
    await item.getByRole('button', { name: 'Delete Before cleanup' }).click();
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await dialog.getByText('No snapshots yet.').waitFor();
    await dialog.getByRole('status').getByText('Snapshot “Before cleanup” deleted.').waitFor();
    assert.deepEqual(await apiOk('GET', `/api/snapshots/application/${databaseId}/`, { token: ann.token }), []);

    // The restored database stays, and its table opens from the sidebar with its rows.
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });
    await showSidebar(page);
    await page.locator(`#sidebar .nav-database[data-database-id="${restored.id}"]`).getByRole('link', { name: 'Customers' }).click();
    await page.waitForURL(`**/database/${restored.id}/table/${restoredTable}`);
    await page.waitForSelector('body[data-grid-ready="true"]');
    assert.deepEqual(await page.locator('#grid tbody tr[data-row-id] td:nth-child(2)').allTextContents(), ['Ada', 'Grace']);
    assert.deepEqual(page.errors, []);
    await context.close();
  });
}

test('a snapshot being taken when the dialog opens shows its progress, then its failure in words', async () => {
  const ann = await signUp({ name: 'Ann' });
  const { databaseId } = await createTable(ann, { workspace: 'Acme', database: 'Sales', table: 'Customers' });
  // A job row no worker runs (it is not queued): one under way, as far as the page can tell.
  const sql = (text) => execFileSync('psql', [process.env.TESSERA_TEST_DATABASE_URL, '-qtAc', text], { encoding: 'utf8' }).trim();
  const params = JSON.stringify({ snapshot: { id: 0, name: 'Nightly', snapshot_from_application: databaseId } });
  const jobId = sql(`INSERT INTO jobs (type, user_id, state, progress_percentage, params)
    VALUES ('create_snapshot', ${ann.user.id}, 'started', 40, '${params}') RETURNING id`);

  const { context, page } = await newPage(browser, 'desktop');
  await logIn(context, ann);
  await page.goto('/dashboard');
  await page.waitForSelector('#sidebar[data-ready="true"]', { state: 'attached' });
  await page.getByRole('button', { name: 'Actions for Sales', exact: true }).click();
  await page.getByRole('menuitem', { name: 'Snapshots', exact: true }).click();
  const dialog = page.locator('#snapshots-dialog');
  const bar = dialog.getByRole('progressbar', { name: 'Snapshot progress' });
  await bar.waitFor();
  await page.waitForFunction(() => document.querySelector('#snapshots-dialog progress')?.value === 40);
  await dialog.getByText('Creating “Nightly”…').waitFor();
  assert.equal(await dialog.locator('.snapshot-progress-share').textContent(), '40 %');
  assert.equal(await dialog.getByRole('button', { name: 'Create snapshot' }).isDisabled(), true);
  await screenshot(page, 'snapshots-progress');

  sql(`UPDATE jobs SET state = 'failed', human_readable_error = 'The database no longer exists.' WHERE id = ${jobId}`);
  await dialog.getByRole('alert').getByText('The database no longer exists.').waitFor();
  await bar.waitFor({ state: 'hidden' });
  assert.equal(await dialog.getByLabel('Create a new snapshot').isVisible(), true);
  assert.equal(await dialog.getByRole('button', { name: 'Create snapshot' }).isDisabled(), false);
  assert.deepEqual(page.errors, []);
  await context.close();
});
