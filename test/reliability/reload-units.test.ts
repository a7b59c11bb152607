import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  ModelIncompatibleError,
  ModelPathError,
  ModelReloadError,
  ModelReloader,
  resolveModelPath,
} from '../../src/model/reload.js'
import type { PredictionModel } from '../../src/model/types.js'

/** A tiny model that always answers one class: enough to see which model served. */
function fakeModel(version: string, classes = ['a', 'b'], features = ['x', 'y']): PredictionModel {
  const winner = Number(version.slice(-1)) % classes.length
  return {
    name: 'fake',
    version,
    featureNames: features,
    classes,
    nFeatures: features.length,
    nClasses: classes.length,
    metadata: { model_version: version } as PredictionModel['metadata'],
    predictProba: (_rows, n) => {
      const out = new Float64Array(n * classes.length)
      for (let r = 0; r < n; r++) out[r * classes.length + winner] = 1
      return out
    },
    predictIndices: (_rows, n) => new Int32Array(n).fill(winner),
  }
}

/** A slot like the API's ModelSlot, recording swaps. */
function slot(initial: PredictionModel) {
  const swaps: string[] = []
  const s = {
    current: initial as PredictionModel | null,
    swap(next: PredictionModel) {
      s.current = next
      swaps.push(next.version)
    },
  }
  return { s, swaps }
}

describe('ModelReloader', () => {
  it('swaps to a compatible model and remembers the serving file', async () => {
    const { s, swaps } = slot(fakeModel('v0'))
    const reloader = new ModelReloader(s, () => fakeModel('v1'), '/m', '/m/a.json')
    const outcome = await reloader.reloadFile('/m/b.json')
    expect(outcome).toEqual({ previousVersion: 'v0', version: 'v1', path: '/m/b.json' })
    expect(s.current?.version).toBe('v1')
    expect(reloader.path).toBe('/m/b.json')
    expect(Array.from(s.current!.predictIndices(new Float64Array(2), 1))).toEqual([1])
    expect(swaps).toEqual(['v1'])
  })

  it('refuses other features or other classes and keeps serving the old model', async () => {
    const { s, swaps } = slot(fakeModel('v0'))
    const other = new ModelReloader(s, () => fakeModel('v1', ['a', 'c']), '/m', '/m/a.json')
    await expect(other.reloadFile('/m/c.json')).rejects.toThrow(
      new ModelIncompatibleError("/m/c.json: classes [a, c] differ from the serving model's [a, b]"),
    )
    const swapped = new ModelReloader(s, () => fakeModel('v1', ['a', 'b'], ['y', 'x']), '/m', '/m/a.json')
    await expect(swapped.reloadFile('/m/d.json')).rejects.toThrow(
      /features \[y, x\] differ from the serving model's \[x, y\]/,
    )
    expect(s.current?.version).toBe('v0')
    expect(other.path).toBe('/m/a.json')
    expect(swaps).toEqual([])
  })

  it('keeps the old model when the loader fails, and serialises concurrent reloads', async () => {
    const { s } = slot(fakeModel('v0'))
    const order: string[] = []
    const load = async (path: string) => {
      if (path.endsWith('x.json')) throw new Error('truncated')
      const v = path.endsWith('1.json') ? 'v1' : 'v2'
      order.push(`start ${v}`)
      await new Promise((r) => setTimeout(r, v === 'v1' ? 30 : 1))
      order.push(`end ${v}`)
      return fakeModel(v)
    }
    const reloader = new ModelReloader(s, load, '/m', '/m/a.json')
    const bad = reloader.reloadFile('/m/x.json')
    const first = reloader.reloadFile('/m/1.json')
    const second = reloader.reloadFile('/m/2.json')
    await expect(bad).rejects.toThrow('truncated')
    await first
    await second
    expect(order).toEqual(['start v1', 'end v1', 'start v2', 'end v2'])
    expect(s.current?.version).toBe('v2')
  })

  it('loads the first model into an empty slot without a compatibility check', async () => {
    const s = { current: null as PredictionModel | null, swap: (m: PredictionModel) => void (s.current = m) }
    const o = await new ModelReloader(s, () => fakeModel('v3', ['q']), '/m', '/m/a.json').reloadFile()
    expect(o.previousVersion).toBe('none')
    expect(s.current?.version).toBe('v3')
  })
})

describe('resolveModelPath', () => {
  const root = mkdtempSync(join(tmpdir(), 'models-'))
  const outside = mkdtempSync(join(tmpdir(), 'outside-'))
  mkdirSync(join(root, 'sub'))
  writeFileSync(join(root, 'sub', 'm.json'), '{}')
  writeFileSync(join(outside, 'secret.json'), '{}')
  symlinkSync(join(outside, 'secret.json'), join(root, 'link.json'))

  it('resolves relative and absolute paths inside the folder', () => {
    expect(resolveModelPath(root, 'sub/m.json')).toMatch(/sub\/m\.json$/)
    expect(resolveModelPath(root, join(root, 'sub', 'm.json'))).toMatch(/sub\/m\.json$/)
  })

  it('refuses escapes, absolute paths elsewhere, symlinks out, the folder itself and missing files', () => {
    for (const p of [
      '../etc/passwd',
      'sub/../../x.json',
      '/etc/passwd',
      join(outside, 'secret.json'),
      'link.json',
    ]) {
      expect(() => resolveModelPath(root, p), p).toThrow(ModelPathError)
    }
    expect(() => resolveModelPath(root, '.')).toThrow(/outside the models folder/)
    expect(() => resolveModelPath(root, 'nope.json')).toThrow(/does not exist/)
    expect(() => resolveModelPath(root, 'a\0b')).toThrow(ModelPathError)
  })

  it('the local Reloader reports refusals without absolute paths', async () => {
    const { s } = slot(fakeModel('v0'))
    const failing = new ModelReloader(
      s,
      (p: string) => {
        throw new Error(`${p}: trees[0].threshold[3] is not finite`)
      },
      root,
      join(root, 'sub', 'm.json'),
    )
    const err = await failing.local('sub/m.json').catch((e: Error) => e)
    expect(err).toBeInstanceOf(ModelReloadError)
    expect((err as Error).message).toBe(
      'model reload refused, still serving v0: sub/m.json: trees[0].threshold[3] is not finite',
    )
    const ok = await new ModelReloader(s, () => fakeModel('v1'), root, '').local('sub/m.json')
    expect(ok).toEqual({ previousVersion: 'v0', version: 'v1', file: 'sub/m.json', workers: 1 })
  })
})
