/**
 * Requests that used to answer outside the contract, over real HTTP (the app listening on a port): a V2
 * shape nested 20,000 deep (was a 500: JSON.stringify overflowed the stack), client text echoed back whole
 * (an 800 KB output name gave an 800 KB error and log line), and Fastify's or Node's own answers (a bad
 * percent-escape, an over-long path segment, headers too large) that came without our error shape, security
 * headers, request id or log line. Each answer here must carry all four.
 */
import { request } from 'node:http'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, requestLines, type TestApp } from './helper.js'

let t: TestApp
let base: string
let infer: string

beforeAll(async () => {
  t = await buildTestApp()
  await t.app.listen({ port: 0, host: '127.0.0.1' })
  const address = t.app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  base = `http://127.0.0.1:${address.port}`
  infer = `/v2/models/${t.models.current!.name}/infer`
})
afterAll(async () => {
  await t.app.close()
})

type Reply = { status: number; body: string; headers: Record<string, unknown> }

/** One request on a fresh connection, the path sent as is (no URL normalisation). */
function call(method: string, path: string, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers = body === undefined ? {} : { 'content-type': 'application/json' }
    const req = request(`${base}${path}`, { method, agent: false, headers }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => {
        text += d
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }))
    })
    req.on('error', reject)
    req.end(body)
  })
}
const postText = (path: string, body: string) => call('POST', path, body)
const get = (path: string) => call('GET', path)

/** The raw bytes the server answers to `request` on a fresh socket (for requests Node itself refuses). */
function rawExchange(request: string): Promise<string> {
  const { port } = new URL(base)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(request))
    let text = ''
    socket.setEncoding('latin1')
    socket.on('data', (d: string) => {
      text += d
    })
    socket.on('end', () => resolve(text))
    socket.on('close', () => resolve(text))
    socket.on('error', reject)
  })
}

/** The request log line with this request id (written synchronously after the answer). */
async function logLineFor(id: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 50; i++) {
    const line = requestLines(t.logs).find(
      (l) => (l.request_metrics as Record<string, unknown>).request_id === id,
    )
    if (line !== undefined) return line.request_metrics as Record<string, unknown>
    await new Promise((r) => setTimeout(r, 10))
  }
  throw new Error(`no log line for request ${id}`)
}

/** Our error shape, the API security headers and a request id, and a log line no longer than ~1 KB. */
async function expectContractError(
  res: { status: number; body: string; headers: Record<string, unknown> },
  status: number,
  message: RegExp,
) {
  expect(res.status).toBe(status)
  const body = JSON.parse(res.body) as Record<string, unknown>
  expect(Object.keys(body)).toEqual(['error'])
  expect(body.error).toMatch(message)
  expect(res.body.length).toBeLessThan(400)
  expect(res.headers['x-content-type-options']).toBe('nosniff')
  expect(res.headers['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none'")
  expect(String(res.headers['content-type'])).toMatch(/^application\/json/)
  const id = String(res.headers['x-request-id'])
  expect(id).toMatch(/^[A-Za-z0-9._-]+$/)
  const line = await logLineFor(id)
  expect(line.status_code).toBe(status)
  expect(line.error).toBe(body.error)
  expect(JSON.stringify(line).length).toBeLessThan(600)
}

const tensor = (over: Record<string, unknown>) => ({
  name: 'input-0',
  shape: [1, 4],
  datatype: 'FP64',
  data: [5.1, 3.5, 1.4, 0.2],
  ...over,
})

describe('V2 client values are described without recursion and cut short', () => {
  it('answers 400 to a shape nested 20,000 levels deep (40 KB), not 500', async () => {
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`
    const body = `{"inputs":[{"name":"input-0","shape":${deep},"datatype":"FP64","data":[1]}]}`
    const res = await postText(infer, body)
    await expectContractError(
      res,
      400,
      /^inputs\[0\]\.shape \[\[\.\.\.\]\] is not a list of non-negative integers/,
    )
  })

  it('cuts an 800 KB output name to ~100 characters in the reply and the log line', async () => {
    const name = 'n'.repeat(800_000)
    const res = await postText(infer, JSON.stringify({ inputs: [tensor({})], outputs: [{ name }] }))
    await expectContractError(res, 400, /^outputs\[0\]\.name "n{100}\.\.\." is not an output of this model/)
  })

  it('cuts an 800 KB datatype, and a 100,000-element shape, the same way', async () => {
    const datatype = await postText(
      infer,
      JSON.stringify({ inputs: [tensor({ datatype: 'F'.repeat(800_000) })] }),
    )
    await expectContractError(datatype, 400, /^inputs\[0\]\.datatype "F{100}\.\.\." is not a tensor datatype/)
    const shape = Array.from({ length: 100_000 }, (_, i) => i)
    const long = await postText(infer, JSON.stringify({ inputs: [tensor({ shape, data: [] })] }))
    await expectContractError(
      long,
      400,
      /^inputs\[0\]\.shape \[0,1,2,.*\.\.\.\] \(100000 items\) has 100000 dimensions/,
    )
  })

  it('cuts a long unknown model name in the 404', async () => {
    const res = await get(`/v2/models/${'m'.repeat(90)}/ready`)
    await expectContractError(res, 404, /^model "m{90}" is not served here/)
  })
})

describe("Fastify's and Node's own answers go through the app's error contract", () => {
  it('GET /%zz (a bad percent-escape) is our 400, not FST_ERR_BAD_URL', async () => {
    const res = await get('/%zz')
    await expectContractError(res, 400, /^the URL path "\/%zz" is not valid/)
    expect(res.body).not.toMatch(/FST_ERR/)
  })

  it('a path segment longer than the router takes is our 414, with the path cut short', async () => {
    const res = await get(`/v2/models/${'a'.repeat(5000)}/ready`)
    await expectContractError(res, 414, /^a segment of the URL path "\/v2\/models\/a+\.\.\." is too long/)
    expect(res.body).not.toMatch(/FST_ERR/)
  })

  it('headers larger than Node accepts (a 20 KB URL) get our 431 with headers, request id and a log line', async () => {
    const raw = await rawExchange(`GET /${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`)
    const [head = '', body = ''] = raw.split('\r\n\r\n')
    const headers = Object.fromEntries(
      head
        .split('\r\n')
        .slice(1)
        .map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
    )
    expect(head).toMatch(/^HTTP\/1\.1 431 /)
    await expectContractError({ status: 431, body, headers }, 431, /larger than the server accepts/)
  })

  it('bytes that are not HTTP get our 400 and a log line', async () => {
    const raw = await rawExchange('NOT HTTP AT ALL\r\n\r\n')
    expect(raw).toMatch(/^HTTP\/1\.1 400 /)
    expect(raw).toMatch(/x-content-type-options: nosniff/)
    expect(raw.slice(raw.indexOf('\r\n\r\n') + 4)).toBe('{"error":"the request is not valid HTTP/1.1"}')
  })

  it('leaves no request counted in flight after framework errors', async () => {
    await get('/%zz')
    await get(`/v2/models/${'a'.repeat(500)}`)
    const metrics = await get('/metrics')
    // This /metrics request itself is the one in flight while the gauge is read.
    expect(metrics.body).toMatch(/^http_requests_in_flight 1$/m)
  })
})
