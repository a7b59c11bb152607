import { describe, expect, it } from 'vitest'
import { findChromium } from './helpers/browser.js'
import { expectConfidence, useHarness } from './helpers/harness.js'

// Nothing fails silently: an API error or an unreachable server is shown (in an alert) with what to do,
// and the page keeps working under a strict Content-Security-Policy.

const chromium = findChromium()

describe.skipIf(!chromium)('UI errors and CSP in Chromium', () => {
  const h = useHarness(chromium!)

  it("shows the API's 500 message, then an unreachable server, and recovers with Try again", async () => {
    const page = await h.open()
    await page.route('**/predict-proba', (route) =>
      route.fulfill({
        status: 500,
        contentType: 'application/json',
        body: '{"error":"Internal server error"}',
      }),
    )
    await page.getByRole('button', { name: 'Predict with confidence' }).click()
    const alert = page.getByRole('alert').filter({ hasText: 'HTTP 500' })
    await alert.first().waitFor()
    expect(await alert.first().textContent()).toContain('Internal server error')

    await page.unroute('**/predict-proba')
    await page.route('**/predict-proba', (route) => route.abort('connectionrefused'))
    await page.getByRole('button', { name: 'Predict with confidence' }).click()
    await page.getByRole('alert').filter({ hasText: 'Cannot reach the prediction API' }).first().waitFor()
    expect(await page.getByRole('alert').filter({ hasText: 'HTTP 500' }).count()).toBe(0)

    await page.unroute('**/predict-proba')
    await page.locator('#notices').getByRole('button', { name: 'Try again' }).click()
    await expectConfidence(page, 'setosa')
    await page.waitForFunction(() => document.querySelectorAll('[role="alert"]:not([hidden])').length === 0)
  })

  it('shows a 4xx message from the API on "Predict species"', async () => {
    const page = await h.open()
    await page.route('**/predict', (route) =>
      route.fulfill({
        status: 429,
        contentType: 'application/json',
        body: '{"error":"rate limit exceeded, retry in 3 s"}',
      }),
    )
    await page.getByRole('button', { name: 'Predict species' }).click()
    await page
      .getByRole('alert')
      .filter({ hasText: 'The API refused POST /predict (HTTP 429): rate limit exceeded, retry in 3 s' })
      .first()
      .waitFor()
  })

  it('reports a server that is down when the page loads', async () => {
    const page = await h.open({ waitForPrediction: false, path: '/' })
    await page.route('**/model', (route) => route.abort('connectionrefused'))
    await page.reload()
    await page
      .getByRole('alert')
      .filter({ hasText: 'Cannot reach the prediction API (GET /model)' })
      .waitFor()
  })

  it('works under a strict CSP (no inline script or style)', async () => {
    const page = await h.open({ waitForPrediction: false })
    const violations: string[] = []
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text())
    })
    // Enforce the strictest policy ourselves, whatever headers the server sends.
    await page.route(`${h.server.url}/`, async (route) => {
      const response = await route.fetch()
      await route.fulfill({
        response,
        headers: {
          ...response.headers(),
          'content-security-policy':
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'",
        },
      })
    })
    await page.reload()
    await expectConfidence(page, 'setosa')
    await page.getByRole('button', { name: 'Virginica example' }).click()
    await expectConfidence(page, 'virginica')
    expect(
      await page
        .locator('#proba-bars .bar-winner .bar-fill')
        .first()
        .evaluate((e) => getComputedStyle(e).width),
    ).not.toBe('0px')
    expect(violations).toEqual([])
  })
})
