// Drives frontend/static/js/realtime.js from Node for backend/tests/api/realtime_client.rs:
// connects, subscribes to one table and prints every status change and event as a JSON
// line. Usage: node --experimental-websocket realtime_driver.mjs <ws url> <token> <table id>
import { RealtimeClient } from "../static/js/realtime.js";

const [url, token, table] = process.argv.slice(2);
const print = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);

const client = new RealtimeClient({
  url,
  token,
  backoff: { initialMs: 200, maxMs: 2000 },
  onStatus: (status) => print({ status }),
  onEvent: (event) => print({ event: event.type, seq: event.seq ?? null, table_id: event.table_id ?? null }),
  onResync: (tableId, seq) => print({ resync: tableId, seq }),
});
client.subscribeTable(Number(table));
