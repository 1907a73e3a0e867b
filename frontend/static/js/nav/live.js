// The sidebar kept live: workspace events on the page's socket (another member created,
// renamed, reordered or deleted a table or database) change it in place. Reorders carry
// hashed ids, and a reconnect may have missed events, so both read the tree again.

import { pageSocket } from "../page_socket.js";
import { addDatabase, addTable, remove, setName, sync } from "./tree.js";

export function followChanges(api) {
  const socket = pageSocket();
  let pending = null;
  const reread = () => {
    // Several events in a row (a drag, a reconnect) need one read.
    clearTimeout(pending);
    pending = setTimeout(async () => {
      try {
        sync(await api.get("/applications/"));
      } catch {
        // The next event or reconnect tries again; the links still work meanwhile.
      }
    }, 150);
  };
  socket.on("event", (event) => {
    switch (event.type) {
      case "table_created":
        addTable(event.table);
        break;
      case "table_updated":
        setName("table", event.table.id, event.table.name);
        break;
      case "table_deleted":
        remove("table", event.table_id);
        break;
      case "application_created":
        addDatabase(event.application);
        break;
      case "application_updated":
        setName("database", event.application_id, event.application.name);
        break;
      case "application_deleted":
        remove("database", event.application_id);
        break;
      case "group_updated":
        setName("workspace", event.workspace_id, event.workspace.name);
        break;
      case "group_deleted":
        remove("workspace", event.workspace_id);
        break;
      case "tables_reordered":
      case "applications_reordered":
      case "group_restored":
        reread();
        break;
      default:
        break;
    }
  });
  let opened = false;
  socket.on("status", (state) => {
    if (state === "open") {
      if (opened) {
        reread();
      }
      opened = true;
    }
  });
}
