import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { findChromium } from './helpers/browser.js'
import { expectConfidence, postJson, useHarness } from './helpers/harness.js'

// The "Why?" panel in a real browser against the real server: for the predicted class, one bar per
// measurement whose numbers are POST /explain's for the flower on screen, following the sliders.

const chromium = findChromium()

interface ExplainReply {
  explanations: {
    prediction: string
    expected_value: Record<string, number>
    contributions: Record<string, Record<string, number>>
  }[]
}

/** What the panel must show for this flower, computed from the API (percentage points, 1 decimal). */
async function expectedBars(url: string, flower: number[]): Promise<{ species: string; texts: string[] }> {
  const { json } = await postJson(`${url}/explain`, { input: [flower] })
  const [row] = (json as ExplainReply).explanations
  const contributions = Object.values(row!.contributions[row!.prediction]!)
  const texts = contributions.map((v) => {
    const points = (v * 100).toFixed(1)
    if (Number(points) === 0) return '0.0 pts'
    return v > 0 ? `+${points} pts` : `\u2212${points.slice(1)} pts`
  })
  return { species: row!.prediction, texts }
}

async function shownBars(page: Page): Promise<{ names: string[]; texts: string[] }> {
  const rows = await page
    .locator('#why .why-bar')
    .evaluateAll((items) =>
      items.map((li) => [
        li.querySelector('.why-name')?.textContent ?? '',
        li.querySelector('.why-value')?.textContent ?? '',
      ]),
    )
  return { names: rows.map(([n]) => n!), texts: rows.map(([, t]) => t!) }
}

async function waitForBars(page: Page, texts: string[]): Promise<void> {
  await page.waitForFunction(
    (want) =>
      JSON.stringify([...document.querySelectorAll('#why .why-value')].map((e) => e.textContent)) === want,
    JSON.stringify(texts),
    { timeout: 10_000 },
  )
}

describe.skipIf(!chromium)('"Why?" panel in Chromium', () => {
  const h = useHarness(chromium!)

  it('explains the default flower: a bar per measurement, the numbers of POST /explain', async () => {
    const cspViolations: string[] = []
    const page = await h.open()
    page.on('console', (m) => {
      if (/content security policy/i.test(m.text())) cspViolations.push(m.text())
    })
    await expect(page.getByRole('heading', { name: 'Why this answer?' }).isVisible()).resolves.toBe(true)
    const want = await expectedBars(h.server.url, [5.1, 3.5, 1.4, 0.2])
    await waitForBars(page, want.texts)
    const shown = await shownBars(page)
    expect(shown.names).toEqual([
      'Sepal length (cm)',
      'Sepal width (cm)',
      'Petal length (cm)',
      'Petal width (cm)',
    ])
    await expect(page.locator('#why-summary').textContent()).resolves.toContain(`predicts ${want.species}`)
    // Each bar names its direction for screen readers.
    const label = await page.locator('#why .why-bar').nth(2).getAttribute('aria-label')
    expect(label).toMatch(/^Petal length \(cm\): .* (toward|away from|no effect on) setosa$/)
    expect(cspViolations).toEqual([])
  })

  it('follows the sliders: a virginica flower gets virginica bars', async () => {
    const page = await h.open()
    await page.getByRole('spinbutton', { name: /petal length/i }).fill('6')
    await page.getByRole('spinbutton', { name: /petal width/i }).fill('2.3')
    const want = await expectedBars(h.server.url, [5.1, 3.5, 6, 2.3])
    await expectConfidence(page, want.species)
    await waitForBars(page, want.texts)
    await expect(page.locator('#why-summary').textContent()).resolves.toContain(`predicts ${want.species}`)
    // Petal measurements push toward the class: their fills grow right of the axis.
    const fill = page.locator('#why .why-bar').nth(3).locator('.why-fill')
    await expect(fill.getAttribute('class')).resolves.toMatch(/why-toward/)
    const style = await fill.evaluate((e) => ({
      left: (e as HTMLElement).style.left,
      width: (e as HTMLElement).style.width,
    }))
    expect(style.left).toBe('50%')
    expect(Number.parseFloat(style.width)).toBeGreaterThan(0)
  })
})
