/**
 * Every package in package-lock.json installs without an EBADENGINE warning on each Node we claim: the
 * first version of each line our `engines` allows (20.19, 22.13, 24). What we claim is what the tools need
 * (Vite and its bundler: ^20.19 or >= 22.12; the WASI runtime: ^22.13 or >= 23.5), and packages that
 * require more than that are pinned to compatible versions in package.json's `overrides`
 * (content-disposition@3 and cookie@2 need Node >= 22; 2.0.1 and 1.1.1 have the API our dependants use and
 * support Node 18). CI runs the whole suite on Node 20 and 24 (.ci/run, scripts/ci-node24.sh).
 */
import semver from 'semver'
import { describe, expect, it } from 'vitest'
import { readText } from './support.js'

const pkg = JSON.parse(readText('package.json')) as { engines: { node: string } }
const lock = JSON.parse(readText('package-lock.json')) as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>
}

describe('dependencies support every Node we claim', () => {
  const claimed = ['20.19.0', '22.13.0', '24.0.0']

  it('our engines range starts at 20.19 and includes each claimed line, the image runtime (24) too', () => {
    expect(semver.minVersion(pkg.engines.node)?.version).toBe('20.19.0')
    for (const v of claimed) expect(semver.satisfies(v, pkg.engines.node), v).toBe(true)
    expect(semver.satisfies('22.0.0', pkg.engines.node)).toBe(false)
  })

  it('no locked package requires a Node outside our range', () => {
    const refused: string[] = []
    for (const [path, entry] of Object.entries(lock.packages)) {
      const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node
      if (path === '' || range === undefined) continue
      for (const v of claimed) {
        if (!semver.satisfies(v, range)) refused.push(`${path}@${entry.version}: node ${range} (not ${v})`)
      }
    }
    expect(refused).toEqual([])
  })

  it('pins content-disposition and cookie through overrides', () => {
    const overrides = (JSON.parse(readText('package.json')) as { overrides: Record<string, string> })
      .overrides
    expect(overrides).toMatchObject({ 'content-disposition': '2.0.1', cookie: '1.1.1' })
  })
})
