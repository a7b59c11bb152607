/**
 * Streamed-prediction tests over real TCP: the app listening on 127.0.0.1 (a free port), requests written
 * piece by piece with node:http (chunked), answers read as they come.
 */
import { type IncomingMessage, request } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { buildTestApp, type TestApp } from '../api/helper.js'

export interface Served extends TestApp {
  port: number
}

export async function serve(env: Record<string, string> = {}): Promise<Served> {
  const t = await buildTestApp(env)
  await t.app.listen({ port: 0, host: '127.0.0.1' })
  const address = t.app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return { ...t, port: address.port }
}

export interface Answer {
  status: number
  headers: IncomingMessage['headers']
  body: string
}

/**
 * POST the pieces one by one; before each piece after the first, wait `gapMs` (and, with
 * `afterFirstByte`, until the answer's first bytes have arrived, so later faults come after the status).
 */
export function post(
  port: number,
  path: string,
  contentType: string,
  pieces: (string | Buffer)[],
  opts: { gapMs?: number; afterFirstByte?: boolean } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let firstByte: () => void = () => {}
    const gotFirstByte = new Promise<void>((r) => {
      firstByte = r
    })
    const req = request(
      { host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': contentType } },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => {
          chunks.push(c)
          firstByte()
        })
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        )
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    void (async () => {
      for (let i = 0; i < pieces.length; i++) {
        if (i > 0) {
          if (opts.afterFirstByte) await gotFirstByte
          if (opts.gapMs) await sleep(opts.gapMs)
        }
        req.write(pieces[i]!)
      }
      req.end()
    })()
  })
}

export const HEADER = 'sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm,species'

/** n CSV lines of typical flowers, cycling through the three species. */
export function csvRows(n: number, start = 0): string {
  const rows = ['5.1,3.5,1.4,0.2,setosa', '6.0,2.7,4.2,1.3,versicolor', '6.2,3.4,5.4,2.3,virginica']
  let s = ''
  for (let i = start; i < start + n; i++) s += `${rows[i % 3]}\n`
  return s
}

/** Polls until `check` is true (up to `ms`). */
export async function eventually(check: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (check()) return true
    await sleep(20)
  }
  return check()
}
