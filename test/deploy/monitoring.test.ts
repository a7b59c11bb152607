/**
 * The Compose monitoring profile: Prometheus config (promtool), Grafana provisioning, and a dashboard whose
 * every query names metrics and labels that src/api/metrics really exports, in PromQL that promtool parses.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { ApiMetrics } from '../../src/api/metrics/index.js'
import {
  configDefault,
  expectSuccess,
  itWithTool,
  readText,
  readYaml,
  run,
  TOOLS,
  useProbeApp,
} from './support.js'

// biome-ignore lint/suspicious/noExplicitAny: parsed YAML/JSON documents
type Obj = Record<string, any>
const prometheus = readYaml<Obj>('deploy/prometheus/prometheus.yml')
const compose = readYaml<Obj>('docker-compose.yml')
const datasources = readYaml<Obj>('deploy/grafana/provisioning/datasources/prometheus.yml')
const providers = readYaml<Obj>('deploy/grafana/provisioning/dashboards/dashboards.yml')
const dashboard = JSON.parse(readText('deploy/grafana/dashboards/iris-service.json')) as Obj
const panels = (dashboard.panels as Obj[]).filter((p) => p.type !== 'row')
const queries: { panel: string; expr: string }[] = panels.flatMap((p) =>
  (p.targets as Obj[]).map((t) => ({ panel: p.title, expr: t.expr })),
)
const METRICS_SOURCE = ['src/api/metrics/index.ts', 'src/api/metrics/labelled.ts'].map(readText).join('\n')

/** Metric name -> { type, label names } from the app's real registry. */
async function exportedMetrics(): Promise<Map<string, { type: string; labels: string[] }>> {
  const metrics = new ApiMetrics({ defaultMetrics: false })
  const out = new Map<string, { type: string; labels: string[] }>()
  for (const m of metrics.registry.getMetricsAsArray() as unknown as Obj[]) {
    const got = await m.get()
    out.set(got.name, { type: got.type, labels: [...(m.labelNames ?? [])] })
  }
  return out
}

/** Grafana's variables replaced by values Prometheus accepts. */
const concrete = (expr: string): string =>
  expr
    .replaceAll('$__rate_interval', '1m')
    .replaceAll('$instance', '.*')
    .replaceAll('$feature', 'petal_length')

const app = useProbeApp()

describe('Prometheus (deploy/prometheus/prometheus.yml)', () => {
  const job = (prometheus.scrape_configs as Obj[]).find((j) => j.job_name === 'iris-api') as Obj

  it('scrapes the real /metrics route on the app port', async () => {
    expect(job.metrics_path).toBe('/metrics')
    expect(await app.status('GET', job.metrics_path)).toBe(200)
    expect(job.dns_sd_configs[0].port).toBe(configDefault('PORT'))
  })

  it('finds every Compose replica by the service name (so --scale needs no change)', () => {
    expect(job.dns_sd_configs[0]).toMatchObject({ names: ['iris-api'], type: 'A' })
    expect(compose.services).toHaveProperty('iris-api')
  })

  itWithTool('promtool check config accepts it', TOOLS.promtool, (cmd) => {
    expectSuccess(run(cmd, ['check', 'config', 'deploy/prometheus/prometheus.yml']), 'promtool check config')
  })
})

describe('Grafana provisioning', () => {
  it('the data source points at the Compose prometheus service and its port', () => {
    const ds = datasources.datasources[0]
    expect(ds).toMatchObject({ type: 'prometheus', uid: 'prometheus', url: 'http://prometheus:9090' })
    expect(compose.services.prometheus.ports[0]).toMatch(/:9090"?$/)
  })

  it('the dashboard provider reads the folder Compose mounts the dashboards into', () => {
    const path = providers.providers[0].options.path
    expect(compose.services.grafana.volumes).toContain(`./deploy/grafana/dashboards:${path}:ro`)
  })

  it('every panel and variable uses the provisioned data source', () => {
    const uid = datasources.datasources[0].uid
    for (const p of panels) expect(p.datasource.uid, p.title).toBe(uid)
    for (const v of dashboard.templating.list as Obj[]) expect(v.datasource.uid, v.name).toBe(uid)
  })

  it('the layout is well-formed: unique ids, panels within the 24-column grid', () => {
    const ids = (dashboard.panels as Obj[]).map((p) => p.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const p of dashboard.panels as Obj[])
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24)
    expect(dashboard.uid).toBe('iris-service')
  })
})

