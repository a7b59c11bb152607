/**
 * The Dockerfile and .dockerignore, checked against the app's real config schema, routes and start command
 * (no Docker engine here; .github/workflows/test-and-build.yml builds and runs the image for real).
 */
import { describe, expect, it } from 'vitest'
import {
  envPairs,
  execForm,
  type Instruction,
  isIgnored,
  parseDockerfile,
  type Stage,
  splitFlags,
} from './dockerfile-parse.js'
import {
  buildProbeApp,
  CONFIG_NAMES,
  checkEnvWithConfig,
  configDefault,
  EXTRA_ENV_NAMES,
  exists,
  readText,
  run,
  runAsync,
  useProbeApp,
} from './support.js'

const dockerfile = parseDockerfile(readText('Dockerfile'))
const dockerignore = readText('.dockerignore')
const runtime = dockerfile.stages[dockerfile.stages.length - 1] as Stage
const all = (stage: Stage, keyword: string): Instruction[] =>
  stage.instructions.filter((i) => i.keyword === keyword)
const one = (stage: Stage, keyword: string): Instruction => {
  const found = all(stage, keyword)
  expect(found, `${keyword} in the runtime stage`).toHaveLength(1)
  return found[0] as Instruction
}
const runtimeEnv: Record<string, string> = Object.assign(
  {},
  ...all(runtime, 'ENV').map((i) => envPairs(i.args)),
)

const app = useProbeApp()

describe('Dockerfile stages', () => {
  it('is multi-stage and runs on a slim Node 24 image', () => {
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2)
    expect(runtime.image).toMatch(/^node:24(\.\d+)*-(bookworm-|trixie-)?slim$/)
    for (const stage of dockerfile.stages) expect(stage.image, `stage ${stage.name}`).toMatch(/^node:24/)
  })

  it('installs with npm ci, builds with the package build script, and ships production dependencies only', () => {
    const runs = dockerfile.stages.flatMap((s) => all(s, 'RUN').map((r) => ({ stage: s.name, args: r.args })))
    expect(runs.some((r) => /\bnpm ci\b/.test(r.args) && !/--omit=dev/.test(r.args))).toBe(true)
    expect(runs.some((r) => /\bnpm run build\b/.test(r.args))).toBe(true)
    expect(JSON.parse(readText('package.json')).scripts.build).toBeTypeOf('string')
    const prodStage = runs.find((r) => /\bnpm ci\b.*--omit=dev/.test(r.args))?.stage
    expect(prodStage, 'a stage running npm ci --omit=dev').toBeTruthy()
    const modulesCopy = all(runtime, 'COPY').find((c) => /node_modules/.test(c.args))
    expect(
      splitFlags(modulesCopy?.args ?? '').flags.from,
      'runtime node_modules come from the --omit=dev stage',
    ).toBe(prodStage)
    expect(all(runtime, 'COPY').some((c) => /\/app\/dist\b/.test(c.args))).toBe(true)
  })

  it('cross-builds without emulation: build stages on $BUILDPLATFORM, no RUN at runtime, no native prod deps', () => {
    for (const stage of dockerfile.stages.slice(0, -1))
      expect(stage.platform, `stage ${stage.name}`).toBe('$BUILDPLATFORM')
    expect(all(runtime, 'RUN')).toEqual([])
    const lock = JSON.parse(readText('package-lock.json')) as {
      packages: Record<string, Record<string, unknown>>
    }
    const nativeProd = Object.entries(lock.packages)
      .filter(
        ([path, p]) => path !== '' && p.dev !== true && (p.os || p.cpu || p.hasInstallScript || p.gypfile),
      )
      .map(([path]) => path)
    expect(nativeProd, 'production packages with native code would need a target-platform npm ci').toEqual([])
  })
})

