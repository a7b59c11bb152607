/**
 * docker-compose.yml: the seed's features, scaling with --scale, the monitoring profile, and values that
 * match the app's config schema, routes and the Dockerfile. `docker-compose config` (Compose v1, Debian) or
 * `docker compose config` (v2) validates the file itself.
 */
import { describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { envPairs, parseDockerfile } from './dockerfile-parse.js'
import {
  buildProbeApp,
  CONFIG_NAMES,
  checkEnvWithConfig,
  configDefault,
  exists,
  expectSuccess,
  itWithTool,
  readText,
  run,
  runAsync,
  TOOLS,
  useProbeApp,
} from './support.js'

type Service = Record<string, unknown> & {
  environment?: Record<string, string>
  ports?: string[]
  volumes?: string[]
  profiles?: string[]
  healthcheck?: Record<string, unknown>
  logging?: { driver: string; options: Record<string, string> }
  networks?: string[]
}
const raw = readText('docker-compose.yml')

/** Compose's ${VAR:-default} / ${VAR-default} / ${VAR} interpolation. */
function interpolate(text: string, env: Record<string, string>): string {
  return text.replace(
    /\$\{(\w+)(?::?-([^}]*))?\}/g,
    (_, name: string, def: string | undefined) => env[name] ?? def ?? '',
  )
}
const compose = (env: Record<string, string> = {}) =>
  parseYaml(interpolate(raw, env)) as {
    services: Record<string, Service>
    networks: Record<string, unknown>
    volumes: Record<string, unknown>
  }
const services = compose().services
const api = services['iris-api'] as Service
const runtimeStage = parseDockerfile(readText('Dockerfile')).stages.at(-1)
const workdir = runtimeStage?.instructions.find((i) => i.keyword === 'WORKDIR')?.args ?? ''

const app = useProbeApp()

describe('docker-compose.yml: the API service', () => {
  it('builds this Dockerfile and names the image', () => {
    expect(api.build).toMatchObject({ context: '.', dockerfile: 'Dockerfile' })
    expect(api.image).toBe('iris-prediction-service:latest')
  })

  it('publishes the container port the app listens on (PORT default and Dockerfile EXPOSE)', () => {
    const port = String(configDefault('PORT'))
    expect(api.ports).toEqual([`8000:${port}`])
    expect(api.environment?.PORT).toBe(port)
    expect(runtimeStage?.instructions.find((i) => i.keyword === 'EXPOSE')?.args).toBe(port)
  })

  it('scales with --scale: no container_name, the host port comes from a variable that takes a range', () => {
    expect(api).not.toHaveProperty('container_name')
    expect(raw).toMatch(/- "\$\{IRIS_HOST_PORT:-8000\}:8000"/)
    expect(compose({ IRIS_HOST_PORT: '8000-8002' }).services['iris-api']?.ports).toEqual(['8000-8002:8000'])
  })

  it('passes only variables the app knows, with values its config parser accepts', () => {
    // Compose hands every value to the container as a string.
    const env = Object.fromEntries(Object.entries(api.environment ?? {}).map(([k, v]) => [k, String(v)]))
    expect(Object.keys(env)).toEqual(
      expect.arrayContaining(['PORT', 'WORKERS', 'REQUEST_TIMEOUT_S', 'LOG_LEVEL']),
    )
    for (const name of Object.keys(env)) expect(CONFIG_NAMES.has(name), `${name} in src/config.ts`).toBe(true)
    expect(() => checkEnvWithConfig(env)).not.toThrow()
    // The Dockerfile's defaults and the Compose ones agree where both are set.
    const imageEnv = Object.assign(
      {},
      ...(runtimeStage?.instructions ?? []).filter((i) => i.keyword === 'ENV').map((i) => envPairs(i.args)),
    )
    for (const [k, v] of Object.entries(env)) if (k in imageEnv) expect(v, k).toBe(imageEnv[k])
  })

  it('mounts the model registry (read-only, where MODELS_DIR points) and logs', () => {
    const modelDir = String(api.environment?.MODELS_DIR || configDefault('MODELS_DIR') || 'models').split(
      '/',
    )[0]
    expect(api.volumes).toContain(`./${modelDir}:${workdir}/${modelDir}:ro`)
    expect(api.volumes).toContain(`iris-logs:${workdir}/logs`)
    expect(compose().volumes).toHaveProperty('iris-logs')
  })

  it('rotates json-file logs (10m x 3), restarts unless stopped, and joins the network', () => {
    expect(api.logging).toEqual({ driver: 'json-file', options: { 'max-size': '10m', 'max-file': '3' } })
    expect(api.restart).toBe('unless-stopped')
    expect(api.networks).toEqual(['iris-net'])
    expect(compose().networks).toHaveProperty('iris-net')
  })

  it('runs hardened like the Kubernetes pod: read-only root filesystem, no capabilities', () => {
    expect(api.read_only).toBe(true)
    expect(api.tmpfs).toEqual(['/tmp'])
    expect(api.cap_drop).toEqual(['ALL'])
    expect(api.security_opt).toContain('no-new-privileges:true')
  })

  it('health check: node fetches /health every 30 s (10 s timeout, 3 retries, 10 s start period)', async () => {
    const hc = api.healthcheck as { test: string[] } & Record<string, unknown>
    expect(hc).toMatchObject({ interval: '30s', timeout: '10s', retries: 3, start_period: '10s' })
    expect(hc.test.slice(0, 3)).toEqual(['CMD', 'node', '-e'])
    expect(hc.test.join(' ')).not.toMatch(/\b(curl|wget)\b/)
    const url = /'(http:\/\/127\.0\.0\.1:8000(\/[^']*))'/.exec(hc.test[3] as string)
    expect(url?.[2]).toBe('/health')
    // Run the exact command against the real app (on a free port instead of 8000).
    const server = await buildProbeApp()
    const port = await server.listen()
    const script = (hc.test[3] as string).replace(':8000/', `:${port}/`)
    try {
      expect(await runAsync([process.execPath, '-e', script])).toBe(0)
    } finally {
      await server.close()
    }
    expect(await runAsync([process.execPath, '-e', script])).toBe(1)
  })

  it('stops gracefully: stop_grace_period exceeds SHUTDOWN_GRACE_S', () => {
    const grace = Number(api.environment?.SHUTDOWN_GRACE_S ?? configDefault('SHUTDOWN_GRACE_S'))
    expect(Number.parseInt(String(api.stop_grace_period), 10)).toBeGreaterThan(grace)
  })
})

