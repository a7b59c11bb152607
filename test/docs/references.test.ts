/**
 * Docs kept true by a test: every repository path, decision file and npm script named in the docs (README
 * files, docs/) and in code comments exists, and every markdown link resolves.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { allReferences, type Reference, referencesIn } from './references.js'

const scripts = new Set(Object.keys(JSON.parse(readFileSync('package.json', 'utf8')).scripts as object))

function broken(ref: Reference): boolean {
  if (ref.kind === 'script') return !scripts.has(ref.text)
  if (ref.kind === 'link') return !existsSync(join(dirname(ref.file), ref.text.replace(/\/$/, '')))
  return !existsSync(ref.text) && !isOutput(ref.text)
}

/** Build or test output (e2e/screenshots/, dist/...): named by docs, ignored by git, made by a run. */
function isOutput(path: string): boolean {
  return spawnSync('git', ['check-ignore', '-q', '--no-index', path]).status === 0
}

const where = (r: Reference) => `${r.file}:${r.line} names ${r.kind} ${r.text}`

describe('docs and comments name only what exists', () => {
  const refs = allReferences()

  it('scans the docs and finds references of each kind', () => {
    expect(refs.filter((r) => r.kind === 'path').length).toBeGreaterThan(50)
    expect(refs.filter((r) => r.kind === 'script').length).toBeGreaterThan(5)
    expect(refs.filter((r) => r.kind === 'link').length).toBeGreaterThan(5)
  })

  it('every named repository path exists', () => {
    expect(refs.filter((r) => r.kind === 'path' && broken(r)).map(where)).toEqual([])
  })

  it('every relative markdown link resolves', () => {
    expect(refs.filter((r) => r.kind === 'link' && broken(r)).map(where)).toEqual([])
  })

  it('every `npm run` script is defined in package.json', () => {
    expect(refs.filter((r) => r.kind === 'script' && broken(r)).map(where)).toEqual([])
  })

  it('every decision file holds one decision and is numbered uniquely', () => {
    const files = readdirSync('docs/decisions').filter((f) => f.endsWith('.md'))
    const numbers = files.map((f) => f.slice(0, 3))
    expect(new Set(numbers).size, 'decision numbers are unique').toBe(numbers.length)
    for (const f of files) {
      expect(f, 'decision files are named NNN-title.md').toMatch(/^\d{3}-[a-z0-9-]+\.md$/)
      const text = readFileSync(join('docs/decisions', f), 'utf8')
      const titles = text.split('\n').filter((l) => /^# /.test(l))
      expect(titles, `${f} has exactly one "# " title`).toHaveLength(1)
    }
  })
})

describe('folder READMEs list what their folder holds', () => {
  // A script or benchmark nobody can find is as good as missing: each one has a row in its folder's README.
  for (const [folder, pattern] of [
    ['scripts', /\.(ts|mjs|sh|py)$/],
    ['bench', /^(?!.*\.d\.ts$).*\.ts$/],
  ] as const) {
    it(`${folder}/README.md names every file of ${folder}/`, () => {
      const readme = readFileSync(join(folder, 'README.md'), 'utf8')
      const files = readdirSync(folder).filter((f) => pattern.test(f))
      expect(files.length).toBeGreaterThan(0)
      expect(files.filter((f) => !readme.includes(`\`${f}\``))).toEqual([])
    })
  }
})

describe('the scanner itself', () => {
  it('finds paths in comments of code files but not in code', () => {
    const text = "// see src/api/app.ts.\nconst p = 'src/nowhere.ts'\n * docs/decisions/016-fast-lane.md"
    expect(referencesIn('x.ts', text).map((r) => r.text)).toEqual([
      'src/api/app.ts',
      'docs/decisions/016-fast-lane.md',
    ])
  })

  it('skips URLs, absolute paths and patterns', () => {
    const text = 'https://x.io/docs/a.md /data/models/x.json test/**/*.test.ts docs/decisions/NNN-title.md'
    expect(referencesIn('x.md', text)).toEqual([])
  })

  it('reads markdown links and npm scripts', () => {
    const refs = referencesIn('docs/x.md', 'See [the format](model-format.md#top) and `npm run bench:http`.')
    expect(refs.map((r) => `${r.kind}:${r.text}`)).toEqual(['link:model-format.md', 'script:bench:http'])
  })

  it('flags a missing file, a missing script and a broken link', () => {
    const refs = referencesIn('docs/x.md', 'src/gone.ts, `npm run nope`, [x](gone.md)')
    expect(refs.map(broken)).toEqual([true, true, true])
  })
})
