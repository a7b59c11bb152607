/**
 * The drift alerts (deploy/prometheus/drift-rules.yml, checked and unit-tested by promtool) and the drift
 * dashboard (deploy/grafana/dashboards/iris-drift.json): every metric and label they name is one that
 * src/api/drift/metrics.ts really exports, and every query parses.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { registerDriftMetrics } from '../../src/api/drift/metrics.js'
import type { DriftMonitor } from '../../src/api/drift/monitor.js'
import { expectSuccess, itWithTool, readText, readYaml, run, TOOLS } from './support.js'

// biome-ignore lint/suspicious/noExplicitAny: parsed YAML/JSON documents
type Obj = Record<string, any>
const rules = readYaml<Obj>('deploy/prometheus/drift-rules.yml')
const prometheus = readYaml<Obj>('deploy/prometheus/prometheus.yml')
const compose = readYaml<Obj>('docker-compose.yml')
const dashboard = JSON.parse(readText('deploy/grafana/dashboards/iris-drift.json')) as Obj
const panels = (dashboard.panels as Obj[]).filter((p) => p.type !== 'row')
const queries = panels.flatMap((p) =>
  (p.targets as Obj[]).map((t) => ({ where: p.title as string, expr: t.expr as string })),
)
const alerts = (rules.groups as Obj[]).flatMap((g) => g.rules as Obj[])

/** Metric name -> label names, from the drift registry the service really registers. */
function exported(): Map<string, string[]> {
  const registry = new Registry()
  registerDriftMetrics(registry, { reports: async () => [] } as unknown as DriftMonitor)
  return new Map(
    registry
      .getMetricsAsArray()
      .map((m) => [m.name, [...((m as unknown as { labelNames?: string[] }).labelNames ?? [])]]),
  )
}

const concrete = (expr: string) =>
  expr.replaceAll('$__range', '1h').replaceAll('$instance', '.*').replaceAll('$version', '.*')

describe('drift alerts and dashboard', () => {
  it('Prometheus loads the rules file and Compose mounts it beside the config', () => {
    expect(prometheus.rule_files).toContain('drift-rules.yml')
    expect(compose.services.prometheus.volumes).toContain(
      './deploy/prometheus/drift-rules.yml:/etc/prometheus/drift-rules.yml:ro',
    )
  })

  it('alerts on the dataset flag, a major PSI, prediction drift and an undelivered event', () => {
    expect(alerts.map((a) => a.alert)).toEqual([
      'IrisDataDrift',
      'IrisFeatureMajorShift',
      'IrisPredictionDrift',
      'IrisDriftWebhookFailing',
    ])
  })

  it('the dashboard has the verdict, p-values, PSI, K-S statistic and prediction drift', () => {
    const all = queries.map((q) => q.expr).join('\n')
    for (const name of [
      'iris_drift_detected',
      'iris_feature_drift_p_value',
      'iris_feature_drift_psi',
      'iris_feature_drift_ks_statistic',
      'iris_prediction_drift_p_value',
      'iris_drift_window_rows',
      'iris_drift_events_total',
    ])
      expect(all).toContain(name)
    expect(dashboard.uid).toBe('iris-drift')
    const ids = (dashboard.panels as Obj[]).map((p) => p.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const p of dashboard.panels as Obj[])
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24)
  })

  it('every metric and label named by an alert, a panel or a variable is exported by the drift registry', () => {
    const metrics = exported()
    const exprs = [
      ...queries,
      ...alerts.map((a) => ({ where: a.alert as string, expr: a.expr as string })),
      ...(dashboard.templating.list as Obj[]).map((v) => ({
        where: v.name as string,
        expr: v.query.query as string,
      })),
    ]
    for (const { where, expr } of exprs) {
      const names = [...expr.matchAll(/\b(iris_[a-z_]+)\b/g)].map((m) => m[1] as string)
      expect(names.length, where).toBeGreaterThan(0)
      for (const name of names) {
        expect(metrics.has(name), `${where}: ${name}`).toBe(true)
        const labels = [...metrics.get(name)!, 'instance', 'job']
        const matchers = new RegExp(`${name}\\{([^}]*)\\}`).exec(expr)?.[1] ?? ''
        for (const [, label] of matchers.matchAll(/(\w+)\s*[=!]~?/g))
          expect(labels, `${where}: ${label}`).toContain(label)
        for (const m of expr.matchAll(/by \(([^)]*)\)/g))
          for (const label of (m[1] as string).split(',').map((s) => s.trim()))
            expect(labels, `${where}: by ${label}`).toContain(label)
      }
    }
  })

  itWithTool('promtool check rules accepts the alert rules', TOOLS.promtool, (cmd) => {
    expectSuccess(run(cmd, ['check', 'rules', 'deploy/prometheus/drift-rules.yml']), 'promtool check rules')
  })

  itWithTool('promtool test rules: the alerts fire when and only when they should', TOOLS.promtool, (cmd) => {
    expectSuccess(
      run(cmd, ['test', 'rules', 'deploy/prometheus/drift-rules.test.yml']),
      'promtool test rules',
    )
  })

  itWithTool('promtool parses every dashboard query', TOOLS.promtool, (cmd) => {
    const dir = mkdtempSync(join(tmpdir(), 'iris-drift-dashboard-'))
    try {
      const file = join(dir, 'rules.yml')
      const recorded = queries.map((q, i) => ({ record: `dashboard:drift:${i}`, expr: concrete(q.expr) }))
      writeFileSync(file, stringify({ groups: [{ name: 'dashboard', rules: recorded }] }))
      expectSuccess(run(cmd, ['check', 'rules', file]), 'promtool check rules (drift dashboard queries)')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
