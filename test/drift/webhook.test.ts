/**
 * The drift trigger over real HTTP with a local receiver: a CloudEvents 1.0 structured-mode POST, retries
 * after 500s, a timeout on a receiver that hangs, a log line and a counter per failed try, and an error line
 * naming the event when every try failed. The monitor sends once when the flag turns on, again only after
 * it turned off, and never twice within one window of new rows.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { DriftMonitor } from '../../src/api/drift/monitor.js'
import type { DriftReport } from '../../src/api/drift/report.js'
import { DRIFT_EVENT_TYPE, DriftWebhook, driftEvent } from '../../src/api/drift/webhook.js'
import { DriftWindow } from '../../src/api/drift/window.js'
import { createLogger } from '../../src/api/logging.js'
import type { ReferenceProfile } from '../../src/model/reference-profile.js'

interface Received {
  headers: IncomingMessage['headers']
  body: Record<string, unknown>
}
let server: Server | undefined
afterEach(async () => {
  server?.closeAllConnections()
  await new Promise((r) => server?.close(r) ?? r(undefined))
  server = undefined
})

/** A receiver answering each POST with the next status of `statuses` (the last repeats); 'hang' never answers. */
async function receiver(statuses: (number | 'hang')[]): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = []
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = ''
    req.on('data', (c) => (text += c))
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(text) })
      const status = statuses[Math.min(received.length - 1, statuses.length - 1)]!
      if (status === 'hang') return
      res.writeHead(status).end()
    })
  })
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r))
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/hook`, received }
}

function memoryLogger() {
  const lines: Record<string, unknown>[] = []
  return { lines, logger: createLogger('info', { write: (l: string) => void lines.push(JSON.parse(l)) }) }
}

const report = (drift: boolean): DriftReport => ({
  model_version: 'abc123',
  status: 'ok',
  message: drift ? 'drift: petal_length_cm no longer look like the training data' : 'no drift',
  window_rows: 500,
  reference_rows: 120,
  dataset_drift: drift,
  rule: 'test',
  features: {
    petal_length_cm: {
      ks_statistic: 0.4,
      p_value: 1e-9,
      psi: 1.2,
      drift,
      bins: { edges: [1], reference: [0.5, 0.5], live: [0.1, 0.9] },
    },
  },
  prediction: { chi2: 3, p_value: 0.2, drift: false },
})

describe('drift webhook', () => {
  it('POSTs one CloudEvents 1.0 structured-mode event with the statistics in data', async () => {
    const { url, received } = await receiver([204])
    const { logger, lines } = memoryLogger()
    const counts: string[] = []
    const hook = new DriftWebhook({
      url,
      timeoutMs: 2000,
      retries: 2,
      backoffMs: 10,
      logger,
      count: (w, o) => counts.push(`${w}:${o}`),
    })
    const event = driftEvent(report(true))
    hook.send(event)
    await hook.idle()
    expect(received).toHaveLength(1)
    expect(received[0]!.headers['content-type']).toBe('application/cloudevents+json; charset=utf-8')
    expect(received[0]!.body).toMatchObject({
      specversion: '1.0',
      type: DRIFT_EVENT_TYPE,
      source: expect.stringMatching(/^\//),
      id: event.id,
      subject: 'abc123',
      datacontenttype: 'application/json',
      data: { dataset_drift: true, features: { petal_length_cm: { p_value: 1e-9 } } },
    })
    expect(Date.parse(received[0]!.body.time as string)).not.toBeNaN()
    expect(counts).toEqual(['try:ok', 'event:delivered'])
    expect(lines.some((l) => l.message === 'Drift event delivered')).toBe(true)
  })

  it('retries after 500s, with a log line and a counter per failed try', async () => {
    const { url, received } = await receiver([500, 503, 200])
    const { logger, lines } = memoryLogger()
    const counts: string[] = []
    const hook = new DriftWebhook({
      url,
      timeoutMs: 2000,
      retries: 3,
      backoffMs: 10,
      logger,
      count: (w, o) => counts.push(`${w}:${o}`),
    })
    hook.send(driftEvent(report(true)))
    await hook.idle()
    expect(received).toHaveLength(3)
    expect(new Set(received.map((r) => r.body.id)).size).toBe(1) // the same event each try
    expect(counts).toEqual(['try:failed', 'try:failed', 'try:ok', 'event:delivered'])
    const failed = lines.filter((l) => l.message === 'Drift webhook try failed')
    expect(failed.map((l) => [l.attempt, l.fault])).toEqual([
      [1, 'HTTP 500'],
      [2, 'HTTP 503'],
    ])
  })

  it('a receiver that hangs is cut off by the timeout; after every try the event is logged as undelivered', async () => {
    const { url, received } = await receiver(['hang'])
    const { logger, lines } = memoryLogger()
    const counts: string[] = []
    const hook = new DriftWebhook({
      url,
      timeoutMs: 200,
      retries: 1,
      backoffMs: 10,
      logger,
      count: (w, o) => counts.push(`${w}:${o}`),
    })
    const event = driftEvent(report(true))
    const before = Date.now()
    hook.send(event) // returns at once: the caller never waits
    expect(Date.now() - before).toBeLessThan(50)
    await hook.idle()
    expect(received).toHaveLength(2)
    expect(counts).toEqual(['try:failed', 'try:failed', 'event:undelivered'])
    expect(lines.filter((l) => l.message === 'Drift webhook try failed').map((l) => l.fault)).toEqual([
      'no answer within 200 ms',
      'no answer within 200 ms',
    ])
    const lost = lines.find((l) => l.message === 'Drift event not delivered: every try failed')!
    expect(String(lost.level).toLowerCase()).toBe('error')
    expect(lost.event_id).toBe(event.id)
    expect((lost.event as { data: { dataset_drift: boolean } }).data.dataset_drift).toBe(true)
  })

  it('a refused connection counts as a failed try too', async () => {
    const { url } = await receiver([200])
    await new Promise((r) => server!.close(r))
    server = undefined
    const { logger, lines } = memoryLogger()
    const hook = new DriftWebhook({ url, timeoutMs: 500, retries: 0, backoffMs: 10, logger })
    hook.send(driftEvent(report(true)))
    await hook.idle()
    expect(lines.some((l) => l.message === 'Drift event not delivered: every try failed')).toBe(true)
  })
})

describe('when the monitor fires', () => {
  // A reference of 200 values 0..199 in one feature; windows of 100 rows drawn inside it or far above it.
  const reference: ReferenceProfile = {
    rows: 200,
    kind: 'values',
    features: [Float64Array.from({ length: 200 }, (_, i) => i)],
    classPriors: [1],
  }
  const window = new DriftWindow(100, 1)
  const push = (n: number, shifted: boolean) => {
    for (let i = 0; i < n; i++) window.record(Float64Array.of(shifted ? 1000 + i : (i * 7) % 200), 1, [0])
  }
  const fired: DriftReport[] = []
  const monitor = new DriftMonitor({
    capacity: 100,
    minRows: 50,
    collect: async () => ({ snapshots: [window.snapshot('v1', ['x'], ['a'])], referenceOf: () => reference }),
    onDriftStarted: (r) => fired.push(r),
  })

  it('once when the flag turns on, not again while it stays on', async () => {
    push(100, false)
    expect((await monitor.report('v1'))!.dataset_drift).toBe(false)
    push(100, true)
    expect((await monitor.report('v1'))!.dataset_drift).toBe(true)
    await monitor.report('v1')
    push(100, true)
    await monitor.report('v1')
    expect(fired).toHaveLength(1)
  })

  it('again after it turned off', async () => {
    push(100, false)
    expect((await monitor.report('v1'))!.dataset_drift).toBe(false)
    push(100, true)
    await monitor.report('v1')
    expect(fired).toHaveLength(2)
  })

  it('never twice within one window of new rows: a quick off and on waits for the window to pass', async () => {
    // The monitor's window (300 rows instance-wide) is longer than this process's 100 rows here.
    const events: DriftReport[] = []
    const slow = new DriftMonitor({
      capacity: 300,
      minRows: 50,
      collect: async () => ({
        snapshots: [window.snapshot('v1', ['x'], ['a'])],
        referenceOf: () => reference,
      }),
      onDriftStarted: (r) => events.push(r),
    })
    push(100, true)
    await slow.report('v1')
    expect(events).toHaveLength(1)
    push(90, false)
    expect((await slow.report('v1'))!.dataset_drift).toBe(false)
    push(40, true)
    expect((await slow.report('v1'))!.dataset_drift).toBe(true)
    expect(events).toHaveLength(1) // 130 rows since the event: less than a window
    push(170, true)
    await slow.report('v1')
    expect(events).toHaveLength(2) // 300 rows since, still drifting: the pending event goes out once
    push(300, true)
    await slow.report('v1')
    expect(events).toHaveLength(2)
  })
})
