import { describe, expect, it } from 'vitest'
import { InvalidHyperParameterError } from './errors.js'
import { approximateMode, stratifiedKFold, stratifiedTrainTestSplit } from './model-selection.js'
import { Random } from './random.js'

// 150 labels like Iris (50 each), and an unbalanced set (60/30/10), shuffled.
const iris = new Random(1).shuffle(
  ['setosa', 'versicolor', 'virginica'].flatMap((c) => new Array(50).fill(c)),
)
const skewed = new Random(2).shuffle([
  ...new Array(60).fill('a'),
  ...new Array(30).fill('b'),
  ...new Array(10).fill('c'),
])

const countOf = (y: string[], idx: number[]) =>
  idx.reduce<Record<string, number>>((acc, i) => {
    acc[y[i]!] = (acc[y[i]!] ?? 0) + 1
    return acc
  }, {})

describe('stratifiedTrainTestSplit', () => {
  it('takes ceil(testSize * n) test rows, preserving class proportions, each index once', () => {
    const { train, test } = stratifiedTrainTestSplit(iris, { testSize: 0.2, seed: 42 })
    expect(test).toHaveLength(30)
    expect(train).toHaveLength(120)
    expect(countOf(iris, test)).toEqual({ setosa: 10, versicolor: 10, virginica: 10 })
    expect([...train, ...test].sort((a, b) => a - b)).toEqual(iris.map((_, i) => i))
    const s = stratifiedTrainTestSplit(skewed, { testSize: 0.25, seed: 1 })
    // 15 / 7.5 / 2.5 expected: b and c tie for the last row, broken by the seed.
    const got = countOf(skewed, s.test)
    expect(got.a).toBe(15)
    expect(got.b! + got.c!).toBe(10)
    expect([7, 8]).toContain(got.b)
  })

  it('is seeded', () => {
    const a = stratifiedTrainTestSplit(iris, { testSize: 0.2, seed: 42 })
    expect(stratifiedTrainTestSplit(iris, { testSize: 0.2, seed: 42 })).toEqual(a)
    expect(stratifiedTrainTestSplit(iris, { testSize: 0.2, seed: 43 }).test).not.toEqual(a.test)
  })

  it('accepts an integer test size', () => {
    expect(stratifiedTrainTestSplit(iris, { testSize: 15, seed: 0 }).test).toHaveLength(15)
  })

  it('refuses impossible sizes', () => {
    expect(() => stratifiedTrainTestSplit(iris, { testSize: 0 })).toThrow(InvalidHyperParameterError)
    expect(() => stratifiedTrainTestSplit(iris, { testSize: 150 })).toThrow(/testSize/)
    expect(() => stratifiedTrainTestSplit(iris, { testSize: 2 })).toThrow(/each need >= 3 rows/)
    expect(() => stratifiedTrainTestSplit(iris, { testSize: 0.2, seed: -1 })).toThrow(/seed/)
  })
})

describe('stratifiedKFold', () => {
  it('puts every index in exactly one test fold, train = the rest, class shares kept', () => {
    for (const y of [iris, skewed]) {
      const folds = stratifiedKFold(y, { k: 5, shuffle: true, seed: 0 })
      expect(folds).toHaveLength(5)
      const seen = folds.flatMap((f) => f.test).sort((a, b) => a - b)
      expect(seen).toEqual(y.map((_, i) => i))
      for (const { train, test } of folds) {
        expect([...train, ...test].sort((a, b) => a - b)).toEqual(y.map((_, i) => i))
        const total = countOf(
          y,
          y.map((_, i) => i),
        )
        const got = countOf(y, test)
        for (const c of Object.keys(total)) expect(Math.abs(got[c]! - total[c]! / 5)).toBeLessThanOrEqual(1)
      }
    }
  })

  it('without shuffle, is the same for any seed; with shuffle, depends on the seed', () => {
    const a = stratifiedKFold(iris, { k: 5, shuffle: false, seed: 1 })
    expect(stratifiedKFold(iris, { k: 5, shuffle: false, seed: 2 })).toEqual(a)
    const s0 = stratifiedKFold(iris, { k: 5, shuffle: true, seed: 0 })
    expect(stratifiedKFold(iris, { k: 5, shuffle: true, seed: 0 })).toEqual(s0)
    expect(stratifiedKFold(iris, { k: 5, shuffle: true, seed: 1 })).not.toEqual(s0)
  })

  it('refuses bad k', () => {
    expect(() => stratifiedKFold(iris, { k: 1 })).toThrow(InvalidHyperParameterError)
    expect(() => stratifiedKFold(['a', 'b', 'a'], { k: 3 })).toThrow(/largest class/)
  })
})

describe('approximateMode', () => {
  it('floors proportional shares and hands the rest to the largest remainders', () => {
    // 3.5 / 2.1 / 1.4 -> floors 3 / 2 / 1, the last draw to the largest remainder (0.5).
    expect(approximateMode([50, 30, 20], 7, new Random(0))).toEqual([4, 2, 1])
    const tie = approximateMode([1, 1, 1], 2, new Random(0))
    expect(tie.reduce((a, b) => a + b, 0)).toBe(2)
    expect(Math.max(...tie)).toBe(1)
  })
})
