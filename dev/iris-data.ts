/** The committed Iris data, read once through our CSV loader, for engine tests and benchmarks. */
import { readFileSync } from 'node:fs'
import { parseLabelledCsv } from '../src/data/csv.js'

const IRIS_PATH = new URL('../data/iris.csv', import.meta.url)
const iris = parseLabelledCsv(readFileSync(IRIS_PATH, 'utf8'), { source: 'data/iris.csv' })

export const X: number[][] = iris.X
export const y: string[] = iris.y

/** The elements of `a` at positions `idx`, in that order. */
export const pick = <T>(a: readonly T[], idx: readonly number[]): T[] => idx.map((i) => a[i]!)
