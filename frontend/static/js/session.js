// The page's session for scripts: the bootstrap data the server embedded, and an access
// token for the REST API and the WebSocket, renewed from the session cookie before it
// expires (POST /session/token/).

let cachedBootstrap;

/** The JSON the server embedded in <script type="application/json" id="bootstrap">. */
export function bootstrap() {
  if (cachedBootstrap === undefined) {
    const el = document.getElementById('bootstrap');
    cachedBootstrap = el ? JSON.parse(el.textContent) : {};
  }
  return cachedBootstrap;
}

let token;
let pending;

/** Seconds since the epoch at which a JWT expires (0 when unreadable). */
export function tokenExpiry(jwt) {
  try {
    const payload = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(payload)).exp || 0;
  } catch {
    return 0;
  }
}

/** Asks the server for a new access token; the session cookie proves who we are. */
export async function renewAccessToken() {
  if (!pending) {
    pending = fetch('/session/token/', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'X-Requested-With': 'tessera' },
    })
      .then(async (res) => {
        if (res.status === 401) {
          // The session ended (log out elsewhere, password change): log in again.
          window.location.assign('/login?next=' + encodeURIComponent(location.pathname + location.search));
          throw new Error('session ended');
        }
        if (!res.ok) throw new Error('token renewal failed: ' + res.status);
        token = (await res.json()).access_token;
        return token;
      })
      .finally(() => { pending = undefined; });
  }
  return pending;
}

/** A valid access token, renewed when it expires within a minute. */
export async function accessToken() {
  if (token === undefined) token = bootstrap().access_token;
  if (!token || tokenExpiry(token) - Date.now() / 1000 < 60) {
    return renewAccessToken();
  }
  return token;
}
