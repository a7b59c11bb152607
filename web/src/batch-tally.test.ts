import { describe, expect, it } from 'vitest'
import { accuracyText, createTally, progressText, utf8Length } from './batch-tally.js'

describe('createTally', () => {
  it('counts rows, labelled rows and correct predictions, and the input bytes echoed (+1 per line end)', () => {
    const tally = createTally(100, 1000)
    tally.addBytes(9)
    tally.add(19, 'setosa', 'setosa')
    tally.add(19, 'virginica', 'versicolor')
    tally.add(19, '', 'setosa')
    tally.add(19, null, 'setosa')
    const s = tally.snapshot(3000)
    expect(s).toEqual({ rows: 4, labelled: 2, correct: 1, bytes: 90, rowsPerSecond: 2, fraction: 0.9 })
    expect(tally.rows).toBe(4)
  })

  it('says 100% once the stream has ended, and never more than 100% before', () => {
    const tally = createTally(10, 0)
    tally.add(30, null, 'a')
    expect(tally.snapshot(1).fraction).toBe(1)
    const crlf = createTally(50, 0)
    crlf.add(20, null, 'a')
    expect(crlf.snapshot(1).fraction).toBeCloseTo(0.42)
    expect(crlf.snapshot(1, true).fraction).toBe(1)
  })

  it('has no rate before time has passed and no fraction for an empty or unknown size', () => {
    const s = createTally(0, 5).snapshot(5)
    expect(s.rowsPerSecond).toBeNull()
    expect(s.fraction).toBeNull()
  })
})

describe('utf8Length', () => {
  it('counts bytes as TextEncoder does, up to `end`', () => {
    const texts = ['abc', 'Sépale,5.1', '€', '🌸 iris', 'ünïcødé,"ß",中文', '']
    for (const text of texts) expect(utf8Length(text)).toBe(new TextEncoder().encode(text).length)
    expect(utf8Length('é,setosa', 2)).toBe(3)
  })
})

describe('progressText and accuracyText', () => {
  it('say rows, rows/s and percent', () => {
    const tally = createTally(1000, 0)
    for (let i = 0; i < 1500; i++) tally.add(0, null, 'a')
    expect(progressText(tally.snapshot(2000))).toBe('1,500 rows · 750 rows/s · 100%')
    expect(progressText(createTally(0, 0).snapshot(0))).toBe('0 rows')
  })

  it('say the accuracy so far, and nothing without labels', () => {
    const tally = createTally(0, 0)
    expect(accuracyText(tally.snapshot(1), 'species')).toBeNull()
    tally.add(0, 'a', 'a')
    tally.add(0, 'a', 'a')
    tally.add(0, 'b', 'a')
    expect(accuracyText(tally.snapshot(1), 'species')).toBe(
      'Accuracy so far: 66.7% (2 of 3 rows match the species column)',
    )
    expect(accuracyText(tally.snapshot(1), 'species', true)).toMatch(/^Accuracy: 66\.7%/)
  })
})
