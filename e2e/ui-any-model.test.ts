import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findChromium } from './helpers/browser.js'
import { lowContrastTexts } from './helpers/contrast.js'
import { type FixtureModel, trainFixtureModel } from './helpers/fixture-model.js'
import {
  DESKTOP,
  displayedProbabilities,
  expectConfidence,
  PHONE,
  postJson,
  SCREENSHOT_DIR,
  useHarness,
} from './helpers/harness.js'

// The page builds itself from the served model: a wine model (13 features, classes barbera / barolo /
// grignolino, trained from test/fixtures/data/wine.csv by the real `iris train`) gets its own inputs,
// ranges, examples, scatter axes, class names, batch table and OpenAPI examples, with no Iris left and no
// error; the same model without its metadata (as an import would come) gets ranges from its trees and
// says so.

const chromium = findChromium()
const WINE_CSV = 'test/fixtures/data/wine.csv'
const WINE_CLASSES = ['barbera', 'barolo', 'grignolino']
const [header, ...rows] = readFileSync(new URL(`../${WINE_CSV}`, import.meta.url), 'utf8')
  .trim()
  .split('\n')

let wine: FixtureModel | undefined
beforeAll(() => {
  wine = trainFixtureModel(WINE_CSV, 'wine_model')
}, 60_000)
afterAll(() => wine?.remove())

describe.skipIf(!chromium)('UI for a wine model in Chromium', () => {
  const h = useHarness(chromium!, { env: () => ({ MODEL_PATH: wine!.path }) })

  it('shows one labelled input per wine feature, ranged from the training data, and no Iris', async () => {
    const page = await h.open()
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Prediction service: wine_model')
    expect(await page.getByRole('slider').count()).toBe(13)
    expect(await page.getByRole('slider', { name: /sepal|petal/i }).count()).toBe(0)

    // alcohol in the CSV: 11.03 to 14.83, median 13.05; proline 278 to 1680 (integers).
    const alcohol = page.getByRole('slider', { name: 'Alcohol', exact: true })
    expect(Number(await alcohol.getAttribute('min'))).toBeLessThanOrEqual(11.03)
    expect(Number(await alcohol.getAttribute('max'))).toBeGreaterThanOrEqual(14.83)
    expect(await alcohol.getAttribute('step')).toBe('0.01')
    expect(await alcohol.inputValue()).toBe('13.05')
    expect(await page.getByRole('spinbutton', { name: /^Alcohol/ }).inputValue()).toBe('13.05')
    const proline = page.getByRole('slider', { name: 'Proline', exact: true })
    expect(await proline.getAttribute('step')).toBe('1')
    expect(Number(await proline.getAttribute('max'))).toBeGreaterThanOrEqual(1680)
    await page.getByText('Training data: 11.03 to 14.83, median 13.05.').waitFor()

    const shown = await displayedProbabilities(page)
    expect([...shown.keys()]).toEqual(WINE_CLASSES)
    expect(await page.getByRole('button', { name: 'Predict class' }).count()).toBe(1)
    expect(await page.getByRole('button', { name: /species|example/i }).allTextContents()).toEqual([
      'Barbera example',
      'Barolo example',
      'Grignolino example',
    ])
    expect(await page.locator('[role="alert"]:not([hidden])').count()).toBe(0)
  })

  it('loads a typical training row per class and the model agrees with its class', async () => {
    const page = await h.open()
    for (const name of ['Barolo', 'Grignolino', 'Barbera']) {
      await page.getByRole('button', { name: `${name} example` }).click()
      await expectConfidence(page, name.toLowerCase())
    }
    await page.getByText(/The nearest training row on these two features is a barbera/).waitFor()
    expect(await page.locator('[role="alert"]:not([hidden])').count()).toBe(0)
  })

  it('plots the training rows on the two most important features, with the class names', async () => {
    const page = await h.open()
    const model = (await (await fetch(`${h.server.url}/model`)).json()) as {
      feature_importance: Record<string, number>
    }
    const top2 = Object.entries(model.feature_importance)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 2)
      .map(([name]) => name)
    const x = await page
      .getByRole('combobox', { name: 'Horizontal axis' })
      .locator('option:checked')
      .textContent()
    const y = await page
      .getByRole('combobox', { name: 'Vertical axis' })
      .locator('option:checked')
      .textContent()
    const label = (name: string) => name.charAt(0).toUpperCase() + name.slice(1).replace(/_/g, ' ')
    expect([x, y].sort()).toEqual(top2.map(label).sort())
    expect(await page.locator('#scatter svg.scatter-svg .points .point').count()).toBe(rows.length)
    expect(
      await page.getByRole('heading', { name: `Your input among the ${rows.length} training rows` }).count(),
    ).toBe(1)
    const legend = await page.getByRole('list', { name: 'Legend' }).getByRole('listitem').allTextContents()
    expect(legend).toEqual([...WINE_CLASSES, 'your input'])
  })

  it('fills "Predicted class" from the live answer instead of asking to press a button', async () => {
    const page = await h.open()
    const output = page.locator('#species-output')
    await output.filter({ hasText: /\S/ }).waitFor()
    expect(WINE_CLASSES).toContain(await output.textContent())
    expect(await page.getByText('Press “Predict class” to ask the model.').isVisible()).toBe(false)
    await page.getByRole('button', { name: 'Barbera example' }).click()
    await output.filter({ hasText: 'barbera' }).waitFor()
    expect(
      await page
        .getByText(/press “Predict class”/i)
        .first()
        .isVisible(),
    ).toBe(false)
  })

  it('heads the batch table with the wine features and compares the cultivar column', async () => {
    const page = await h.open()
    const picked = [rows[0]!, rows[70]!, rows[140]!]
    await page.getByLabel('CSV rows').fill(`${header}\n${picked.join('\n')}\n`)
    await page.getByRole('button', { name: 'Predict batch' }).click()
    await page.getByText(/3 of 3 rows predicted/).waitFor()
    const heads = await page
      .getByRole('table', { name: /Batch results/ })
      .getByRole('columnheader')
      .allTextContents()
    expect(heads).toEqual([
      'Line',
      'Alcohol',
      'Malic acid',
      'Ash',
      'Alcalinity of ash',
      'Magnesium',
      'Total phenols',
      'Flavanoids',
      'Nonflavanoid phenols',
      'Proanthocyanins',
      'Color intensity',
      'Hue',
      'Od280 od315 of diluted wines',
      'Proline',
      'Given',
      'Prediction',
      ...WINE_CLASSES.map((c) => `P(${c})`),
    ])
    const given = picked.map((r) => r.split(',').at(-1))
    const table = page.getByRole('table', { name: /Batch results/ })
    for (const [i, label] of given.entries()) {
      expect(
        await table
          .getByRole('row')
          .nth(i + 1)
          .getByRole('cell')
          .nth(13)
          .textContent(),
      ).toBe(label)
    }
  })

  for (const [name, viewport, colorScheme] of [
    ['wine-desktop', DESKTOP, 'light'],
    ['wine-phone-dark', PHONE, 'dark'],
  ] as const) {
    it(`renders at ${name} without sideways scrolling and with AA contrast`, async () => {
      const page = await h.open({ viewport, colorScheme })
      await page.getByRole('button', { name: 'Barolo example' }).click()
      await expectConfidence(page, 'barolo')
      await page.getByRole('button', { name: 'Model card' }).click()
      await page.getByText('Hold-out accuracy').waitFor()
      expect(await page.getByText(/on \d+ test rows/).count()).toBe(1)
      await page.screenshot({ path: `${SCREENSHOT_DIR}/${name}.png`, fullPage: true })
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      expect(overflow).toBeLessThanOrEqual(0)
      expect(await lowContrastTexts(page), 'texts below WCAG AA contrast').toEqual([])
    })
  }

  it('describes the wine model in /openapi.json: title, feature count and examples', async () => {
    const page = await h.open({ waitForPrediction: false })
    const doc = (await (await page.request.get(`${h.server.url}/openapi.json`)).json()) as {
      info: { title: string; description: string }
      paths: Record<
        string,
        {
          post?: {
            requestBody?: { content: Record<string, { examples?: Record<string, { value: unknown }> }> }
          }
        }
      >
    }
    expect(doc.info.title).toBe('Prediction service: wine_model')
    expect(doc.info.description).toContain('13 features')
    const example =
      doc.paths['/predict']?.post?.requestBody?.content['application/json']?.examples?.example1?.value
    expect((example as { input: number[][] }).input[0]).toHaveLength(13)
    const { status, json } = await postJson(`${h.server.url}/predict`, example)
    expect(status).toBe(200)
    expect(WINE_CLASSES).toContain((json as { prediction: string[] }).prediction[0])
    // Swagger UI (/docs) reads the same document.
    const ui = (await (await page.request.get(`${h.server.url}/docs/json`)).json()) as {
      info: { title: string }
    }
    expect(ui.info.title).toBe('Prediction service: wine_model')
  })
})

