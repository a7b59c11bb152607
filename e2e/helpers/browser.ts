import { existsSync } from 'node:fs'
import { chromiumPath } from '../../dev/harness/chromium.js'

export { CHROMIUM_ARGS, chromiumPath, launchChromium } from '../../dev/harness/chromium.js'

// Debian's Chromium driven by playwright-core (no bundled browser download). A missing browser skips the
// browser tests loudly on a workstation and fails them under CI=true, where .ci/run installs it.

/** The browser path when present; null (after a loud warning) when absent outside CI; throws under CI. */
export function findChromium(): string | null {
  const path = chromiumPath()
  if (existsSync(path)) return path
  const message =
    `Chromium not found at ${path} (set CHROMIUM_PATH, or install it: apt-get install chromium). ` +
    'The browser tests need it.'
  if (process.env.CI === 'true') throw new Error(`${message} Under CI=true a missing browser is a failure.`)
  console.warn(`\n${'!'.repeat(100)}\nSKIPPING BROWSER TESTS: ${message}\n${'!'.repeat(100)}\n`)
  return null
}
