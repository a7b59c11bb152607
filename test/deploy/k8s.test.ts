/**
 * deploy/k8s (kustomize), checked without a cluster: every object against the Kubernetes API schema
 * (kubernetes-models), and the Deployment against the app's real routes, port and config schema.
 * `kubectl kustomize` renders the whole kustomization when kubectl is installed.
 */
import { Deployment } from 'kubernetes-models/apps/v1/Deployment'
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler'
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget'
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap'
import { Service } from 'kubernetes-models/v1/Service'
import { describe, expect, it } from 'vitest'
import { parseAllDocuments } from 'yaml'
import { parseDockerfile } from './dockerfile-parse.js'
import {
  CONFIG_NAMES,
  checkEnvWithConfig,
  configDefault,
  expectSuccess,
  itWithTool,
  readText,
  readYaml,
  readYamlDocs,
  run,
  TOOLS,
  useProbeApp,
} from './support.js'

// biome-ignore lint/suspicious/noExplicitAny: manifests are free-form YAML; the schema check types them
type Obj = Record<string, any>
const DIR = 'deploy/k8s'
const kustomization = readYaml<Obj>(`${DIR}/kustomization.yaml`)

/** The parts of kustomize this kustomization uses: resources, a literal ConfigMap generator, image overrides. */
function render(): Obj[] {
  const objects: Obj[] = (kustomization.resources as string[]).flatMap((file) =>
    readYamlDocs(`${DIR}/${file}`),
  )
  for (const gen of kustomization.configMapGenerator ?? []) {
    const data = Object.fromEntries((gen.literals as string[]).map((l) => l.split(/=(.*)/s).slice(0, 2)))
    objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: gen.name }, data })
  }
  for (const image of kustomization.images ?? []) {
    for (const c of objects
      .filter((o) => o.kind === 'Deployment')
      .flatMap((d) => d.spec.template.spec.containers)) {
      if (c.image === image.name) c.image = `${image.newName ?? image.name}:${image.newTag ?? 'latest'}`
    }
  }
  return objects
}

const objects = render()
const byKind = (kind: string): Obj => {
  const found = objects.filter((o) => o.kind === kind)
  expect(found, kind).toHaveLength(1)
  return found[0] as Obj
}
const deployment = byKind('Deployment')
const pod = deployment.spec.template
const container = pod.spec.containers[0] as Obj
const configMap = byKind('ConfigMap')
const cpuCores = (q: string): number => (q.endsWith('m') ? Number(q.slice(0, -1)) / 1000 : Number(q))
const portNumber = (p: string | number): number =>
  typeof p === 'number' ? p : (container.ports as Obj[]).find((cp) => cp.name === p)?.containerPort

const app = useProbeApp()

describe('deploy/k8s: schema', () => {
  const models: Record<string, new (o: Obj) => { validate(): void }> = {
    'apps/v1/Deployment': Deployment,
    'v1/Service': Service,
    'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
    'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
    'v1/ConfigMap': ConfigMap,
  }

  it('has a Deployment, Service, HorizontalPodAutoscaler, PodDisruptionBudget and ConfigMap', () => {
    expect(objects.map((o) => o.kind).sort()).toEqual([
      'ConfigMap',
      'Deployment',
      'HorizontalPodAutoscaler',
      'PodDisruptionBudget',
      'Service',
    ])
  })

  it('every object is valid against the Kubernetes API schema', () => {
    for (const o of objects) {
      const Model = models[`${o.apiVersion}/${o.kind}`]
      expect(Model, `${o.apiVersion} ${o.kind} is a stable API we know`).toBeDefined()
      expect(
        () => new (Model as new (o: Obj) => { validate(): void })(o).validate(),
        `${o.kind} ${o.metadata.name}`,
      ).not.toThrow()
    }
  })

  it('the schema check does catch mistakes', () => {
    const broken = structuredClone(deployment)
    broken.spec.template.spec.containers[0].ports[0].containerPort = 'eight thousand'
    expect(() => new Deployment(broken).validate()).toThrow(/containerPort/)
  })

  it('the YAML files hold nothing but the listed resources', () => {
    for (const file of kustomization.resources as string[]) {
      for (const doc of parseAllDocuments(readText(`${DIR}/${file}`))) expect(doc.errors, file).toEqual([])
    }
  })
})

