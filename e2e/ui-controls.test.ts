import { describe, expect, it } from 'vitest'
import { findChromium } from './helpers/browser.js'
import { displayedProbabilities, expectConfidence, postJson, useHarness } from './helpers/harness.js'

// The seed's page, re-made: four labelled sliders with number boxes, the two predict buttons, examples,
// live updates and the scatter plot, driven the way a person would (keyboard, typing, clicks).

const chromium = findChromium()

describe.skipIf(!chromium)('UI controls in Chromium', () => {
  const h = useHarness(chromium!)

  it("starts with the seed's defaults on labelled sliders and number boxes", async () => {
    const page = await h.open()
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toMatch(/iris prediction/i)
    const expected: [RegExp, string][] = [
      [/sepal length/i, '5.1'],
      [/sepal width/i, '3.5'],
      [/petal length/i, '1.4'],
      [/petal width/i, '0.2'],
    ]
    for (const [name, value] of expected) {
      const slider = page.getByRole('slider', { name })
      expect(await slider.inputValue()).toBe(value)
      expect(await slider.getAttribute('min')).toBe('0')
      expect(await slider.getAttribute('max')).toBe('10')
      expect(await slider.getAttribute('step')).toBe('0.1')
      expect(await page.getByRole('spinbutton', { name }).inputValue()).toBe(value)
    }
    expect(await page.getByRole('slider', { name: 'Sepal length (cm)' }).count()).toBe(1)
    expect(await page.getByRole('link', { name: 'Use via API' }).first().getAttribute('href')).toBe('/docs')
    await expectConfidence(page, 'setosa')
  })

  it('keeps slider and number box in sync both ways (arrow keys and typing)', async () => {
    const page = await h.open()
    const slider = page.getByRole('slider', { name: /petal length/i })
    const box = page.getByRole('spinbutton', { name: /petal length/i })
    await slider.focus()
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight')
    expect(await slider.inputValue()).toBe('1.9')
    expect(await box.inputValue()).toBe('1.9')
    await page.keyboard.press('ArrowLeft')
    expect(await box.inputValue()).toBe('1.8')

    const widthBox = page.getByRole('spinbutton', { name: /petal width/i })
    await widthBox.fill('2.3')
    expect(await page.getByRole('slider', { name: /petal width/i }).inputValue()).toBe('2.3')
    await box.fill('6')
    expect(await slider.inputValue()).toBe('6')
    // The live answer follows the typed values; compare with what the API says for the same flower.
    const { json } = await postJson(`${h.server.url}/predict`, { input: [[5.1, 3.5, 6, 2.3]] })
    const [species] = (json as { prediction: string[] }).prediction
    await expectConfidence(page, species!)
  })

  it('flags an out-of-range number instead of sending it, and restores the value on leaving the box', async () => {
    const page = await h.open()
    const box = page.getByRole('spinbutton', { name: /sepal width/i })
    await box.fill('12')
    await expect(page.getByText('Sepal width (cm) must be between 0 and 10.').isVisible()).resolves.toBe(true)
    expect(await box.getAttribute('aria-invalid')).not.toBeNull()
    expect(await page.getByRole('slider', { name: /sepal width/i }).inputValue()).toBe('3.5')
    await box.blur()
    expect(await box.inputValue()).toBe('3.5')
    expect(await box.getAttribute('aria-invalid')).toBeNull()
  })

  it('answers both buttons: the species, and probabilities that sum to 1', async () => {
    const page = await h.open()
    await page.getByRole('spinbutton', { name: /petal length/i }).fill('4.5')
    await page.getByRole('spinbutton', { name: /petal width/i }).fill('1.4')
    const { json } = await postJson(`${h.server.url}/predict-proba`, { input: [[5.1, 3.5, 4.5, 1.4]] })
    const truth = json as { prediction: string[]; probabilities: number[][] }

    const predictRequest = page.waitForRequest((r) => r.url().endsWith('/predict') && r.method() === 'POST')
    await page.getByRole('button', { name: 'Predict species' }).click()
    await predictRequest
    await page.locator('#species-output').filter({ hasText: truth.prediction[0]! }).waitFor()

    await page.getByRole('button', { name: 'Predict with confidence' }).click()
    await expectConfidence(page, truth.prediction[0]!)
    const shown = await displayedProbabilities(page)
    expect([...shown.keys()]).toEqual(['setosa', 'versicolor', 'virginica'])
    const sum = [...shown.values()].reduce((a, b) => a + b, 0)
    expect(Math.abs(sum - 1)).toBeLessThanOrEqual(0.01)
    for (const [i, p] of [...shown.values()].entries()) {
      expect(Math.abs(p - truth.probabilities[0]![i]!)).toBeLessThan(0.0006)
    }
    // The winner is highlighted and named as such.
    const winner = page.locator('#proba-bars .bar-winner')
    expect(await winner.locator('.bar-name').textContent()).toBe(truth.prediction[0])
    expect(await winner.getByText('most likely').count()).toBe(1)
  })

  it('loads the typical virginica and shows "virginica"', async () => {
    const page = await h.open()
    await page.getByRole('button', { name: 'Virginica example' }).click()
    await expectConfidence(page, 'virginica')
    expect(Number(await page.getByRole('slider', { name: /petal length/i }).inputValue())).toBeGreaterThan(
      4.8,
    )
    await page.locator('#scatter-caption').filter({ hasText: 'virginica' }).waitFor()
    await page.getByRole('button', { name: 'Setosa example' }).click()
    await expectConfidence(page, 'setosa')
  })

  it('debounces live updates while sliding and shows the answer for the last position', async () => {
    const page = await h.open()
    const posts: string[] = []
    page.on('request', (r) => {
      if (r.url().endsWith('/predict-proba')) posts.push(r.postData() ?? '')
    })
    const slider = page.getByRole('slider', { name: /petal length/i })
    await slider.focus()
    for (let i = 0; i < 40; i++) await page.keyboard.press('ArrowRight') // 1.4 -> 5.4
    expect(await slider.inputValue()).toBe('5.4')
    await page.waitForTimeout(600)
    expect(posts.length).toBeGreaterThan(0)
    expect(posts.length).toBeLessThan(10)
    expect(JSON.parse(posts.at(-1)!)).toEqual({ input: [[5.1, 3.5, 5.4, 0.2]] })
  })

  it('lets the last answer win when an older one arrives later', async () => {
    const page = await h.open()
    let first = true
    await page.route('**/predict-proba', async (route) => {
      if (!first) return route.continue()
      first = false
      // The first answer is slow and says "versicolor"; the page must not show it over the newer one.
      await new Promise((r) => setTimeout(r, 800))
      await route
        .fulfill({
          status: 200,
          contentType: 'application/json',
          body: '{"prediction":["versicolor"],"probabilities":[[0,1,0]]}',
        })
        .catch(() => undefined) // the page may have aborted it already
    })
    await page.getByRole('button', { name: 'Predict with confidence' }).click()
    await page.getByRole('spinbutton', { name: /petal width/i }).fill('0.3')
    await page.waitForTimeout(1200)
    expect(await page.locator('#confidence-species').textContent()).toBe('setosa')
  })

  it('draws the 150 training flowers and the current flower, on the chosen axes', async () => {
    const page = await h.open()
    expect(await page.locator('#scatter svg.scatter-svg .points .point').count()).toBe(150)
    const marker = page.locator('#scatter .current circle')
    const before = await marker.getAttribute('cx')
    await page.getByRole('spinbutton', { name: /petal length/i }).fill('5')
    await page.waitForFunction(
      (x) => document.querySelector('#scatter .current circle')?.getAttribute('cx') !== x,
      before,
    )
    await page.getByLabel('Horizontal axis').selectOption({ label: 'Sepal length (cm)' })
    await page.locator('#scatter .axis-title').filter({ hasText: 'Sepal length (cm)' }).waitFor()
    expect(await page.locator('#scatter-caption').textContent()).toMatch(
      /sepal length 5\.1 cm, petal width 0\.2 cm/,
    )
  })

  it('is keyboard operable: Tab reaches the buttons and Enter presses them', async () => {
    const page = await h.open()
    let reached = false
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press('Tab')
      reached = await page.evaluate(() => document.activeElement?.textContent === 'Predict species')
    }
    expect(reached).toBe(true)
    await page.keyboard.press('Enter')
    await page.locator('#species-output').filter({ hasText: 'setosa' }).waitFor()
    const toggle = page.getByRole('button', { name: 'Model card' })
    await toggle.focus()
    await page.keyboard.press('Enter')
    expect(await toggle.getAttribute('aria-expanded')).toBe('true')
  })
})
