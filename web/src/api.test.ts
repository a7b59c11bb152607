import { afterEach, describe, expect, it } from 'vitest'
import { ApiError, createApiClient, isAbort } from './api.js'
import { setApiKey } from './credentials.js'

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
}

describe('api client', () => {
  it('posts {"input": rows} and returns the probabilities', async () => {
    let sent: { url: string; body: string } | null = null
    const api = createApiClient({
      fetch: async (url, init) => {
        sent = { url: String(url), body: String(init?.body) }
        return jsonResponse(200, { prediction: ['setosa'], probabilities: [[1, 0, 0]] })
      },
    })
    const reply = await api.predictProba([[5.1, 3.5, 1.4, 0.2]])
    expect(reply).toEqual({ prediction: ['setosa'], probabilities: [[1, 0, 0]] })
    expect(sent).toEqual({ url: '/predict-proba', body: '{"input":[[5.1,3.5,1.4,0.2]]}' })
  })

  it("turns a 4xx into an ApiError carrying the API's own message and status", async () => {
    const api = createApiClient({
      fetch: async () => jsonResponse(422, { error: 'input[0] must have 4 values' }),
    })
    const err = await api.predict([[1, 2, 3]]).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err).toMatchObject({ kind: 'http', status: 422, apiMessage: 'input[0] must have 4 values' })
    expect((err as Error).message).toBe(
      'The API refused POST /predict (HTTP 422): input[0] must have 4 values',
    )
  })

  it('says what to do on a 5xx without a JSON body', async () => {
    const api = createApiClient({
      fetch: async () => new Response('<html>bad gateway</html>', { status: 502 }),
    })
    const err = (await api.model().catch((e: unknown) => e)) as ApiError
    expect(err.status).toBe(502)
    expect(err.message).toContain('The API failed on GET /model (HTTP 502): no error message')
    expect(err.message).toContain('check the server log')
  })

  it('reports an unreachable server as such', async () => {
    const api = createApiClient({
      fetch: async () => {
        throw new TypeError('Failed to fetch')
      },
    })
    const err = (await api.predictProba([[1, 2, 3, 4]]).catch((e: unknown) => e)) as ApiError
    expect(err.kind).toBe('unreachable')
    expect(err.message).toMatch(/Cannot reach the prediction API \(POST \/predict-proba\)/)
  })

  it('reports a time-out, and passes a caller abort through untouched', async () => {
    const hang = (_url: RequestInfo | URL, init?: RequestInit) =>
      new Promise<Response>((_, reject) => {
        init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))
      })
    const slow = createApiClient({ fetch: hang, timeoutMs: 20 })
    await expect(slow.model()).rejects.toMatchObject({ kind: 'timeout' })

    const controller = new AbortController()
    const pending = createApiClient({ fetch: hang }).model(controller.signal)
    controller.abort()
    const err = await pending.catch((e: unknown) => e)
    expect(isAbort(err)).toBe(true)
  })

  it('refuses a reply with the wrong number of predictions', async () => {
    const api = createApiClient({
      fetch: async () => jsonResponse(200, { prediction: [], probabilities: [] }),
    })
    await expect(api.predictProba([[1, 2, 3, 4]])).rejects.toMatchObject({ kind: 'bad-reply' })
  })

  it('sends pre-written JSON rows verbatim', async () => {
    let body = ''
    const api = createApiClient({
      fetch: async (_url, init) => {
        body = String(init?.body)
        return jsonResponse(415, { error: 'input[0][1] must be a number' })
      },
    })
    await expect(api.predictProbaJson(['[5.1,"abc",1.4,0.2]'])).rejects.toMatchObject({ status: 415 })
    expect(body).toBe('{"input":[[5.1,"abc",1.4,0.2]]}')
  })

  describe('with the page API key', () => {
    afterEach(() => setApiKey(''))

    /** A client whose fake fetch records each request's headers. */
    function recording(status = 200, body: unknown = { prediction: ['setosa'], probabilities: [[1, 0, 0]] }) {
      const sent: Headers[] = []
      const api = createApiClient({
        fetch: async (_url, init) => {
          sent.push(new Headers(init?.headers))
          return jsonResponse(status, body)
        },
      })
      return { api, sent }
    }

    it('sends it as X-API-Key on every route once set, and no key header while it is empty', async () => {
      const { api, sent } = recording()
      await api.predictProba([[5.1, 3.5, 1.4, 0.2]])
      expect(sent[0]!.has('x-api-key')).toBe(false)
      expect(sent[0]!.has('authorization')).toBe(false)

      setApiKey('page-key-0123456789')
      await api.predict([[5.1, 3.5, 1.4, 0.2]])
      await api.predictProba([[5.1, 3.5, 1.4, 0.2]])
      await api.predictProbaJson(['[5.1,3.5,1.4,0.2]'])
      await api.model()
      await api.postJson('/explain', { input: [[5.1, 3.5, 1.4, 0.2]] })
      expect(sent.slice(1).map((h) => h.get('x-api-key'))).toEqual(Array(5).fill('page-key-0123456789'))
      // The usual headers stay.
      expect(sent[1]!.get('content-type')).toBe('application/json')
      expect(sent[4]!.get('accept')).toBe('application/json')

      setApiKey('')
      await api.model()
      expect(sent.at(-1)!.has('x-api-key')).toBe(false)
    })

    it('turns a 401 into "a key is needed", quoting the API', async () => {
      const { api } = recording(401, { error: 'missing API key: send "X-API-Key: <key>"' })
      const err = (await api.predict([[1, 2, 3, 4]]).catch((e: unknown) => e)) as ApiError
      expect(err).toMatchObject({
        kind: 'http',
        status: 401,
        apiMessage: 'missing API key: send "X-API-Key: <key>"',
      })
      expect(err.message).toBe(
        'This server needs an API key for POST /predict (HTTP 401): type it in the “API key” field at the top of the page. ' +
          'The API said: missing API key: send "X-API-Key: <key>"',
      )
    })

    it('turns a 403 into "the key lacks the scope"', async () => {
      setApiKey('read-only-key-0123456789')
      const said = 'insufficient_scope: this route needs the "explain" scope, which key "ro" does not have'
      const { api } = recording(403, { error: said })
      const err = (await api.postJson('/explain', {}).catch((e: unknown) => e)) as ApiError
      expect(err.status).toBe(403)
      expect(err.message).toBe(
        `The API key lacks the scope for POST /explain (HTTP 403): use a key that holds it. The API said: ${said}`,
      )
    })
  })
})
