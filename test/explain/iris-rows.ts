/** Iris from data/iris.csv via the data layer, as one row-major Float64Array plus CART-like thresholds. */
import { fileURLToPath } from 'node:url'
import { type LoadedDataset, loadLabelledCsv } from '../../src/data/index.js'

export interface IrisRows {
  dataset: LoadedDataset
  rows: Float64Array
  nRows: number
  /** Per feature, midpoints between consecutive distinct values: the thresholds a CART builder picks. */
  perFeature: number[][]
}

export async function irisRows(): Promise<IrisRows> {
  const dataset = await loadLabelledCsv(fileURLToPath(new URL('../../data/iris.csv', import.meta.url)))
  const nRows = dataset.X.length
  const rows = Float64Array.from(dataset.X.flat())
  const perFeature = dataset.featureNames.map((_, f) => {
    const values = [...new Set(dataset.X.map((row) => row[f]!))].sort((a, b) => a - b)
    return values.slice(1).map((v, i) => (values[i]! + v) / 2)
  })
  return { dataset, rows, nRows, perFeature }
}
