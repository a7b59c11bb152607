/** No stack traces or internal paths in any response, even when the server itself fails (issue 7). */
import { afterEach, describe, expect, it } from 'vitest'
import { LEAK } from '../../dev/fuzz/judge.js'
import { buildApp } from '../../src/api/app.js'
import { createLogger } from '../../src/api/logging.js'
import { loadConfig } from '../../src/config.js'
import { ModelSlot } from '../../src/model/model-slot.js'
import type { PredictionModel } from '../../src/model/types.js'
import { testModel } from '../api/helper.js'

let app: Awaited<ReturnType<typeof buildApp>> | undefined
afterEach(async () => {
  await app?.close()
  app = undefined
})

/** The real model, except that computing fails the way a bug would (with a stack full of paths). */
function brokenModel(real: PredictionModel, fail: () => never): PredictionModel {
  return { ...real, predictProba: fail, predictIndices: fail, explain: fail } as PredictionModel
}

describe('forced server errors', () => {
  const failures: [string, () => never][] = [
    [
      'Error with a path',
      () => {
        throw new Error(`ENOENT: no such file or directory, open '${process.cwd()}/models/secret.json'`)
      },
    ],
    [
      'TypeError',
      () => {
        ;(null as unknown as { x: () => void }).x()
        throw new Error('unreachable')
      },
    ],
    [
      'RangeError',
      () => {
        new Array(-1)
        throw new Error('unreachable')
      },
    ],
  ]
  it.each(failures)('%s: a generic 500, the cause only in the log', async (_name, fail) => {
    const lines: string[] = []
    const config = loadConfig({ LOG_LEVEL: 'info', WEB_ROOT: 'none' })
    const holder = new ModelSlot(brokenModel(await testModel(), fail))
    app = await buildApp(config, holder, {
      logger: createLogger('info', { write: (l: string) => void lines.push(l) }),
    })
    const row = { input: [[5.1, 3.5, 1.4, 0.2]] }
    const infer = { inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP64', data: [5.1, 3.5, 1.4, 0.2] }] }
    const name = holder.current!.name
    for (const [url, payload] of [
      ['/predict', row],
      ['/predict-proba', row],
      ['/explain', row],
      [`/v2/models/${name}/infer`, infer],
    ] as const) {
      const res = await app.inject({ method: 'POST', url, payload })
      expect(res.statusCode, url).toBe(500)
      expect(res.json()).toEqual({ error: 'Internal server error' })
      expect(LEAK.test(res.body)).toBe(false)
      expect(res.body).not.toContain(process.cwd())
    }
    // The operator still gets the cause and the stack, in the log.
    expect(lines.join('\n')).toMatch(/"stack":/)
  })
})

describe('ordinary refusals', () => {
  it('never show internals either', async () => {
    const config = loadConfig({
      LOG_LEVEL: 'silent',
      WEB_ROOT: 'none',
      ADMIN_API_KEYS: 'no-leaks-admin-key-0123',
    })
    app = await buildApp(config, new ModelSlot(await testModel()), { logger: createLogger('silent') })
    const requests = [
      { method: 'GET', url: '/nope/../../etc/passwd' },
      { method: 'DELETE', url: '/predict' },
      { method: 'POST', url: '/predict', payload: '{"input": [[1,2,3,"x"]]}' },
      { method: 'POST', url: '/predict', payload: '{bad json' },
      { method: 'POST', url: '/predict', payload: 'x'.repeat(2_000_000) },
      {
        method: 'POST',
        url: '/predict',
        headers: { 'content-type': 'application/json; charset=nope' },
        payload: '{}',
      },
      {
        method: 'POST',
        url: '/admin/reload',
        headers: { 'x-api-key': 'a' },
        payload: { path: '/etc/passwd' },
      },
      {
        method: 'POST',
        url: '/admin/reload',
        headers: { 'x-api-key': 'a' },
        payload: { path: 'missing.json' },
      },
      { method: 'GET', url: '/v2/models/other' },
      { method: 'GET', url: '/docs/static/../../../package.json' },
    ] as const
    for (const r of requests) {
      const res = await app.inject(r as never)
      expect(res.statusCode, `${r.method} ${r.url}`).toBeGreaterThanOrEqual(400)
      expect(res.statusCode).toBeLessThan(500)
      expect(LEAK.test(res.body), res.body.slice(0, 200)).toBe(false)
      expect(res.body).not.toContain(process.cwd())
    }
  })
})
