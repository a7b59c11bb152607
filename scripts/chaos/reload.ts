/** reload: POST /admin/reload to a compatible model under load; no failed request, no mixed answer. */
import { send } from '../../dev/harness/http-client.js'
import { makeModelFiles } from '../../dev/harness/model-files.js'
import { loadModel } from '../../src/model/load-model.js'
import { loadLoop } from './load-loop.js'
import { startChaosServer } from './server.js'
import { type ChaosReport, type ChaosSettings, sleep } from './settings.js'

const ROWS = Array.from({ length: 40 }, (_, i) => [
  4 + (i % 5) * 0.9,
  2 + (i % 3) * 0.7,
  1 + (i % 6) * 1.1,
  0.1 + (i % 4) * 0.7,
])

/** The /predict-proba probabilities a model file gives for ROWS, as the JSON text a reply carries. */
async function probabilitiesText(path: string): Promise<string> {
  const m = await loadModel(path)
  const p = m.predictProba(Float64Array.from(ROWS.flat()), ROWS.length)
  return JSON.stringify(ROWS.map((_, i) => Array.from(p.subarray(i * 3, i * 3 + 3))))
}

export async function reload(settings: ChaosSettings, report: ChaosReport): Promise<void> {
  const files = await makeModelFiles()
  const key = 'chaos-admin-key-0123456789'
  const s = await startChaosServer(settings.graceS, {
    LOG_LEVEL: 'warn',
    MODEL_PATH: files.serving,
    ADMIN_API_KEYS: key,
  })
  try {
    const [oldText, newText] = [await probabilitiesText(files.serving), await probabilitiesText(files.good)]
    const load = loadLoop(s.base, '/predict-proba', JSON.stringify({ input: ROWS }), settings.connections)
    await sleep((settings.phaseS * 1000) / 2)
    const t0 = performance.now()
    const res = await send(s.base, '/admin/reload', {
      body: { path: 'iris_model_v2.json' },
      headers: { 'x-api-key': key },
    })
    const reloadMs = performance.now() - t0
    await sleep((settings.phaseS * 1000) / 2)
    await load.stop()
    const probs = load.results.map((r) =>
      r.status === 200 ? JSON.stringify(JSON.parse(r.body).probabilities) : null,
    )
    const failed = probs.filter((p) => p === null).length
    const old = probs.filter((p) => p === oldText).length
    const fresh = probs.filter((p) => p === newText).length
    const mixed = probs.length - failed - old - fresh
    report.summary.reload = {
      status: res.status,
      reload_ms: Math.round(reloadMs),
      requests: probs.length,
      failed,
      old_model: old,
      new_model: fresh,
      mixed,
      response: JSON.parse(res.body),
    }
    console.log(
      `reload: ${res.status} in ${reloadMs.toFixed(0)} ms (${res.body}); ${probs.length} requests, ${failed} failed, ` +
        `${old} old-model answers, ${fresh} new-model answers, ${mixed} mixed`,
    )
    report.check(res.status === 200 && failed === 0 && mixed === 0 && fresh > 0, 'reload under load')
  } finally {
    await s.running.stop()
  }
}
