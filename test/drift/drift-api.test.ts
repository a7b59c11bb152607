/**
 * GET /drift and the drift gauges through the app (app.inject, one process): the committed model's
 * reference against in-distribution, shifted and absurd traffic, and a model without a reference.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { Random } from '../../src/ml/random.js'
import { buildTestApp, postTo, type TestApp } from '../api/helper.js'
import { resample, shift, species } from './traffic.js'

let t: TestApp | undefined
afterEach(async () => {
  await t?.app.close()
  t = undefined
})

async function predict(app: TestApp, rows: number[][]): Promise<void> {
  for (let i = 0; i < rows.length; i += 100) {
    const res = await postTo(app, '/predict', { input: rows.slice(i, i + 100) })
    expect(res.statusCode, res.body).toBe(200)
  }
}
const drift = async (app: TestApp, query = '') => {
  const res = await app.app.inject({ method: 'GET', url: `/drift${query}` })
  return { status: res.statusCode, body: res.json() }
}
const FEATURES = ['sepal_length_cm', 'sepal_width_cm', 'petal_length_cm', 'petal_width_cm']

describe('GET /drift', () => {
  it('before any prediction: collecting, with the reference size', async () => {
    t = await buildTestApp()
    const { status, body } = await drift(t)
    expect(status).toBe(200)
    expect(body).toMatchObject({
      model_version: t.models.current!.version,
      status: 'collecting',
      window_rows: 0,
      reference_rows: 120,
      dataset_drift: false,
      features: {},
      prediction: null,
    })
  })

  it('in-distribution traffic: every feature tested, no drift', async () => {
    t = await buildTestApp()
    await predict(t, resample(new Random(1), 500))
    const { body } = await drift(t)
    expect(body.status).toBe('ok')
    expect(body.window_rows).toBe(500)
    expect(Object.keys(body.features)).toEqual(FEATURES)
    for (const f of Object.values(body.features) as { p_value: number; psi: number }[]) {
      expect(f.p_value).toBeGreaterThan(0.05 / 4)
      expect(f.psi).toBeLessThan(0.25)
    }
    expect(body.dataset_drift).toBe(false)
    expect(body.prediction.drift).toBe(false)
    expect(body.message).toMatch(/^no drift/)
  })

  it('petal length + 1 cm: drift on that feature, said in words', async () => {
    t = await buildTestApp()
    await predict(t, shift(resample(new Random(2), 500), 2, 1.0))
    const { body } = await drift(t)
    expect(body.dataset_drift).toBe(true)
    expect(body.features.petal_length_cm.drift).toBe(true)
    expect(body.features.petal_length_cm.psi).toBeGreaterThan(0.25)
    // The bins that draw both distributions: the reference deciles, shares summing to 1 on each side.
    const bins = body.features.petal_length_cm.bins
    expect(bins.reference).toHaveLength(bins.edges.length + 1)
    expect(bins.live).toHaveLength(bins.edges.length + 1)
    for (const side of [bins.reference, bins.live]) {
      expect(side.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 9)
    }
    expect(bins.live.at(-1)).toBeGreaterThan(bins.reference.at(-1)) // shifted up: more above the top decile
    expect(body.features.sepal_width_cm.drift).toBe(false)
    expect(body.message).toMatch(/petal_length_cm no longer look like the training data/)
  })

  it('only one species arriving: feature and prediction drift', async () => {
    t = await buildTestApp()
    await predict(t, resample(new Random(3), 500, species('setosa')))
    const { body } = await drift(t)
    expect(body.dataset_drift).toBe(true)
    expect(body.prediction.drift).toBe(true)
    expect(body.prediction.p_value).toBeLessThan(1e-10)
  })

  it('the window keeps only the last DRIFT_WINDOW_ROWS rows', async () => {
    t = await buildTestApp({ DRIFT_WINDOW_ROWS: '200' })
    await predict(t, shift(resample(new Random(4), 300), 2, 1.0))
    expect((await drift(t)).body.dataset_drift).toBe(true)
    await predict(t, resample(new Random(5), 200))
    const { body } = await drift(t)
    expect(body.window_rows).toBe(200)
    expect(body.dataset_drift).toBe(false)
  })

  it('a finite absurd value (1e30) counts and shows as drift; the statistics stay finite', async () => {
    t = await buildTestApp()
    const rows = resample(new Random(6), 400)
    for (let i = 0; i < 100; i++) rows.push([5.0, 3.0, 1e30, 0.2])
    await predict(t, rows)
    const { body } = await drift(t)
    expect(body.window_rows).toBe(500)
    expect(body.features.petal_length_cm.drift).toBe(true)
    for (const f of Object.values(body.features) as Record<string, number>[]) {
      for (const k of ['ks_statistic', 'p_value', 'psi']) expect(Number.isFinite(f[k])).toBe(true)
    }
    expect(Number.isFinite(body.prediction.chi2)).toBe(true)
  })

  it('an unknown version is a 404 in the error shape', async () => {
    t = await buildTestApp()
    const { status, body } = await drift(t, '?version=nope')
    expect(status).toBe(404)
    expect(body).toEqual({ error: 'model version "nope" has predicted no rows here' })
  })

  it('without a model: 503', async () => {
    t = await buildTestApp({}, { withModel: false })
    expect((await drift(t)).status).toBe(503)
  })
})

describe('drift on /metrics', () => {
  it('p-values, PSI and the flag per feature with the model version, after traffic', async () => {
    t = await buildTestApp()
    await predict(t, shift(resample(new Random(7), 500), 2, 1.0))
    const text = (await t.app.inject({ method: 'GET', url: '/metrics' })).body
    const version = t.models.current!.version
    expect(text).toContain(`iris_drift_detected{version="${version}"} 1`)
    expect(text).toMatch(
      new RegExp(`iris_feature_drift_p_value\\{feature="petal_length_cm",version="${version}"\\} [0-9.e-]+`),
    )
    expect(text).toMatch(
      new RegExp(`iris_feature_drift_psi\\{feature="sepal_width_cm",version="${version}"\\} [0-9.e-]+`),
    )
    expect(text).toMatch(new RegExp(`iris_prediction_drift_p_value\\{version="${version}"\\} [0-9.e-]+`))
    expect(text).toContain(`iris_drift_window_rows{version="${version}"} 500`)
    expect(text).toContain('iris_drift_events_total{outcome="undelivered"} 0')
  })
})
