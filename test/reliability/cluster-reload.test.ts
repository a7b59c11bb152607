/**
 * Model reloads in the production entry (`node dist/server.js`, 2 workers): POST /admin/reload under load
 * switches both workers with no failed request; a bad file is refused and both keep the old model; SIGHUP
 * re-reads the serving file on both; the warm standby is renewed after a reload, so a worker killed after
 * it is taken over with the new model.
 */
import { copyFileSync, renameSync } from 'node:fs'
import { Agent } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { allReady, send, versionsSeen } from '../../dev/harness/http-client.js'
import { type ModelFiles, makeModelFiles } from '../../dev/harness/model-files.js'
import { loadModel } from '../../src/model/load-model.js'
import type { PredictionModel } from '../../src/model/types.js'
import {
  childPids,
  ensureBuilt,
  parsed,
  type Running,
  servingPids,
  startServer,
  waitForLog,
} from '../server/process.js'

const KEY = 'cluster-reload-admin-key'
const admin = { 'x-api-key': KEY }
const ROWS = Array.from({ length: 40 }, (_, i) => [
  4 + (i % 5) * 0.9,
  2 + (i % 3) * 0.7,
  1 + (i % 6) * 1.1,
  0.1 + (i % 4) * 0.7,
])
let files: ModelFiles
let running: Running

beforeAll(async () => {
  ensureBuilt()
  files = await makeModelFiles()
  running = await startServer({
    WORKERS: '2',
    MODEL_PATH: files.serving,
    ADMIN_API_KEYS: KEY,
    LOG_LEVEL: 'info',
  })
  await allReady(running.base)
  // /health/ready may be answered by one worker only; the primary says when the whole pool serves.
  await until(() => parsed(running.lines).some((l) => l.message === 'All workers ready'), 60_000)
}, 180_000)
afterAll(async () => {
  if (running.child.exitCode === null) {
    running.child.kill('SIGTERM')
    await running.exited
  }
})

function probaText(model: PredictionModel): string {
  const p = model.predictProba(Float64Array.from(ROWS.flat()), ROWS.length)
  return JSON.stringify(ROWS.map((_, i) => Array.from(p.subarray(i * 3, i * 3 + 3))))
}

async function until(cond: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('reloads across the cluster', () => {
  it('POST /admin/reload under load: both workers switch, no request fails, no answer mixes models', async () => {
    const [oldText, newText] = [
      probaText(await loadModel(files.serving)),
      probaText(await loadModel(files.good)),
    ]
    expect(oldText).not.toBe(newText)
    const agent = new Agent({ keepAlive: true, maxSockets: 6 })
    const tally = { old: 0, new: 0, other: 0, failed: 0 }
    let stop = false
    const client = async () => {
      while (!stop) {
        try {
          const r = await send(running.base, '/predict-proba', { body: { input: ROWS }, agent })
          const p = r.status === 200 ? JSON.stringify(JSON.parse(r.body).probabilities) : null
          if (p === null) tally.failed++
          else if (p === oldText) tally.old++
          else if (p === newText) tally.new++
          else tally.other++
        } catch {
          tally.failed++
        }
      }
    }
    const clients = Array.from({ length: 6 }, client)
    await until(() => tally.old >= 30)
    const res = await send(running.base, '/admin/reload', {
      body: { path: 'iris_model_v2.json' },
      headers: admin,
    })
    const afterReload = tally.new
    await until(() => tally.new >= afterReload + 30)
    stop = true
    await Promise.all(clients)
    agent.destroy()

    expect(res.status, res.body).toBe(200)
    expect(JSON.parse(res.body)).toEqual({
      status: 'reloaded',
      model_version: files.goodVersion,
      previous_version: files.servingVersion,
      file: 'iris_model_v2.json',
      workers: 2,
    })
    expect(tally.failed).toBe(0)
    expect(tally.other).toBe(0)
    expect(await versionsSeen(running.base)).toEqual(new Set([files.goodVersion]))
    const metrics = (await send(running.base, '/metrics')).body
    expect(metrics).toContain(`iris_model_info{name="iris_model",version="${files.goodVersion}"} 1`)
    expect(metrics).not.toContain(`iris_model_info{name="iris_model",version="${files.servingVersion}"}`)
  }, 120_000)

  it('refuses a bad file on every worker with a clear error; both keep serving the current model', async () => {
    for (const path of ['truncated.json', 'other_classes.json', 'corrupt.json']) {
      const res = await send(running.base, '/admin/reload', { body: { path }, headers: admin })
      expect(res.status, res.body).toBe(422)
      expect(JSON.parse(res.body).error).toMatch(
        new RegExp(
          `^model reload refused, still serving ${files.goodVersion}: ${path.replace('.', '\\.')}: `,
        ),
      )
      expect(res.body).not.toContain(files.dir)
    }
    expect(await versionsSeen(running.base)).toEqual(new Set([files.goodVersion]))
    // Log lines cross a pipe: wait for each refusal's line so none lands in the next test's window.
    const refused = () => parsed(running.lines).filter((l) => l.message === 'Model reload refused')
    await until(() =>
      ['truncated.json', 'other_classes.json', 'corrupt.json'].every((f) =>
        refused().some((l) => l.file === f),
      ),
    )
  }, 60_000)

  it('SIGHUP to the primary re-reads the serving file on every worker', async () => {
    // Replace the serving file in place (atomically, as a deployment would): it now holds the first model.
    for (const [from, to] of [
      [files.serving.replace(/\.json$/, '_metadata.json'), files.good.replace(/\.json$/, '_metadata.json')],
      [files.serving, files.good],
    ] as const) {
      copyFileSync(from, `${to}.tmp`)
      renameSync(`${to}.tmp`, to)
    }
    const before = running.lines.length
    running.child.kill('SIGHUP')
    // Both workers switch (asked over fresh connections until every answer shows the re-read file).
    const end = Date.now() + 20_000
    let seen = await versionsSeen(running.base)
    while (Date.now() < end && (seen.size !== 1 || !seen.has(files.servingVersion))) {
      await new Promise((r) => setTimeout(r, 100))
      seen = await versionsSeen(running.base)
    }
    expect(seen).toEqual(new Set([files.servingVersion]))
    expect(parsed(running.lines.slice(before)).filter((l) => l.level === 'ERROR')).toEqual([])
    expect(running.child.exitCode).toBeNull()
  }, 60_000)

  it('a reload renews the warm standby; a worker killed after it is taken over with the serving model', async () => {
    // The SIGHUP reload above retired the standby (it held the old model); its successor loads the new file.
    const reloadedAt = running.lines.findLastIndex((l) => l.includes('"Model reloaded"'))
    expect(reloadedAt).toBeGreaterThanOrEqual(0)
    const standby = await waitForLog(running, 'Standby worker ready', reloadedAt)
    const [victim] = servingPids(running)
    const mark = running.lines.length
    process.kill(victim as number, 'SIGKILL')
    const replaced = await waitForLog(running, 'Worker replaced', mark)
    expect(replaced.pid).toBe(standby.pid)
    await allReady(running.base)
    expect(await versionsSeen(running.base)).toEqual(new Set([files.servingVersion]))
    console.log(`standby took over ${replaced.replaced_in_ms} ms after the kill`)
    await waitForLog(running, 'Standby worker ready', mark)
    expect(childPids(running.child.pid as number)).toHaveLength(3)
  }, 60_000)
})
