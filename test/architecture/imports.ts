/**
 * The import graph of the repository's TypeScript, read from the source text: for each file, the repository
 * files and the `node:` modules it imports (static `import … from`, `export … from`, dynamic `import()`).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, normalize } from 'node:path'

export interface FileImports {
  file: string
  /** Repository-relative paths of imported project files, with `.js` mapped back to `.ts`. */
  local: string[]
  /** Bare specifiers: `node:fs`, `fastify`, ... */
  packages: string[]
}

const SPECIFIER =
  /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^import\s+['"]([^'"]+)['"]/gm

export function sourceFiles(dir: string): string[] {
  const out: string[] = []
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry)
    if (entry === 'node_modules' || entry === 'dist') continue
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path))
    else if (/\.(ts|mts|mjs)$/.test(entry) && !entry.endsWith('.d.ts')) out.push(path)
  }
  return out
}

export function importsOf(file: string, text = readFileSync(file, 'utf8')): FileImports {
  const local: string[] = []
  const packages: string[] = []
  for (const m of text.matchAll(SPECIFIER)) {
    const spec = (m[1] ?? m[2] ?? m[3])!
    if (spec.startsWith('.')) local.push(normalize(join(dirname(file), spec)).replace(/\.js$/, '.ts'))
    else packages.push(spec)
  }
  return { file, local, packages }
}

/**
 * The layer a file of src/ belongs to: its folder under src/, or the top-level module's name; the settings'
 * own helpers (`config-rules.ts`) belong to `config`.
 */
export function layerOf(file: string): string | undefined {
  const m = /^src\/([^/]+)/.exec(file)
  if (m === null) return undefined
  return m[1]!.replace(/\.ts$/, '').replace(/^config-.*/, 'config')
}