describe('docker-compose.yml: the monitoring profile', () => {
  it('puts Prometheus and Grafana behind the monitoring profile and nothing else', () => {
    expect(services.prometheus?.profiles).toEqual(['monitoring'])
    expect(services.grafana?.profiles).toEqual(['monitoring'])
    expect(api.profiles).toBeUndefined()
  })

  it('mounts configuration files that exist in the repository', () => {
    const binds = [...(services.prometheus?.volumes ?? []), ...(services.grafana?.volumes ?? [])]
      .map((v) => v.split(':')[0] as string)
      .filter((src) => src.startsWith('./'))
    expect(binds.length).toBeGreaterThanOrEqual(3)
    for (const src of binds) expect(exists(src), src).toBe(true)
  })

  it('Grafana opens the provisioned dashboard', () => {
    const home = services.grafana?.environment?.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH as string
    const mount = (services.grafana?.volumes ?? []).find((v) =>
      home.startsWith(`${v.split(':')[1]}/`),
    ) as string
    expect(mount, 'a volume holding the home dashboard').toBeDefined()
    const [src, dest] = mount.split(':') as [string, string]
    expect(exists(home.replace(dest, src))).toBe(true)
  })

  it('the API serves the /metrics that Prometheus scrapes', async () => {
    expect(await app.status('GET', '/metrics')).toBe(200)
  })
})

describe('docker-compose validates', () => {
  itWithTool(
    'docker-compose config accepts the file (default and monitoring profile)',
    TOOLS.compose,
    (cmd) => {
      expectSuccess(run(cmd, ['config', '-q']), 'docker-compose config')
      expectSuccess(
        run(cmd, ['--profile', 'monitoring', 'config', '-q']),
        'docker-compose --profile monitoring config',
      )
    },
  )

  itWithTool('docker-compose resolves a port range for scaling', TOOLS.compose, (cmd) => {
    const r = run(cmd, ['config'], { IRIS_HOST_PORT: '8000-8002' })
    expectSuccess(r, 'docker-compose config')
    const resolved = parseYaml(r.stdout) as { services: Record<string, { ports: unknown[] }> }
    expect(JSON.stringify(resolved.services['iris-api']?.ports)).toMatch(/8000-8002/)
  })
})
