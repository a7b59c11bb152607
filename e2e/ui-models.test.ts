import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findChromium } from './helpers/browser.js'
import { useHarness } from './helpers/harness.js'
import { ROOT } from './helpers/server.js'

// The Models view (web/src/models-view.ts): the versions table and the rollout from GET /models, and the
// promote / rollback buttons, shown once an admin key is typed and sent as X-API-Key, and the History table of
// alias changes (newest first) that follows them.

const chromium = findChromium()
const ADMIN_KEY = 'models-view-admin-key-0123456789'

describe.skipIf(!chromium)('UI models view in Chromium', () => {
  // A copy of the shipped registry (version 1, stable): the admin buttons must never touch models/.
  let dir = ''
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ui-models-'))
    cpSync(`${ROOT}models/iris_model`, join(dir, 'iris_model'), { recursive: true })
    // Version 2: the same model under a new number, so a rollout has a candidate to serve.
    cpSync(join(dir, 'iris_model', '1'), join(dir, 'iris_model', '2'), { recursive: true })
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const h = useHarness(chromium!, { env: () => ({ ADMIN_API_KEYS: ADMIN_KEY, MODELS_DIR: dir }) })

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
    expect(direct.status).toBe(409)
    expect(error).toMatch(/no previous stable version/)
    await rollback.click()
    const refusal = page.getByRole('status').filter({ hasText: 'The API refused POST /admin/rollback' })
    await refusal.waitFor()
    expect(await refusal.textContent()).toBe(
      `The API refused POST /admin/rollback (HTTP ${direct.status}: ${error}).`,
    )
  })

  it('shows a running canary, then promote makes the candidate stable, and rollback restores version 1', async () => {
    const start = await fetch(`${h.server.url}/admin/rollout`, {
      method: 'POST',
      headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ candidate: '2', mode: 'canary', weight: 0.2 }),
    })
    expect(start.status).toBe(200)
    const page = await h.open({ waitForPrediction: false })
    await page.getByRole('button', { name: 'Show models' }).click()
    const state = page.getByRole('status').filter({ hasText: 'Rollout:' })
    await state.waitFor()
    expect(await state.textContent()).toBe(
      'Rollout: running — candidate 2 beside stable 1; canary: 20.0% of requests to the candidate',
    )
    const table = page.getByRole('table', { name: /Versions of/ })
    expect(await table.getByRole('row', { name: /^2\b/ }).getByRole('cell').first().textContent()).toBe(
      'candidate',
    )

    await page.getByRole('textbox', { name: 'Admin key' }).fill(ADMIN_KEY)
    await page.getByRole('button', { name: 'Promote candidate' }).click()
    const done = page.getByRole('status').filter({ hasText: 'Promoted.' })
    await done.waitFor()
    expect(await done.textContent()).toMatch(/^Promoted\. Rollout: promoted — candidate 2 became stable/)
    const row2 = table.getByRole('row', { name: /^2\b/ })
    await row2.getByRole('cell').first().filter({ hasText: 'stable' }).waitFor()
    expect(await row2.getByRole('cell').first().textContent()).toMatch(/stable/)

    // The History table, newest first: the promotion, then the rollout it ended.
    const history = page.getByRole('table', { name: /History of iris_model/ })
    const cellsOf = async (n: number) =>
      (await history.getByRole('row').nth(n).getByRole('cell').allTextContents()).slice(0, 2)
    await history.getByRole('row', { name: /Promoted/ }).waitFor()
    expect(await cellsOf(1)).toEqual(['Promoted', 'stable: 1 → 2'])
    expect(await cellsOf(2)).toEqual(['Rollout started', 'candidate: none → 2'])

    // No rollout runs now: Roll back returns stable to version 1, and the table says so first.
    await page.getByRole('button', { name: 'Roll back' }).click()
    await history.getByRole('row', { name: /Rolled back/ }).waitFor()
    expect(await cellsOf(1)).toEqual(['Rolled back', 'stable: 2 → 1'])
    expect(await cellsOf(2)).toEqual(['Promoted', 'stable: 1 → 2'])
    expect(await table.getByRole('row', { name: /^1\b/ }).getByRole('cell').first().textContent()).toBe(
      'stable',
    )
  })
})
