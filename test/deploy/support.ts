/**
 * Shared helpers for the deployment tests: the repository root, YAML/text readers, the external validators
 * (promtool, yamllint, shellcheck, docker-compose, kubectl) and the app's real routes and config schema.
 * A validator that is not installed skips its test locally (with a note on stderr) but fails under CI=true,
 * where .ci/run installs them all.
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, it } from 'vitest'
import { parseAllDocuments, parse as parseYaml } from 'yaml'
import { ApiMetrics } from '../../src/api/metrics/index.js'
import { ConfigSchema, loadConfig } from '../../src/config.js'
import { ModelSlot } from '../../src/model/model-slot.js'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const IN_CI = /^(1|true)$/i.test(process.env.CI ?? '')

export const repoPath = (...parts: string[]): string => join(ROOT, ...parts)
export const readText = (path: string): string => readFileSync(repoPath(path), 'utf8')
export const readYaml = <T = Record<string, unknown>>(path: string): T => parseYaml(readText(path)) as T
export const readYamlDocs = (path: string): Record<string, unknown>[] =>
  parseAllDocuments(readText(path)).map((d) => d.toJS() as Record<string, unknown>)
export const exists = (path: string): boolean => existsSync(repoPath(path))

// --- the app's configuration schema ---

/** Every environment variable name src/config.ts knows. */
export const CONFIG_NAMES: ReadonlySet<string> = new Set(Object.keys(ConfigSchema.properties))

/** Environment variables read outside src/config.ts (security options parsed where they are used). */
export const EXTRA_ENV_NAMES: ReadonlySet<string> = new Set(['NODE_ENV', 'MALLOC_ARENA_MAX'])

/** The schema default of one setting, e.g. configDefault('PORT') === 8000. */
export function configDefault(name: string): unknown {
  const schema = (ConfigSchema.properties as Record<string, { default?: unknown }>)[name]
  if (schema === undefined) throw new Error(`${name} is not in src/config.ts ConfigSchema`)
  return schema.default
}

/** Validate a set of variables with the app's own parser (throws ConfigError naming the bad one). */
export function checkEnvWithConfig(env: Record<string, string>): void {
  loadConfig(env)
}

// --- the app's real routes ---

export interface AppProbe {
  hasRoute(method: string, url: string): boolean
  status(method: string, url: string): Promise<number>
  metricsText(): Promise<string>
  /** Listen on 127.0.0.1 on a free port; returns the port. */
  listen(): Promise<number>
  close(): Promise<void>
}

/** The probe app for the calling test file: built before its tests run, closed after them. */
export function useProbeApp(): AppProbe {
  let app: AppProbe | undefined
  beforeAll(async () => {
    app = await buildProbeApp()
  })
  afterAll(async () => {
    await app?.close()
  })
  const built = (): AppProbe => {
    if (app === undefined) throw new Error('the probe app is built in beforeAll; use it inside a test')
    return app
  }
  return {
    hasRoute: (method, url) => built().hasRoute(method, url),
    status: (method, url) => built().status(method, url),
    metricsText: () => built().metricsText(),
    listen: () => built().listen(),
    close: () => built().close(),
  }
}

/** The real Fastify app with no model loaded (as during start-up), built the way src/server.ts builds it. */
export async function buildProbeApp(): Promise<AppProbe> {
  const { buildApp } = await import('../../src/api/app.js')
  const config = loadConfig({ LOG_LEVEL: 'silent', WORKERS: '1' })
  const models = new ModelSlot(null)
  const metrics = new ApiMetrics({ defaultMetrics: false, currentModel: () => models.current })
  const app = await buildApp(config, models, { metrics })
  await app.ready()
  return {
    hasRoute: (method, url) => app.hasRoute({ method: method.toUpperCase() as 'GET', url }),
    status: async (method, url) =>
      (await app.inject({ method: method.toUpperCase() as 'GET', url })).statusCode,
    metricsText: async () => (await app.inject({ method: 'GET', url: '/metrics' })).body,
    listen: async () => {
      await app.listen({ host: '127.0.0.1', port: 0 })
      const address = app.server.address()
      if (address === null || typeof address === 'string') throw new Error('no TCP address')
      return address.port
    },
    close: () => app.close(),
  }
}

// --- external validators ---

export interface ToolRun {
  status: number | null
  stdout: string
  stderr: string
}

export function run(
  cmd: readonly string[],
  args: readonly string[],
  env: Record<string, string> = {},
): ToolRun {
  const r = spawnSync(cmd[0] as string, [...cmd.slice(1), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 60_000,
  })
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' }
}

/** Run a command without blocking the event loop (an in-process server must keep answering); exit code. */
export function runAsync(
  argv: readonly string[],
  env: Record<string, string> = {},
  timeoutMs = 15_000,
): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0] as string, argv.slice(1), {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: 'ignore',
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', reject)
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve(code)
    })
  })
}

/** The first of these command lines that answers `--version` (or the given probe args), else null. */
export function findTool(
  candidates: readonly (readonly string[])[],
  probe: readonly string[] = ['--version'],
): string[] | null {
  for (const cmd of candidates) {
    const r = spawnSync(cmd[0] as string, [...cmd.slice(1), ...probe], { encoding: 'utf8', timeout: 20_000 })
    if (r.status === 0) return [...cmd]
  }
  return null
}

/**
 * A test that needs an external validator: skipped locally when it is missing (said on stderr), a failure
 * under CI=true, where .ci/run installs it.
 */
export function itWithTool(
  title: string,
  tool: {
    name: string
    candidates: readonly (readonly string[])[]
    install: string
    probe?: readonly string[]
    /** false: skipped even under CI when missing (the files are still checked by parsing). */
    requiredInCi?: boolean
  },
  fn: (cmd: string[]) => void | Promise<void>,
  timeout = 60_000,
): void {
  const cmd = findTool(tool.candidates, tool.probe)
  if (cmd === null && (!IN_CI || tool.requiredInCi === false)) {
    process.stderr.write(
      `deploy tests: ${tool.name} not found, skipping "${title}" (install: ${tool.install})\n`,
    )
    it.skip(title, () => {})
    return
  }
  it(
    title,
    async () => {
      if (cmd === null)
        throw new Error(`${tool.name} is required under CI=true but was not found (install: ${tool.install})`)
      await fn(cmd)
    },
    timeout,
  )
}

export const TOOLS = {
  promtool: { name: 'promtool', candidates: [['promtool']], install: 'apt-get install prometheus' },
  yamllint: { name: 'yamllint', candidates: [['yamllint']], install: 'apt-get install yamllint' },
  shellcheck: { name: 'shellcheck', candidates: [['shellcheck']], install: 'apt-get install shellcheck' },
  compose: {
    name: 'docker-compose',
    candidates: [['docker-compose'], ['docker', 'compose']],
    install: 'apt-get install docker-compose (or the docker compose plugin)',
    probe: ['version'],
  },
  kubectl: {
    name: 'kubectl',
    candidates: [['kubectl']],
    install: 'kubectl (for `kubectl kustomize`)',
    probe: ['version', '--client'],
    // Not in Debian's current archive at a version whose kustomize reads this kustomization; the manifests
    // are also checked by parsing them in k8s.test.ts.
    requiredInCi: false,
  },
} as const

/** Fail with the tool's own words. */
export function expectSuccess(r: ToolRun, what: string): void {
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`)
}