describe('Grafana dashboard queries against the app metrics', () => {
  it('shows request rate, p50/p99 latency, errors by status, predictions by class and input features', () => {
    const all = queries.map((q) => q.expr).join('\n')
    expect(all).toMatch(/rate\(http_request_duration_seconds_count/)
    expect(all).toMatch(
      /histogram_quantile\(0\.5, sum by \(le\) \(rate\(http_request_duration_seconds_bucket/,
    )
    expect(all).toMatch(
      /histogram_quantile\(0\.99, sum by \(le\) \(rate\(http_request_duration_seconds_bucket/,
    )
    expect(all).toMatch(/sum by \(status_code\)/)
    expect(all).toMatch(/sum by \(class\) \(rate\(iris_predictions_total/)
    expect(all).toMatch(/iris_input_feature_value_bucket/)
  })

  it('every metric a query names is exported by src/api/metrics (or is Prometheus own `up`)', async () => {
    const exported = await exportedMetrics()
    for (const { panel, expr } of queries) {
      for (const [, name] of expr.matchAll(/([a-zA-Z_:][\w:]*)\{/g)) {
        if (name === 'up') continue
        const base = (name as string).replace(/_(bucket|sum|count)$/, '')
        const metric = exported.get(name as string) ?? exported.get(base)
        expect(metric, `${panel}: ${name} is exported`).toBeDefined()
        if (name !== base && !exported.has(name as string))
          expect(metric?.type, `${panel}: ${name}`).toBe('histogram')
        expect(METRICS_SOURCE, `${base} named in src/api/metrics`).toContain(
          `'${exported.has(name as string) ? name : base}'`,
        )
      }
    }
  })

  it('every label a query groups or filters by exists on that metric', async () => {
    const exported = await exportedMetrics()
    const targetLabels = ['instance', 'job']
    for (const { panel, expr } of queries) {
      for (const [, name, matchers] of expr.matchAll(/([a-zA-Z_:][\w:]*)\{([^}]*)\}/g)) {
        if (name === 'up') continue
        const base = (name as string).replace(/_(bucket|sum|count)$/, '')
        const metric = exported.get(name as string) ?? exported.get(base)
        const allowed = [
          ...(metric?.labels ?? []),
          ...targetLabels,
          ...((name as string).endsWith('_bucket') ? ['le'] : []),
        ]
        for (const [, label] of (matchers as string).matchAll(/(\w+)\s*[=!]~?/g))
          expect(allowed, `${panel}: ${name}{${label}}`).toContain(label)
        const grouping = [...expr.matchAll(/by \(([^)]*)\)/g)].flatMap((m) =>
          (m[1] as string).split(',').map((s) => s.trim()),
        )
        for (const label of grouping) {
          const anyMetricHasIt = [...exported.values()].some((m) => m.labels.includes(label))
          expect(['le', ...targetLabels].includes(label) || anyMetricHasIt, `${panel}: by (${label})`).toBe(
            true,
          )
        }
      }
    }
  })

  it('the route filter matches the real prediction routes', () => {
    expect(app.hasRoute('POST', '/predict')).toBe(true)
    expect(app.hasRoute('POST', '/predict-proba')).toBe(true)
    for (const { expr } of queries)
      for (const [, re] of expr.matchAll(/route=~"([^"]+)"/g))
        expect('/predict-proba').toMatch(new RegExp(`^${re}$`))
  })

  it('the variables query labels that exist', async () => {
    const exported = await exportedMetrics()
    for (const v of dashboard.templating.list as Obj[]) {
      const m = /label_values\((\w+), (\w+)\)/.exec(v.query.query) as RegExpExecArray
      const metric = exported.get((m[1] as string).replace(/_(bucket|sum|count)$/, ''))
      expect([...(metric?.labels ?? []), 'instance'], v.name).toContain(m[2])
    }
  })

  itWithTool('promtool parses every query (as recording rules)', TOOLS.promtool, (cmd) => {
    const dir = mkdtempSync(join(tmpdir(), 'iris-dashboard-'))
    try {
      const rules = queries.map((q, i) => ({ record: `dashboard:query:${i}`, expr: concrete(q.expr) }))
      const file = join(dir, 'rules.yml')
      writeFileSync(file, stringify({ groups: [{ name: 'dashboard', rules }] }))
      expectSuccess(run(cmd, ['check', 'rules', file]), 'promtool check rules (dashboard queries)')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
