/** sigterm: SIGTERM to the primary under load; every request already in flight answers 200; exit 0 within the grace. */
import { loadLoop } from './load-loop.js'
import { startChaosServer } from './server.js'
import { type ChaosReport, type ChaosSettings, ROW, sleep } from './settings.js'

export async function sigterm(settings: ChaosSettings, report: ChaosReport): Promise<void> {
  const { graceS } = settings
  const s = await startChaosServer(graceS, { LOG_LEVEL: 'warn' })
  const load = loadLoop(s.base, '/predict', ROW, settings.connections)
  await sleep((settings.phaseS * 1000) / 2)
  const sentAt = Date.now()
  s.running.child.kill('SIGTERM')
  const { code, at } = await s.running.exited
  await load.stop()
  const inFlight = load.results.filter((r) => r.startedAt < sentAt)
  const failed = inFlight.filter((r) => r.status !== 200)
  const after = load.results.filter((r) => r.startedAt >= sentAt)
  report.summary.sigterm = {
    requests_before_sigterm: inFlight.length,
    failed_before_sigterm: failed.length,
    failure_kinds: [...new Set(failed.map((f) => f.error ?? `${f.status} ${f.body.slice(0, 120)}`))],
    failed_started_ms_before_sigterm: failed.map((f) => sentAt - f.startedAt),
    requests_after_sigterm: after.length,
    answered_after_sigterm: after.filter((r) => r.status === 200).length,
    exit_code: code,
    exit_ms: at - sentAt,
  }
  console.log(
    `sigterm: ${inFlight.length} requests started before SIGTERM, ${failed.length} failed; exit ${code} after ${at - sentAt} ms ` +
      `(grace ${graceS} s); after SIGTERM ${after.length} attempts (new connections refused)`,
  )
  report.check(failed.length === 0, 'sigterm: failed in-flight requests')
  report.check(code === 0 && at - sentAt <= graceS * 1000, 'sigterm: exit code or time')
}
