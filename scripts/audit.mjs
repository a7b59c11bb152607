#!/usr/bin/env node
// `.ci/run`'s dependency audit: fails on any high or critical advisory in production dependencies.
// Some registries (this workplace's mirror among them) refuse the advisories endpoint (HTTP 405); then the
// audit cannot be done at all, which is reported loudly instead of failing every CI run for a network fact.
// AUDIT_STRICT=1 turns "could not audit" into a failure too.
import { spawnSync } from 'node:child_process'

const run = spawnSync('npm', ['audit', '--omit=dev', '--json'], { encoding: 'utf8' })
let report
try {
  report = JSON.parse(run.stdout)
} catch {
  console.error(`audit: npm audit printed no JSON (exit ${run.status}):\n${run.stderr}`)
  process.exit(1)
}

if (!report.metadata) {
  const why = report.statusCode ? `HTTP ${report.statusCode} from ${report.uri}` : report.message
  console.error(`audit: NOT CHECKED — the registry refused the advisories endpoint (${why})`)
  process.exit(process.env.AUDIT_STRICT === '1' ? 1 : 0)
}

const counts = report.metadata.vulnerabilities
const serious = Object.entries(report.vulnerabilities ?? {}).filter(([, v]) =>
  ['high', 'critical'].includes(v.severity),
)
console.log(`audit: production dependencies: ${JSON.stringify(counts)}`)
for (const [name, v] of serious) console.error(`audit: ${v.severity}: ${name} (${v.range})`)
process.exit(serious.length > 0 ? 1 : 0)
