import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseLabelledCsv } from './csv.js'
import { tokenizeCsv } from './csv-tokenize.js'
import { CsvError, type CsvErrorCode } from './errors.js'
import { loadLabelledCsv } from './load.js'

const fixture = (name: string) => `test/fixtures/data/${name}`

function csvError(fn: () => unknown): CsvError {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(CsvError)
    return err as CsvError
  }
  throw new Error('expected a CsvError')
}

async function loadError(path: string, target?: string): Promise<CsvError> {
  const err = await loadLabelledCsv(path, target ? { target } : {}).catch((e: unknown) => e)
  expect(err).toBeInstanceOf(CsvError)
  return err as CsvError
}

describe('parseLabelledCsv', () => {
  it('reads features, labels, sorted classes and defaults the target to the last column', () => {
    const ds = parseLabelledCsv('a,b,label\n1,2.5,y\n-3,4e1,x\n.5,6,y\n')
    expect(ds.featureNames).toEqual(['a', 'b'])
    expect(ds.targetName).toBe('label')
    expect(ds.X).toEqual([
      [1, 2.5],
      [-3, 40],
      [0.5, 6],
    ])
    expect(ds.y).toEqual(['y', 'x', 'y'])
    expect(ds.classNames).toEqual(['x', 'y'])
  })

  it('takes a named target from any position', () => {
    const ds = parseLabelledCsv('label,a,b\nx,1,2\ny,3,4\n', { target: 'label' })
    expect(ds.featureNames).toEqual(['a', 'b'])
    expect(ds.X).toEqual([
      [1, 2],
      [3, 4],
    ])
  })

  it('handles CRLF, a BOM, surrounding whitespace, blank lines and quoted cells', async () => {
    const crlf = await loadLabelledCsv(fixture('crlf.csv'))
    expect(crlf.X).toEqual([
      [1, 2],
      [3, 4],
    ])
    expect(crlf.y).toEqual(['x', 'y'])
    const bom = await loadLabelledCsv(fixture('bom-whitespace.csv'))
    expect(bom.featureNames).toEqual(['a', 'b'])
    expect(bom.y).toEqual(['x', 'y'])
    const quoted = parseLabelledCsv('"sepal, length",b,label\n"1",2,"x ""1"""\n3,4,y\n')
    expect(quoted.featureNames[0]).toBe('sepal, length')
    expect(quoted.y[0]).toBe('x "1"')
  })

  it('reports each fault with its code, source, line and column', () => {
    const cases: [string, CsvErrorCode, RegExp][] = [
      ['', 'EMPTY_FILE', /^<input>: the file is empty/],
      ['\n\n', 'EMPTY_FILE', /empty/],
      ['a,b,label\n', 'HEADER_ONLY', /^<input>:1: the file has a header but no data rows/],
      ['a,b,label\n1,2,x\n3,,y\n', 'MISSING_VALUE', /^<input>:3 \(column 2 "b"\): missing value$/],
      ['a,b,label\n1,NA,x\n', 'MISSING_VALUE', /^<input>:2 \(column 2 "b"\): missing value "NA"$/],
      ['a,b,label\n1,2,\n', 'MISSING_VALUE', /^<input>:2 \(column 3 "label"\): missing label$/],
      ['a,b,label\n1,2,x\n3,abc,y\n', 'NON_NUMERIC', /^<input>:3 \(column 2 "b"\): non-numeric value "abc"$/],
      ['a,b,label\n0x10,2,x\n', 'NON_NUMERIC', /"0x10"/],
      ['a,b,label\n1,inf,x\n', 'NON_FINITE', /:2 \(column 2 "b"\): non-finite value "inf"/],
      ['a,b,label\n1e999,1,x\n', 'NON_FINITE', /non-finite value "1e999"/],
      ['a,b,label\n1,2,x\n5,6\n', 'RAGGED_ROW', /^<input>:3: expected 3 cells \(as in the header\), got 2$/],
      ['a,b,label\n1,2,x,9\n', 'RAGGED_ROW', /expected 3 cells \(as in the header\), got 4/],
      ['a,b,label\n1,2,x\n3,4,x\n', 'ONE_CLASS', /column 3 "label"\): only one class \("x"\) in 2 rows/],
      [
        'a,a,label\n1,2,x\n',
        'DUPLICATE_COLUMN',
        /^<input>:1 \(column 2 "a"\): duplicate column name \(also column 1\)/,
      ],
      ['a,,label\n1,2,x\n', 'MISSING_VALUE', /empty column name/],
      ['label\nx\ny\n', 'HEADER_ONLY', /at least one feature column/],
      ['a,b,label\n1,"2,x\n', 'UNTERMINATED_QUOTE', /^<input>:2: unterminated quoted cell/],
    ]
    for (const [text, code, message] of cases) {
      const err = csvError(() => parseLabelledCsv(text))
      expect({ text, code: err.code }).toEqual({ text, code })
      expect(err.message).toMatch(message)
    }
  })

  it('lists the columns when the target is unknown', () => {
    const err = csvError(() => parseLabelledCsv('a,b,label\n1,2,x\n', { target: 'species', source: 'd.csv' }))
    expect(err.code).toBe('UNKNOWN_TARGET')
    expect(err.message).toBe('d.csv:1: target column "species" not found; columns are: "a", "b", "label"')
  })

  it('counts lines inside quoted newlines and after CRLF', () => {
    const records = tokenizeCsv('h1,h2\r\n"multi\r\nline",2\r\n\r\n3,4', 'x')
    expect(records).toEqual([
      { line: 1, cells: ['h1', 'h2'] },
      { line: 2, cells: ['multi\r\nline', '2'] },
      { line: 5, cells: ['3', '4'] },
    ])
  })
})

