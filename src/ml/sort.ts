/**
 * In-place sort of samples[start, end) by their feature values xf[start, end) (parallel arrays).
 * Quicksort with median-of-three pivots and three-way partitioning (many equal values are
 * common in tabular data), insertion sort for short ranges. Tie order is irrelevant to the
 * splitter: it only looks at positions between distinct values.
 */
export function sortByValue(xf: Float64Array, samples: Int32Array, start: number, end: number): void {
  while (end - start > 16) {
    const mid = (start + end) >>> 1
    const pivot = median3(xf[start]!, xf[mid]!, xf[end - 1]!)
    // Dutch-flag partition: [start, lt) < pivot, [lt, i) == pivot, (gt, end) > pivot.
    let lt = start
    let i = start
    let gt = end - 1
    while (i <= gt) {
      const v = xf[i]!
      if (v < pivot) swap(xf, samples, lt++, i++)
      else if (v > pivot) swap(xf, samples, i, gt--)
      else i++
    }
    // Recurse into the smaller side, loop on the larger: O(log n) stack.
    if (lt - start < end - gt - 1) {
      sortByValue(xf, samples, start, lt)
      start = gt + 1
    } else {
      sortByValue(xf, samples, gt + 1, end)
      end = lt
    }
  }
  insertionSort(xf, samples, start, end)
}

function insertionSort(xf: Float64Array, samples: Int32Array, start: number, end: number): void {
  for (let i = start + 1; i < end; i++) {
    const v = xf[i]!
    const s = samples[i]!
    let j = i - 1
    while (j >= start && xf[j]! > v) {
      xf[j + 1] = xf[j]!
      samples[j + 1] = samples[j]!
      j--
    }
    xf[j + 1] = v
    samples[j + 1] = s
  }
}

function median3(a: number, b: number, c: number): number {
  if (a < b) {
    if (b < c) return b
    return Math.max(a, c)
  }
  if (a < c) return a
  return Math.max(b, c)
}

function swap(xf: Float64Array, samples: Int32Array, i: number, j: number): void {
  const v = xf[i]!
  xf[i] = xf[j]!
  xf[j] = v
  const s = samples[i]!
  samples[i] = samples[j]!
  samples[j] = s
}
