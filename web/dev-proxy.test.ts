import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { proxied } from './dev-proxy.js'

const SRC = fileURLToPath(new URL('./src', import.meta.url))

/**
 * The API paths the page's code names: quoted '/path...' literals and "METHOD /path" routes (a first segment
 * of two characters or more, so a regex literal such as /"/g is not taken for one).
 */
function pathsThePageCalls(): string[] {
  const found = new Set<string>()
  for (const file of readdirSync(SRC)) {
    if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue
    const text = readFileSync(join(SRC, file), 'utf8')
    for (const m of text.matchAll(
      /['"`](?:(?:GET|POST|PUT|DELETE) )?(\/[a-z][a-z0-9_-]+(?:\/[a-z0-9_.-]+)*)/g,
    ))
      found.add(m[1] as string)
  }
  return [...found].sort()
}

describe('the Vite dev proxy', () => {
  it('forwards every API path the page calls', () => {
    const paths = pathsThePageCalls()
    // The scan sees the page's calls (a guard against a scan that finds nothing).
    expect(paths).toEqual(
      expect.arrayContaining(['/predict', '/explain', '/drift', '/models', '/admin/promote']),
    )
    expect(paths.filter((p) => !proxied(p))).toEqual([])
  })

  it("leaves the page's own files to Vite", () => {
    expect(proxied('/')).toBe(false)
    expect(proxied('/src/main.ts')).toBe(false)
    expect(proxied('/index.html')).toBe(false)
  })
})
