// REST API calls with the page's access token (`Authorization: JWT …`). Errors become
// ApiError with the server's code and detail.

import { accessToken, renewAccessToken } from './session.js';

export class ApiError extends Error {
  constructor(status, body) {
    super((body && (typeof body.detail === 'string' ? body.detail : body.error)) || `HTTP ${status}`);
    this.status = status;
    this.code = body && body.error;
    this.detail = body && body.detail;
  }
}

/** Calls `path` (e.g. `/api/database/rows/table/1/`) and returns the parsed JSON body. */
export async function api(path, { method = 'GET', body, headers = {} } = {}) {
  const send = async (jwt) => fetch(path, {
    method,
    headers: {
      Authorization: `JWT ${jwt}`,
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...headers,
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  let res = await send(await accessToken());
  if (res.status === 401) {
    res = await send(await renewAccessToken());
  }
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}
