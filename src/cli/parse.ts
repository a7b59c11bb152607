import { parseArgs } from 'node:util'
import { UsageError } from './usage-error.js'

export interface FlagSpec {
  /** Shown in --help, e.g. "<path>". */
  value?: string
  description: string
  /** Shown as "(default ...)". */
  default?: string
}

/**
 * node:util parseArgs in strict mode over string flags (plus --help), with its errors turned into
 * UsageError so every bad command line ends the same way (message, exit code 2).
 */
export function parseFlags(
  args: string[],
  specs: Record<string, FlagSpec>,
  booleans: readonly string[] = [],
): { values: Record<string, string | undefined>; flags: Set<string>; help: boolean } {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
  }
  for (const name of Object.keys(specs))
    options[name] = { type: booleans.includes(name) ? 'boolean' : 'string' }
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: false })
  } catch (err) {
    throw new UsageError(cleanParseError((err as Error).message))
  }
  const values: Record<string, string | undefined> = {}
  const flags = new Set<string>()
  for (const [key, v] of Object.entries(parsed.values)) {
    if (typeof v === 'string') values[key] = v
    else if (v === true) flags.add(key)
  }
  return { values, flags, help: flags.has('help') }
}

// parseArgs says e.g. "Unknown option '--tres'. To specify a positional argument starting with a '-', ..."
function cleanParseError(message: string): string {
  return message.replace(/\. To specify a positional argument.*$/s, '').replace(/\n/g, ' ')
}

/** The flag table of a --help text. */
export function formatFlagHelp(specs: Record<string, FlagSpec>): string {
  const rows = [
    ...Object.entries(specs).map(([name, s]) => [`--${name}${s.value ? ` ${s.value}` : ''}`, s] as const),
    ['-h, --help', { description: 'show this help' }] as const,
  ]
  const width = Math.max(...rows.map(([left]) => left.length)) + 2
  return rows
    .map(([left, s]: readonly [string, FlagSpec]) => {
      const suffix = s.default !== undefined ? ` (default ${s.default})` : ''
      return `  ${left.padEnd(width)}${s.description}${suffix}`
    })
    .join('\n')
}
