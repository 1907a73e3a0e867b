// The table page's REST client: the normal API with `Authorization: JWT <access token>`
// (kept fresh by session.js) and the realtime socket's id as `WebSocketId`, so our own
// edits are not echoed back to us.

import { accessToken, renewAccessToken } from "../session.js";
import { explain } from "./errors.js";

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
   * @param {object} [options]  {body, query, signal}
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
      const headers = { Authorization: `JWT ${await this.token()}` };
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
