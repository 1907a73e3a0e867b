// The table page's REST client: the normal API with `Authorization: JWT <access token>`,
// the realtime socket's id as `WebSocketId` (so our own edits are not echoed back), and a
// fresh access token from the session cookie when the current one nears expiry.

/** An API error: `{"error": CODE, "detail": …}` with the HTTP status. */
export class ApiError extends Error {
  constructor(status, body) {
    const detail = body && body.detail;
    super(typeof detail === "string" ? detail : (body && body.error) || `HTTP ${status}`);
    this.status = status;
    this.code = (body && body.error) || null;
    this.detail = detail;
  }
}

/** Seconds left before a JWT expires (0 when unreadable). */
function secondsLeft(token) {
  try {
    const payload = JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    return payload.exp - Date.now() / 1000;
  } catch {
    return 0;
  }
}

export class Api {
  /**
   * @param {object} options
   * @param {string} options.token  the access token the page was rendered with
   * @param {function(): (string|null)} [options.webSocketId]
   * @param {function(): void} [options.onLoggedOut]  the session is gone: log in again
   */
  constructor(options) {
    this.accessToken = options.token;
    this.webSocketId = options.webSocketId || (() => null);
    this.onLoggedOut = options.onLoggedOut || (() => {});
    this.refreshing = null;
  }

  /** A valid access token, renewed through the session cookie when it nears expiry. */
  async token() {
    if (this.accessToken && secondsLeft(this.accessToken) > 60) {
      return this.accessToken;
    }
    return this.renew();
  }

  renew() {
    if (!this.refreshing) {
      this.refreshing = fetch("/session/token/", {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-Requested-With": "tessera" },
      })
        .then(async (response) => {
          if (!response.ok) {
            this.onLoggedOut();
            throw new ApiError(response.status, await response.json().catch(() => null));
          }
          const body = await response.json();
          this.accessToken = body.access_token;
          return this.accessToken;
        })
        .finally(() => {
          this.refreshing = null;
        });
    }
    return this.refreshing;
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
        retried = true;
        this.accessToken = null;
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
