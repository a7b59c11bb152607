/**
 * deploy/k8s/auth: the optional kustomize component for access control (API key files from a Secret, JWT
 * settings from another). Checked against the app itself: the variables exist in src/config.ts and pass
 * its start-up rules, the example key files parse as the server would read them at the paths the patch
 * gives, and the patched Deployment is a valid Kubernetes object. `kubectl kustomize` renders an overlay
 * using the component when kubectl is installed.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { Deployment } from 'kubernetes-models/apps/v1/Deployment'
import { describe, expect, it } from 'vitest'
import { parseAllDocuments } from 'yaml'
import { KeyStore } from '../../src/api/security/api-keys-store.js'
import { loadConfig } from '../../src/config.js'
import { CONFIG_NAMES, expectSuccess, itWithTool, readYaml, repoPath, run, TOOLS } from './support.js'

// biome-ignore lint/suspicious/noExplicitAny: manifests are free-form YAML
type Obj = Record<string, any>
const DIR = 'deploy/k8s/auth'
const component = readYaml<Obj>(`${DIR}/kustomization.yaml`)
const patch = readYaml<Obj>(`${DIR}/deployment-patch.yaml`)
const deployment = readYaml<Obj>('deploy/k8s/deployment.yaml')
const patched = patch.spec.template.spec.containers[0] as Obj
const generator = (name: string): Obj => component.secretGenerator.find((g: Obj) => g.name === name)

/** The patch applied as kubectl's strategic merge would: env by name, mounts by path, volumes by name. */
function merged(): Obj {
  const d = structuredClone(deployment)
  const c = d.spec.template.spec.containers[0]
  const byKey = (base: Obj[] = [], add: Obj[] = [], key: string) => [
    ...base.filter((b) => !add.some((a) => a[key] === b[key])),
    ...add,
  ]
  c.env = byKey(c.env, patched.env, 'name')
  c.envFrom = patched.envFrom
  c.volumeMounts = byKey(c.volumeMounts, patched.volumeMounts, 'mountPath')
  d.spec.template.spec.volumes = byKey(d.spec.template.spec.volumes, patch.spec.template.spec.volumes, 'name')
  return d
}

describe('deploy/k8s/auth', () => {
  it('is a kustomize Component patching the Deployment of deploy/k8s', () => {
    expect(component.kind).toBe('Component')
    expect(patch.metadata.name).toBe(deployment.metadata.name)
    expect(patched.name).toBe(deployment.spec.template.spec.containers[0].name)
    // envFrom has no merge key: the patch must keep the ConfigMap reference of the base.
    expect(patched.envFrom).toContainEqual({ configMapRef: { name: 'iris-api-config' } })
    expect(patched.envFrom).toContainEqual({ secretRef: { name: 'iris-api-jwt' } })
  })

  it('names only settings the app has, and gives key file paths inside the mounted Secret', () => {
    const env = Object.fromEntries((patched.env as Obj[]).map((e) => [e.name, e.value]))
    for (const name of Object.keys(env)) expect(CONFIG_NAMES.has(name), name).toBe(true)
    const mount = patched.volumeMounts[0]
    const volume = patch.spec.template.spec.volumes.find((v: Obj) => v.name === mount.name)
    expect(volume.secret.secretName).toBe('iris-api-keys')
    expect(mount.readOnly).toBe(true)
    expect(mount.subPath).toBeUndefined() // subPath mounts never see Secret updates: no rotation
    const files = (generator('iris-api-keys').files as string[]).map((f) => f.split('=')[0])
    expect(generator('iris-api-keys').options.disableNameSuffixHash).toBe(true)
    for (const variable of ['API_KEYS_FILE', 'ADMIN_API_KEYS_FILE']) {
      expect(env[variable]?.startsWith(`${mount.mountPath}/`), variable).toBe(true)
      expect(files).toContain(env[variable].slice(mount.mountPath.length + 1))
    }
  })

  it('its example key files parse as the server reads them, and its JWT settings pass the start-up rules', () => {
    const source = (target: string) =>
      repoPath(
        DIR,
        (generator('iris-api-keys').files as string[])
          .find((f) => f.startsWith(`${target}=`))!
          .split('=')[1]!,
      )
    const store = new KeyStore({
      apiKeys: '',
      adminApiKeys: '',
      apiKeysFile: source('api-keys.json'),
      adminApiKeysFile: source('admin-keys.txt'),
    })
    expect(store.size).toBe(4)
    expect(store.grants('admin')).toBe(true)
    const jwt = Object.fromEntries(
      (generator('iris-api-jwt').literals as string[]).map((l) => l.split(/=(.*)/s)),
    )
    expect(Object.keys(jwt).sort()).toEqual(['JWT_AUDIENCE', 'JWT_ISSUER', 'JWT_JWKS_URL', 'JWT_RATE_TIERS'])
    expect(() => loadConfig(jwt)).not.toThrow()
  })

  it('the patched Deployment is a valid object', () => {
    expect(() => new Deployment(merged() as never).validate()).not.toThrow()
  })

  itWithTool('kubectl kustomize renders an overlay using the component', TOOLS.kubectl, (cmd) => {
    const overlay = mkdtempSync(join(tmpdir(), 'iris-auth-overlay-'))
    writeFileSync(
      join(overlay, 'kustomization.yaml'),
      // kustomize takes no absolute roots: the overlay names the base and the component relative to itself.
      `resources:\n  - ${relative(overlay, repoPath('deploy/k8s'))}\ncomponents:\n  - ${relative(overlay, repoPath(DIR))}\n`,
    )
    const r = run(cmd, ['kustomize', overlay])
    expectSuccess(r, 'kubectl kustomize')
    const docs = parseAllDocuments(r.stdout).map((d) => d.toJS() as Obj)
    const secret = docs.find((d) => d.kind === 'Secret' && d.metadata.name === 'iris-api-keys')
    expect(Object.keys(secret?.data ?? {}).sort()).toEqual(['admin-keys.txt', 'api-keys.json'])
    const rendered = docs.find((d) => d.kind === 'Deployment')!
    const c = rendered.spec.template.spec.containers[0]
    expect(c.envFrom.map((e: Obj) => e.configMapRef?.name ?? e.secretRef?.name)).toEqual([
      expect.stringMatching(/^iris-api-config/),
      expect.stringMatching(/^iris-api-jwt-/),
    ])
    expect(c.env.map((e: Obj) => e.name)).toEqual(expect.arrayContaining(['WORKERS', 'API_KEYS_FILE']))
  })
})
