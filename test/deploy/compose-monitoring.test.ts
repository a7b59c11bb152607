/**
 * The monitoring profile of docker-compose.yml is not an open door: Prometheus (no authentication) and
 * Grafana are published on the host's loopback unless MONITORING_BIND says otherwise, and Grafana has no
 * default admin password: its entrypoint refuses to start without GRAFANA_ADMIN_PASSWORD (or with "admin").
 * The entrypoint's script is run here for real with sh; `docker-compose config` shows the resolved ports.
 */
import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { expectSuccess, itWithTool, readText, run, TOOLS } from './support.js'

type Service = { ports?: string[]; environment?: Record<string, string>; entrypoint?: string[] }
const compose = parseYaml(readText('docker-compose.yml')) as { services: Record<string, Service> }
const prometheus = compose.services.prometheus as Service
const grafana = compose.services.grafana as Service

/** Compose's ${VAR:-default} interpolation for one value, and $$ as a literal $. */
function interpolate(text: string, env: Record<string, string>): string {
  return text
    .replace(
      /(?<!\$)\$\{(\w+)(?::?-([^}]*))?\}/g,
      (_, name: string, def?: string) => env[name] || (def ?? ''),
    )
    .replaceAll('$$', '$')
}

/** Grafana's entrypoint with the image's /run.sh replaced by a stand-in that says it ran. */
function runGrafanaEntrypoint(password: string | undefined): {
  status: number | null
  out: string
  err: string
} {
  const [shell, flag, script] = (grafana.entrypoint ?? []).map((part) => interpolate(part, {}))
  expect([shell, flag]).toEqual(['sh', '-c'])
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin' }
  const value = interpolate(grafana.environment?.GF_SECURITY_ADMIN_PASSWORD ?? '', {
    ...(password === undefined ? {} : { GRAFANA_ADMIN_PASSWORD: password }),
  })
  env.GF_SECURITY_ADMIN_PASSWORD = value
  const r = spawnSync('sh', ['-c', (script ?? '').replace('exec /run.sh', 'echo grafana-started')], {
    env,
    encoding: 'utf8',
  })
  return { status: r.status, out: r.stdout, err: r.stderr }
}

describe('docker-compose.yml: the monitoring profile is not published to the world', () => {
  it('publishes Prometheus and Grafana on 127.0.0.1 by default, MONITORING_BIND otherwise', () => {
    for (const service of [prometheus, grafana]) {
      const port = service.ports?.[0] ?? ''
      expect(interpolate(port, {})).toMatch(/^127\.0\.0\.1:\d+:\d+$/)
      expect(interpolate(port, { MONITORING_BIND: '0.0.0.0' })).toMatch(/^0\.0\.0\.0:/)
    }
  })

  it('gives Grafana no default password: it comes from GRAFANA_ADMIN_PASSWORD', () => {
    const raw = grafana.environment?.GF_SECURITY_ADMIN_PASSWORD ?? ''
    expect(interpolate(raw, {})).toBe('')
    expect(interpolate(raw, { GRAFANA_ADMIN_PASSWORD: 'long-and-secret' })).toBe('long-and-secret')
    expect(readText('docker-compose.yml')).not.toMatch(/GRAFANA_ADMIN_PASSWORD:-admin/)
  })

  it("Grafana's entrypoint refuses to start without a password or with admin, and starts with one", () => {
    for (const missing of [undefined, '', 'admin']) {
      const r = runGrafanaEntrypoint(missing)
      expect(r.status, `password ${JSON.stringify(missing)}`).toBe(1)
      expect(r.err).toMatch(/set GRAFANA_ADMIN_PASSWORD \(not admin\)/)
      expect(r.out).not.toMatch(/grafana-started/)
    }
    const ok = runGrafanaEntrypoint('long-and-secret')
    expect(ok.status).toBe(0)
    expect(ok.out.trim()).toBe('grafana-started')
  })

  itWithTool('docker-compose config resolves the monitoring ports to the loopback', TOOLS.compose, (cmd) => {
    const r = run(cmd, ['--profile', 'monitoring', 'config'], { GRAFANA_ADMIN_PASSWORD: 'long-and-secret' })
    expectSuccess(r, 'docker-compose --profile monitoring config')
    const resolved = parseYaml(r.stdout) as { services: Record<string, { ports?: unknown[] }> }
    for (const name of ['prometheus', 'grafana']) {
      const ports = JSON.stringify(resolved.services[name]?.ports)
      expect(ports, name).toMatch(/127\.0\.0\.1/)
    }
    // The default profile needs no Grafana password.
    const plain = run(cmd, ['config', '--quiet'], { GRAFANA_ADMIN_PASSWORD: '' })
    expectSuccess(plain, 'docker-compose config without GRAFANA_ADMIN_PASSWORD')
  })
})
