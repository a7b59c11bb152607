import type { ClassificationReport, ClassMetrics } from '../ml/index.js'
import type { CvResult } from '../train.js'

/** scikit-learn's classification_report text layout (digits=2), from the output_dict shape. */
export function formatClassificationReport(report: ClassificationReport, digits = 2): string {
  const classes = Object.keys(report).filter(
    (k) => k !== 'accuracy' && k !== 'macro avg' && k !== 'weighted avg',
  )
  const width = Math.max('weighted avg'.length, ...classes.map((c) => c.length))
  const head = ['precision', 'recall', 'f1-score', 'support']
  const col = Math.max(digits + 2, 9)
  const line = (name: string, m: ClassMetrics) =>
    `${name.padStart(width)} ${[m.precision, m.recall, m['f1-score']].map((v) => v.toFixed(digits).padStart(col)).join(' ')} ${String(m.support).padStart(col)}`
  const out = [`${' '.repeat(width)} ${head.map((h) => h.padStart(col)).join(' ')}`, '']
  for (const c of classes) out.push(line(c, report[c] as ClassMetrics))
  out.push('')
  const total = report['macro avg'].support
  out.push(
    `${'accuracy'.padStart(width)} ${''.padStart(col)} ${''.padStart(col)} ${report.accuracy.toFixed(digits).padStart(col)} ${String(total).padStart(col)}`,
  )
  out.push(line('macro avg', report['macro avg']))
  out.push(line('weighted avg', report['weighted avg']))
  return out.join('\n')
}

/** Rows are true labels, columns predicted labels. */
export function formatConfusionMatrix(
  labels: readonly string[],
  matrix: readonly (readonly number[])[],
): string {
  const first = Math.max('true \\ predicted'.length, ...labels.map((l) => l.length))
  const cols = labels.map((l) =>
    Math.max(l.length, ...matrix.map((row) => String(row[labels.indexOf(l)]).length)),
  )
  const header = `${'true \\ predicted'.padEnd(first)}  ${labels.map((l, j) => l.padStart(cols[j]!)).join('  ')}`
  const rows = matrix.map(
    (row, i) => `${labels[i]!.padEnd(first)}  ${row.map((v, j) => String(v).padStart(cols[j]!)).join('  ')}`,
  )
  return [header, ...rows].join('\n')
}

/** Importances sorted by the caller, with a bar for a quick visual ranking. */
export function formatImportances(importances: readonly [string, number][]): string {
  const width = Math.max(...importances.map(([n]) => n.length))
  return importances
    .map(([name, v]) => `  ${name.padEnd(width)}  ${v.toFixed(4)}  ${'#'.repeat(Math.round(v * 40))}`)
    .join('\n')
}

export function formatCv(cv: CvResult): string {
  const folds = cv.folds.map((a, i) => `  fold ${i + 1}: ${a.toFixed(4)}`)
  return [...folds, `  mean: ${cv.mean.toFixed(4)} ± ${cv.std.toFixed(4)}`].join('\n')
}
