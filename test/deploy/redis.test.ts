/**
 * The optional Redis for rate limits shared by every replica: the Compose `redis` profile and the
 * kustomize component deploy/k8s/redis, checked against the Kubernetes schema, the base manifests, the
 * app's config parser and a real redis-server started with the very flags both files give it. Also the
 * TRUST_PROXY the base kustomization sets for pods behind an ingress.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { Deployment } from 'kubernetes-models/apps/v1/Deployment'
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy'
import { Service } from 'kubernetes-models/v1/Service'
import { describe, expect, it } from 'vitest'
import { parseAllDocuments, parse as parseYaml } from 'yaml'
import { parseTrustProxy } from '../../src/api/security/trust-proxy.js'
import { loadConfig } from '../../src/config.js'
import { redisBinary, startRedis } from '../support/redis-server.js'
import {
  checkEnvWithConfig,
  expectSuccess,
  itWithTool,
  readText,
  readYaml,
  readYamlDocs,
  repoPath,
  run,
  TOOLS,
} from './support.js'

// biome-ignore lint/suspicious/noExplicitAny: manifests are free-form YAML; the schema check types them
type Obj = Record<string, any>

const literalsOf = (gen: Obj): Record<string, string> =>
  Object.fromEntries((gen.literals as string[]).map((l) => l.split(/=(.*)/s).slice(0, 2)))

/** Compose's ${VAR:-default} interpolation, enough for this file. */
const interpolate = (text: string, env: Record<string, string>) =>
  text.replace(/\$\{(\w+)(?::?-([^}]*))?\}/g, (_, n: string, d: string | undefined) => env[n] ?? d ?? '')
const compose = (env: Record<string, string> = {}) =>
  parseYaml(interpolate(readText('docker-compose.yml'), env)) as { services: Record<string, Obj> }

const component = readYaml<Obj>('deploy/k8s/redis/kustomization.yaml')
const componentObjects = (component.resources as string[]).flatMap((f) =>
  readYamlDocs(`deploy/k8s/redis/${f}`),
)
const byKind = (kind: string) => componentObjects.find((o) => o.kind === kind) as Obj
const redisDeployment = byKind('Deployment')
const redisPod = redisDeployment.spec.template
const redisContainer = redisPod.spec.containers[0] as Obj
const redisService = byKind('Service')
const policy = byKind('NetworkPolicy')
const base = readYaml<Obj>('deploy/k8s/kustomization.yaml')
const apiDeployment = readYamlDocs('deploy/k8s/deployment.yaml')[0] as Obj
const baseLiterals = literalsOf((base.configMapGenerator as Obj[])[0] as Obj)
const redisUrl = literalsOf((component.configMapGenerator as Obj[])[0] as Obj).REDIS_URL as string

/** The Redis flags: the Compose command without the program name; the pod's args. */
const composeFlags = ((compose().services.redis as Obj).command as string[]).slice(1)
const podFlags = redisContainer.args as string[]

describe('docker-compose.yml: the redis profile', () => {
  const services = compose().services
  it('runs Redis only under the redis profile, unpublished, on the API network, hardened', () => {
    const redis = services.redis as Obj
    expect(redis.profiles).toEqual(['redis'])
    expect(redis.ports).toBeUndefined()
    expect(redis.networks).toEqual(services['iris-api']?.networks)
    expect(redis.read_only).toBe(true)
    expect(redis.security_opt).toContain('no-new-privileges:true')
    expect(redis.healthcheck.test).toEqual(['CMD', 'redis-cli', 'ping'])
    expect(redis.command[0]).toBe('redis-server')
  })

  it('the API gets REDIS_URL (empty by default: counts per instance) and accepts the Redis service URL', () => {
    const env = (e: Record<string, string>) =>
      Object.fromEntries(
        Object.entries(compose(e).services['iris-api']?.environment ?? {}).map(([k, v]) => [k, String(v)]),
      )
    expect(loadConfig(env({})).REDIS_URL).toBe('')
    expect(loadConfig(env({})).TRUST_PROXY).toBe('off')
    const shared = loadConfig(env({ REDIS_URL: 'redis://redis:6379', RATE_LIMIT_MAX: '600' }))
    expect(shared.REDIS_URL).toBe('redis://redis:6379')
    expect(shared.RATE_LIMIT_MAX).toBe(600)
    expect(new URL(shared.REDIS_URL).hostname).toBe('redis')
  })

  itWithTool('docker-compose config accepts the redis profile', TOOLS.compose, (cmd) => {
    expectSuccess(run(cmd, ['--profile', 'redis', 'config', '-q']), 'docker-compose --profile redis config')
  })
})

