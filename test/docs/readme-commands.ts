/**
 * The shell examples of README.md as commands: fenced `bash` blocks split into commands (backslash
 * continuations joined, trailing `# comments` dropped), each with the output the README shows on the
 * `# {...}` line after it, if any.
 */
export interface Example {
  /** Heading of the README section the block sits in. */
  section: string
  command: string
  /** The README's `# <output>` line that follows the command, when it shows one. */
  shown?: string
}

/** Drop a trailing `# comment` outside quotes. */
function withoutComment(line: string): string {
  let quote: string | null = null
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!
    if (quote !== null) {
      if (c === quote) quote = null
    } else if (c === "'" || c === '"') quote = c
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return line.slice(0, i).trimEnd()
  }
  return line.trimEnd()
}

export function readmeExamples(markdown: string): Example[] {
  const out: Example[] = []
  let section = ''
  let inBash = false
  let pending = ''
  for (const raw of markdown.split('\n')) {
    if (!inBash) {
      if (raw.startsWith('#')) section = raw.replace(/^#+\s*/, '')
      if (/^```(bash|sh)\s*$/.test(raw)) inBash = true
      continue
    }
    if (raw.startsWith('```')) {
      inBash = false
      continue
    }
    const shown = /^#\s*(\{.*)$/.exec(raw.trim())
    if (shown !== null) {
      const last = out[out.length - 1]
      if (last !== undefined) last.shown = shown[1]
      continue
    }
    const line = pending === '' ? withoutComment(raw) : withoutComment(raw).trimStart()
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trimEnd()} `
      continue
    }
    const command = (pending + line).trim()
    pending = ''
    if (command !== '') out.push({ section, command })
  }
  return out
}
