// Tessera's realtime client: one WebSocket to /ws/core/, table subscriptions that survive
// reconnects, and replay of missed events so a page never stays stale.
//
//   import { RealtimeClient } from "/static/js/realtime.js";
//   const live = new RealtimeClient({
//     url: "wss://tessera.example.com/ws/core/",
//     token: () => session.accessToken,        // a string, or a function (called per connect)
//     onEvent: (event) => applyToGrid(event),  // table events (with `seq`) and workspace events
//     onResync: (tableId) => reloadTable(tableId),
//   });
//   live.subscribeTable(12);
//   fetch(url, { headers: { WebSocketId: live.webSocketId } });  // no echo of own edits
//
// Protocol: docs/realtime.md. The client keeps the last `seq` applied per table, drops
// duplicates, and on every (re)connect subscribes with `after_seq` so the server replays
// exactly what was missed. Reconnects back off exponentially with jitter.

const DEFAULT_BACKOFF = { initialMs: 500, maxMs: 30000 };

export class RealtimeClient {
  /**
   * @param {object} options
   * @param {string} options.url               the /ws/core/ URL
   * @param {string|function(): (string|Promise<string>)} options.token  JWT access token
   * @param {function(object): void} [options.onEvent]
   * @param {function(number, number): void} [options.onResync]  (tableId, seq) reload the table
   * @param {function(string): void} [options.onStatus]  "connecting", "open", "closed", "reconnecting"
   * @param {function(): void} [options.onForceDisconnect]  the user must log in again
   * @param {{initialMs: number, maxMs: number}} [options.backoff]
   * @param {typeof WebSocket} [options.WebSocket]  for environments without a global one
   */
  constructor(options) {
    this.options = options;
    this.backoff = { ...DEFAULT_BACKOFF, ...(options.backoff || {}) };
    this.WebSocketImpl = options.WebSocket || globalThis.WebSocket;
    /** @type {Map<number, number|null>} table id → last applied seq (null: none yet) */
    this.tables = new Map();
    this.webSocketId = null;
    this.socket = null;
    this.attempt = 0;
    this.stopped = false;
    this.timer = null;
    this.connect();
  }

  /**
   * Starts receiving a table's events; safe to call while disconnected. `afterSeq` is the
   * sequence number the caller's data is already at (a page rendered by the server), so
   * events between that and the subscription are replayed rather than missed.
   */
  subscribeTable(tableId, afterSeq = null) {
    if (!this.tables.has(tableId)) {
      this.tables.set(tableId, afterSeq);
    }
    this.sendSubscription(tableId);
  }

  unsubscribeTable(tableId) {
    this.tables.delete(tableId);
    this.send({ remove_page: "table", table_id: tableId });
  }

  /** The last sequence number applied for a table, or null. */
  lastSeq(tableId) {
    return this.tables.get(tableId) ?? null;
  }

  /** Reconnects at once (the browser is back online) instead of waiting out the back-off. */
  reconnectNow() {
    if (this.stopped || this.socket) {
      return;
    }
    clearTimeout(this.timer);
    this.attempt = 0;
    this.connect();
  }

  /** Closes for good: no reconnect. */
  close() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.socket) {
      this.socket.close();
    }
  }

  async connect() {
    if (this.stopped) {
      return;
    }
    this.status("connecting");
    let token;
    try {
      const source = this.options.token;
      token = typeof source === "function" ? await source() : source;
    } catch (error) {
      this.scheduleReconnect();
      return;
    }
    const url = new URL(this.options.url);
    url.searchParams.set("jwt_token", token);
    const socket = new this.WebSocketImpl(url.toString());
    this.socket = socket;
    socket.onmessage = (message) => this.receive(message.data);
    // Browsers follow an error with a close event; some runtimes send only the error. The
    // first of the two ends this socket.
    const lost = () => {
      if (this.socket !== socket) {
        return;
      }
      this.socket = null;
      this.webSocketId = null;
      this.status("closed");
      this.scheduleReconnect();
    };
    socket.onclose = lost;
    socket.onerror = lost;
  }

  scheduleReconnect() {
    if (this.stopped) {
      return;
    }
    const base = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** this.attempt);
    // Full jitter keeps many clients from reconnecting in step after a server restart.
    const delay = base / 2 + Math.random() * (base / 2);
    this.attempt += 1;
    this.status("reconnecting");
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), delay);
  }

  receive(data) {
    let message;
    try {
      message = JSON.parse(typeof data === "string" ? data : String(data));
    } catch {
      return;
    }
    switch (message.type) {
      case "authentication":
        if (!message.success) {
          // A refused token: the socket closes; the token function gets another chance.
          return;
        }
        this.webSocketId = message.web_socket_id;
        this.attempt = 0;
        this.status("open");
        for (const tableId of this.tables.keys()) {
          this.sendSubscription(tableId);
        }
        return;
      case "page_add":
        // The first subscription of a table starts at the table's current seq.
        if (message.page === "table" && this.tables.get(message.parameters.table_id) === null) {
          this.tables.set(message.parameters.table_id, message.seq);
        }
        // The key this socket's cell edits go by in `table_viewers` and `cell_editing`.
        if (message.page === "table" && message.editor) {
          this.editor = message.editor;
        }
        return;
      case "page_discard":
        return;
      case "resync_required":
        this.tables.set(message.table_id, message.seq);
        this.options.onResync?.(message.table_id, message.seq);
        return;
      case "force_disconnect":
        this.close();
        this.options.onForceDisconnect?.();
        return;
      default:
        break;
    }
    if (typeof message.seq === "number" && this.tables.has(message.table_id)) {
      const last = this.tables.get(message.table_id);
      if (last !== null && message.seq <= last) {
        return; // already applied (a replay overlapping live delivery)
      }
      this.tables.set(message.table_id, message.seq);
    }
    this.options.onEvent?.(message);
  }

  sendSubscription(tableId) {
    const last = this.tables.get(tableId);
    const message = { page: "table", table_id: tableId };
    if (last !== null && last !== undefined) {
      message.after_seq = last;
    }
    this.send(message);
  }

  send(message) {
    if (this.socket && this.webSocketId && this.socket.readyState === 1) {
      this.socket.send(JSON.stringify(message));
    }
  }

  status(state) {
    this.options.onStatus?.(state);
  }
}