describe('Dockerfile runtime contract', () => {
  it('runs as a non-root user', () => {
    const user = one(runtime, 'USER').args.split(':')[0]
    expect(user).not.toMatch(/^(root|0)$/)
    // USER comes after every COPY, so the app files stay root-owned and read-only to the process.
    const userLine = one(runtime, 'USER').line
    for (const c of all(runtime, 'COPY')) expect(c.line).toBeLessThan(userLine)
  })

  it('exposes the default PORT of src/config.ts and sets the same PORT', () => {
    expect(one(runtime, 'EXPOSE').args).toBe(String(configDefault('PORT')))
    expect(runtimeEnv.PORT).toBe(String(configDefault('PORT')))
  })

  it('sets only environment variables the app reads, with values its config parser accepts', () => {
    const names = Object.keys(runtimeEnv)
    expect(names).toEqual(expect.arrayContaining(['PORT', 'REQUEST_TIMEOUT_S', 'LOG_LEVEL']))
    for (const name of names)
      expect(CONFIG_NAMES.has(name) || EXTRA_ENV_NAMES.has(name), `${name} in src/config.ts`).toBe(true)
    const appEnv = Object.fromEntries(Object.entries(runtimeEnv).filter(([k]) => CONFIG_NAMES.has(k)))
    expect(() => checkEnvWithConfig(appEnv)).not.toThrow()
  })

  it('HEALTHCHECK asks GET /health with node itself (no curl), with the seed timings', async () => {
    const { flags, rest } = splitFlags(one(runtime, 'HEALTHCHECK').args)
    expect(flags).toMatchObject({ interval: '30s', timeout: '10s', 'start-period': '10s', retries: '3' })
    expect(rest.startsWith('CMD ')).toBe(true)
    const cmd = execForm(rest.slice(4)) as string[]
    expect(cmd.slice(0, 2)).toEqual(['node', '-e'])
    expect(cmd.join(' ')).not.toMatch(/\b(curl|wget)\b/)
    expect(cmd[2]).toContain("'/health'")
    expect(await app.status('GET', '/health')).toBe(200)
  })

  it('HEALTHCHECK command exits 0 against the real app and 1 when nothing answers', async () => {
    const cmd = execForm(splitFlags(one(runtime, 'HEALTHCHECK').args).rest.slice(4)) as string[]
    const server = await buildProbeApp()
    const port = await server.listen()
    const argv = [process.execPath, ...cmd.slice(1)]
    try {
      expect(await runAsync(argv, { PORT: String(port) })).toBe(0)
    } finally {
      await server.close()
    }
    expect(await runAsync(argv, { PORT: String(port) })).toBe(1)
  })

  it('CMD is exactly the production start command (what npm start runs once dist/ is built)', () => {
    const cmd = execForm(one(runtime, 'CMD').args)
    expect(cmd).toEqual(['node', 'dist/server.js'])
    expect(JSON.parse(readText('package.json')).scripts.start).toBe('exec node scripts/start.mjs')
    expect(readText('scripts/start.mjs')).toContain('dist/server.js')
    // dist/server.js is tsc's output for src/server.ts (tsconfig.build.json: rootDir src, outDir dist).
    const build = JSON.parse(readText('tsconfig.build.json')).compilerOptions
    expect([build.rootDir, build.outDir]).toEqual(['src', 'dist'])
    expect(exists('src/server.ts')).toBe(true)
  })

  it("copies the registry's committed stable model to where MODELS_DIR and MODEL_NAME point", () => {
    const registry = String(runtimeEnv.MODELS_DIR || configDefault('MODELS_DIR') || 'models')
    const name = String(runtimeEnv.MODEL_NAME ?? configDefault('MODEL_NAME'))
    const stable = JSON.parse(readText(`${registry}/${name}/aliases.json`)).aliases.stable
    const modelPath = `${registry}/${name}/${stable}/${name}.json`
    const workdir = one(runtime, 'WORKDIR').args
    const copies = all(runtime, 'COPY')
      .filter((c) => !('from' in splitFlags(c.args).flags))
      .map((c) => splitFlags(c.args).rest.split(/\s+/))
    const covering = copies.find(([src, dest]) => {
      const s = (src as string).replace(/\/$/, '')
      const d = (dest as string).replace(/^\.\//, '').replace(/\/$/, '')
      return modelPath === s || (modelPath.startsWith(`${s}/`) && (d === s || d === `${workdir}/${s}`))
    })
    expect(covering, `a COPY bringing ${modelPath} into ${workdir}`).toBeDefined()
    expect(exists(modelPath), `${modelPath} is committed`).toBe(true)
    expect(isIgnored(dockerignore, modelPath)).toBe(false)
  })
})

describe('.dockerignore', () => {
  it('keeps dependencies, VCS data, build output and local clutter out of the context', () => {
    for (const path of [
      'node_modules/fastify/package.json',
      'web/node_modules/x',
      '.git/HEAD',
      'dist/server.js',
      'coverage/index.html',
      'logs/a.log',
      'e2e/screenshots/x.png',
    ]) {
      expect(isIgnored(dockerignore, path), path).toBe(true)
    }
  })

  it('keeps every tracked file that npm ci and npm run build read', () => {
    const tracked = run(
      ['git'],
      [
        'ls-files',
        'package.json',
        'package-lock.json',
        'tsconfig.json',
        'tsconfig.build.json',
        'src',
        'web',
        'models',
      ],
    )
    const files = tracked.stdout.split('\n').filter((f) => f !== '' && !f.endsWith('.test.ts'))
    expect(files).toEqual(
      expect.arrayContaining(['package.json', 'package-lock.json', 'tsconfig.build.json']),
    )
    expect(files.filter((f) => isIgnored(dockerignore, f))).toEqual([])
  })
})
