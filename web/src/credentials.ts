// The page's one API key: typed once in the header's "API key" field, kept in sessionStorage (this tab
// only: never localStorage, never the URL, never logged) and sent as X-API-Key by every request the page
// makes (api.ts, batch-stream.ts, drift.ts, models-view.ts): they all take their header from here. Empty
// means no header at all: a server without keys needs none. A 401 or 403 becomes words that say a key is
// needed, was not accepted, or lacks the route's scope, quoting the API's own `error` text.

const STORAGE_KEY = 'iris.apiKey'

type KeyStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>

/** sessionStorage when the page has one (it may be missing outside a browser, or refused by a privacy setting). */
function storage(): KeyStorage | null {
  try {
    return globalThis.sessionStorage ?? null
  } catch {
    return null
  }
}

/** The key of this page load; null until read from sessionStorage, which only keeps it across reloads. */
let current: string | null = null

/** The key to send, trimmed; '' when none is set. */
export function apiKey(): string {
  if (current === null) {
    try {
      current = storage()?.getItem(STORAGE_KEY)?.trim() ?? ''
    } catch {
      current = '' // storage refused (e.g. disabled by a privacy setting)
    }
  }
  return current
}

/** Sets the key for this tab ('' forgets it). */
export function setApiKey(value: string): void {
  current = value.trim()
  try {
    const stored = storage()
    if (current === '') stored?.removeItem(STORAGE_KEY)
    else stored?.setItem(STORAGE_KEY, current)
  } catch {
    // Storage refused or full: the key still works until the page is reloaded.
  }
}

/** The header to add to a request: `{ 'x-api-key': key }`, or nothing when no key is set. */
export function keyHeaders(key: string = apiKey()): Record<string, string> {
  return key === '' ? {} : { 'x-api-key': key }
}

/**
 * What to tell the person about a 401 or 403 from `route` ("POST /predict"), with the API's own message;
 * null for any other status. `keySent` says whether the request carried the page's key.
 */
export function keyProblem(
  status: number,
  apiMessage: string | null,
  route: string,
  keySent: boolean = apiKey() !== '',
): string | null {
  const said = apiMessage ? ` The API said: ${apiMessage}` : ''
  if (status === 401) {
    return keySent
      ? `The API key was not accepted for ${route} (HTTP 401): check the “API key” field at the top of the page.${said}`
      : `This server needs an API key for ${route} (HTTP 401): type it in the “API key” field at the top of the page.${said}`
  }
  if (status === 403) {
    return keySent
      ? `The API key lacks the scope for ${route} (HTTP 403): use a key that holds it.${said}`
      : `The API refuses ${route} without a key that holds its scope (HTTP 403): type one in the “API key” field at the top of the page.${said}`
  }
  return null
}
