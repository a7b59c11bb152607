/**
 * docs/access-control.md's table of routes and scopes against the app: every route the app registers is
 * in the table with the access it really has, and every row names a route that exists. Then the table is
 * exercised over HTTP: with one key per scope, each scoped route refuses a key of another scope (403) and
 * lets its own through.
 */
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SCOPES } from '../../src/api/security/scopes.js'
import { buildTestApp, type TestApp } from '../api/helper.js'

interface Row {
  patterns: { method: string; path: string }[]
  access: string
}

/** The rows of the "Routes and scopes" table: `METHOD /path` cells (a trailing * is a prefix) and access. */
function documentedRows(): Row[] {
  const text = readFileSync('docs/access-control.md', 'utf8')
  const section = text.slice(
    text.indexOf('## Routes and scopes'),
    text.indexOf('\n## ', text.indexOf('## Routes and scopes') + 5),
  )
  return section
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .map((line) => {
      const [routes = '', access = ''] = line.split('|').slice(1, 3)
      return {
        patterns: [...routes.matchAll(/`(GET|POST|PUT|DELETE|PATCH) ([^`]+)`/g)].map((m) => ({
          method: m[1]!,
          path: m[2]!,
        })),
        access: access.trim().replace(/`/g, ''),
      }
    })
}

const matches = (p: { method: string; path: string }, method: string, url: string) =>
  p.method === method && (p.path.endsWith('*') ? url.startsWith(p.path.slice(0, -1)) : url === p.path)

let t: TestApp
beforeAll(async () => {
  t = await buildTestApp()
})
afterAll(() => t.app.close())

describe('docs/access-control.md', () => {
  it('lists every route with the access it has, and no route that does not exist', () => {
    const rows = documentedRows()
    expect(rows.length).toBeGreaterThan(5)
    const used = new Set<string>()
    const wrong: string[] = []
    for (const r of t.app.accessTable()) {
      const row = rows.find((x) => x.patterns.some((p) => matches(p, r.method, r.url)))
      if (row === undefined) wrong.push(`${r.method} ${r.url} (${r.access}) is not in the table`)
      else if (row.access !== r.access)
        wrong.push(`${r.method} ${r.url} is ${r.access}, documented ${row.access}`)
      for (const p of row?.patterns ?? []) if (matches(p, r.method, r.url)) used.add(`${p.method} ${p.path}`)
    }
    // Rows for routes another feature adds later (POST /feedback*, GET /admin/*) may match nothing yet.
    const optional = new Set(['POST /feedback*', 'GET /admin/*'])
    for (const row of rows)
      for (const p of row.patterns) {
        const key = `${p.method} ${p.path}`
        if (!used.has(key) && !optional.has(key)) wrong.push(`row ${key} matches no route`)
      }
    expect(wrong).toEqual([])
  })
})

describe('the table over HTTP: one key per scope', () => {
  const keyOf = (scope: string) => `key-for-${scope}-0123456789`
  let app: TestApp
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scope-keys-'))
    const file = join(dir, 'keys.json')
    const entries = SCOPES.map((scope) => ({
      name: `only-${scope}`,
      sha256: createHash('sha256').update(keyOf(scope)).digest('hex'),
      scopes: [scope],
    }))
    writeFileSync(file, JSON.stringify(entries))
    app = await buildTestApp({ API_KEYS_FILE: file, METRICS_REQUIRE_KEY: 'true' })
  })
  afterAll(() => app.app.close())

  it('each scoped route refuses the other scopes with 403 and admits its own', async () => {
    const name = app.models.current!.name
    const row = { input: [[5.1, 3.5, 1.4, 0.2]] }
    const cases: [string, string, string, unknown][] = [
      ['POST', '/predict', 'predict', row],
      ['POST', '/explain', 'explain', row],
      ['GET', '/model', 'read', undefined],
      ['GET', `/v2/models/${name}`, 'read', undefined],
      ['GET', '/metrics', 'metrics', undefined],
      ['POST', '/admin/reload', 'admin', { bogus: 1 }],
    ]
    for (const [method, url, scope, payload] of cases) {
      for (const other of SCOPES) {
        const res = await app.app.inject({
          method: method as 'GET' | 'POST',
          url,
          headers: { 'x-api-key': keyOf(other) },
          ...(payload === undefined ? {} : { payload: payload as object }),
        })
        const label = `${method} ${url} with the ${other} key`
        if (other === scope) expect([200, 400], label).toContain(res.statusCode)
        else {
          expect(res.statusCode, label).toBe(403)
          expect(res.headers['www-authenticate'], label).toContain(`scope="${scope}"`)
        }
      }
    }
    expect((await app.app.inject({ url: '/health/ready' })).statusCode).toBe(200)
  })
})
