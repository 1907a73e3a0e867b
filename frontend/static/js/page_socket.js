// The page's one realtime connection, shared by its scripts (the sidebar on every page
// that has one, the table page's grid and card views): one socket per tab, whoever asks
// first opens it, and each script listens for what it needs.

import { RealtimeClient } from "./realtime.js";
import { accessToken } from "./session.js";

let shared = null;
let leaving = false;
window.addEventListener("beforeunload", () => {
  leaving = true;
});
window.addEventListener("pageshow", () => {
  leaving = false;
});

/**
 * The page's connection: `client` (a RealtimeClient: subscriptions, `webSocketId`) and
 * `on(kind, handler)` for "event" (every message), "status" (the connection's state; a
 * late listener first gets the current one) and "resync" (tableId, seq).
 */
export function pageSocket() {
  if (shared) {
    return shared;
  }
  const handlers = { event: new Set(), status: new Set(), resync: new Set() };
  let status = null;
  const client = new RealtimeClient({
    url: `${window.location.protocol === "https:" ? "wss" : "ws"}://${window.location.host}/ws/core/`,
    token: accessToken,
    onEvent: (event) => handlers.event.forEach((handler) => handler(event)),
    onResync: (tableId, seq) => handlers.resync.forEach((handler) => handler(tableId, seq)),
    onStatus: (state) => {
      status = state;
      handlers.status.forEach((handler) => handler(state));
    },
    onForceDisconnect: () => {
      // A page already on its way elsewhere (a submitted form, such as a password change
      // that ends the other sessions and gives this browser a new one) follows that instead.
      if (!leaving) {
        window.location.href = `/login?next=${encodeURIComponent(window.location.pathname)}`;
      }
    },
  });
  window.addEventListener("online", () => client.reconnectNow());
  shared = {
    client,
    on(kind, handler) {
      handlers[kind].add(handler);
      if (kind === "status" && status !== null) {
        handler(status);
      }
    },
  };
  return shared;
}
