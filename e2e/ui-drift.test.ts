import { describe, expect, it } from 'vitest'
import { Random } from '../src/ml/random.js'
import { resample, shift } from '../test/drift/traffic.js'
import { findChromium } from './helpers/browser.js'
import { postJson, useHarness } from './helpers/harness.js'

// The drift view (web/src/drift.ts): the verdict in words, the statistics per measurement, and each
// measurement's training and live distributions, after real traffic to the server.

const chromium = findChromium()

describe.skipIf(!chromium)('UI drift view in Chromium', () => {
  const h = useHarness(chromium!)

  it('says no traffic yet, then names the drifted measurement after shifted traffic', async () => {
    const page = await h.open({ waitForPrediction: false })
    const check = page.getByRole('button', { name: 'Check drift' })
    await check.click()
    // The page's own live prediction may have counted a row or two: too few to judge either way.
    await page.getByRole('status').filter({ hasText: 'Not enough traffic yet' }).waitFor()

    const rows = shift(resample(new Random(5), 500), 2, 1.0)
    for (let i = 0; i < rows.length; i += 100) {
      expect((await postJson(`${h.server.url}/predict`, { input: rows.slice(i, i + 100) })).status).toBe(200)
    }
    await check.click()
    const verdict = page.getByRole('status').filter({ hasText: 'Drift:' })
    await verdict.waitFor()
    expect(await verdict.textContent()).toMatch(
      /Petal length \(cm\) \(p < 0\.001\) has moved away from the 120 training rows/,
    )
    const table = page.getByRole('table')
    const petal = table.getByRole('row', { name: /Petal length/ })
    expect(await petal.getByRole('cell').last().textContent()).toBe('drifted')
    const sepal = table.getByRole('row', { name: /Sepal width/ })
    expect(await sepal.getByRole('cell').last().textContent()).toBe('as in training')
    expect(
      await page.getByRole('img', { name: /Petal length \(cm\): share of the training rows/ }).count(),
    ).toBe(1)
    expect(await page.locator('#drift-body figure').count()).toBe(4)
  })
})
