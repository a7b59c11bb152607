import { describe, expect, it } from 'vitest'
import { ApiError, createApiClient, isAbort } from './api.js'

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
})