describe('loadLabelledCsv', () => {
  it('hashes the file bytes and reads the Iris data', async () => {
    const ds = await loadLabelledCsv('data/iris.csv')
    expect(ds.sha256).toBe(createHash('sha256').update(readFileSync('data/iris.csv')).digest('hex'))
    expect(ds.X).toHaveLength(150)
    expect(ds.featureNames).toEqual([
      'sepal_length_cm',
      'sepal_width_cm',
      'petal_length_cm',
      'petal_width_cm',
    ])
    expect(ds.targetName).toBe('species')
    expect(ds.classNames).toEqual(['setosa', 'versicolor', 'virginica'])
  })

  it('names the file in every error', async () => {
    const expectations: [string, CsvErrorCode, string][] = [
      ['empty.csv', 'EMPTY_FILE', 'test/fixtures/data/empty.csv: the file is empty'],
      ['header-only.csv', 'HEADER_ONLY', 'test/fixtures/data/header-only.csv:1:'],
      [
        'missing-value.csv',
        'MISSING_VALUE',
        'test/fixtures/data/missing-value.csv:3 (column 2 "b"): missing value',
      ],
      [
        'non-numeric.csv',
        'NON_NUMERIC',
        'test/fixtures/data/non-numeric.csv:3 (column 2 "b"): non-numeric value "abc"',
      ],
      [
        'ragged.csv',
        'RAGGED_ROW',
        'test/fixtures/data/ragged.csv:4: expected 3 cells (as in the header), got 2',
      ],
      ['one-class.csv', 'ONE_CLASS', 'test/fixtures/data/one-class.csv (column 3 "label"): only one class'],
      ['does-not-exist.csv', 'UNREADABLE', 'test/fixtures/data/does-not-exist.csv: file not found'],
    ]
    for (const [name, code, prefix] of expectations) {
      const err = await loadError(fixture(name))
      expect(err.code).toBe(code)
      expect(err.message.startsWith(prefix), err.message).toBe(true)
      expect(err.source).toBe(fixture(name))
    }
    const unknown = await loadError(fixture('crlf.csv'), 'species')
    expect(unknown.code).toBe('UNKNOWN_TARGET')
    expect(unknown.message).toContain('"a", "b", "label"')
  })
})
