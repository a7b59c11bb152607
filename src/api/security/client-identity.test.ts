import { Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { ClientRequests, MAX_CLIENT_LABELS } from './client-identity.js'

async function counts(registry: Registry): Promise<Map<string, number>> {
  const metric = await registry.getSingleMetric('iris_client_requests_total')?.get()
  return new Map(metric?.values.map((v) => [`${v.labels.client} ${v.labels.code}`, v.value]))
}

describe('ClientRequests (iris_client_requests_total)', () => {
  it('counts each client by status class', async () => {
    const registry = new Registry()
    const c = new ClientRequests(registry)
    for (const s of [200, 200, 201, 401, 429, 503]) c.count('batch-team', s)
    c.count('jwt-user', 200)
    const m = await counts(registry)
    expect(m.get('batch-team 2xx')).toBe(3)
    expect(m.get('batch-team 4xx')).toBe(2)
    expect(m.get('batch-team 5xx')).toBe(1)
    expect(m.get('jwt-user 2xx')).toBe(1)
    expect(m.size).toBe(4)
  })

  it(`keeps at most ${MAX_CLIENT_LABELS} client labels; later clients are counted as "other"`, async () => {
    const registry = new Registry()
    const c = new ClientRequests(registry)
    for (let i = 0; i < MAX_CLIENT_LABELS + 30; i++) c.count(`sub-${i}`, 200)
    c.count(`sub-${MAX_CLIENT_LABELS + 5}`, 403)
    c.count('sub-0', 200)
    const m = await counts(registry)
    expect(m.get('other 2xx')).toBe(30)
    expect(m.get('other 4xx')).toBe(1)
    expect(m.get('sub-0 2xx')).toBe(2)
    expect(m.has(`sub-${MAX_CLIENT_LABELS}`)).toBe(false)
    expect(new Set([...m.keys()].map((k) => k.split(' ')[0])).size).toBe(MAX_CLIENT_LABELS + 1)
  })
})
