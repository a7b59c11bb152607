// The current flower: one store that the sliders write and the other panels (prediction, scatter, "why") read.
// `source` tells listeners why it changed, so the prediction panel can debounce slider moves but answer
// example clicks at once.

export type ChangeSource = 'slider' | 'number' | 'example' | 'init'
export type FlowerListener = (flower: readonly number[], source: ChangeSource) => void

export interface FlowerStore {
  get(): readonly number[]
  set(index: number, value: number, source: ChangeSource): void
  setAll(values: readonly number[], source: ChangeSource): void
  subscribe(listener: FlowerListener): () => void
}

export function createFlowerStore(initial: readonly number[]): FlowerStore {
  let flower: readonly number[] = [...initial]
  const listeners = new Set<FlowerListener>()

  const emit = (source: ChangeSource) => {
    for (const listener of listeners) listener(flower, source)
  }

  return {
    get: () => flower,
    set(index, value, source) {
      if (!Number.isFinite(value)) throw new RangeError(`flower value ${index} must be finite, got ${value}`)
      if (index < 0 || index >= flower.length) throw new RangeError(`flower has no value ${index}`)
      if (flower[index] === value) return
      const next = [...flower]
      next[index] = value
      flower = next
      emit(source)
    },
    setAll(values, source) {
      if (values.length !== flower.length) {
        throw new RangeError(`flower needs ${flower.length} values, got ${values.length}`)
      }
      flower = [...values]
      emit(source)
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}
