/**
 * Just enough of the Dockerfile and .dockerignore grammars to check our own files without a Docker engine:
 * instructions with line continuations and comments, stages, ARG defaults, exec-form JSON arguments, and
 * .dockerignore patterns (`*`, `?`, `**`, `!` exceptions; a pattern also covers everything under a match).
 */

export interface Instruction {
  keyword: string
  /** The raw argument text, continuation lines joined. */
  args: string
  line: number
}

export interface Stage {
  image: string
  name: string | null
  platform: string | null
  instructions: Instruction[]
}

export interface Dockerfile {
  /** ARGs declared before the first FROM, with their defaults. */
  globalArgs: Record<string, string>
  stages: Stage[]
}

export function parseDockerfile(text: string): Dockerfile {
  const instructions: Instruction[] = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const first = lines[i] as string
    if (/^\s*(#|$)/.test(first)) continue
    const start = i + 1
    let joined = first
    while (/\\\s*$/.test(joined) && i + 1 < lines.length) {
      joined = joined.replace(/\\\s*$/, ' ')
      i++
      const next = lines[i] as string
      if (!/^\s*#/.test(next)) joined += next
    }
    const m = /^\s*([A-Za-z]+)\s+([\s\S]*)$/.exec(joined)
    if (m === null) throw new Error(`Dockerfile line ${start}: cannot read "${joined}"`)
    instructions.push({ keyword: (m[1] as string).toUpperCase(), args: (m[2] as string).trim(), line: start })
  }

  const globalArgs: Record<string, string> = {}
  const stages: Stage[] = []
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const parts = ins.args.split(/\s+/)
      const platformFlag = parts.find((p) => p.startsWith('--platform='))
      const rest = parts.filter((p) => !p.startsWith('--'))
      const image = substitute(rest[0] as string, globalArgs)
      const name = rest[1]?.toUpperCase() === 'AS' ? (rest[2] as string) : null
      stages.push({
        image,
        name,
        platform: platformFlag?.slice('--platform='.length) ?? null,
        instructions: [],
      })
    } else if (stages.length === 0) {
      if (ins.keyword !== 'ARG')
        throw new Error(`Dockerfile line ${ins.line}: ${ins.keyword} before the first FROM`)
      const [key, value = ''] = ins.args.split('=', 2)
      globalArgs[key as string] = value
    } else {
      ;(stages[stages.length - 1] as Stage).instructions.push(ins)
    }
  }
  return { globalArgs, stages }
}

/** ${NAME} / $NAME from the given ARG defaults. */
export function substitute(text: string, args: Record<string, string>): string {
  return text.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, a: string | undefined, b: string | undefined) => {
    const key = (a ?? b) as string
    return key in args ? (args[key] as string) : whole
  })
}

/** Exec-form arguments (`["node", "x"]`) or null for shell form. */
export function execForm(args: string): string[] | null {
  const text = args.trim()
  if (!text.startsWith('[')) return null
  const parsed: unknown = JSON.parse(text)
  if (!Array.isArray(parsed) || !parsed.every((x) => typeof x === 'string'))
    throw new Error(`not a JSON string array: ${text}`)
  return parsed as string[]
}

/** `--name=value` flags at the start of an instruction (HEALTHCHECK, COPY), and what follows them. */
export function splitFlags(args: string): { flags: Record<string, string>; rest: string } {
  const flags: Record<string, string> = {}
  let rest = args.trim()
  for (
    let m = /^--([\w-]+)(?:=(\S+))?\s+/.exec(rest);
    m !== null;
    m = /^--([\w-]+)(?:=(\S+))?\s+/.exec(rest)
  ) {
    flags[m[1] as string] = m[2] ?? 'true'
    rest = rest.slice(m[0].length)
  }
  return { flags, rest }
}

/** ENV KEY=VALUE pairs (several per instruction allowed; quotes stripped). */
export function envPairs(args: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const m of args.matchAll(/(\w+)=("([^"]*)"|'([^']*)'|\S*)/g)) {
    out[m[1] as string] = m[3] ?? m[4] ?? (m[2] as string)
  }
  return out
}

// --- .dockerignore ---

function patternToRegExp(pattern: string): RegExp {
  let re = ''
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string
    if (c === '*' && pattern[i + 1] === '*') {
      // `**/` matches zero or more directories; a trailing `**` matches everything below.
      i++
      if (pattern[i + 1] === '/') {
        i++
        re += '(?:.*/)?'
      } else re += '.*'
    } else if (c === '*') re += '[^/]*'
    else if (c === '?') re += '[^/]'
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${re}$`)
}

/** True when Docker would leave this repository-relative path out of the build context. */
export function isIgnored(dockerignore: string, path: string): boolean {
  const rules = dockerignore
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!')
      const body = (negate ? l.slice(1) : l).replace(/^\/+/, '').replace(/\/+$/, '')
      return { negate, re: patternToRegExp(body) }
    })
  // A pattern matching a parent directory excludes everything inside it; the last matching rule wins.
  const parts = path.split('/')
  const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'))
  let ignored = false
  for (const rule of rules) if (candidates.some((c) => rule.re.test(c))) ignored = !rule.negate
  return ignored
}
