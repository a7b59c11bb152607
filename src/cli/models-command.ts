/**
 * `iris models list|show|promote|rollback|alias`: the registry folder (src/model/registry) from the command line.
 * Edits go through the same locked, atomic aliases.json writes as the server's, so running servers pick them up
 * (poll REGISTRY_POLL_S, or SIGHUP at once).
 */
import { parseArgs } from 'node:util'
import { type NameSnapshot, Registry, RegistryError, STABLE, versionRows } from '../model/registry/index.js'
import type { CliIo } from './io.js'
import { type FlagSpec, formatFlagHelp } from './parse.js'
import { EXIT_OK, UsageError } from './usage-error.js'

const FLAGS: Record<string, FlagSpec> = {
  registry: { value: '<dir>', description: 'registry root (MODELS_DIR of the server)', default: 'models' },
  name: { value: '<name>', description: 'model name', default: 'iris_model (list: every name)' },
  reason: { value: '<text>', description: 'why (kept in the alias history)' },
  delete: { description: 'alias: remove the alias instead of setting it' },
  json: { description: 'list/show: print JSON instead of a table' },
}

export const MODELS_HELP = `Usage: iris models <subcommand> [flags]

Subcommands:
  list                       versions with created-at, data hash, hold-out, CV and online accuracy, aliases
  show <version|alias>       one version's details and the alias history
  promote [<version>]        the candidate (or <version>) becomes stable; the old stable is remembered
  rollback                   ends a rollout (removes the candidate); with none, stable returns to the previous stable
  alias <alias> <version>    points an alias at a version (--delete removes it)

Running servers pick up alias changes within REGISTRY_POLL_S seconds, or at once on SIGHUP.

Flags:
${formatFlagHelp(FLAGS)}`

interface Parsed {
  sub: string
  positionals: string[]
  registry: Registry
  name: string | undefined
  reason: string | null
  del: boolean
  json: boolean
}

function parse(args: string[]): Parsed | 'help' {
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        registry: { type: 'string' },
        name: { type: 'string' },
        reason: { type: 'string' },
        delete: { type: 'boolean' },
        json: { type: 'boolean' },
      },
    })
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, ''))
  }
  const v = parsed.values as Record<string, string | boolean | undefined>
  if (v.help === true) return 'help'
  const [sub, ...positionals] = parsed.positionals
  if (sub === undefined) throw new UsageError('missing subcommand (list, show, promote, rollback or alias)')
  return {
    sub,
    positionals,
    registry: new Registry((v.registry as string | undefined) ?? 'models'),
    name: v.name as string | undefined,
    reason: (v.reason as string | undefined) ?? null,
    del: v.delete === true,
    json: v.json === true,
  }
}

const pct = (x: number | null) => (x === null ? '-' : x.toFixed(4))

/** The versions table of one name. */
export function formatVersionsTable(s: NameSnapshot): string {
  const rows = versionRows(s).map((r) => [
    r.version,
    r.aliases.join(',') || '-',
    r.created_at ?? '-',
    r.data_sha256?.slice(0, 12) ?? '-',
    pct(r.holdout_accuracy),
    pct(r.cv_accuracy),
    r.online_accuracy === null ? '-' : `${r.online_accuracy.toFixed(4)} (n=${r.online_rows})`,
  ])
  const head = ['version', 'aliases', 'created_at', 'data_sha256', 'holdout', 'cv', 'online']
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd()
  const out = [`${s.name} (aliases revision ${s.revision})`, line(head), ...rows.map(line)]
  for (const b of s.broken) out.push(`broken: version ${b.version} is not served: ${b.reason}`)
  return out.join('\n')
}

function argument(p: Parsed, i: number, what: string): string {
  const v = p.positionals[i]
  if (v === undefined) throw new UsageError(`${p.sub} needs ${what}`)
  return v
}

function noMore(p: Parsed, n: number): void {
  if (p.positionals.length > n)
    throw new UsageError(`${p.sub}: unexpected argument "${p.positionals[n]!.slice(0, 100)}"`)
}

export async function modelsCommand(args: string[], io: CliIo): Promise<number> {
  const p = parse(args)
  if (p === 'help') {
    io.out(`${MODELS_HELP}\n`)
    return EXIT_OK
  }
  const { registry } = p
  const name = p.name ?? 'iris_model'
  const reason = p.reason ?? 'cli'
  const after = async (what: string) => {
    const s = await registry.snapshot(name)
    io.out(`${what}\nstable is version ${s.aliases[STABLE] ?? '-'}\n`)
  }
  switch (p.sub) {
    case 'list': {
      noMore(p, 0)
      const names = p.name === undefined ? await registry.names() : [p.name]
      if (names.length === 0)
        throw new RegistryError('not_found', `${registry.root}: no models in this registry`)
      const snaps = await Promise.all(names.map((n) => registry.snapshot(n)))
      if (p.json)
        io.out(
          `${JSON.stringify(
            snaps.map((s) => ({ name: s.name, aliases: s.aliases, versions: versionRows(s) })),
            null,
            2,
          )}\n`,
        )
      else io.out(`${snaps.map(formatVersionsTable).join('\n\n')}\n`)
      return EXIT_OK
    }
    case 'show': {
      const ref = argument(p, 0, 'a version or alias')
      noMore(p, 1)
      const info = await registry.resolve(name, ref)
      const s = await registry.snapshot(name)
      const row = versionRows(s).find((r) => r.version === info.version)!
      const history = s.history.filter((e) => e.from === info.version || e.to === info.version)
      const shown = {
        name,
        ...row,
        dir: info.dir,
        features: info.featureNames,
        classes: info.classes,
        history,
      }
      if (p.json) io.out(`${JSON.stringify(shown, null, 2)}\n`)
      else
        io.out(
          `${Object.entries(shown)
            .filter(([k]) => k !== 'history')
            .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') || '-' : (v ?? '-')}`)
            .join(
              '\n',
            )}\nhistory:\n${history.map((e) => `  ${e.at} ${e.action} ${e.alias}: ${e.from ?? '-'} -> ${e.to ?? '-'}${e.reason ? ` (${e.reason})` : ''}`).join('\n') || '  -'}\n`,
        )
      return EXIT_OK
    }
    case 'promote': {
      noMore(p, 1)
      const doc = await registry.promote(name, p.positionals[0] ?? null, reason)
      await after(`Promoted version ${doc.aliases[STABLE]} of "${name}" to stable`)
      return EXIT_OK
    }
    case 'rollback': {
      noMore(p, 0)
      const doc = await registry.rollback(name, reason)
      const last = doc.history.at(-1)!
      await after(
        last.alias === STABLE
          ? `Rolled "${name}" back: stable ${last.from} -> ${last.to}`
          : `Ended the rollout of version ${last.from ?? '-'} of "${name}" (candidate removed)`,
      )
      return EXIT_OK
    }
    case 'alias': {
      const alias = argument(p, 0, 'an alias')
      if (p.del) {
        noMore(p, 1)
        await registry.removeAlias(name, alias, reason)
        await after(`Removed alias ${alias} of "${name}"`)
      } else {
        const version = argument(p, 1, 'a version')
        noMore(p, 2)
        await registry.setAlias(name, alias, version, reason)
        await after(`${alias} -> version ${version} of "${name}"`)
      }
      return EXIT_OK
    }
    default:
      throw new UsageError(
        `unknown subcommand "${p.sub.slice(0, 100)}" (expected list, show, promote, rollback or alias)`,
      )
  }
}
