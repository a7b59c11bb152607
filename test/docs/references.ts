/**
 * What the docs and the code comments name: repository paths (`src/api/app.ts`, `docs/decisions/016-…`),
 * markdown links, and `npm run <script>` commands. Pure text scanning; the test checks each exists.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

/** Top-level folders whose files the docs may name (dist/, coverage/ and the like are build output). */
export const ROOTS = [
  'src',
  'test',
  'e2e',
  'web',
  'scripts',
  'bench',
  'docs',
  'deploy',
  'models',
  'data',
  '.github',
  '.ci',
]

export interface Reference {
  file: string
  line: number
  kind: 'path' | 'link' | 'script'
  text: string
}

const ROOTED = new RegExp(
  `(?<![\\w./@:~-])((?:${ROOTS.map((r) => r.replace('.', '\\.')).join('|')})/[\\w.@/-]*)`,
  'g',
)
const LINK = /\]\(([^)\s#]+)(?:#[^)]*)?\)/g
const NPM_RUN = /\bnpm run ([\w:-]+)/g
const CODE_FILE = /\.(ts|mts|mjs|js|sh|py|ya?ml)$/
const COMMENT = /^\s*(\/\/|\/?\*|#)/

/** The files scanned: tracked (or new, not ignored) docs and sources, without build output or fixtures. */
export function scannedFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
    encoding: 'utf8',
  })
  return out
    .split('\n')
    .filter((f) => f !== '' && !f.startsWith('node_modules/') && !f.includes('/fixtures/'))
    .filter((f) => f.endsWith('.md') || CODE_FILE.test(f))
    .filter((f) => f !== 'package-lock.json')
}

/** Trailing punctuation a sentence adds to a path. */
function clean(path: string): string {
  return path.replace(/[.,:;]+$/, '')
}

/** A reference that names a pattern or a placeholder, not one file. */
function isPattern(text: string): boolean {
  return /[*<>{}$…]|\.\.\.|NNN|XXX/.test(text)
}

export function referencesIn(file: string, text: string): Reference[] {
  const refs: Reference[] = []
  const markdown = file.endsWith('.md')
  text.split('\n').forEach((line, i) => {
    if (!markdown && !COMMENT.test(line)) return
    for (const m of line.matchAll(ROOTED)) {
      const path = clean(m[1]!)
      if (!isPattern(path) && !isPattern(line.slice(m.index!, m.index! + m[0].length + 1))) {
        refs.push({ file, line: i + 1, kind: 'path', text: path })
      }
    }
    if (markdown) {
      for (const m of line.matchAll(LINK)) {
        const target = m[1]!
        if (/^[a-z]+:/i.test(target) || target.startsWith('/') || isPattern(target)) continue
        refs.push({ file, line: i + 1, kind: 'link', text: target })
      }
    }
    for (const m of line.matchAll(NPM_RUN)) refs.push({ file, line: i + 1, kind: 'script', text: m[1]! })
  })
  return refs
}

export function allReferences(): Reference[] {
  return scannedFiles().flatMap((f) => referencesIn(f, readFileSync(f, 'utf8')))
}
