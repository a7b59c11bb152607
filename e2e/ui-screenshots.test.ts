import { describe, expect, it } from 'vitest'
import { findChromium } from './helpers/browser.js'
import { lowContrastTexts } from './helpers/contrast.js'
import { DESKTOP, expectConfidence, PHONE, SCREENSHOT_DIR, useHarness } from './helpers/harness.js'

// Screenshots at desktop and phone width (light and dark), saved each run under e2e/screenshots/
// (git-ignored) for a person to look at, plus the layout checks a screenshot would show.

const chromium = findChromium()

const BATCH =
  'sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm\n5.1,3.5,1.4,0.2\n6.3,3.3,6.0,2.5\n5.1,abc,1.4,0.2\n'

describe.skipIf(!chromium)('UI screenshots in Chromium', () => {
  const h = useHarness(chromium!)

  for (const [name, viewport, colorScheme] of [
    ['desktop', DESKTOP, 'light'],
    ['phone', PHONE, 'light'],
    ['desktop-dark', DESKTOP, 'dark'],
    ['phone-dark', PHONE, 'dark'],
  ] as const) {
    it(`renders at ${name} (${viewport.width}px, ${colorScheme}): no sideways scrolling, AA contrast`, async () => {
      const page = await h.open({ viewport, colorScheme })
      await page.getByRole('button', { name: 'Versicolor example' }).click()
      await expectConfidence(page, 'versicolor')
      await page.getByRole('button', { name: 'Predict species' }).click()
      await page.locator('#species-output').filter({ hasText: /\S/ }).waitFor()
      await page.getByLabel('CSV rows').fill(BATCH)
      await page.getByRole('button', { name: 'Predict batch' }).click()
      await page.getByText(/2 of 3 rows predicted/).waitFor()
      await page.getByRole('button', { name: 'Model card' }).click()
      await page.getByText('Hold-out accuracy').waitFor()

      // Screenshots first, so a failed layout check below still leaves the picture to look at.
      await page.screenshot({ path: `${SCREENSHOT_DIR}/${name}.png`, fullPage: true })
      await page.evaluate(() => window.scrollTo(0, 0))
      await page.screenshot({ path: `${SCREENSHOT_DIR}/${name}-top.png` })

      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      expect(overflow).toBeLessThanOrEqual(0)
      const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor)
      const [r = 0, g = 0, b = 0] = background.match(/\d+/g)!.map(Number)
      const light = (r + g + b) / 3 > 128
      expect(light).toBe(colorScheme === 'light')
      expect(await lowContrastTexts(page), 'texts below WCAG AA contrast').toEqual([])
    })
  }
})
