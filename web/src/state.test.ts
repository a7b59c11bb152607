import { describe, expect, it } from 'vitest'
import { type ChangeSource, createFlowerStore } from './state.js'

describe('flower store', () => {
  it('notifies listeners with the new flower and the source of the change', () => {
    const store = createFlowerStore([1, 2, 3, 4])
    const seen: [readonly number[], ChangeSource][] = []
    const stop = store.subscribe((f, s) => seen.push([f, s]))
    store.set(2, 5, 'slider')
    store.set(2, 5, 'slider') // unchanged: no event
    store.setAll([6, 7, 8, 9], 'example')
    stop()
    store.set(0, 1, 'number')
    expect(seen).toEqual([
      [[1, 2, 5, 4], 'slider'],
      [[6, 7, 8, 9], 'example'],
    ])
  })

  it('refuses non-finite values and wrong lengths', () => {
    const store = createFlowerStore([1, 2, 3, 4])
    expect(() => store.set(0, Number.NaN, 'number')).toThrow('must be finite')
    expect(() => store.set(4, 1, 'number')).toThrow('has no value 4')
    expect(() => store.setAll([1, 2], 'example')).toThrow('needs 4 values, got 2')
  })
})
