/** Seeded traffic for the drift tests and the drift benchmark: rows resampled from data/iris.csv, shifted or not. */
import { readFileSync } from 'node:fs'
import { parseLabelledCsv } from '../../src/data/csv.js'
import type { Random } from '../../src/ml/random.js'

const iris = parseLabelledCsv(readFileSync(new URL('../../data/iris.csv', import.meta.url), 'utf8'), {
  source: 'data/iris.csv',
})
export const IRIS_X: number[][] = iris.X
export const IRIS_Y: string[] = iris.y

/** n rows drawn with replacement from `pool` (default: all of data/iris.csv). */
export function resample(rng: Random, n: number, pool: readonly number[][] = IRIS_X): number[][] {
  return Array.from({ length: n }, () => [...pool[Math.floor(rng.nextFloat() * pool.length)]!])
}

/** The same rows with `delta` added to feature `f`. */
export function shift(rows: number[][], f: number, delta: number): number[][] {
  return rows.map((r) => r.map((v, j) => (j === f ? v + delta : v)))
}

/** The rows of one species only. */
export function species(name: string): number[][] {
  return IRIS_X.filter((_, i) => IRIS_Y[i] === name)
}
