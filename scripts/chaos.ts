/**
 * `npm run chaos [-- --duration 60 --phase 10 --only saturation,sigterm,kill9,kill9_cold,reload]`: load and faults
 * against the production entry (`node dist/server.js`, 2 workers, 127.0.0.1 only), issue 7. One file per
 * scenario in scripts/chaos/ (saturation, sigterm, kill9 + kill9_cold, reload), the closed-loop load
 * generator in load-loop.ts, the server (through dev/harness/) in server.ts.
 * Prints one line per scenario and a JSON summary; exits 1 if a pass criterion fails.
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { ensureBuilt } from '../dev/harness/build.js'
import { kill9 } from './chaos/kill9.js'
import { reload } from './chaos/reload.js'
import { saturation } from './chaos/saturation.js'
import { ChaosReport, type ChaosSettings } from './chaos/settings.js'
import { sigterm } from './chaos/sigterm.js'

const SCENARIOS = {
  saturation,
  sigterm,
  kill9: (s: ChaosSettings, r: ChaosReport) => kill9(s, r, true),
  kill9_cold: (s: ChaosSettings, r: ChaosReport) => kill9(s, r, false),
  reload,
} as const

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '60' },
    phase: { type: 'string', default: '10' },
    connections: { type: 'string', default: '32' },
    only: { type: 'string', default: Object.keys(SCENARIOS).join(',') },
  },
})
const only = new Set(String(values.only).split(','))
const unknown = [...only].filter((name) => !(name in SCENARIOS))
if (unknown.length > 0) {
  console.error(`chaos: unknown scenario ${unknown.join(', ')}; known: ${Object.keys(SCENARIOS).join(', ')}`)
  process.exit(2)
}
const settings: ChaosSettings = {
  durationS: Number(values.duration),
  phaseS: Number(values.phase),
  connections: Number(values.connections),
  graceS: 10,
}

ensureBuilt()
const report = new ChaosReport()
const load = readFileSync('/proc/loadavg', 'utf8').trim()
console.log(`chaos: node ${process.version}, load average ${load}, ${settings.connections} connections`)
report.summary.load_average_at_start = load
for (const [name, run] of Object.entries(SCENARIOS)) {
  if (only.has(name)) await run(settings, report)
}
console.log(JSON.stringify(report.summary, null, 2))
if (report.failures.length > 0) {
  console.error(`chaos: FAILED: ${report.failures.join('; ')}`)
  process.exit(1)
}
console.log('chaos: OK')
