/**
 * The production entry as a real process (`node dist/server.js`, 2 workers, a free port): it serves,
 * aggregates metrics across workers, replaces a killed worker (from the warm standby), cuts off slow
 * clients, and on SIGTERM finishes every in-flight request and exits 0. A bad setting stops start-up with a
 * message naming it; a model file broken on disk later makes standby start-ups back off, not loop.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { makeModelFiles } from '../../dev/harness/model-files.js'
import {
  childPids,
  ensureBuilt,
  parsed,
  type Running,
  servingPids,
  startServer,
  waitFor200,
  waitForLog,
} from './process.js'

beforeAll(() => ensureBuilt(), 180_000)

let running: Running | undefined
afterEach(async () => {
  if (running && running.child.exitCode === null && running.child.signalCode === null) {
    running.child.kill('SIGKILL')
    await running.exited
  }
  running = undefined
})

const SETOSA = [5.1, 3.5, 1.4, 0.2]
const post = (base: string, url: string, body: unknown) =>
  fetch(`${base}${url}`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  })

/** Send headers and half a body now; the rest when `finish()` is called. Resolves with the raw response. */
function slowRequest(port: number, body: string): { finish: () => void; response: Promise<string> } {
  const socket = connect(port, '127.0.0.1')
  const half = Math.floor(body.length / 2)
  socket.write(
    `POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, half)}`,
  )
  let data = ''
  const response = new Promise<string>((resolve) => {
    socket.on('data', (d) => {
      data += d.toString()
    })
    socket.on('close', () => resolve(data))
    socket.on('error', () => resolve(data))
  })
  return { finish: () => socket.end(body.slice(half)), response }
}

