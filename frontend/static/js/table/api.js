// The table page's REST client: the normal API with `Authorization: JWT <access token>`
// (kept fresh by session.js), the realtime socket's id as `WebSocketId`, so our own
// edits are not echoed back to us, and the tab's `ClientSessionId`, so our edits go on
// this tab's undo stack (`PATCH /api/user/undo/`).

import { accessToken, renewAccessToken } from "../session.js";
import { explain } from "./errors.js";

/** A version 4 UUID; `crypto.randomUUID` exists on secure origins only. */
export function uuid4() {
  if (globalThis.crypto && typeof globalThis.crypto.randomUUID === "function") {
    return globalThis.crypto.randomUUID();
  }
  const b = globalThis.crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** This tab's undo stack: one id per page load, as Baserow's web app keeps one per tab. */
export const CLIENT_SESSION_ID = uuid4();

/** An API error: `{"error": CODE, "detail": …}` with the HTTP status; its message is in words. */
export class ApiError extends Error {
  constructor(status, body) {
    const detail = body && body.detail;
    super(explain(status, body));
    this.status = status;
    this.code = (body && body.error) || null;
    this.detail = detail;
  }
}

export class Api {
  /**
   * @param {object} options
   * @param {function(): (string|null)} [options.webSocketId]
   */
  constructor(options = {}) {
    this.webSocketId = options.webSocketId || (() => null);
  }

  /** A valid access token (the page's, renewed through the session cookie). */
  token() {
    return accessToken();
  }

  /**
   * @param {string} method
   * @param {string} path  under /api/, e.g. "/database/rows/table/1/"
   * @param {object} [options]  {body, query, signal, actionGroup}; requests sharing an
   *   `actionGroup` (a uuid4) are undone in one step
   */
  async request(method, path, options = {}) {
    const url = new URL(`/api${path}`, window.location.origin);
    for (const [key, value] of Object.entries(options.query || {})) {
      if (value !== undefined && value !== null && value !== "") {
        url.searchParams.set(key, String(value));
      }
    }
    let retried = false;
    for (;;) {
      const headers = {
        Authorization: `JWT ${await this.token()}`,
        ClientSessionId: CLIENT_SESSION_ID,
      };
      if (options.actionGroup) {
        headers.ClientUndoRedoActionGroupId = options.actionGroup;
      }
      const socketId = this.webSocketId();
      if (socketId) {
        headers.WebSocketId = socketId;
      }
      if (options.body !== undefined) {
        headers["Content-Type"] = "application/json";
      }
      const response = await fetch(url, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: options.signal,
        credentials: "omit",
      });
      if (response.status === 401 && !retried) {
        // Expired early (a clock difference): renew once and try again.
        retried = true;
        await renewAccessToken();
        continue;
      }
      if (response.status === 204) {
        return null;
      }
      const body = await response.json().catch(() => null);
      if (!response.ok) {
        throw new ApiError(response.status, body);
      }
      return body;
    }
  }

  /** Uploads a file as `multipart/form-data` (part `file`). */
  async upload(path, file) {
    const form = new FormData();
    form.append("file", file);
    const response = await fetch(`/api${path}`, {
      method: "POST",
      headers: { Authorization: `JWT ${await this.token()}` },
      body: form,
      credentials: "omit",
    });
    const body = await response.json().catch(() => null);
    if (!response.ok) {
      throw new ApiError(response.status, body);
    }
    return body;
  }

  get(path, options) {
    return this.request("GET", path, options);
  }
  post(path, body, options = {}) {
    return this.request("POST", path, { ...options, body });
  }
  patch(path, body, options = {}) {
    return this.request("PATCH", path, { ...options, body });
  }
  delete(path, options) {
    return this.request("DELETE", path, options);
  }
}