describe('deploy/k8s/redis: the optional component', () => {
  it('is a kustomize Component, not part of the base (Redis stays optional)', () => {
    expect(component.kind).toBe('Component')
    expect(component.apiVersion).toBe('kustomize.config.k8s.io/v1alpha1')
    expect(base.resources).not.toContain('redis')
    expect(base.components ?? []).not.toContain('redis')
  })

  it('every object passes the Kubernetes API schema', () => {
    expect(componentObjects.map((o) => o.kind).sort()).toEqual(['Deployment', 'NetworkPolicy', 'Service'])
    new Deployment(redisDeployment as never).validate()
    new Service(redisService as never).validate()
    new NetworkPolicy(policy as never).validate()
  })

  it('the API is pointed at the Service by the merged ConfigMap literal, in a form the app accepts', () => {
    const gen = (component.configMapGenerator as Obj[])[0] as Obj
    expect(gen.name).toBe((base.configMapGenerator as Obj[])[0]?.name)
    expect(gen.behavior).toBe('merge')
    const url = new URL(redisUrl)
    expect(url.hostname).toBe(redisService.metadata.name)
    expect(Number(url.port)).toBe(redisService.spec.ports[0].port)
    expect(() => checkEnvWithConfig({ ...baseLiterals, REDIS_URL: redisUrl })).not.toThrow()
  })

  it('the Service and the NetworkPolicy select the Redis pod; only API pods may connect', () => {
    const podLabels = redisPod.metadata.labels as Record<string, string>
    expect(redisDeployment.spec.selector.matchLabels).toEqual(podLabels)
    expect(redisService.spec.selector).toEqual(podLabels)
    expect(redisService.spec.ports[0].targetPort).toBe(redisContainer.ports[0].name)
    expect(policy.spec.podSelector.matchLabels).toEqual(podLabels)
    const from = policy.spec.ingress[0].from[0].podSelector.matchLabels as Record<string, string>
    expect(from).toEqual(apiDeployment.spec.template.metadata.labels)
    // The API and Redis pods do not select each other.
    expect(apiDeployment.spec.selector.matchLabels).not.toEqual(podLabels)
  })

  it('runs like the API pod: non-root, read-only root filesystem, no capabilities, no token', () => {
    expect(redisPod.spec.automountServiceAccountToken).toBe(false)
    expect(redisPod.spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    })
    expect(redisContainer.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    })
    expect(redisContainer.resources.limits).toHaveProperty('memory')
  })

  it('Compose and Kubernetes give Redis the same flags, and the same image', () => {
    expect(podFlags).toEqual(composeFlags)
    expect(redisContainer.image).toBe(compose().services.redis?.image)
  })

  itWithTool('kubectl kustomize renders the base with the component added', TOOLS.kubectl, (cmd) => {
    // What `kustomize edit add component redis` does, on a copy of deploy/k8s.
    const dir = mkdtempSync(join(tmpdir(), 'iris-k8s-'))
    try {
      cpSync(repoPath('deploy/k8s'), dir, { recursive: true })
      const file = join(dir, 'kustomization.yaml')
      writeFileSync(file, `${readFileSync(file, 'utf8')}\ncomponents:\n  - redis\n`)
      const r = run(cmd, ['kustomize', dir])
      expectSuccess(r, 'kubectl kustomize (with redis)')
      const rendered = parseAllDocuments(r.stdout).map((d) => d.toJS() as Obj)
      const cm = rendered.find((o) => o.kind === 'ConfigMap') as Obj
      expect(cm.data.REDIS_URL).toBe(redisUrl)
      expect(cm.data.TRUST_PROXY).toBe(baseLiterals.TRUST_PROXY)
      const api = rendered.find(
        (o) => o.kind === 'Deployment' && o.metadata.name === apiDeployment.metadata.name,
      )
      expect(JSON.stringify(api)).toContain(cm.metadata.name)
      expect(
        rendered
          .filter((o) => o.metadata.name === 'iris-redis')
          .map((o) => o.kind)
          .sort(),
      ).toEqual(['Deployment', 'NetworkPolicy', 'Service'])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe.skipIf(redisBinary() === undefined)('the Redis flags on a real redis-server', () => {
  it('start a server that persists nothing and evicts the keys closest to expiry', async () => {
    const server = await startRedis(undefined, podFlags)
    const client = new Redis({ port: server.port, host: '127.0.0.1' })
    try {
      expect(await client.config('GET', 'save')).toEqual(['save', ''])
      expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'no'])
      expect(await client.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'volatile-ttl'])
      expect(await client.config('GET', 'maxmemory')).toEqual(['maxmemory', String(64 * 1024 * 1024)])
    } finally {
      client.disconnect()
      await server.stop()
    }
  })
})

describe('TRUST_PROXY in the base kustomization (pods behind an ingress)', () => {
  it('trusts exactly one proxy (the ingress controller) and the app accepts it', () => {
    expect(baseLiterals.TRUST_PROXY).toBe('1')
    expect(() => checkEnvWithConfig(baseLiterals)).not.toThrow()
    const trust = parseTrustProxy(baseLiterals.TRUST_PROXY as string)
    expect(trust?.('10.244.1.5', 0)).toBe(true)
    expect(trust?.('6.6.6.6', 1)).toBe(false)
  })
})
