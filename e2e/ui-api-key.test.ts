import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findChromium } from './helpers/browser.js'
import { expectConfidence, useHarness } from './helpers/harness.js'

// The page against a server with API keys (web/src/credentials.ts): without a key it says one is needed,
// quoting the server; the key typed in the header's "API key" field goes with every request (the model,
// predictions, a streamed batch upload), stays for the tab across a reload, and never reaches the URL. A key
// without the "predict" scope is told so.

const chromium = findChromium()
const KEY = 'ui-api-key-test-0123456789abcdef'
/** Holds only the "read" scope (from an API_KEYS_FILE JSON entry): the model loads, predictions are refused. */
const READ_ONLY_KEY = 'ui-api-key-read-only-0123456789'

const keyField = (page: Page) => page.getByRole('textbox', { name: 'API key', exact: true })
const alerts = (page: Page, text: string | RegExp) => page.getByRole('alert').filter({ hasText: text })

describe.skipIf(!chromium)('UI with API keys configured', () => {
  let dir = ''
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ui-api-key-'))
    const sha256 = createHash('sha256').update(READ_ONLY_KEY).digest('hex')
    writeFileSync(join(dir, 'keys.json'), JSON.stringify([{ name: 'read-only', sha256, scopes: ['read'] }]))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const h = useHarness(chromium!, {
    env: () => ({ API_KEYS: KEY, API_KEYS_FILE: join(dir, 'keys.json'), API_KEYS_FILE_POLL_S: '0' }),
  })

  it('says a key is needed; once typed, predictions and a streamed upload work, and a reload keeps it', async () => {
    const direct = await fetch(`${h.server.url}/model`)
    const { error } = (await direct.json()) as { error: string }
    expect(direct.status).toBe(401)

    const page = await h.open({ waitForPrediction: false })
    const needed = alerts(page, 'This server needs an API key for GET /model (HTTP 401)')
    await needed.first().waitFor()
    expect(await needed.first().textContent()).toContain(`The API said: ${error}`)
    expect(await page.locator('#confidence-species').textContent()).toBe('')

    const field = keyField(page)
    expect(await field.getAttribute('type')).toBe('password')
    await field.fill(KEY)
    await field.press('Enter')
    await expectConfidence(page, /setosa/)
    expect(await needed.count()).toBe(0)

    await page.getByRole('button', { name: 'Predict species' }).click()
    await page.locator('#species-output').filter({ hasText: 'setosa' }).waitFor()
    expect(await page.locator('#predict-error').isHidden()).toBe(true)

    await page.getByLabel('Upload a CSV file').setInputFiles({
      name: 'three.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n5.9,3.0,4.2,1.5\n'),
    })
    await page.getByText('3 rows predicted, all of three.csv.').waitFor()
    const table = page.getByRole('table', { name: 'Batch results (3 rows)' })
    expect(await table.getByRole('row').count()).toBe(4)

    // The key stays with the tab (sessionStorage), not in the URL or localStorage.
    await page.reload()
    await expectConfidence(page, /setosa/)
    expect(await keyField(page).inputValue()).toBe(KEY)
    expect(page.url()).not.toContain(KEY)
    const stored = await page.evaluate(() => ({
      session: Object.values(sessionStorage),
      local: Object.values(localStorage),
    }))
    expect(stored).toEqual({ session: [KEY], local: [] })
  })

  it('says the key lacks the scope when it may read the model but not predict', async () => {
    const page = await h.open({ waitForPrediction: false })
    await alerts(page, 'needs an API key').first().waitFor()
    await keyField(page).fill(READ_ONLY_KEY)
    await keyField(page).press('Enter')
    const lacking = alerts(page, 'The API key lacks the scope for POST /predict-proba (HTTP 403)')
    await lacking.first().waitFor()
    expect(await lacking.first().textContent()).toMatch(/The API said: insufficient_scope: .*"predict" scope/)
  })

  it('says a wrong key was not accepted', async () => {
    const page = await h.open({ waitForPrediction: false })
    await alerts(page, 'needs an API key').first().waitFor()
    await keyField(page).fill('not-the-key-0123456789')
    await keyField(page).press('Enter')
    const refused = alerts(page, 'The API key was not accepted for GET /model (HTTP 401)')
    await refused.first().waitFor()
    expect(await refused.first().textContent()).toContain('The API said: invalid API key')
  })
})
