/**
 * `npx tsx bench/rollout-cpu.ts`: CPU time per one-row prediction in process (PredictEndpoint.answer, the work
 * both the fast lane and the Fastify route do), with no rollout, a canary at 20 % (sticky client keys) and shadow
 * mode (the candidate's scoring, run after the answer, included). Less noisy than req/s on a loaded machine.
 * Env: BENCH_N (requests per measurement, default 200000), BENCH_ROUNDS (default 5).
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ApiContext } from '../src/api/context.js'
import { createLogger } from '../src/api/logging.js'
import { ApiMetrics } from '../src/api/metrics/index.js'
import { PredictEndpoint } from '../src/api/predict-endpoint.js'
import { RequestRecorder } from '../src/api/recorder.js'
import { installRollout } from '../src/api/rollout/install.js'
import { loadConfig } from '../src/config.js'
import { ModelSlot } from '../src/model/model-slot.js'
import { RegistryApplier, ServedVersions, servingRegistry } from '../src/model/registry/index.js'
import { startRollout } from '../src/model/rollout/commands.js'

const N = Number(process.env.BENCH_N ?? 200_000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const TURN = Number(process.env.BENCH_TURN ?? 16)
const BODY = { input: [[5.1, 3.5, 1.4, 0.2]] }

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'iris-bench-rollout-cpu-'))
  cpSync('models/iris_model', join(root, 'iris_model'), { recursive: true })
  cpSync(join(root, 'iris_model/1'), join(root, 'iris_model/2'), { recursive: true })
  const config = loadConfig({ LOG_LEVEL: 'silent', MODELS_DIR: root, MODEL_PATH: '' })
  const target = servingRegistry(config)!
  const models = new ModelSlot()
  const versions = new ServedVersions()
  const applier = new RegistryApplier(target.registry, target.name, versions, models, { warn: () => {} })
  await applier.readAndApply()
  const logger = createLogger('silent')
  const metrics = new ApiMetrics({ defaultMetrics: false, currentModel: () => models.current })
  const ctx = {
    config,
    models,
    metrics,
    recorder: new RequestRecorder(logger, metrics),
    logger,
    metricsText: () => metrics.text(),
    documentHeaders: {},
    versions,
    registry: target,
  } as unknown as ApiContext
  const engine = installRollout(ctx, () => async () => {
    const o = await applier.readAndApply()
    return { version: o.version, previousVersion: o.previousVersion, file: '', workers: 1 }
  })
  const endpoint = new PredictEndpoint(ctx, '/predict')

  const keys = Array.from({ length: 1000 }, (_, i) => `client-${i}`)
  const measure = async (): Promise<number> => {
    const start = process.cpuUsage()
    // TURN answers per event-loop turn, as a server under load takes several requests per turn; the shadow
    // scoring queued behind them runs in the turn's setImmediate.
    for (let i = 0; i < N; i++) {
      endpoint.answer(BODY, keys[i % 1000])
      if (i % TURN === TURN - 1) await new Promise((r) => setImmediate(r))
    }
    await new Promise((r) => setImmediate(r))
    await new Promise((r) => setTimeout(r, 300))
    const used = process.cpuUsage(start)
    return ((used.user + used.system) * 1000) / N // ns per request
  }
  const set = async (state: string) => {
    await target.registry.rollback(target.name, 'bench').catch(() => undefined)
    if (state !== 'none')
      await startRollout(
        target.registry,
        target.name,
        { candidate: '2', mode: state === 'shadow' ? 'shadow' : 'canary', weight: 0.2 },
        'bench',
      )
    await applier.readAndApply()
    if ((engine.active?.mode ?? 'none') !== (state === 'canary' ? 'canary' : state))
      throw new Error(`rollout state ${state} not active`)
  }
  const results = new Map<string, number[]>()
  await measure() // warm-up
  for (let r = 0; r < ROUNDS; r++) {
    for (const state of ['none', 'canary', 'shadow']) {
      await set(state)
      const ns = await measure()
      results.set(state, [...(results.get(state) ?? []), ns])
    }
  }
  const base = median(results.get('none') ?? [])
  console.log(
    `bench:rollout-cpu  ${N} one-row answers per measurement, ${ROUNDS} rounds (median CPU ns per request)`,
  )
  for (const [state, list] of results) {
    const m = median(list)
    console.log(
      `${state.padEnd(7)} ${m.toFixed(0).padStart(6)} ns  (${list.map((x) => x.toFixed(0)).join(', ')})  +${((m / base - 1) * 100).toFixed(1)} % vs none`,
    )
  }
  rmSync(root, { recursive: true, force: true })
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
