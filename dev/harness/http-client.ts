/**
 * A tiny HTTP client for real-process tests. `fresh` requests open a new connection each time, so the
 * cluster spreads them over its workers (a pooled fetch would keep talking to one worker).
 */
import { type Agent, request } from 'node:http'

export interface Reply {
  status: number
  body: string
  headers: Record<string, string | string[] | undefined>
}

export function send(
  base: string,
  path: string,
  options: { method?: string; body?: unknown; headers?: Record<string, string>; agent?: Agent | false } = {},
): Promise<Reply> {
  const url = new URL(path, base)
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body)
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? (payload === undefined ? 'GET' : 'POST'),
        agent: options.agent ?? false,
        headers: {
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
          ...options.headers,
        },
      },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (d: string) => {
          body += d
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }))
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(payload)
  })
}

/** The versions `n` fresh connections see on GET /model (all workers get asked). */
export async function versionsSeen(base: string, n = 12): Promise<Set<string>> {
  const seen = new Set<string>()
  for (let i = 0; i < n; i++) seen.add(JSON.parse((await send(base, '/model')).body).version)
  return seen
}

/** Wait until `n` fresh connections in a row get 200 from /health/ready: every worker is up. */
export async function allReady(base: string, n = 10, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs
  let streak = 0
  while (streak < n) {
    if (Date.now() > end) throw new Error(`${base}: workers not all ready in ${timeoutMs} ms`)
    const ok = await send(base, '/health/ready').then(
      (r) => r.status === 200,
      () => false,
    )
    streak = ok ? streak + 1 : 0
    if (!ok) await new Promise((r) => setTimeout(r, 50))
  }
}