describe.skipIf(!chromium)('UI for a model without a training summary in Chromium', () => {
  const h = useHarness(chromium!, { env: () => ({ MODEL_PATH: wine!.bare() }) })

  it('ranges the inputs from the split thresholds and says so', async () => {
    const page = await h.open()
    await page.getByText(/came without a summary of its training data/).waitFor()
    expect(await page.getByRole('slider').count()).toBe(13)
    const proline = page.getByRole('slider', { name: 'Proline', exact: true })
    const [min, max] = [Number(await proline.getAttribute('min')), Number(await proline.getAttribute('max'))]
    expect(min).toBeLessThan(max)
    expect(Number(await proline.inputValue())).toBeGreaterThanOrEqual(min)
    expect(Number(await proline.inputValue())).toBeLessThanOrEqual(max)
    expect(await page.getByRole('button', { name: /example/ }).count()).toBe(0)
    expect(await page.locator('#scatter svg.scatter-svg .points .point').count()).toBe(0)
    const shown = await displayedProbabilities(page)
    expect([...shown.keys()]).toEqual(WINE_CLASSES)
    expect(await page.locator('[role="alert"]:not([hidden])').count()).toBe(0)
  })
})

describe.skipIf(!chromium)('Iris page with live updates in Chromium', () => {
  const h = useHarness(chromium!)

  it('keeps the seed page and fills "Predicted species" from the live answer', async () => {
    const page = await h.open()
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Iris prediction service')
    expect(await page.getByRole('slider').count()).toBe(4)
    const output = page.locator('#species-output')
    await output.filter({ hasText: 'setosa' }).waitFor()
    expect(await page.getByText('Press “Predict species” to ask the model.').isVisible()).toBe(false)
    await page.getByRole('checkbox', { name: /update live/i }).uncheck()
    await page.getByRole('spinbutton', { name: /petal length/i }).fill('5')
    await page
      .getByText('The measurements changed since this answer; press “Predict species” again.')
      .waitFor()
    expect(await output.textContent()).toBe('setosa')
  })
})
