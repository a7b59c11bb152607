/**
 * saturation: `durationS` of one-row /predict at `connections` (autocannon); zero errors and worker RSS
 * growth <= 10 % (highest RSS in the last third of the run against the first third; the reading after
 * warm-up against the end is printed too).
 */
import autocannon from 'autocannon'
import { rssMb } from '../../dev/harness/server-process.js'
import { servingPids, startChaosServer } from './server.js'
import { type ChaosReport, type ChaosSettings, ROW } from './settings.js'

export async function saturation(settings: ChaosSettings, report: ChaosReport): Promise<void> {
  const { durationS, connections } = settings
  const s = await startChaosServer(settings.graceS, { LOG_LEVEL: 'info' })
  const run = (duration: number) =>
    autocannon({
      url: `${s.base}/predict`,
      method: 'POST',
      body: ROW,
      headers: { 'content-type': 'application/json' },
      connections,
      duration,
    })
  try {
    // Warm-up (JIT, buffers, metric children), then the baseline RSS.
    await run(3)
    const pids = servingPids(s)
    const before = pids.map(rssMb)
    const samples: number[][] = []
    const sampler = setInterval(() => samples.push(pids.map(rssMb)), 2000)
    const r = (await run(durationS)) as Awaited<ReturnType<typeof autocannon>> & {
      timeouts: number
      requests: { total: number }
    }
    clearInterval(sampler)
    const after = pids.map(rssMb)
    // RSS moves in a sawtooth with V8's old-generation collections, so one reading after a short warm-up
    // can sit at a trough and the last at a crest. Growth = the highest RSS in the last third of the run
    // against the highest in the first third, per worker: a leak raises the crests, a sawtooth does not.
    const third = Math.max(1, Math.floor(samples.length / 3))
    const crest = (rows: number[][], w: number) => Math.max(...rows.map((r) => r[w] as number))
    const growth =
      Math.max(
        ...pids.map((_, w) => crest(samples.slice(-third), w) / crest(samples.slice(0, third), w) - 1),
      ) * 100
    const endVsWarm = Math.max(...after.map((a, i) => (a - before[i]!) / before[i]!)) * 100
    const errors = r.errors + r.non2xx + r.timeouts
    const peak = Math.max(...samples.flat(), ...after)
    report.summary.saturation = {
      seconds: durationS,
      connections,
      requests: r.requests.total,
      rps: Math.round(r.requests.average),
      p50_ms: r.latency.p50,
      p99_ms: r.latency.p99,
      errors,
      rss_mb_before: before.map((x) => +x.toFixed(1)),
      rss_mb_after: after.map((x) => +x.toFixed(1)),
      rss_mb_peak: +peak.toFixed(1),
      rss_growth_pct: +growth.toFixed(1),
      rss_end_vs_warm_up_pct: +endVsWarm.toFixed(1),
    }
    console.log(
      `saturation: ${durationS} s, ${r.requests.total} requests, ${Math.round(r.requests.average)} req/s, p99 ${r.latency.p99} ms, ` +
        `errors ${errors}, worker RSS ${before.map((x) => x.toFixed(1)).join('/')} -> ${after.map((x) => x.toFixed(1)).join('/')} MB ` +
        `(end vs warm-up ${endVsWarm.toFixed(1)} %; crests last third vs first third ${growth.toFixed(1)} %; peak ${peak.toFixed(1)} MB)`,
    )
    report.check(errors === 0, 'saturation: errors')
    report.check(growth <= 10, 'saturation: RSS crests grew > 10 %')
  } finally {
    await s.running.stop()
  }
}
