/**
 * `<root>/<name>/online.json`: labelled-feedback counts per version, written by the server (POST /feedback, summed
 * over its workers) and read by `iris models list` and GET /models. Written atomically; a missing or unreadable
 * file reads as null ("-" in the table): these counts inform, they never decide what is served.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '../atomic-write.js'
import { ONLINE_FILE, type OnlineDoc } from './types.js'

export async function readOnline(nameDir: string): Promise<OnlineDoc | null> {
  try {
    const raw = JSON.parse(await readFile(join(nameDir, ONLINE_FILE), 'utf8')) as unknown
    if (typeof raw !== 'object' || raw === null) return null
    const doc = raw as Partial<OnlineDoc>
    if (typeof doc.versions !== 'object' || doc.versions === null) return null
    const versions: OnlineDoc['versions'] = {}
    for (const [v, c] of Object.entries(doc.versions)) {
      if (Number.isSafeInteger(c?.rows) && Number.isSafeInteger(c?.correct) && c.correct <= c.rows)
        versions[v] = { rows: c.rows, correct: c.correct }
    }
    return { updated_at: String(doc.updated_at ?? ''), versions }
  } catch {
    return null
  }
}

export async function writeOnline(nameDir: string, versions: OnlineDoc['versions']): Promise<void> {
  const doc: OnlineDoc = { updated_at: new Date().toISOString(), versions }
  await writeFileAtomic(join(nameDir, ONLINE_FILE), `${JSON.stringify(doc, null, 2)}\n`)
}