describe('node dist/server.js (2 workers)', () => {
  it('serves, aggregates metrics over both workers, and drains in-flight requests on SIGTERM with exit 0', async () => {
    running = await startServer({ WORKERS: '2', SHUTDOWN_GRACE_S: '10' })
    const { base, port, child } = running
    await waitFor200(`${base}/health/ready`, 6)
    // Two serving workers and, once they serve, a warm standby (src/server/pool.ts).
    const standby = await waitForLog(running, 'Standby worker ready')
    const workers = childPids(child.pid as number)
    expect(workers).toHaveLength(3)
    expect(servingPids(running)).toHaveLength(2)
    expect(workers).toContain(standby.pid)

    const n = 40
    const answers = await Promise.all(
      Array.from({ length: n }, () => post(base, '/predict', { input: [SETOSA] }).then((r) => r.json())),
    )
    expect(answers.every((a) => a.prediction[0] === 'setosa')).toBe(true)
    const metrics = await (await fetch(`${base}/metrics`)).text()
    expect(metrics).toContain(
      `http_request_duration_seconds_count{route="/predict",method="POST",status_code="200"} ${n}`,
    )
    // The committed model is version 1 of iris_model in the models/ registry (the default, no configuration).
    expect(metrics).toContain(`iris_predictions_total{class="setosa",version="1"} ${n}`)
    expect(metrics).toMatch(/^iris_model_info\{name="iris_model",version="1"\} 1$/m)

    // In flight at SIGTERM: a request whose body is half sent, and a burst of big batches.
    const slow = slowRequest(port, JSON.stringify({ input: Array.from({ length: 200 }, () => SETOSA) }))
    const big = {
      input: Array.from({ length: 5000 }, (_, i) => [4 + (i % 40) / 10, 3, 1 + (i % 60) / 10, 1]),
    }
    const burst = Array.from({ length: 16 }, () =>
      post(base, '/predict-proba', big).then(async (r) => ({
        status: r.status,
        rows: (await r.json()).prediction?.length,
      })),
    )
    await new Promise((r) => setTimeout(r, 30))
    child.kill('SIGTERM')
    await new Promise((r) => setTimeout(r, 300))
    slow.finish()

    const results = await Promise.all(burst)
    expect(results).toEqual(Array.from({ length: 16 }, () => ({ status: 200, rows: 5000 })))
    const raw = await slow.response
    expect(raw).toMatch(/^HTTP\/1\.1 200 OK/)
    expect(raw).toContain('"prediction":["setosa"')
    const { code } = await running.exited
    expect(code).toBe(0)
    const logs = parsed(running.lines)
    expect(logs.some((l) => l.message === 'Server listening' && l.address === base)).toBe(true)
    // Both serving workers drain; the standby says it is one (it has nothing in flight).
    expect(logs.filter((l) => l.message === 'Shutting down: finishing in-flight requests')).toHaveLength(2)
    expect(logs.filter((l) => l.message === 'Standby worker stopping (it served no requests)')).toHaveLength(
      1,
    )
    expect(logs.filter((l) => l.message === 'Request completed').length).toBeGreaterThanOrEqual(n + 17)
    // and it no longer accepts connections
    await expect(fetch(`${base}/health`)).rejects.toThrow()
  }, 60_000)

  it('a serving worker that dies is replaced by the warm standby at once, and a new standby is forked', async () => {
    running = await startServer({ WORKERS: '2' })
    const { base, child } = running
    await waitFor200(`${base}/health/ready`, 6)
    const standby = await waitForLog(running, 'Standby worker ready')
    const [victim] = servingPids(running)
    const mark = running.lines.length
    process.kill(victim as number, 'SIGKILL')
    const died = await waitForLog(running, 'Worker died; starting a replacement', mark)
    expect(died).toMatchObject({
      level: 'ERROR',
      pid: victim,
      signal: 'SIGKILL',
      role: 'serving',
      standby_takes_over: standby.pid,
    })
    const replaced = await waitForLog(running, 'Worker replaced', mark)
    expect(replaced.pid).toBe(standby.pid)
    console.log(`standby took over ${replaced.replaced_in_ms} ms after the kill`)
    const next = await waitForLog(running, 'Standby worker ready', mark)
    expect(next.pid).not.toBe(standby.pid)
    const pids = childPids(child.pid as number)
    expect(pids).toHaveLength(3)
    expect(pids).not.toContain(victim)
    expect(servingPids(running).sort()).toEqual(pids.filter((p) => p !== next.pid).sort())
    for (let i = 0; i < 10; i++) expect((await post(base, '/predict', { input: [SETOSA] })).status).toBe(200)
  }, 60_000)

  it('without a standby (STANDBY_WORKERS=0), a fresh worker replaces the dead one', async () => {
    running = await startServer({ WORKERS: '2', STANDBY_WORKERS: '0' })
    const { base, child } = running
    await waitFor200(`${base}/health/ready`, 6)
    await waitForLog(running, 'All workers ready')
    const [victim] = childPids(child.pid as number)
    const mark = running.lines.length
    process.kill(victim as number, 'SIGKILL')
    const died = await waitForLog(running, 'Worker died; starting a replacement', mark)
    expect(died).toMatchObject({ level: 'ERROR', pid: victim, signal: 'SIGKILL', role: 'serving' })
    expect(died).not.toHaveProperty('standby_takes_over')
    const replaced = await waitForLog(running, 'Worker replaced', mark)
    const pids = childPids(child.pid as number)
    expect(pids).toHaveLength(2)
    expect(pids).toContain(replaced.pid)
    expect(pids).not.toContain(victim)
    expect(parsed(running.lines).some((l) => l.message === 'Standby worker ready')).toBe(false)
    for (let i = 0; i < 10; i++) expect((await post(base, '/predict', { input: [SETOSA] })).status).toBe(200)
  }, 60_000)

  it('cuts off a client that does not finish its request within REQUEST_TIMEOUT_S', async () => {
    running = await startServer({ WORKERS: '1', REQUEST_TIMEOUT_S: '1', HEADERS_TIMEOUT_S: '1' })
    await waitFor200(`${running.base}/health/ready`)
    const started = Date.now()
    const slow = slowRequest(running.port, JSON.stringify({ input: [SETOSA, SETOSA] }))
    const raw = await slow.response // never finished: the server must answer 408 or close
    expect(Date.now() - started).toBeLessThan(5000)
    expect(raw === '' || /^HTTP\/1\.1 408/.test(raw)).toBe(true)
  }, 30_000)

  it('refuses a bad setting at start-up, naming the variable', async () => {
    running = await startServer({ WORKERS: 'many' })
    const { code } = await running.exited
    expect(code).toBe(1)
    expect(running.stderr.join('')).toMatch(/WORKERS must be an integer/)
  }, 30_000)

  it('stops with exit 1, naming MODEL_PATH, when the model file does not exist', async () => {
    running = await startServer({ WORKERS: '2', MODEL_PATH: 'models/no-such-model.json' })
    const { code } = await running.exited
    expect(code).toBe(1)
    // Refused before any worker starts (src/server/preflight.ts): one line, no stack.
    expect(running.stderr.join('')).toMatch(/^MODEL_PATH: models\/no-such-model\.json does not exist/)
  }, 30_000)
})

describe('a model file broken on disk after start-up', () => {
  it('does not make the primary fork in a loop: standby start-ups back off, and recover once the file is fixed', async () => {
    const files = await makeModelFiles()
    const r = await startServer({ WORKERS: '2', MODEL_PATH: files.serving })
    running = r
    const { base } = r
    await waitFor200(`${base}/health/ready`, 6)
    const standby = await waitForLog(r, 'Standby worker ready')
    const good = readFileSync(files.serving)
    writeFileSync(files.serving, '{"format": "iris-forest", "trees": [') // a bad deploy, not reloaded
    const mark = r.lines.length
    process.kill(standby.pid as number, 'SIGKILL')
    const deaths = () =>
      parsed(r.lines.slice(mark)).filter((l) => l.message === 'Worker died; starting a replacement')
    const end = Date.now() + 30_000
    while (deaths().length < 4 && Date.now() < end) await new Promise((r) => setTimeout(r, 50))
    expect(deaths().map((d) => [d.role, d.restart_in_ms])).toEqual([
      ['standby', 0],
      ['starting', 0],
      ['starting', 1000],
      ['starting', 2000],
    ])
    // The serving workers never stopped answering with the model they loaded.
    for (let i = 0; i < 5; i++) expect((await post(base, '/predict', { input: [SETOSA] })).status).toBe(200)
    writeFileSync(files.serving, good)
    const back = await waitForLog(r, 'Standby worker ready', mark, 30_000)
    expect(back.pid).not.toBe(standby.pid)
  }, 90_000)
})
