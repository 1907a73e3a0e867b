// The table page's realtime subscription on the page's socket (page_socket.js), shared by
// the grid and the card views: subscribes to the table from the sequence number the page
// was rendered at (so nothing between rendering and connecting is missed), shows the
// connection's state and who else is viewing (viewers.js), keeps the table's name
// current, passes row history on to an open expanded row (as a document event), and hands
// the table's events to the page.

import { pageSocket } from "../page_socket.js";
import { showError } from "./alert.js";
import { setName } from "../nav/tree.js";
import { HISTORY_EVENT } from "./row_history.js";
import { showViewers } from "./viewers.js";

const $ = (id) => document.getElementById(id);

const STATUS_TEXT = {
  connecting: "Connecting…",
  open: "Live",
  closed: "Reconnecting…",
  reconnecting: "Reconnecting…",
};

function showStatus(status) {
  const badge = $("live-status");
  badge.textContent = STATUS_TEXT[status] || status;
  badge.dataset.state = status === "open" ? "live" : status === "connecting" ? "connecting" : "reconnecting";
}

/**
 * Connects the page to its table's events.
 * @param {object} options
 * @param {object} options.boot  the page's bootstrap data (table, user, seq)
 * @param {function(object): void} options.onEvent  each event of this table
 * @param {function(): void} options.onResync  the page must reload what it shows
 * @returns {import("../realtime.js").RealtimeClient}
 */
export function connectLive({ boot, onEvent, onResync }) {
  const tableId = boot.table.id;
  const socket = pageSocket();
  socket.on("event", (event) => {
    if (event.table_id !== undefined && event.table_id !== tableId) {
      return;
    }
    if (event.type === "table_updated" && event.table?.name) {
      setName("table", tableId, event.table.name);
    } else if (event.type === "table_deleted" && event.table_id === tableId) {
      showError(new Error("This table was deleted."));
    } else if (event.type === "table_viewers") {
      showViewers(event.users || [], boot.user.id);
    } else if (event.type === "row_history_updated") {
      document.dispatchEvent(new CustomEvent(HISTORY_EVENT, { detail: event }));
    }
    onEvent(event);
  });
  socket.on("resync", () => onResync());
  socket.on("status", showStatus);
  socket.client.subscribeTable(tableId, boot.seq);
  return socket.client;
}