describe('deploy/k8s: the Deployment against the app', () => {
  it('probes real routes: readiness /health/ready (503 until the model loads), liveness /health/live', async () => {
    expect(container.readinessProbe.httpGet.path).toBe('/health/ready')
    expect(container.livenessProbe.httpGet.path).toBe('/health/live')
    expect(container.startupProbe.httpGet.path).toBe('/health/live')
    expect(await app.status('GET', '/health/ready')).toBe(503)
    expect(await app.status('GET', '/health/live')).toBe(200)
    for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
      expect(portNumber(container[probe].httpGet.port), probe).toBe(configDefault('PORT'))
    }
  })

  it('listens where the config says: containerPort = PORT in the ConfigMap = the app default', () => {
    expect(container.ports).toEqual([{ name: 'http', containerPort: configDefault('PORT'), protocol: 'TCP' }])
    expect(configMap.data.PORT).toBe(String(configDefault('PORT')))
  })

  it('environment names exist in src/config.ts and the values pass its parser', () => {
    const names = [...Object.keys(configMap.data), ...(container.env as Obj[]).map((e) => e.name)]
    for (const name of names) expect(CONFIG_NAMES.has(name), `${name} in src/config.ts`).toBe(true)
    expect(() => checkEnvWithConfig({ ...configMap.data, WORKERS: '2' })).not.toThrow()
    expect(container.envFrom).toEqual([{ configMapRef: { name: configMap.metadata.name } }])
  })

  it('WORKERS follows the CPU limit (one cluster worker per core, rounded up)', () => {
    const workers = (container.env as Obj[]).find((e) => e.name === 'WORKERS')
    expect(workers?.valueFrom?.resourceFieldRef).toEqual({
      containerName: container.name,
      resource: 'limits.cpu',
      divisor: '1',
    })
    expect(Math.ceil(cpuCores(container.resources.limits.cpu))).toBeGreaterThanOrEqual(1)
    expect(configMap.data).not.toHaveProperty('WORKERS')
  })

  it('sets resource requests and limits for CPU and memory', () => {
    const { requests, limits } = container.resources
    for (const key of ['cpu', 'memory']) {
      expect(requests[key], `requests.${key}`).toBeDefined()
      expect(limits[key], `limits.${key}`).toBeDefined()
    }
    expect(cpuCores(requests.cpu)).toBeLessThanOrEqual(cpuCores(limits.cpu))
  })

  it('runs non-root (the image user) with a read-only root filesystem and no privileges', () => {
    expect(pod.spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 1000,
      seccompProfile: { type: 'RuntimeDefault' },
    })
    // uid 1000 is the `node` user of the official Node images, which the Dockerfile switches to.
    const runtime = parseDockerfile(readText('Dockerfile')).stages.at(-1)
    expect(runtime?.instructions.find((i) => i.keyword === 'USER')?.args).toBe('node')
    expect(container.securityContext).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    })
    expect(pod.spec.automountServiceAccountToken).toBe(false)
  })

  it('shuts down gracefully: the grace period covers preStop plus SHUTDOWN_GRACE_S', () => {
    const preStop = container.lifecycle.preStop.exec.command as string[]
    expect(preStop[0]).toBe('sleep')
    const grace = Number(configMap.data.SHUTDOWN_GRACE_S ?? configDefault('SHUTDOWN_GRACE_S'))
    expect(pod.spec.terminationGracePeriodSeconds).toBeGreaterThan(Number(preStop[1]) + grace)
  })

  it('rolls out without losing capacity and leaves replicas to the autoscaler', () => {
    expect(deployment.spec.strategy.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 0 })
    expect(deployment.spec).not.toHaveProperty('replicas')
  })

  it('carries Prometheus scrape annotations for the real /metrics route and port', async () => {
    const a = pod.metadata.annotations
    expect(a['prometheus.io/scrape']).toBe('true')
    expect(Number(a['prometheus.io/port'])).toBe(configDefault('PORT'))
    expect(await app.status('GET', a['prometheus.io/path'])).toBe(200)
  })
})

describe('deploy/k8s: Service, autoscaler and disruption budget', () => {
  const podLabels = pod.metadata.labels

  it('the Deployment selects its own pods', () => {
    expect(podLabels).toMatchObject(deployment.spec.selector.matchLabels)
  })

  it('the Service selects the pods and targets the named container port', () => {
    const svc = byKind('Service')
    expect(podLabels).toMatchObject(svc.spec.selector)
    expect(portNumber(svc.spec.ports[0].targetPort)).toBe(configDefault('PORT'))
  })

  it('the HPA scales this Deployment on CPU, from at least 2 replicas', () => {
    const hpa = byKind('HorizontalPodAutoscaler')
    expect(hpa.spec.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: deployment.metadata.name,
    })
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2)
    expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas)
    expect(hpa.spec.metrics).toContainEqual(
      expect.objectContaining({ type: 'Resource', resource: expect.objectContaining({ name: 'cpu' }) }),
    )
  })

  it('the PDB selects the same pods and still lets a node drain', () => {
    const pdb = byKind('PodDisruptionBudget')
    expect(podLabels).toMatchObject(pdb.spec.selector.matchLabels)
    expect(pdb.spec.minAvailable).toBeLessThan(byKind('HorizontalPodAutoscaler').spec.minReplicas)
  })

  it('the image is set by kustomize (one place to bump for a new model)', () => {
    const image = (kustomization.images as Obj[])[0] as Obj
    const source = readYamlDocs(`${DIR}/deployment.yaml`)[0] as Obj
    expect(source.spec.template.spec.containers[0].image).toBe(image.name)
    expect(container.image).toBe(`${image.newName}:${image.newTag}`)
  })
})

describe('kustomize build', () => {
  itWithTool(
    'kubectl kustomize renders the same objects, the ConfigMap name hashed and referenced',
    TOOLS.kubectl,
    (cmd) => {
      const r = run(cmd, ['kustomize', DIR])
      expectSuccess(r, 'kubectl kustomize')
      const built = parseAllDocuments(r.stdout).map((d) => d.toJS() as Obj)
      expect(built.map((o) => o.kind).sort()).toEqual(objects.map((o) => o.kind).sort())
      const cm = built.find((o) => o.kind === 'ConfigMap') as Obj
      expect(cm.metadata.name).toMatch(new RegExp(`^${configMap.metadata.name}-[a-z0-9]{10}$`))
      expect(cm.data).toEqual(configMap.data)
      const dep = built.find((o) => o.kind === 'Deployment') as Obj
      expect(dep.spec.template.spec.containers[0].envFrom[0].configMapRef.name).toBe(cm.metadata.name)
      expect(dep.spec.template.spec.containers[0].image).toBe(container.image)
      for (const o of built)
        expect(o.metadata.labels['app.kubernetes.io/part-of'], o.kind).toBe('iris-prediction-service')
    },
  )
})
