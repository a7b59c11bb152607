import { afterEach, describe, expect, it, vi } from 'vitest'

// The module keeps the key of the page load: each test imports a fresh copy (a fresh "page").
async function fresh() {
  vi.resetModules()
  return import('./credentials.js')
}

/** A Storage stand-in that records what was written. */
function fakeStorage(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial))
  return {
    items,
    getItem: vi.fn((k: string) => items.get(k) ?? null),
    setItem: vi.fn((k: string, v: string) => void items.set(k, v)),
    removeItem: vi.fn((k: string) => void items.delete(k)),
  }
}

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('the page API key', () => {
  it('sends no header while no key is set, X-API-Key once one is, and none again once it is cleared', async () => {
    const { apiKey, keyHeaders, setApiKey } = await fresh()
    expect(apiKey()).toBe('')
    expect(keyHeaders()).toEqual({})
    setApiKey('  key-with-spaces-around-0123  ')
    expect(apiKey()).toBe('key-with-spaces-around-0123')
    expect(keyHeaders()).toEqual({ 'x-api-key': 'key-with-spaces-around-0123' })
    setApiKey('   ')
    expect(keyHeaders()).toEqual({})
  })

  it('keeps the key in sessionStorage, never localStorage, so a reload of the tab keeps it', async () => {
    const session = fakeStorage()
    const local = fakeStorage()
    vi.stubGlobal('sessionStorage', session)
    vi.stubGlobal('localStorage', local)
    const first = await fresh()
    first.setApiKey('tab-key-0123456789')
    expect([...session.items.values()]).toEqual(['tab-key-0123456789'])
    expect(local.setItem).not.toHaveBeenCalled()

    const reloaded = await fresh()
    expect(reloaded.apiKey()).toBe('tab-key-0123456789')
    reloaded.setApiKey('')
    expect(session.items.size).toBe(0)
    expect(local.getItem).not.toHaveBeenCalled()
  })

  it('still works for the page load when sessionStorage refuses', async () => {
    const refusing = {
      getItem: () => {
        throw new DOMException('denied', 'SecurityError')
      },
      setItem: () => {
        throw new DOMException('full', 'QuotaExceededError')
      },
      removeItem: () => {},
    }
    vi.stubGlobal('sessionStorage', refusing)
    const { apiKey, keyHeaders, setApiKey } = await fresh()
    expect(apiKey()).toBe('')
    setApiKey('memory-only-key-0123')
    expect(keyHeaders()).toEqual({ 'x-api-key': 'memory-only-key-0123' })
  })

  it('says a key is needed, was not accepted, or lacks the scope, quoting the API', async () => {
    const { keyProblem } = await fresh()
    const missing = 'missing API key: send "Authorization: Bearer <key>" or "X-API-Key: <key>"'
    expect(keyProblem(401, missing, 'POST /predict', false)).toBe(
      'This server needs an API key for POST /predict (HTTP 401): type it in the “API key” field at the top of the page.' +
        ` The API said: ${missing}`,
    )
    expect(keyProblem(401, 'invalid API key', 'GET /model', true)).toBe(
      'The API key was not accepted for GET /model (HTTP 401): check the “API key” field at the top of the page.' +
        ' The API said: invalid API key',
    )
    const scope = 'insufficient_scope: this route needs the "explain" scope, which key "ro" does not have'
    expect(keyProblem(403, scope, 'POST /explain', true)).toBe(
      `The API key lacks the scope for POST /explain (HTTP 403): use a key that holds it. The API said: ${scope}`,
    )
    expect(keyProblem(403, null, 'GET /drift', false)).toMatch(/^The API refuses GET \/drift without a key/)
    expect(keyProblem(422, 'bad input', 'POST /predict', true)).toBeNull()
    expect(keyProblem(500, null, 'POST /predict', false)).toBeNull()
  })

  it('judges "key sent" by the key set when not told', async () => {
    const { keyProblem, setApiKey } = await fresh()
    expect(keyProblem(401, null, 'GET /models')).toMatch(/^This server needs an API key/)
    setApiKey('some-key-0123456789')
    expect(keyProblem(401, null, 'GET /models')).toMatch(/^The API key was not accepted/)
  })
})
