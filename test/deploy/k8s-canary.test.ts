/**
 * deploy/k8s/canary (Flagger), checked as far as this machine allows without a cluster or Flagger's CRDs:
 * the Canary targets the base Deployment, its HPA and Service port; every analysis metric names a
 * MetricTemplate of the component; every query, with Flagger's variables filled in, is PromQL that promtool
 * parses and names series our app really exports on /metrics.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { expectSuccess, itWithTool, readYaml, readYamlDocs, run, TOOLS, useProbeApp } from './support.js'

// biome-ignore lint/suspicious/noExplicitAny: manifests are free-form YAML
type Obj = Record<string, any>
const DIR = 'deploy/k8s/canary'
const component = readYaml<Obj>(`${DIR}/kustomization.yaml`)
const docs = (component.resources as string[]).flatMap((f) => readYamlDocs(`${DIR}/${f}`)) as Obj[]
const canary = docs.find((d) => d.kind === 'Canary') as Obj
const templates = docs.filter((d) => d.kind === 'MetricTemplate')
const deployment = readYaml<Obj>('deploy/k8s/deployment.yaml')
const hpa = readYaml<Obj>('deploy/k8s/hpa.yaml')
const service = readYaml<Obj>('deploy/k8s/service.yaml')

/** A query as Flagger sends it to Prometheus. */
const concrete = (q: string) =>
  q
    .replaceAll('{{ namespace }}', 'default')
    .replaceAll('{{ target }}', 'iris-api')
    .replaceAll('{{ interval }}', '1m')

describe('deploy/k8s/canary (Flagger)', () => {
  const app = useProbeApp()

  it('is a kustomize Component whose Canary targets the base Deployment, HPA and Service port', () => {
    expect(component.kind).toBe('Component')
    expect(canary).toMatchObject({ apiVersion: 'flagger.app/v1beta1', kind: 'Canary' })
    expect(canary.spec.targetRef).toMatchObject({ kind: 'Deployment', name: deployment.metadata.name })
    expect(canary.spec.autoscalerRef).toMatchObject({ kind: hpa.kind, name: hpa.metadata.name })
    expect(canary.spec.service.port).toBe(service.spec.ports[0].port)
    const portNames = deployment.spec.template.spec.containers[0].ports.map((p: Obj) => p.name)
    expect(portNames).toContain(canary.spec.service.targetPort)
    const a = canary.spec.analysis
    expect(a.threshold).toBeGreaterThan(0)
    expect(a.maxWeight).toBeLessThanOrEqual(100)
    expect(a.stepWeight).toBeGreaterThan(0)
  })

  it('every analysis metric names a MetricTemplate here, with a threshold range', () => {
    const names = new Set(templates.map((t) => t.metadata.name))
    expect(canary.spec.analysis.metrics.length).toBeGreaterThanOrEqual(4)
    for (const m of canary.spec.analysis.metrics as Obj[]) {
      expect(names, m.name).toContain(m.templateRef.name)
      expect(Object.keys(m.thresholdRange ?? {}).length, m.name).toBeGreaterThan(0)
    }
    for (const t of templates) {
      expect(t.apiVersion).toBe('flagger.app/v1beta1')
      expect(t.spec.provider.type).toBe('prometheus')
    }
  })

  it('every query names series the app exports (rollbacks, feedback, request durations)', async () => {
    const text = await app.metricsText()
    for (const t of templates) {
      const names = [...(t.spec.query as string).matchAll(/\b(iris_\w+|http_\w+)\{/g)].map(
        (m) => m[1] as string,
      )
      expect(names.length, t.metadata.name).toBeGreaterThan(0)
      for (const name of names) {
        const family = name.replace(/_(bucket|sum|count)$/, '')
        expect(text, `${t.metadata.name}: ${family}`).toMatch(
          new RegExp(`^# TYPE ${family} (counter|histogram)$`, 'm'),
        )
      }
    }
  })

  itWithTool('promtool parses every query (as recording rules)', TOOLS.promtool, (cmd) => {
    const dir = mkdtempSync(join(tmpdir(), 'iris-canary-'))
    try {
      const rules = templates.map((t) => ({
        record: `flagger:${t.metadata.name.replaceAll('-', '_')}`,
        expr: concrete(t.spec.query),
      }))
      const file = join(dir, 'rules.yml')
      writeFileSync(file, stringify({ groups: [{ name: 'flagger', rules }] }))
      expectSuccess(run(cmd, ['check', 'rules', file]), 'promtool check rules (Flagger metric templates)')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
