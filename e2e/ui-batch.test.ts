import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { findChromium } from './helpers/browser.js'
import { postJson, useHarness } from './helpers/harness.js'

// Batch, pasted text: CSV with good and bad rows -> a table with predictions for the good rows and, for
// each bad row, the API's own error message; the table downloads as CSV, named after the served model.
// (An uploaded file streams instead, stopping at its first bad line: ui-batch-stream.test.ts.)

const chromium = findChromium()

const CSV = [
  'sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm,species',
  '5.1,3.5,1.4,0.2,setosa',
  '5.1,abc,1.4,0.2,setosa',
  '6.3,3.3,6.0,2.5,virginica',
  '5.9,3.0,4.2',
  '5.7,2.8,4.1,1.3,versicolor',
].join('\n')

describe.skipIf(!chromium)('UI batch in Chromium', () => {
  const h = useHarness(chromium!)

  it("pastes a CSV with bad rows: results for the good ones, the API's message for the bad ones", async () => {
    // What the API itself says about the two bad rows, so the test does not hard-code its wording.
    const notNumber = await postJson(`${h.server.url}/predict-proba`, '{"input":[[5.1,"abc",1.4,0.2]]}')
    const tooShort = await postJson(`${h.server.url}/predict-proba`, '{"input":[[5.9,3.0,4.2]]}')
    expect(notNumber.status).toBeGreaterThanOrEqual(400)
    expect(tooShort.status).toBeGreaterThanOrEqual(400)
    const notNumberMessage = (notNumber.json as { error: string }).error
    const tooShortMessage = (tooShort.json as { error: string }).error

    const page = await h.open()
    await page.getByLabel('CSV rows').fill(CSV)
    await page.getByRole('button', { name: 'Predict batch' }).click()
    await page.getByText('3 of 5 rows predicted; 2 rows could not be predicted (see the table).').waitFor()

    const rows = page.locator('#batch-results tbody tr')
    expect(await rows.count()).toBe(5)
    const text = await rows.allInnerTexts()
    expect(text[0]).toMatch(/^2\b.*setosa/s)
    expect(text[2]).toMatch(/^4\b.*virginica/s)
    expect(text[4]).toMatch(/^6\b.*versicolor/s)
    expect(text[1]).toContain(`HTTP ${notNumber.status}): ${notNumberMessage}`)
    expect(text[1]).toContain('column 2 ("abc") is not a number')
    expect(text[3]).toContain(`HTTP ${tooShort.status}): ${tooShortMessage}`)
    expect(await page.locator('#batch-results tr.row-error').count()).toBe(2)

    const downloading = page.waitForEvent('download')
    await page.getByRole('button', { name: 'Download results as CSV' }).click()
    const download = await downloading
    const model = (await (await fetch(`${h.server.url}/model`)).json()) as { name: string }
    expect(download.suggestedFilename()).toBe(`${model.name}-predictions.csv`)
    const csv = (await readFile((await download.path())!, 'utf8')).trimEnd().split('\n')
    expect(csv[0]).toBe(
      'line,sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm,given,prediction,p_setosa,p_versicolor,p_virginica,error',
    )
    expect(csv).toHaveLength(6)
    expect(csv[1]).toMatch(/^2,5\.1,3\.5,1\.4,0\.2,setosa,setosa,[\d.e-]+,[\d.e-]+,[\d.e-]+,$/)
    expect(csv[2]).toContain(notNumberMessage)
  })

  it('predicts pasted rows without a header', async () => {
    const page = await h.open()
    await page.getByLabel('CSV rows').fill('4.9,3.0,1.4,0.2\n6.7,3.0,5.2,2.3\n')
    await page.getByRole('button', { name: 'Predict batch' }).click()
    await page.getByText('2 of 2 rows predicted.').waitFor()
    const cells = await page.locator('#batch-results tbody tr td.species').allInnerTexts()
    const { json } = await postJson(`${h.server.url}/predict`, {
      input: [
        [4.9, 3, 1.4, 0.2],
        [6.7, 3, 5.2, 2.3],
      ],
    })
    expect(cells).toEqual((json as { prediction: string[] }).prediction)
  })

  it('says what to do when the text has no rows', async () => {
    const page = await h.open()
    await page.getByRole('button', { name: 'Predict batch' }).click()
    await page.getByText('Paste at least one row of four measurements, or upload a CSV file.').waitFor()
  })
})
