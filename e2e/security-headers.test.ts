import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { findChromium } from './helpers/browser.js'
import { DESKTOP, expectConfidence, useHarness } from './helpers/harness.js'

// The UI and Swagger UI work under the service's Content-Security-Policy (src/api/security/headers.ts):
// the header is there, the pages do their job, and the browser reports no CSP violation at all.

const chromium = findChromium()

describe.skipIf(!chromium)('security headers in Chromium', () => {
  const h = useHarness(chromium!)

  /** A page that records every CSP violation: the DOM event and the console's "Refused to ..." lines. */
  async function watchedPage(path: string): Promise<{ page: Page; violations: string[]; csp: string }> {
    const context = await h.browser.newContext({ viewport: DESKTOP })
    const violations: string[] = []
    await context.exposeBinding('__cspViolation', (_source, text: string) => void violations.push(text))
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        ;(window as unknown as { __cspViolation(t: string): void }).__cspViolation(
          `${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`,
        )
      })
    })
    const page = await context.newPage()
    page.on('console', (msg) => {
      if (/Content Security Policy|Refused to/i.test(msg.text())) violations.push(`console: ${msg.text()}`)
    })
    const response = await page.goto(`${h.server.url}${path}`)
    const csp = (await response?.allHeaders())?.['content-security-policy'] ?? ''
    return { page, violations, csp }
  }

  it('the UI predicts under the CSP with no violation', async () => {
    const { page, violations, csp } = await watchedPage('/')
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toContain('unsafe-inline')
    await expectConfidence(page, /\S/)
    // Move a control so the UI fetches again under connect-src 'self'.
    const slider = page.getByRole('slider').first()
    await slider.focus()
    await slider.press('ArrowRight')
    await page.waitForLoadState('networkidle')
    expect(violations).toEqual([])
    await page.context().close()
  })

  it('Swagger UI at /docs renders and runs "Try it out" under the CSP with no violation', async () => {
    const { page, violations, csp } = await watchedPage('/docs')
    expect(csp).toContain("default-src 'self'")
    await page.locator('.swagger-ui .opblock').first().waitFor({ timeout: 30_000 })
    const op = page.locator('.opblock-post').filter({ hasText: '/predict-proba' }).first()
    await op.locator('.opblock-summary').click()
    await op.getByRole('button', { name: 'Try it out' }).click()
    await op.getByRole('button', { name: 'Execute' }).click()
    const status = op.locator('.live-responses-table tbody td.response-col_status').first()
    await status.waitFor({ timeout: 30_000 })
    expect((await status.textContent())?.trim()).toBe('200')
    await page.waitForLoadState('networkidle')
    expect(violations).toEqual([])
    await page.context().close()
  })
})
