// The npm package baserow-client 0.3.0, unchanged, against a running Tessera.
//
// Run by scripts/compat-test.sh, which brings Tessera up and sets TESSERA_URL. The
// client speaks only to the rows endpoints, with a database token
// (`Authorization: Token <key>`) and user field names; the account, workspace, database,
// table, fields and the token are made through Tessera's own API first. Every call the
// client has is used: list (paging, search, ordering), get, create, update, move and
// delete (which Baserow refuses too, see below).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import client from 'baserow-client';

// The package is CommonJS (its `main`) with the class as `exports.default`.
const Baserow = client.default;

const URL = process.env.TESSERA_URL;
assert.ok(URL, 'TESSERA_URL must name the running Tessera');

/** One request to Tessera's own API; fails with the body on an error status. */
async function tessera(method, path, jwt, body) {
  const headers = { 'Content-Type': 'application/json' };
  if (jwt) headers.Authorization = `JWT ${jwt}`;
  const response = await fetch(URL + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** A new account, a workspace, a database, a People table and a token for it. */
async function setUp() {
  const email = `compat-node-${crypto.randomUUID().slice(0, 12)}@example.com`;
  const session = await tessera('POST', '/api/user/', null, {
    name: 'Compat',
    email,
    password: 'compat-password-1',
    authenticate: true,
  });
  const jwt = session.access_token ?? session.token;
  const workspace = await tessera('POST', '/api/workspaces/', jwt, { name: 'Compat' });
  const database = await tessera('POST', `/api/applications/workspace/${workspace.id}/`, jwt, {
    name: 'People',
    type: 'database',
  });
  const table = await tessera('POST', `/api/database/tables/database/${database.id}/`, jwt, {
    name: 'People',
    data: [['Name']],
    first_row_header: true,
  });
  const field = (body) => tessera('POST', `/api/database/fields/table/${table.id}/`, jwt, body);
  await field({ name: 'Age', type: 'number', number_decimal_places: 0 });
  await field({ name: 'Email', type: 'email' });
  const token = await tessera('POST', '/api/database/tokens/', jwt, {
    name: 'node client',
    workspace: workspace.id,
  });
  return { jwt, tableId: table.id, key: token.key };
}

const PEOPLE = [
  { Name: 'Ada', Age: 36, Email: 'ada@example.com' },
  { Name: 'Grace', Age: 85, Email: 'grace@example.com' },
  { Name: 'Linus', Age: 21, Email: 'linus@example.com' },
  { Name: 'Barbara', Age: 55, Email: 'barbara@example.com' },
];

test('every call of baserow-client 0.3.0 works against Tessera', async () => {
  const { jwt, tableId, key } = await setUp();
  const baserow = new Baserow({ apiKey: key, apiUrl: URL, showUserFieldNames: true });
  const table = baserow.table(tableId);

  // create: by field names, answered with the stored row.
  const ids = [];
  for (const person of PEOPLE) {
    const record = await table.create(person);
    assert.ok(Number.isInteger(record.getID()) && record.getID() > 0);
    assert.equal(record.getStringValue('Name'), person.Name);
    assert.equal(record.getNumberValue('Age'), person.Age);
    assert.equal(record.getStringValue('Email'), person.Email);
    ids.push(record.getID());
  }

  // get: one row by id.
  const grace = await table.get(ids[1]);
  assert.equal(grace.getID(), ids[1]);
  assert.equal(grace.getStringValue('Name'), 'Grace');
  assert.equal(grace.getNumberValue('Age'), 85);

  // list: every row in the table's order (the client sends page=1, size=100).
  const all = await table.list();
  assert.deepEqual(
    all.map((r) => r.getStringValue('Name')),
    PEOPLE.map((p) => p.Name),
  );

  // list: ordering by a field name, both directions.
  const byAge = await table.list({ orderBy: 'Age', orderDir: 'ASC' });
  assert.deepEqual(byAge.map((r) => r.getNumberValue('Age')), [21, 36, 55, 85]);
  const byNameDesc = await table.list({ orderBy: 'Name', orderDir: 'DESC' });
  assert.deepEqual(
    byNameDesc.map((r) => r.getStringValue('Name')),
    ['Linus', 'Grace', 'Barbara', 'Ada'],
  );

  // list: paging and search.
  const page2 = await table.list({ page: 2, size: 3 });
  assert.deepEqual(page2.map((r) => r.getStringValue('Name')), ['Barbara']);
  const found = await table.list({ search: 'grace' });
  assert.deepEqual(found.map((r) => r.getID()), [ids[1]]);

  // update: one field by name; the others stay.
  const older = await table.update(ids[2], { Age: 22 });
  assert.equal(older.getNumberValue('Age'), 22);
  assert.equal(older.getStringValue('Name'), 'Linus');
  assert.equal((await table.get(ids[2])).getNumberValue('Age'), 22);

  // move: Barbara before Ada, so first in the table's order.
  const moved = await table.move(ids[3], ids[0]);
  assert.equal(moved.getID(), ids[3]);
  assert.deepEqual(
    (await table.list()).map((r) => r.getStringValue('Name')),
    ['Barbara', 'Ada', 'Grace', 'Linus'],
  );

  // delete: the client leaves out the trailing slash of the row's URL. Baserow does not
  // redirect such URLs (APPEND_SLASH is off) but answers 404 URL_TRAILING_SLASH_MISSING,
  // and so does Tessera; the client does not look at the status and hands the error
  // body back as a record, and the row stays.
  const refused = await table.delete(ids[0]);
  assert.equal(refused.getStringValue('error'), 'URL_TRAILING_SLASH_MISSING');
  assert.equal((await table.get(ids[0])).getStringValue('Name'), 'Ada');
  // The same delete with the slash, as Baserow documents it, removes the row.
  const deleted = await fetch(`${URL}/api/database/rows/table/${tableId}/${ids[0]}/`, {
    method: 'DELETE',
    headers: { Authorization: `Token ${key}` },
  });
  assert.equal(deleted.status, 204);
  const left = await table.list();
  assert.deepEqual(left.map((r) => r.getStringValue('Name')), ['Barbara', 'Grace', 'Linus']);
  const gone = await table.get(ids[0]);
  assert.equal(gone.getStringValue('error'), 'ERROR_ROW_DOES_NOT_EXIST');

  // The token is what the client was given; the JWT is not needed for any row call.
  assert.notEqual(key, jwt);
});

test('a wrong token reaches the client as Tessera’s error, not as rows', async () => {
  const { tableId } = await setUp();
  const baserow = new Baserow({ apiKey: 'not-a-token', apiUrl: URL });
  const response = await fetch(`${URL}/api/database/rows/table/${tableId}/`, {
    headers: { Authorization: 'Token not-a-token' },
  });
  assert.equal(response.status, 401);
  assert.equal((await response.json()).error, 'ERROR_TOKEN_DOES_NOT_EXIST');
  // The client maps `results` of the answer, which an error does not have.
  await assert.rejects(baserow.table(tableId).list(), TypeError);
});
