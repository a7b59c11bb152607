import { mkdirSync } from 'node:fs'
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, expect } from 'vitest'
import { launchChromium } from './browser.js'
import { ensureBuilt, ROOT, type RunningServer, startServer } from './server.js'

// One real server and one browser per test file; a fresh browser context (clean cache, storage) per test.
// Uncaught page errors fail the test that caused them.

export const SCREENSHOT_DIR = `${ROOT}e2e/screenshots`
export const DESKTOP = { width: 1280, height: 800 }
export const PHONE = { width: 375, height: 812 }

export interface Harness {
  readonly server: RunningServer
  readonly browser: Browser
  /** Opens the UI at `path` in a new context and waits until the first live prediction is on screen. */
  open(options?: BrowserContextOptions & { path?: string; waitForPrediction?: boolean }): Promise<Page>
}

/**
 * `env` adds server settings, read when the server starts (in beforeAll, after the file's own earlier
 * hooks), e.g. `() => ({ MODEL_PATH })` for a model a previous hook trained.
 */
export function useHarness(chromium: string, options: { env?: () => Record<string, string> } = {}): Harness {
  let server: RunningServer | undefined
  let browser: Browser | undefined
  const contexts: BrowserContext[] = []
  const pageErrors: string[] = []

  beforeAll(async () => {
    if (!process.env.E2E_BASE_URL) ensureBuilt()
    mkdirSync(SCREENSHOT_DIR, { recursive: true })
    ;[server, browser] = await Promise.all([startServer(options.env?.() ?? {}), launchChromium(chromium)])
  })

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()))
    const errors = pageErrors.splice(0)
    expect(errors, 'uncaught errors in the page').toEqual([])
  })

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  return {
    get server() {
      if (!server) throw new Error('server not started')
      return server
    },
    get browser() {
      if (!browser) throw new Error('browser not launched')
      return browser
    },
    async open(options = {}) {
      const { path = '/', waitForPrediction = true, ...contextOptions } = options
      const context = await browser!.newContext({ viewport: DESKTOP, ...contextOptions })
      contexts.push(context)
      const page = await context.newPage()
      page.on('pageerror', (err) => pageErrors.push(String(err)))
      await page.goto(`${server!.url}${path}`)
      if (waitForPrediction) await expectConfidence(page, /\S/)
      return page
    },
  }
}

/** Waits until the "Species with confidence" output shows text matching `species`. */
export async function expectConfidence(page: Page, species: RegExp | string): Promise<void> {
  const output = page.locator('#confidence-species')
  await output.filter({ hasText: species }).waitFor({ timeout: 30_000 })
}

/** The displayed probabilities, read from the bars' text ("97.1%" -> 0.971), by class name. */
export async function displayedProbabilities(page: Page): Promise<Map<string, number>> {
  const rows = await page
    .locator('#proba-bars li')
    .evaluateAll((items) =>
      items.map((li) => [
        li.querySelector('.bar-name')?.textContent ?? '',
        li.querySelector('.bar-value')?.textContent ?? '',
      ]),
    )
  return new Map(rows.map(([name, text]) => [name!, Number.parseFloat(text!) / 100]))
}

export async function postJson(url: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
  return { status: response.status, json: await response.json() }
}
