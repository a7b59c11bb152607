import { LengthMismatchError } from './errors.js'

/** Per-class scores as scikit-learn's classification_report(output_dict=True). */
export interface ClassMetrics {
  precision: number
  recall: number
  'f1-score': number
  support: number
}

export type ClassificationReport = {
  [label: string]: ClassMetrics | number
  accuracy: number
  'macro avg': ClassMetrics
  'weighted avg': ClassMetrics
}

/** Fraction of equal labels (NaN for empty input, as scikit-learn's nan). */
export function accuracy(yTrue: readonly string[], yPred: readonly string[]): number {
  checkLengths(yTrue, yPred)
  let correct = 0
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) correct++
  return correct / yTrue.length
}

/** Sorted union of the labels seen in either array (scikit-learn's unique_labels). */
export function labelsOf(yTrue: readonly string[], yPred: readonly string[]): string[] {
  return [...new Set([...yTrue, ...yPred])].sort()
}

/** matrix[i][j] = samples of true label i predicted as label j. */
export function confusionMatrix(
  yTrue: readonly string[],
  yPred: readonly string[],
  labels: readonly string[] = labelsOf(yTrue, yPred),
): number[][] {
  checkLengths(yTrue, yPred)
  const index = new Map(labels.map((l, i) => [l, i]))
  const m = labels.map(() => new Array<number>(labels.length).fill(0))
  for (let s = 0; s < yTrue.length; s++) {
    const i = index.get(yTrue[s]!)
    const j = index.get(yPred[s]!)
    if (i !== undefined && j !== undefined) m[i]![j]!++
  }
  return m
}

/** scikit-learn's classification_report(output_dict=True, zero_division=0) over the sorted labels. */
export function classificationReport(
  yTrue: readonly string[],
  yPred: readonly string[],
): ClassificationReport {
  const labels = labelsOf(yTrue, yPred)
  const cm = confusionMatrix(yTrue, yPred, labels)
  const per: ClassMetrics[] = labels.map((_, i) => {
    const tp = cm[i]![i]!
    const support = cm[i]!.reduce((a, b) => a + b, 0)
    const predicted = cm.reduce((a, row) => a + row[i]!, 0)
    const precision = div(tp, predicted)
    const recall = div(tp, support)
    return { precision, recall, 'f1-score': div(2 * precision * recall, precision + recall), support }
  })
  const total = per.reduce((a, m) => a + m.support, 0)
  const avg = (weight: (m: ClassMetrics) => number, denom: number): ClassMetrics => ({
    precision: div(
      per.reduce((a, m) => a + weight(m) * m.precision, 0),
      denom,
    ),
    recall: div(
      per.reduce((a, m) => a + weight(m) * m.recall, 0),
      denom,
    ),
    'f1-score': div(
      per.reduce((a, m) => a + weight(m) * m['f1-score'], 0),
      denom,
    ),
    support: total,
  })
  const report = {} as ClassificationReport
  labels.forEach((label, i) => {
    report[label] = per[i]!
  })
  report.accuracy = accuracy(yTrue, yPred)
  report['macro avg'] = avg(() => 1, labels.length)
  report['weighted avg'] = avg((m) => m.support, total)
  return report
}

/** zero_division=0: a ratio with an empty denominator is 0. */
function div(a: number, b: number): number {
  return b === 0 ? 0 : a / b
}

function checkLengths(yTrue: readonly string[], yPred: readonly string[]): void {
  if (yTrue.length !== yPred.length)
    throw new LengthMismatchError('yPred vs yTrue', yTrue.length, yPred.length)
}
