import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  localReloader,
  ModelIncompatibleError,
  ModelPathError,
  ModelReloadError,
  reloadModel,
  resolveModelPath,
  SwappableModel,
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

describe('reloadModel', () => {
  it('swaps to a compatible model and tells listeners', async () => {
    const holder = new SwappableModel(fakeModel('v0'), '/m/a.json')
    const seen: string[] = []
    holder.onSwap((m) => seen.push(m.version))
    const outcome = await reloadModel(holder, () => fakeModel('v1'), '/m/b.json')
    expect(outcome).toEqual({ previousVersion: 'v0', version: 'v1', path: '/m/b.json' })
    expect(holder.version).toBe('v1')
    expect(holder.path).toBe('/m/b.json')
    expect(Array.from(holder.predictIndices(new Float64Array(2), 1))).toEqual([1])
    expect(seen).toEqual(['v1'])
  })

  it('refuses other features or other classes and keeps serving the old model', async () => {
    const holder = new SwappableModel(fakeModel('v0'), '/m/a.json')
    await expect(reloadModel(holder, () => fakeModel('v1', ['a', 'c']), '/m/c.json')).rejects.toThrow(
      new ModelIncompatibleError("/m/c.json: classes [a, c] differ from the serving model's [a, b]"),
    )
    await expect(
      reloadModel(holder, () => fakeModel('v1', ['a', 'b'], ['y', 'x']), '/m/d.json'),
    ).rejects.toThrow(/features \[y, x\] differ from the serving model's \[x, y\]/)
    expect(holder.version).toBe('v0')
    expect(holder.path).toBe('/m/a.json')
  })

  it('keeps the old model when the loader fails, and serialises concurrent reloads', async () => {
    const holder = new SwappableModel(fakeModel('v0'), '/m/a.json')
    const order: string[] = []
    const slow = (v: string, ms: number) => async () => {
      order.push(`start ${v}`)
      await new Promise((r) => setTimeout(r, ms))
      order.push(`end ${v}`)
      return fakeModel(v)
    }
    const bad = reloadModel(holder, () => Promise.reject(new Error('truncated')), '/m/x.json')
    const first = reloadModel(holder, slow('v1', 30), '/m/1.json')
    const second = reloadModel(holder, slow('v2', 1), '/m/2.json')
    await expect(bad).rejects.toThrow('truncated')
    await first
    await second
    expect(order).toEqual(['start v1', 'end v1', 'start v2', 'end v2'])
    expect(holder.version).toBe('v2')
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

  it('localReloader reports refusals without absolute paths', async () => {
    const holder = new SwappableModel(fakeModel('v0'), join(root, 'sub', 'm.json'))
    const reload = localReloader(
      holder,
      (p) => {
        throw new Error(`${p}: trees[0].threshold[3] is not finite`)
      },
      root,
    )
    const err = await reload('sub/m.json').catch((e: Error) => e)
    expect(err).toBeInstanceOf(ModelReloadError)
    expect((err as Error).message).toBe(
      'model reload refused, still serving v0: sub/m.json: trees[0].threshold[3] is not finite',
    )
    const ok = await localReloader(holder, () => fakeModel('v1'), root)('sub/m.json')
    expect(ok).toEqual({ previousVersion: 'v0', version: 'v1', file: 'sub/m.json', workers: 1 })
  })
})
