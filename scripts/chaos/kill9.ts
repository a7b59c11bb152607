/**
 * kill9: SIGKILL of one serving worker under load; the time until another serves in its place (the warm
 * standby, src/server/pool.ts), and how many requests failed. kill9_cold: the same with STANDBY_WORKERS=0
 * (a fresh process must start), for comparison only.
 */
import { loadLoop } from './load-loop.js'
import { nextEvent, servingPids, startChaosServer, workerPids } from './server.js'
import { type ChaosReport, type ChaosSettings, ROW, sleep } from './settings.js'

export async function kill9(settings: ChaosSettings, report: ChaosReport, standby = true): Promise<void> {
  const name = standby ? 'kill9' : 'kill9_cold'
  const s = await startChaosServer(settings.graceS, {
    LOG_LEVEL: 'info',
    STANDBY_WORKERS: standby ? '1' : '0',
  })
  try {
    if (standby) await nextEvent(s, 'Standby worker ready', 0)
    const load = loadLoop(s.base, '/predict', ROW, settings.connections)
    await sleep((settings.phaseS * 1000) / 2)
    const victim = servingPids(s)[0]!
    const mark = s.events.length
    const killedAt = Date.now()
    process.kill(victim, 'SIGKILL')
    // The primary logs "Worker replaced" when a worker listens in the dead one's place (replaced_in_ms is
    // its own clock, from the exit event); we also time it from the kill, as seen through the log pipe.
    const replaced = await nextEvent(s, 'Worker replaced', mark)
    const replacedMs = replaced ? replaced.at - killedAt : Number.NaN
    const nextStandby = standby ? await nextEvent(s, 'Standby worker ready', mark) : undefined
    await sleep((settings.phaseS * 1000) / 2)
    await load.stop()
    const failed = load.results.filter((r) => r.status !== 200)
    const kinds = [...new Set(failed.map((f) => f.error ?? f.status))]
    const workersAfter = workerPids(s).length
    report.summary[name] = {
      requests: load.results.length,
      failed: failed.length,
      failure_kinds: kinds,
      replaced_ms: replacedMs,
      replaced_ms_primary: replaced?.line.replaced_in_ms,
      new_standby_ready_ms: nextStandby ? nextStandby.at - killedAt : null,
      workers_after: workersAfter,
    }
    console.log(
      `${name}: ${load.results.length} requests, ${failed.length} failed (${kinds.join(', ') || 'none'}); ` +
        `a worker serving in its place ${replacedMs} ms after the kill (primary: ${replaced?.line.replaced_in_ms} ms)` +
        (nextStandby ? `; new standby ready after ${nextStandby.at - killedAt} ms` : '') +
        `; ${workersAfter} workers`,
    )
    if (standby) report.check(replacedMs < 1000, 'kill9: replacement slower than 1 s')
    report.check(workersAfter === (standby ? 3 : 2), `${name}: worker count`)
  } finally {
    await s.running.stop()
  }
}
