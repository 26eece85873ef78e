// The REST API, exactly as the strato CLI uses it. The session (tokens) lives in sessionStorage only: it ends
// with the tab, is never put in a URL and never in localStorage.

const SESSION_KEY = 'strato.session';
const listeners = new Set();

export class ApiError extends Error {
  constructor(status, description, code) {
    super(description);
    this.status = status;
    this.code = code;
  }
}

export function session() {
  try {
    return JSON.parse(sessionStorage.getItem(SESSION_KEY));
  } catch (e) {
    return null;
  }
}

function save(tokens, previous) {
  const claims = decode(tokens.access_token);
  const s = {
    access: tokens.access_token,
    refresh: tokens.refresh_token || (previous && previous.refresh),
    user: claims.user_name,
    userGuid: claims.user_id,
    admin: (claims.scope || []).includes('cloud_controller.admin'),
    expires: (claims.exp || 0) * 1000,
  };
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(s));
  return s;
}

function decode(jwt) {
  try {
    const part = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const text = new TextDecoder().decode(Uint8Array.from(atob(part), c => c.charCodeAt(0)));
    return JSON.parse(text);
  } catch (e) {
    return {};
  }
}

/** Called with no argument when the session ends (logout, or the refresh token is refused). */
export function onSessionEnd(fn) {
  listeners.add(fn);
}

export function logout(reason) {
  if (reason) console.warn('session ended: ' + reason);
  sessionStorage.removeItem(SESSION_KEY);
  listeners.forEach(fn => fn());
}

async function token(form) {
  const r = await fetch('/oauth/token', {
    method: 'POST',
    headers: {'Authorization': 'Basic Y2Y6', 'Content-Type': 'application/x-www-form-urlencoded', 'Accept': 'application/json'},
    body: new URLSearchParams(form),
  });
  const body = await r.json().catch(() => ({}));
  if (!r.ok) {
    const text = r.status === 429
        ? 'Too many failed logins: try again in ' + (r.headers.get('Retry-After') || 'a few') + ' seconds.'
        : r.status === 401 ? 'Wrong user name or password.' : (body.error_description || body.description || 'Login failed (' + r.status + ').');
    throw new ApiError(r.status, text, body.error);
  }
  return body;
}

export async function login(username, password) {
  return save(await token({grant_type: 'password', username, password}), null);
}

let refreshing = null;

/** Gets a new access token with the refresh token; several requests that meet a 401 share one refresh. */
async function refresh() {
  const s = session();
  if (!s || !s.refresh) throw new ApiError(401, 'Your session has ended: log in again.');
  if (!refreshing) {
    refreshing = token({grant_type: 'refresh_token', refresh_token: s.refresh})
        .then(t => save(t, s))
        .finally(() => { refreshing = null; });
  }
  return refreshing;
}

/**
 * One request. opts: json (a body to send as JSON), body (sent as is), query, signal, raw (return the Response).
 * Errors become ApiError with the API's description.
 */
export async function request(method, path, opts = {}) {
  let s = session();
  if (!s) throw new ApiError(401, 'Log in first.');
  if (s.expires && s.expires - Date.now() < 30000) {
    s = await refresh().catch(() => s);
  }
  let r = await send(method, path, opts, s);
  if (r.status === 401) {
    try {
      s = await refresh();
    } catch (e) {
      logout(method + ' ' + path + ' answered 401 and the refresh failed: ' + e.message);
      throw e;
    }
    r = await send(method, path, opts, s);
    if (r.status === 401) {
      logout(method + ' ' + path + ' answered 401 with a fresh token');
      throw new ApiError(401, 'Your session has ended: log in again.');
    }
  }
  if (opts.raw && r.ok) return r;
  if (!r.ok) throw await failure(r);
  if (r.status === 204) return null;
  const text = await r.text();
  return text ? JSON.parse(text) : null;
}

function send(method, path, opts, s) {
  const headers = {'Authorization': 'bearer ' + s.access, 'Accept': 'application/json'};
  let body = opts.body;
  if (opts.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.json);
  }
  return fetch(path, {method, headers, body, signal: opts.signal, cache: 'no-store'});
}

async function failure(r) {
  const text = await r.text().catch(() => '');
  let body = {};
  try {
    body = JSON.parse(text);
  } catch (e) {
    // not JSON: a proxy or a servlet error page
  }
  const description = body.description || body.error_description || body.message
      || (r.status === 404 ? 'Not found.' : r.status >= 500 ? 'The server failed (' + r.status + '); its log has the details.'
          : 'The request failed (' + r.status + ').');
  return new ApiError(r.status, description, body.error_code || body.error);
}

export const get = (path, opts) => request('GET', path, opts);
export const post = (path, json) => request('POST', path, {json});
export const put = (path, json) => request('PUT', path, json === undefined ? {} : {json});
export const del = (path) => request('DELETE', path);

/** Every resource of a paged list, following next_url. */
export async function all(path) {
  const out = [];
  let next = path + (path.includes('?') ? '&' : '?') + 'results-per-page=100';
  while (next) {
    const page = await get(next);
    out.push(...(page.resources || []));
    next = page.next_url;
  }
  return out;
}

export function q(filter, value) {
  return 'q=' + encodeURIComponent(filter + ':' + value);
}

/** The path of a URL the API gave (staging log), so the request stays on this origin. */
export function localPath(url) {
  const u = new URL(url, location.href);
  return u.pathname + u.search;
}

/**
 * Reads a streamed text response line by line (staging log, NDJSON logs), calling onLine for each
 * non-empty line; empty lines are the server's keep-alives.
 */
export async function streamLines(response, onLine) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let rest = '';
  for (;;) {
    const {value, done} = await reader.read();
    if (done) break;
    rest += decoder.decode(value, {stream: true});
    const lines = rest.split('\n');
    rest = lines.pop();
    for (const line of lines) if (line) onLine(line);
  }
  if (rest) onLine(rest);
}

/**
 * Uploads app bits as CF clients do (multipart: "resources" and "application"), reporting progress, which
 * fetch cannot. Resolves with the XMLHttpRequest once it answered 2xx.
 */
export async function upload(path, file, onProgress) {
  const attempt = s => new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', path);
    xhr.setRequestHeader('Authorization', 'bearer ' + s.access);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = e => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => resolve(xhr);
    xhr.onerror = () => reject(new ApiError(0, 'The upload was interrupted: is the node reachable?'));
    const form = new FormData();
    form.append('resources', '[]');
    form.append('application', file, 'application.zip');
    xhr.send(form);
  });
  let xhr = await attempt(session());
  if (xhr.status === 401) xhr = await attempt(await refresh());
  if (xhr.status < 200 || xhr.status >= 300) {
    throw await failure(new Response(xhr.responseText, {status: xhr.status}));
  }
  return xhr;
}
