import { describe, expect, it } from 'vitest'
import { findChromium } from './helpers/browser.js'
import { useHarness } from './helpers/harness.js'

// The model card (GET /model) and the "Use via API" link to Swagger UI.

const chromium = findChromium()

describe.skipIf(!chromium)('UI model card and API docs in Chromium', () => {
  const h = useHarness(chromium!)

  it('opens the model card: accuracy, per-class report, importances, training date and version', async () => {
    const model = (await (await fetch(`${h.server.url}/model`)).json()) as {
      metrics: { accuracy: number }
      model_version: string
      target_names: string[]
    }
    const page = await h.open()
    const toggle = page.getByRole('button', { name: 'Model card' })
    expect(await toggle.getAttribute('aria-expanded')).toBe('false')
    await toggle.click()
    const card = page.locator('#model-card-body')
    const accuracy = `${(model.metrics.accuracy * 100).toFixed(1)}%`
    await card.getByText('Hold-out accuracy').waitFor()
    expect(await card.locator('.accuracy-value').textContent()).toBe(accuracy)
    expect(await card.getByText(model.model_version).count()).toBe(1)
    const reportRows = await card.locator('table.report tbody th').allInnerTexts()
    expect(reportRows.slice(0, model.target_names.length)).toEqual(model.target_names)
    expect(await card.getByRole('meter').count()).toBe(4)
    expect(await card.locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/)
    await toggle.click()
    expect(await card.isHidden()).toBe(true)
  })

  it('"Use via API" leads to Swagger UI at /docs, which loads', async () => {
    const page = await h.open()
    await page.getByRole('link', { name: 'Use via API' }).first().click()
    await page.waitForURL(/\/docs/)
    await page.locator('.swagger-ui').first().waitFor({ timeout: 15_000 })
    await page.getByText('/predict-proba').first().waitFor({ timeout: 15_000 })
  })
})
