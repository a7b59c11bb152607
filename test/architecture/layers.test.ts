/**
 * The layers of src/README.md, checked on the real import graph: data -> ml -> model -> api -> server/cli,
 * each importing only those before it; the engine uses no Node API; the model layer knows files, not
 * processes; scripts/ and bench/ never import the tests.
 */
import { describe, expect, it } from 'vitest'
import { type FileImports, importsOf, layerOf, sourceFiles } from './imports.js'

/** What each layer of src/ may import (itself always). Top-level modules sit between the folders. */
const ALLOWED: Record<string, readonly string[]> = {
  data: [],
  ml: ['data'],
  model: ['data', 'ml'],
  train: ['data', 'ml', 'model'],
  config: [],
  api: ['data', 'ml', 'model', 'train', 'config'],
  server: ['data', 'ml', 'model', 'train', 'config', 'api', 'server'],
  cli: ['data', 'ml', 'model', 'train', 'config', 'api', 'server'],
}

const src = sourceFiles('src').map((f) => importsOf(f))

function offences(files: FileImports[], bad: (f: FileImports, target: string) => boolean): string[] {
  return files.flatMap((f) =>
    [...f.local, ...f.packages].filter((t) => bad(f, t)).map((t) => `${f.file} -> ${t}`),
  )
}

describe('layers', () => {
  it('finds the source files and their imports', () => {
    expect(src.length).toBeGreaterThan(100)
    expect(src.find((f) => f.file === 'src/api/app.ts')?.packages).toContain('fastify')
  })

  it('each layer of src/ imports only the layers before it', () => {
    const found = offences(src, (f, target) => {
      const from = layerOf(f.file)
      const to = layerOf(target)
      if (from === undefined || to === undefined || from === to) return false
      if (f.file.endsWith('.test.ts')) return false
      const allowed = ALLOWED[from]
      return allowed === undefined || !allowed.includes(to)
    })
    expect(found).toEqual([])
  })

  it('the engine (src/ml) is pure: no Node API and no framework', () => {
    const ml = src.filter((f) => f.file.startsWith('src/ml/') && !f.file.endsWith('.test.ts'))
    expect(ml.length).toBeGreaterThan(10)
    expect(offences(ml, (_f, t) => !t.startsWith('src/'))).toEqual([])
  })

  it('the model layer knows files, not processes: no cluster, IPC, child processes or signals', () => {
    const model = src.filter((f) => f.file.startsWith('src/model/') && !f.file.endsWith('.test.ts'))
    const processApis = ['node:cluster', 'node:child_process', 'node:worker_threads', 'node:net', 'node:http']
    expect(offences(model, (_f, t) => processApis.includes(t))).toEqual([])
  })

  it('route files never import process code (src/server)', () => {
    const routes = src.filter((f) => f.file.startsWith('src/api/'))
    expect(offences(routes, (_f, t) => t.startsWith('src/server') || t.startsWith('src/cli'))).toEqual([])
  })

  it('scripts/ and bench/ never import the tests', () => {
    const tools = [...sourceFiles('scripts'), ...sourceFiles('bench')].map((f) => importsOf(f))
    expect(tools.length).toBeGreaterThan(3)
    expect(offences(tools, (_f, t) => t.startsWith('test/') || t.startsWith('e2e/'))).toEqual([])
  })
})

describe('the import reader', () => {
  it('reads static, re-export, dynamic and side-effect imports', () => {
    const text = [
      "import { a } from './a.js'",
      "export { b } from '../b.js'",
      "import type { C } from 'fastify'",
      "const d = await import('node:fs')",
      "import './side.js'",
    ].join('\n')
    const got = importsOf('src/api/x.ts', text)
    expect(got.local).toEqual(['src/api/a.ts', 'src/b.ts', 'src/api/side.ts'])
    expect(got.packages).toEqual(['fastify', 'node:fs'])
  })

  it('names the layer of a file', () => {
    expect(layerOf('src/ml/forest.ts')).toBe('ml')
    expect(layerOf('src/config.ts')).toBe('config')
    expect(layerOf('src/config-rules.ts')).toBe('config')
    expect(layerOf('bench/http.ts')).toBeUndefined()
  })
})
