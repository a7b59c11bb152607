/**
 * Slow and stuck clients against the real server (issue 7, "Bad input"): slowloris-style headers, a body
 * that never finishes and idle connections are cut off by HEADERS_TIMEOUT_S / REQUEST_TIMEOUT_S, while an
 * ordinary client keeps getting answers the whole time.
 */
import { connect, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { allReady, send } from '../../dev/harness/http-client.js'
import { ensureBuilt, type Running, startServer } from '../server/process.js'

let running: Running
beforeAll(async () => {
  ensureBuilt()
  running = await startServer({
    WORKERS: '1',
    REQUEST_TIMEOUT_S: '2',
    HEADERS_TIMEOUT_S: '1',
    KEEP_ALIVE_TIMEOUT_S: '1',
    LOG_LEVEL: 'warn',
  })
  await allReady(running.base, 3)
}, 180_000)
afterAll(async () => {
  running.child.kill('SIGTERM')
  await running.exited
})

interface Slow {
  kind: string
  closedAfterMs: Promise<number>
  received: () => string
}

/** A client that opens a connection and then misbehaves in `kind`'s way until the server closes it. */
function slowClient(port: number, kind: 'slowloris' | 'stuck-body' | 'idle'): Slow {
  const socket: Socket = connect(port, '127.0.0.1')
  const opened = Date.now()
  let data = ''
  socket.on('data', (d) => {
    data += d.toString()
  })
  let timer: NodeJS.Timeout | undefined
  socket.on('connect', () => {
    if (kind === 'slowloris') {
      socket.write('POST /predict HTTP/1.1\r\nHost: x\r\n')
      timer = setInterval(() => socket.write(`X-Slow-${Date.now()}: y\r\n`), 200)
    } else if (kind === 'stuck-body') {
      socket.write(
        'POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"in',
      )
      timer = setInterval(() => socket.write(' '), 200)
    }
  })
  const closedAfterMs = new Promise<number>((resolve) => {
    const done = () => {
      clearInterval(timer)
      resolve(Date.now() - opened)
    }
    socket.on('close', done)
    socket.on('error', () => socket.destroy())
  })
  return { kind, closedAfterMs, received: () => data }
}

describe('slow clients', () => {
  it('are cut off by the timeouts while an ordinary client is still served', async () => {
    const kinds = ['slowloris', 'stuck-body', 'idle'] as const
    const slow = Array.from({ length: 60 }, (_, i) => slowClient(running.port, kinds[i % 3]!))
    // An ordinary client, sequential requests for as long as the slow ones are connected.
    const answered: number[] = []
    let stop = false
    const ordinary = (async () => {
      while (!stop) {
        const r = await send(running.base, '/predict', { body: { input: [[5.1, 3.5, 1.4, 0.2]] } })
        answered.push(r.status)
      }
    })()
    const closedAfter = await Promise.all(slow.map((s) => s.closedAfterMs))
    stop = true
    await ordinary

    // Every slow client was closed by the server (REQUEST_TIMEOUT_S = 2 s, checked every second), not by us.
    expect(Math.max(...closedAfter)).toBeLessThan(10_000)
    for (const s of slow) {
      const raw = s.received()
      expect(raw === '' || /^HTTP\/1\.1 408/.test(raw), `${s.kind}: ${raw.slice(0, 80)}`).toBe(true)
    }
    // ... and the ordinary client kept being answered all along.
    expect(answered.length).toBeGreaterThan(5)
    expect(new Set(answered)).toEqual(new Set([200]))
    const byKind = Object.fromEntries(
      kinds.map((k) => [k, Math.max(...closedAfter.filter((_, i) => slow[i]!.kind === k))]),
    )
    console.log(
      `slow clients closed after (max ms): ${JSON.stringify(byKind)}; ordinary requests answered: ${answered.length}`,
    )
  }, 60_000)
})
