import { describe, expect, it } from 'vitest'
import { findChromium } from './helpers/browser.js'
import { useHarness } from './helpers/harness.js'

// The Models view (web/src/models-view.ts): the versions table and the rollout from GET /models, and the
// promote / rollback buttons, shown once an admin key is typed and sent as X-API-Key.

const chromium = findChromium()
const ADMIN_KEY = 'models-view-admin-key-0123456789'

describe.skipIf(!chromium)('UI models view in Chromium', () => {
  const h = useHarness(chromium!, { env: () => ({ ADMIN_API_KEYS: ADMIN_KEY }) })

  it('lists version 1 as stable with no rollout; an admin key shows the buttons and a refusal says why', async () => {
    const page = await h.open({ waitForPrediction: false })
    await page.getByRole('button', { name: 'Show models' }).click()
    const table = page.getByRole('table', { name: /Versions of/ })
    const row = table.getByRole('row', { name: /^1\b/ })
    await row.waitFor()
    expect(await row.getByRole('cell').first().textContent()).toBe('stable')
    expect(await page.getByRole('status').filter({ hasText: 'Rollout:' }).textContent()).toMatch(/no rollout/)

    const rollback = page.getByRole('button', { name: 'Roll back' })
    expect(await rollback.isVisible()).toBe(false)
    await page.getByRole('textbox', { name: 'Admin key' }).fill(ADMIN_KEY)
    expect(await page.getByRole('button', { name: 'Promote candidate' }).isVisible()).toBe(true)

    // The server's own answer to the same request: the page must quote its JSON error text.
    const direct = await fetch(`${h.server.url}/admin/rollback`, {
      method: 'POST',
      headers: { 'x-api-key': ADMIN_KEY },
    })
    const { error } = (await direct.json()) as { error: string }
    expect(direct.status).toBeGreaterThanOrEqual(400)
    await rollback.click()
    const refusal = page.getByRole('status').filter({ hasText: 'The API refused POST /admin/rollback' })
    await refusal.waitFor()
    expect(await refusal.textContent()).toBe(
      `The API refused POST /admin/rollback (HTTP ${direct.status}: ${error}).`,
    )
  })
})
