import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { medoid, parseTrainingCsv, typicalFlowers } from './iris-data.js'

const raw = readFileSync(new URL('../../data/iris.csv', import.meta.url), 'utf8')

describe('training data', () => {
  const data = parseTrainingCsv(raw)

  it('reads the 150 flowers, four features and the three sorted species', () => {
    expect(data.flowers).toHaveLength(150)
    expect(data.featureNames).toEqual([
      'sepal_length_cm',
      'sepal_width_cm',
      'petal_length_cm',
      'petal_width_cm',
    ])
    expect(data.species).toEqual(['setosa', 'versicolor', 'virginica'])
  })

  it('names the line and column of a bad value', () => {
    expect(() => parseTrainingCsv('a,b,species\n1,x,setosa\n')).toThrow(
      'data/iris.csv:2 (column 2 "b"): non-numeric value "x"',
    )
    expect(() => parseTrainingCsv('a,b,species\n1,2\n')).toThrow(
      'data/iris.csv:2: expected 3 cells (as in the header), got 2',
    )
  })

  it('picks as medoid the member with the least total distance', () => {
    const group = [
      { values: [0, 0], species: 'a' },
      { values: [1, 0], species: 'a' },
      { values: [2, 0], species: 'a' },
      { values: [3, 0], species: 'a' },
      { values: [10, 0], species: 'a' },
    ]
    expect(medoid(group).values).toEqual([2, 0])
  })

  it('gives each species a typical flower that is one of its own training flowers', () => {
    const typical = typicalFlowers(data)
    expect([...typical.keys()]).toEqual(['setosa', 'versicolor', 'virginica'])
    for (const [name, flower] of typical) {
      expect(flower.species).toBe(name)
      expect(data.flowers).toContain(flower)
    }
    // Petal length separates the species: the typical virginica has longer petals than the typical versicolor.
    expect(typical.get('virginica')!.values[2]!).toBeGreaterThan(typical.get('versicolor')!.values[2]!)
  })
})
