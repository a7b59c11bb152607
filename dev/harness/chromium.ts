/**
 * Debian's Chromium driven by playwright-core (no bundled browser download works here): where it is and
 * the flags it runs with, for the browser tests (e2e/helpers/browser.ts) and the UI benches alike.
 */
import { type Browser, chromium } from 'playwright-core'

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
]

export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
}

export function launchChromium(executablePath: string = chromiumPath()): Promise<Browser> {
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 })
}
