/**
 * The optional retraining component deploy/k8s/retrain: a CronJob running `iris retrain` from the API's image
 * on the registry volume the API pods mount, checked against the Kubernetes schema, the base manifests, the
 * app's config parser and the CLI's own flag parser; `kubectl kustomize` renders the base with it added.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Deployment } from 'kubernetes-models/apps/v1/Deployment'
import { CronJob } from 'kubernetes-models/batch/v1/CronJob'
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim'
import { describe, expect, it } from 'vitest'
import { parseAllDocuments } from 'yaml'
import type { CliIo } from '../../src/cli/io.js'
import { main } from '../../src/cli/main.js'
import { loadConfig } from '../../src/config.js'
import {
  checkEnvWithConfig,
  expectSuccess,
  itWithTool,
  readYaml,
  readYamlDocs,
  repoPath,
  run,
  TOOLS,
} from './support.js'

// biome-ignore lint/suspicious/noExplicitAny: manifests are free-form YAML; the schema check types them
type Obj = Record<string, any>

const DIR = 'deploy/k8s/retrain'
const component = readYaml<Obj>(`${DIR}/kustomization.yaml`)
const objects = (component.resources as string[]).flatMap((f) => readYamlDocs(`${DIR}/${f}`)) as Obj[]
const cronJob = objects.find((o) => o.kind === 'CronJob') as Obj
const pvc = objects.find((o) => o.kind === 'PersistentVolumeClaim') as Obj
const patch = readYaml<Obj>(`${DIR}/deployment-registry.yaml`)
const apiDeployment = readYamlDocs('deploy/k8s/deployment.yaml')[0] as Obj
const jobPod = cronJob.spec.jobTemplate.spec.template.spec as Obj
const container = jobPod.containers[0] as Obj
const literals = Object.fromEntries(
  ((component.configMapGenerator as Obj[])[0]!.literals as string[]).map((l) =>
    l.split(/=(.*)/s).slice(0, 2),
  ),
) as Record<string, string>
const mountOf = (c: Obj, volume: string) =>
  (c.volumeMounts as Obj[]).find((m) => m.name === volume)?.mountPath
const claimOf = (pod: Obj) => (pod.volumes as Obj[]).find((v) => v.name === 'registry')?.persistentVolumeClaim

describe('deploy/k8s/retrain', () => {
  it('is a kustomize Component, not part of the base', () => {
    expect(component.kind).toBe('Component')
    expect(readYaml<Obj>('deploy/k8s/kustomization.yaml').components ?? []).not.toContain('retrain')
  })

  it('every object and the Deployment patch pass the Kubernetes schema', () => {
    expect(() => new CronJob(cronJob as never).validate()).not.toThrow()
    expect(() => new PersistentVolumeClaim(pvc as never).validate()).not.toThrow()
    const merged = structuredClone(apiDeployment)
    merged.spec.template.spec.initContainers = patch.spec.template.spec.initContainers
    merged.spec.template.spec.volumes.push(...patch.spec.template.spec.volumes)
    merged.spec.template.spec.containers[0].volumeMounts.push(
      ...patch.spec.template.spec.containers[0].volumeMounts,
    )
    expect(() => new Deployment(merged as never).validate()).not.toThrow()
    expect(patch.metadata.name).toBe(apiDeployment.metadata.name)
    expect(patch.spec.template.spec.containers[0].name).toBe(
      apiDeployment.spec.template.spec.containers[0].name,
    )
  })

  it('the job and the pods use the same image and the same registry volume, where MODELS_DIR points', () => {
    const api = apiDeployment.spec.template.spec.containers[0] as Obj
    expect(container.image).toBe(api.image)
    expect(patch.spec.template.spec.initContainers[0].image).toBe(api.image)
    expect(claimOf(jobPod)).toEqual({ claimName: pvc.metadata.name })
    expect(claimOf(patch.spec.template.spec)).toEqual({ claimName: pvc.metadata.name })
    expect(pvc.spec.accessModes).toEqual(['ReadWriteMany'])
    const registry = container.command[container.command.indexOf('--registry') + 1]
    expect(literals.MODELS_DIR).toBe(registry)
    expect(mountOf(container, 'registry')).toBe(registry)
    expect(mountOf(patch.spec.template.spec.containers[0], 'registry')).toBe(registry)
    expect(mountOf(patch.spec.template.spec.initContainers[0], 'registry')).toBe(registry)
    checkEnvWithConfig(literals)
    expect(loadConfig(literals).MODELS_DIR).toBe(registry)
    expect(container.securityContext.readOnlyRootFilesystem).toBe(true)
    expect(cronJob.spec.concurrencyPolicy).toBe('Forbid')
  })

  it('runs `iris retrain` with flags the CLI accepts (node dist/cli.js = the package bin)', async () => {
    const pkg = JSON.parse(readFileSync(repoPath('package.json'), 'utf8'))
    expect(container.command.slice(0, 3)).toEqual(['node', pkg.bin.iris, 'retrain'])
    let err = ''
    const io: CliIo = { out: () => {}, err: (t) => void (err += t), readStdin: async () => '' }
    expect(await main([...container.command.slice(2), '--help'], io)).toBe(0)
    expect(err).toBe('')
    expect(container.command).toContain('--shadow')
  })

  itWithTool('kubectl kustomize renders the base with the component added', TOOLS.kubectl, (cmd) => {
    const dir = mkdtempSync(join(tmpdir(), 'iris-k8s-'))
    try {
      cpSync(repoPath('deploy/k8s'), dir, { recursive: true })
      const file = join(dir, 'kustomization.yaml')
      writeFileSync(file, `${readFileSync(file, 'utf8')}\ncomponents:\n  - retrain\n`)
      const r = run(cmd, ['kustomize', dir])
      expectSuccess(r, 'kubectl kustomize (with retrain)')
      const rendered = parseAllDocuments(r.stdout).map((d) => d.toJS() as Obj)
      const cm = rendered.find((o) => o.kind === 'ConfigMap') as Obj
      expect(cm.data.MODELS_DIR).toBe('/registry')
      const api = rendered.find((o) => o.kind === 'Deployment') as Obj
      const job = rendered.find((o) => o.kind === 'CronJob') as Obj
      const jobImage = job.spec.jobTemplate.spec.template.spec.containers[0].image
      expect(jobImage).toBe(api.spec.template.spec.containers[0].image)
      expect(api.spec.template.spec.initContainers[0].image).toBe(jobImage)
      expect(jobImage).not.toBe('iris-prediction-service') // the base's image override reached the job too
      expect(claimOf(api.spec.template.spec)).toEqual({ claimName: 'iris-registry' })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
