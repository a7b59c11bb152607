import { readFile } from 'node:fs/promises'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { findChromium } from './helpers/browser.js'
import { postJson, useHarness } from './helpers/harness.js'
import { ROOT } from './helpers/server.js'

// Batch, uploaded file: a CSV larger than the pasted-text limit (10,000 rows) streams through
// POST /predict-proba (text/csv): the progress bar finishes, the running accuracy is shown, the first rows
// fill the table, and the whole answer downloads, named after the served model. A bad line in the middle
// ends with the server's line and column, and the rows before it download as a partial result.

const chromium = findChromium()
const ROWS = 30_000

const iris = (await readFile(`${ROOT}data/iris.csv`, 'utf8')).trim().split('\n').slice(1)
const HEADER = 'id,sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm,species'

/** `ROWS` rows: the 150 Iris flowers over and over, each with its row number as `id`. */
function bigCsv(edit: (row: string, n: number) => string = (row) => row): string {
  const lines = [HEADER]
  for (let n = 1; n <= ROWS; n++) lines.push(edit(`${n},${iris[(n - 1) % iris.length]}`, n))
  return `${lines.join('\n')}\n`
}

async function upload(page: Page, name: string, csv: string) {
  await page
    .getByLabel('Upload a CSV file')
    .setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(csv) })
}

async function downloadLines(page: Page, button: string) {
  const downloading = page.waitForEvent('download')
  await page.getByRole('button', { name: button }).click()
  const download = await downloading
  const lines = (await readFile((await download.path())!, 'utf8')).trimEnd().split('\n')
  return { name: download.suggestedFilename(), lines }
}

describe.skipIf(!chromium)('UI batch: an uploaded CSV streams', () => {
  const h = useHarness(chromium!)

  async function modelName(): Promise<string> {
    const response = await fetch(`${h.server.url}/model`)
    return ((await response.json()) as { name: string }).name
  }

  it(`streams ${ROWS.toLocaleString('en-US')} rows: progress to 100%, accuracy, first rows, the download`, async () => {
    // What the API says about the 150 distinct flowers: the expected predictions and accuracy.
    const features = iris.map((row) => row.split(',').slice(0, 4).map(Number))
    const { json } = await postJson(`${h.server.url}/predict-proba`, { input: features })
    const answer = json as { prediction: string[]; probabilities: number[][] }
    const correct = iris.filter((row, i) => row.split(',')[4] === answer.prediction[i]).length
    const percent = ((100 * correct) / iris.length).toFixed(1)
    const matching = (correct * (ROWS / iris.length)).toLocaleString('en-US')

    const page = await h.open()
    await upload(page, 'flowers.csv', bigCsv())
    await page.getByText('30,000 rows predicted, all of flowers.csv.').waitFor()

    expect(await page.getByRole('progressbar', { name: 'Upload progress' }).getAttribute('value')).toBe('1')
    expect(await page.getByText(/^30,000 rows · [\d,]+ rows\/s · 100%$/).count()).toBe(1)
    await page
      .getByText(`Accuracy: ${percent}% (${matching} of 30,000 rows match the species column)`)
      .waitFor()

    const table = page.getByRole('table', {
      name: 'Batch results (the first 100 of 30,000 rows; all of them are in the download)',
    })
    const rows = table.getByRole('row')
    expect(await rows.count()).toBe(101)
    const first = await rows.nth(1).getByRole('cell').allTextContents()
    expect(first.slice(0, 7)).toEqual(['1', ...iris[0]!.split(','), answer.prediction[0]])

    const { name, lines } = await downloadLines(page, 'Download results as CSV')
    expect(name).toBe(`${await modelName()}-predictions.csv`)
    expect(lines[0]).toBe(`${HEADER},prediction,proba_setosa,proba_versicolor,proba_virginica`)
    expect(lines).toHaveLength(ROWS + 1)
    for (const n of [1, 2, 777, 15_000, 29_999, ROWS]) {
      const cells = lines[n]!.split(',')
      const i = (n - 1) % iris.length
      expect(cells[0]).toBe(String(n))
      expect(cells[6]).toBe(answer.prediction[i])
      expect(cells.slice(7).map(Number)).toEqual(answer.probabilities[i])
    }
  })

  it("stops at a bad line in the middle with the server's line and column, and keeps a partial download", async () => {
    const csv = bigCsv((row, n) => (n === 15_001 ? row.replace(/^(\d+,[^,]+,[^,]+),[^,]+/, '$1,oops') : row))
    // The API's own error record for such a line, so the test does not hard-code its wording.
    const lines = csv.split('\n')
    const response = await fetch(`${h.server.url}/predict-proba`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: [HEADER, ...lines.slice(1, 4), lines[15_001]].join('\n'),
    })
    const record = (await response.text()).trimEnd().split('\n').at(-1)!
    expect(record).toMatch(/^#error,5,4,3,"/)
    const message = /,"(.*)"$/.exec(record)![1]!.replaceAll('""', '"')

    const page = await h.open()
    await upload(page, 'bad.csv', csv)
    await page
      .getByText(
        `The API stopped at a bad line of bad.csv: line 15002, column 4: ${message}. The 15,000 rows answered before it are in the partial download.`,
      )
      .waitFor()
    expect(await page.getByRole('button', { name: 'Download results as CSV' }).count()).toBe(0)
    const { name, lines: download } = await downloadLines(page, 'Download partial results as CSV')
    expect(name).toBe(`${await modelName()}-predictions-partial.csv`)
    expect(download).toHaveLength(15_000 + 1)
    expect(download.at(-1)).toMatch(/^15000,/)
  })

  it('stops on Cancel and keeps the rows answered so far as a partial download', async () => {
    const page = await h.open()
    // The first part of the file is answered; the rest is held until Cancel has been pressed.
    let release = () => {}
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    let requests = 0
    await page.route('**/predict-proba', async (route) => {
      if (requests++ > 0) await held
      await route.continue().catch(() => {}) // the page has given up on it by then
    })
    await upload(page, 'flowers.csv', bigCsv())
    await page.getByRole('table', { name: /^Batch results/ }).waitFor()
    await page.getByRole('button', { name: 'Cancel' }).click()
    release()
    const summary = page.getByText(/^Cancelled after [\d,]+ rows\. The [\d,]+ rows answered before it/)
    const rows = Number(
      (await summary.textContent())!.match(/^Cancelled after ([\d,]+)/)![1]!.replaceAll(',', ''),
    )
    expect(rows).toBeGreaterThan(0)
    expect(rows).toBeLessThan(ROWS)
    const { name, lines } = await downloadLines(page, 'Download partial results as CSV')
    expect(name).toBe(`${await modelName()}-predictions-partial.csv`)
    expect(lines).toHaveLength(rows + 1)
  })

  it('shows the HTTP 400 of a file whose first row is bad, with nothing to download', async () => {
    const page = await h.open()
    await upload(page, 'first-bad.csv', `${HEADER}\n1,5.1,abc,1.4,0.2,setosa\n2,4.9,3.0,1.4,0.2,setosa\n`)
    await page.getByText(/^The API refused first-bad\.csv \(HTTP 400\): line 2, column 3: /).waitFor()
    expect(await page.getByRole('button', { name: /Download/ }).isVisible()).toBe(false)
  })
})
