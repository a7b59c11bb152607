/**
 * Drift with real processes: `node dist/server.js` with 2 workers (the committed model), a local webhook
 * receiver. The window sums both workers' rows; shifted traffic is detected in one window and sends exactly
 * one CloudEvent, from the primary; while a receiver answers 500 and then hangs, predictions are answered as
 * usual, and every failed try is a log line and a counter.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { Random } from '../../src/ml/random.js'
import { ensureBuilt, parsed, type Running, startServer, waitFor200 } from '../server/process.js'
import { resample, shift } from './traffic.js'

let running: Running | undefined
let receiver: Server | undefined
const received: { type: string; body: Record<string, unknown> }[] = []
let mode: 'ok' | 'fail' = 'ok'

beforeAll(async () => {
  await ensureBuilt()
  receiver = createServer((req: IncomingMessage, res) => {
    let text = ''
    req.on('data', (c) => (text += c))
    req.on('end', () => {
      received.push({ type: String(req.headers['content-type']), body: JSON.parse(text) })
      if (mode === 'ok') res.writeHead(202).end()
      else if (received.length % 2 === 1) res.writeHead(500).end()
      // else: hang (the service's timeout cuts it)
    })
  })
  await new Promise<void>((r) => receiver!.listen(0, '127.0.0.1', r))
}, 240_000)
afterEach(async () => {
  await running?.stop()
  running = undefined
})
afterAll(async () => {
  receiver?.closeAllConnections()
  await new Promise((r) => receiver?.close(r))
})

const hook = () => `http://127.0.0.1:${(receiver!.address() as AddressInfo).port}/events`

async function start(extra: Record<string, string> = {}): Promise<Running> {
  running = await startServer({
    WORKERS: '2',
    STANDBY_WORKERS: '0',
    DRIFT_WEBHOOK_URL: hook(),
    DRIFT_CHECK_S: '0.2',
    DRIFT_WEBHOOK_TIMEOUT_MS: '1500',
    DRIFT_WEBHOOK_RETRIES: '2',
    ...extra,
  })
  await waitFor200(`${running.base}/health/ready`, 1, 60_000, running)
  return running
}

/** One-row requests, several at a time, so both workers serve some. */
async function predict(base: string, rows: number[][]): Promise<void> {
  for (let i = 0; i < rows.length; i += 10) {
    await Promise.all(
      rows.slice(i, i + 10).map(async (row) => {
        const res = await fetch(`${base}/predict`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ input: [row] }),
        })
        expect(res.status).toBe(200)
        await res.arrayBuffer()
      }),
    )
  }
}

const drift = async (base: string) => (await fetch(`${base}/drift`)).json()
const until = async (what: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms
  while (!what() && Date.now() < end) await new Promise((r) => setTimeout(r, 50))
  return what()
}

describe('drift across 2 workers', () => {
  it('sums both workers, detects shifted traffic in one window, sends one CloudEvent', async () => {
    mode = 'ok'
    received.length = 0
    const r = await start()
    await predict(r.base, resample(new Random(1), 300))
    let report = await drift(r.base)
    expect(report.window_rows).toBe(300)
    expect(report.dataset_drift).toBe(false)

    await predict(r.base, shift(resample(new Random(2), 500), 2, 1.0))
    report = await drift(r.base)
    expect(report.window_rows).toBe(500)
    expect(report.dataset_drift).toBe(true)
    expect(report.features.petal_length_cm.drift).toBe(true)
    expect(await until(() => received.length >= 1)).toBe(true)
    await new Promise((res) => setTimeout(res, 1000)) // more timer checks and scrapes: still one event
    await fetch(`${r.base}/metrics`)
    expect(received).toHaveLength(1)
    expect(received[0]!.type).toBe('application/cloudevents+json; charset=utf-8')
    expect(received[0]!.body).toMatchObject({
      specversion: '1.0',
      type: 'io.iris.drift.detected',
      subject: report.model_version,
      data: { dataset_drift: true, window_rows: 500 },
    })
    const metrics = await (await fetch(`${r.base}/metrics`)).text()
    expect(metrics).toContain(`iris_drift_detected{version="${report.model_version}"} 1`)
    expect(metrics).toContain('iris_drift_events_total{outcome="delivered"} 1')
  }, 120_000)

  it('a receiver answering 500 then hanging: predictions stay fast, each failed try is logged and counted', async () => {
    mode = 'fail'
    received.length = 0
    const r = await start()
    await predict(r.base, shift(resample(new Random(3), 500), 2, 1.0))
    expect((await drift(r.base)).dataset_drift).toBe(true)
    // While the primary retries (500, a 1.5 s hang, 500), predictions are answered as usual (each 200).
    await predict(r.base, resample(new Random(4), 100))
    expect(
      await until(() =>
        parsed(r.lines).some((l) => l.message === 'Drift event not delivered: every try failed'),
      ),
    ).toBe(true)
    const tries = parsed(r.lines).filter((l) => l.message === 'Drift webhook try failed')
    // On a loaded machine a 500 may come too late as well: every try fails either way.
    expect(tries).toHaveLength(3)
    for (const t of tries) expect(t.fault).toMatch(/^(HTTP 500|no answer within 1500 ms)$/)
    expect(tries[1]!.fault).toBe('no answer within 1500 ms')
    expect(received).toHaveLength(3)
    const metrics = await (await fetch(`${r.base}/metrics`)).text()
    expect(metrics).toContain('iris_drift_webhook_tries_total{outcome="failed"} 3')
    expect(metrics).toContain('iris_drift_events_total{outcome="undelivered"} 1')
  }, 120_000)
})
