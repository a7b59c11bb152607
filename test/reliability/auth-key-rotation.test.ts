/**
 * API_KEYS_FILE rotation without a restart, over real HTTP: the file is replaced (temp file + rename, as
 * a Kubernetes Secret volume swaps its files) and the server, polling it, accepts the new key and refuses
 * the old one; a malformed replacement is refused with a log line and the keys in use stay.
 * Also: a malformed file at start-up stops buildApp with the file and the fault named.
 */
import { createHash } from 'node:crypto'
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../api/helper.js'
import { rawRequest } from './raw-http.js'

const hex = (s: string) => createHash('sha256').update(s).digest('hex')
const OLD = 'old-key-0123456789abcdef'
const NEW = 'new-key-0123456789abcdef'
const ROW = JSON.stringify({ input: [[5.1, 3.5, 1.4, 0.2]] })
const dir = mkdtempSync(join(tmpdir(), 'key-rotation-'))
const file = join(dir, 'keys.json')

function replace(text: string): void {
  const tmp = join(dir, `keys.json.${process.hrtime.bigint()}`)
  writeFileSync(tmp, text)
  renameSync(tmp, file)
}

const entry = (name: string, key: string) => ({ name, sha256: hex(key), scopes: ['predict'] })

let t: TestApp
let port: number
beforeAll(async () => {
  replace(JSON.stringify([entry('team-a', OLD)]))
  t = await buildTestApp({ API_KEYS_FILE: file, API_KEYS_FILE_POLL_S: '0.05' })
  await t.app.listen({ port: 0, host: '127.0.0.1' })
  port = (t.app.server.address() as { port: number }).port
})
afterAll(() => t.app.close())

const status = async (key: string) =>
  (await rawRequest(port, 'POST', '/predict', { 'x-api-key': key }, ROW)).status

/** Poll until `check` holds (the server polls the file on its own clock). */
async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 25))
  }
  throw new Error(`never: ${what}`)
}

describe('API_KEYS_FILE rotation', () => {
  it('a replaced file is picked up without a restart: new key in, old key out', async () => {
    expect(await status(OLD)).toBe(200)
    expect(await status(NEW)).toBe(401)
    replace(JSON.stringify([entry('team-a-2026-12', NEW)]))
    await eventually(async () => (await status(NEW)) === 200, 'the new key accepted')
    expect(await status(OLD)).toBe(401)
    expect(t.logs.some((l) => l.message === 'API keys reloaded')).toBe(true)
  })

  it('a malformed replacement is refused, logged with the file and fault, and the keys in use stay', async () => {
    replace('[{"name": "oops", "sha256": "not-a-digest", "scopes": ["predict"]}]')
    await eventually(
      async () => t.logs.some((l) => l.message === 'API key file refused: the previous keys stay in use'),
      'the refusal logged',
    )
    const line = t.logs.find((l) => l.message === 'API key file refused: the previous keys stay in use')!
    expect(String(line.error)).toMatch(/keys\.json: entry 1 \("oops"\): sha256 must be 64 hex digits/)
    expect(await status(NEW)).toBe(200)
  })
})

describe('a malformed key file at start-up', () => {
  it('stops buildApp naming the file and the fault', async () => {
    const bad = join(dir, 'bad.json')
    writeFileSync(bad, '[{"name": "x", "sha256": "00", "scopes": ["predict"]}]')
    await expect(buildTestApp({ API_KEYS_FILE: bad })).rejects.toThrow(
      `${bad}: entry 1 ("x"): sha256 must be 64 hex digits`,
    )
    await expect(buildTestApp({ API_KEYS_FILE: join(dir, 'missing.json') })).rejects.toThrow(
      /API_KEYS_FILE: cannot read .*missing\.json \(ENOENT\)/,
    )
  })
})
