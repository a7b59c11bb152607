import { readSummary, type SummaryInfo } from './summary-info.js'

// GET /model -> the facts the page needs, read defensively: the metadata fields may sit at the top level
// or under `metadata`, and older models may lack some of them (shown as "not recorded", never invented).

export interface ClassReport {
  name: string
  precision: number | null
  recall: number | null
  f1: number | null
  support: number | null
}

export interface ModelInfo {
  /** The served model's name (its file name), e.g. "iris_model". */
  name: string | null
  classes: string[] | null
  features: string[] | null
  modelType: string | null
  version: string | null
  createdAt: string | null
  source: string | null
  nEstimators: number | null
  trainSamples: number | null
  testSamples: number | null
  accuracy: number | null
  cv: { mean: number; std: number; folds: number } | null
  report: ClassReport[]
  importances: { name: string; value: number }[]
  dataSha256: string | null
  /** The label column of the training CSV (e.g. "species"), when recorded. */
  target: string | null
  /** What the page builds its inputs from (null when absent or not matching the model). */
  summary: SummaryInfo | null
}

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null)
const strings = (v: unknown): string[] | null =>
  Array.isArray(v) && v.every((s) => typeof s === 'string') ? (v as string[]) : null

export function readModelInfo(body: unknown): ModelInfo {
  const top = isObj(body) ? body : {}
  const meta = isObj(top.metadata) ? top.metadata : {}
  const get = (...keys: string[]): unknown => {
    for (const key of keys) {
      if (top[key] !== undefined) return top[key]
      if (meta[key] !== undefined) return meta[key]
    }
    return undefined
  }

  const classes = strings(get('classes', 'target_names'))
  const metrics = isObj(get('metrics')) ? (get('metrics') as Obj) : {}
  const reportNames = [...(classes ?? []), 'macro avg', 'weighted avg']
  const report: ClassReport[] = reportNames
    .filter((name) => isObj(metrics[name]))
    .map((name) => {
      const row = metrics[name] as Obj
      return {
        name,
        precision: num(row.precision),
        recall: num(row.recall),
        f1: num(row['f1-score'] ?? row.f1),
        support: num(row.support),
      }
    })

  const rawImportance = get('feature_importance', 'feature_importances')
  const importances = isObj(rawImportance)
    ? Object.entries(rawImportance)
        .filter((e): e is [string, number] => num(e[1]) !== null)
        .map(([name, value]) => ({ name, value }))
        .sort((a, b) => b.value - a.value)
    : []

  const cvRaw = get('cv_accuracy')
  const cv =
    isObj(cvRaw) && num(cvRaw.mean) !== null
      ? {
          mean: cvRaw.mean as number,
          std: num(cvRaw.std) ?? 0,
          folds: Array.isArray(cvRaw.folds) ? cvRaw.folds.length : 0,
        }
      : null

  const features = strings(get('features', 'feature_names'))
  const training = get('training')
  return {
    name: str(top.name),
    classes,
    features,
    modelType: str(get('model_type')),
    version: str(get('model_version', 'version')),
    createdAt: str(get('created_at')),
    source: str(get('source')),
    nEstimators: num(get('n_estimators')),
    trainSamples: num(get('train_samples')),
    testSamples: num(get('test_samples')),
    accuracy: num(metrics.accuracy ?? get('accuracy')),
    cv,
    report,
    importances,
    dataSha256: str(get('data_sha256')),
    target: isObj(training) ? str(training.target) : null,
    summary: features && classes ? readSummary(get('training_summary'), features, classes) : null,
  }
}
