/**
 * `npm run bench:ui-memory`: the UI batch panel's page memory while a big CSV file streams through
 * `POST /predict-proba` (web/src/batch-stream.ts, docs/streaming.md). The built server (1 worker) and
 * Debian's Chromium driven by playwright-core; a generated Iris-like CSV (the four measurements and
 * `species`) is chosen in the panel's file input, as e2e/ui-batch-stream.test.ts does. While it streams,
 * every ~250 ms: the page's JS heap (CDP Performance.getMetrics: JSHeapUsedSize, JSHeapTotalSize), the RSS
 * of Chromium's renderer processes and of the browser process (which holds Blob data), from /proc; once,
 * when half the file is answered, a forced GC (CDP HeapProfiler.collectGarbage) shows the live heap. Then the
 * result is downloaded and its lines counted. A file of BENCH_ROWS / 10 rows runs first, in its own browser
 * context, so growth with the file's size shows as the ratio of the two peaks.
 * Prints numbers only; exits non-zero only when an upload fails (or the whole run passes 5 minutes).
 * Env: BENCH_ROWS (default 1,000,000), CHROMIUM_PATH (default /usr/bin/chromium).
 */
import { once } from 'node:events'
import { createReadStream, createWriteStream, readdirSync, readFileSync } from 'node:fs'
import { cp, mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, CDPSession, Page } from 'playwright-core'
import { ensureBuilt, ROOT } from '../dev/harness/build.js'
import { launchChromium } from '../dev/harness/chromium.js'
import { rssMb, startServer, waitFor200 } from '../dev/harness/server-process.js'

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000)
const TIMEOUT_MS = 5 * 60_000
const SAMPLE_MS = 250
const HEADER = 'sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm,species'
const MB = 2 ** 20

const started = performance.now()
const left = () => Math.max(1000, TIMEOUT_MS - (performance.now() - started))
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const fmt = (n: number) => Math.round(n).toLocaleString('en-US')
const mb = (bytes: number) => (bytes / MB).toFixed(1)

/**
 * `rows` Iris-like rows: the 150 flowers of data/iris.csv in turn (all three classes), each measurement moved
 * by up to ±0.2 cm (a fixed-seed generator) and kept to one decimal and >= 0.1, as the data set records it.
 */
async function writeCsv(path: string, rows: number): Promise<number> {
  const iris = (await readFile(join(ROOT, 'data/iris.csv'), 'utf8'))
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','))
  let seed = 17
  const random = () => {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0
    return seed / 2 ** 32
  }
  const out = createWriteStream(path)
  let chunk = `${HEADER}\n`
  for (let n = 0; n < rows; n++) {
    const flower = iris[n % iris.length]!
    for (let c = 0; c < 4; c++) {
      const value = Math.max(1, Math.round(Number(flower[c]) * 10 + Math.floor(random() * 5) - 2))
      chunk += `${(value / 10).toFixed(1)},`
    }
    chunk += `${flower[4]}\n`
    if (chunk.length >= 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain')
      chunk = ''
    }
  }
  out.end(chunk)
  await once(out, 'finish')
  return (await stat(path)).size
}

/** pid -> parent pid of every process, from /proc. */
function parents(): Map<number, number> {
  const map = new Map<number, number>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      map.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]))
    } catch {
      // gone
    }
  }
  return map
}

function cmdline(pid: number): string[] {
  try {
    // Split at spaces too: Chromium rewrites its children's command line as one space-separated string.
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]/)
  } catch {
    return []
  }
}

/**
 * Chromium's processes, found among our own descendants (playwright-core spawns the browser from this
 * process): the browser process (no `--type=`) and its renderers (`--type=renderer`).
 */
function chromiumPids(): { browser: number | undefined; renderers: number[] } {
  const map = parents()
  const all = [process.pid]
  for (let i = 0; i < all.length; i++) for (const [pid, ppid] of map) if (ppid === all[i]) all.push(pid)
  const chrome = all.map((pid) => ({ pid, args: cmdline(pid) })).filter((p) => /chrom/.test(p.args[0] ?? ''))
  return {
    browser: chrome.find((p) => !p.args.some((a) => a.startsWith('--type=')))?.pid,
    renderers: chrome.filter((p) => p.args.includes('--type=renderer')).map((p) => p.pid),
  }
}

interface Sample {
  heapUsed: number
  heapTotal: number
  /** The largest renderer's RSS (MB), NaN when none could be read. */
  renderer: number
  /** The browser process's RSS (MB). */
  browser: number
}

async function sample(cdp: CDPSession): Promise<Sample> {
  const { metrics } = await cdp.send('Performance.getMetrics')
  const metric = (name: string) => metrics.find((m) => m.name === name)?.value ?? Number.NaN
  const { browser: browserPid, renderers: pids } = chromiumPids()
  const renderers = pids.map(rssMb).filter((v) => !Number.isNaN(v))
  return {
    heapUsed: metric('JSHeapUsedSize'),
    heapTotal: metric('JSHeapTotalSize'),
    renderer: renderers.length > 0 ? Math.max(...renderers) : Number.NaN,
    browser: browserPid === undefined ? Number.NaN : rssMb(browserPid),
  }
}

interface Run {
  rows: number
  fileBytes: number
  ms: number
  start: Sample
  peak: Sample
  end: Sample
  /** After a forced garbage collection, once the stream has ended. */
  endAfterGc: Sample
  /** JS heap used after a forced garbage collection once half the file was answered (NaN if none was taken). */
  midAfterGc: number
  /** JS heap used of every sample while it streamed. */
  trace: number[]
  download: { name: string; bytes: number; lines: number } | null
}

/** Counts the "\n" of a file without reading it into memory. */
async function countLines(path: string): Promise<number> {
  let lines = 0
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>)
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++
  return lines
}

async function waitForPrediction(page: Page) {
  await page.locator('#confidence-species').filter({ hasText: /\S/ }).waitFor({ timeout: 30_000 })
}

/** One upload of `path` in a fresh context: samples memory while it streams, then downloads the result. */
async function measure(browser: Browser, base: string, path: string, rows: number, fileBytes: number) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true })
  try {
    const page = await context.newPage()
    const pageErrors: string[] = []
    page.on('pageerror', (err) => pageErrors.push(String(err)))
    await page.goto(base)
    await waitForPrediction(page)
    const cdp = await context.newCDPSession(page)
    await cdp.send('Performance.enable')
    await cdp.send('HeapProfiler.collectGarbage')
    const start = await sample(cdp)
    const peak = { ...start }
    const trace = [start.heapUsed]
    let midAfterGc = Number.NaN
    let sampling = true
    const progress = async () =>
      Number(
        (
          await cdp.send('Runtime.evaluate', {
            expression: "document.getElementById('batch-progress')?.value ?? 0",
            returnByValue: true,
          })
        ).result.value,
      )
    const sampler = (async () => {
      while (sampling) {
        await sleep(SAMPLE_MS)
        let last: Sample
        try {
          last = await sample(cdp)
          // Once, half way: what the page holds live (the rest of the peak is garbage not yet collected).
          if (Number.isNaN(midAfterGc) && sampling && (await progress()) >= 0.5) {
            await cdp.send('HeapProfiler.collectGarbage')
            midAfterGc = (await sample(cdp)).heapUsed
          }
        } catch {
          break // the context is closing
        }
        trace.push(last.heapUsed)
        peak.heapUsed = Math.max(peak.heapUsed, last.heapUsed)
        peak.heapTotal = Math.max(peak.heapTotal, last.heapTotal)
        if (!Number.isNaN(last.renderer)) peak.renderer = Math.max(peak.renderer || 0, last.renderer)
        if (!Number.isNaN(last.browser)) peak.browser = Math.max(peak.browser || 0, last.browser)
      }
    })()

    const name = path.split('/').at(-1)!
    const t0 = performance.now()
    await page.getByLabel('Upload a CSV file').setInputFiles(path)
    const done = page.getByText(`${rows.toLocaleString('en-US')} rows predicted, all of ${name}.`)
    const failed = page.getByText(
      /^(The API stopped|The API refused|Cannot reach|The connection to the API broke|The file could not be read|Cancelled after|The API did not answer|The API answered)/,
    )
    await done.or(failed).first().waitFor({ timeout: left() })
    const ms = performance.now() - t0
    sampling = false
    await sampler
    if (await failed.count())
      throw new Error(`the upload of ${name} failed: ${await failed.first().textContent()}`)
    if (pageErrors.length > 0) throw new Error(`uncaught errors in the page: ${pageErrors.join('; ')}`)
    const end = await sample(cdp)
    await cdp.send('HeapProfiler.collectGarbage')
    const endAfterGc = await sample(cdp)

    let download: Run['download'] = null
    const button = page.getByRole('button', { name: 'Download results as CSV' })
    if (await button.isVisible()) {
      const downloading = page.waitForEvent('download', { timeout: left() })
      await button.click()
      const file = await downloading
      const saved = await file.path()
      download = {
        name: file.suggestedFilename(),
        bytes: (await stat(saved)).size,
        lines: await countLines(saved),
      }
      await file.delete()
    }
    return { rows, fileBytes, ms, start, peak, end, endAfterGc, midAfterGc, trace, download } satisfies Run
  } finally {
    await context.close()
  }
}

/** The largest value of each tenth of `values` (fewer parts when there are fewer values). */
function tenths(values: number[]): number[] {
  const parts = Math.min(10, values.length)
  return Array.from({ length: parts }, (_, i) =>
    Math.max(
      ...values.slice(Math.floor((i * values.length) / parts), Math.floor(((i + 1) * values.length) / parts)),
    ),
  )
}

function report(run: Run) {
  const rss = (v: number) => (Number.isNaN(v) || v === 0 ? 'could not be read' : `${v.toFixed(0)} MB`)
  const { start, peak, end, download } = run
  console.log(
    `\n${fmt(run.rows)} rows, ${mb(run.fileBytes)} MB of CSV: ${(run.ms / 1000).toFixed(1)} s, ${fmt((run.rows / run.ms) * 1000)} rows/s (${run.trace.length} samples)`,
  )
  console.log(
    `  JS heap used: start ${mb(start.heapUsed)} MB, peak ${mb(peak.heapUsed)} MB, end ${mb(end.heapUsed)} MB (${mb(run.endAfterGc.heapUsed)} MB after a GC); heap total peak ${mb(peak.heapTotal)} MB; ` +
      `live at half the file (after a forced GC) ${Number.isNaN(run.midAfterGc) ? 'not taken' : `${mb(run.midAfterGc)} MB`}`,
  )
  console.log(
    `  JS heap used, the largest sample of each tenth of the run (MB): ${tenths(run.trace).map(mb).join(' ')}`,
  )
  console.log(
    `  renderer RSS: start ${rss(start.renderer)}, peak ${rss(peak.renderer)}, end ${rss(end.renderer)} (${rss(run.endAfterGc.renderer)} after the GC); ` +
      `browser process RSS: start ${rss(start.browser)}, peak ${rss(peak.browser)}, end ${rss(end.browser)}`,
  )
  if (download === null) console.log('  download: not offered')
  else
    console.log(
      `  download offered: ${download.name}, ${mb(download.bytes)} MB, ${fmt(download.lines)} lines ` +
        `(${download.lines === run.rows + 1 ? 'rows + header, as expected' : `expected ${fmt(run.rows + 1)}`})`,
    )
}

async function main(dir: string, cleanup: (fn: () => Promise<unknown>) => void): Promise<boolean> {
  ensureBuilt()
  const small = Math.max(1, Math.round(ROWS / 10))
  const files = [
    { rows: small, path: join(dir, `iris-${small}.csv`) },
    { rows: ROWS, path: join(dir, `iris-${ROWS}.csv`) },
  ]
  const sizes = await Promise.all(files.map((f) => writeCsv(f.path, f.rows)))

  // The server lists the UI's files once at start-up: a copy keeps them from a rebuild made meanwhile.
  const web = join(dir, 'web')
  await cp(join(ROOT, 'dist/web'), web, { recursive: true })
  const server = await startServer({ WORKERS: '1', LOG_LEVEL: 'warn', WEB_ROOT: web }, { stdout: 'ignore' })
  cleanup(() => server.stop(10_000))
  await waitFor200(`${server.base}/health/ready`, 1, 60_000, server)
  const browser = await launchChromium()
  cleanup(() => browser.close())

  console.log(
    `UI batch panel, uploaded file streamed through POST /predict-proba (built server, 1 worker; Chromium ${browser.version()}); ` +
      `load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`,
  )
  const runs: Run[] = []
  for (const [i, f] of files.entries()) {
    const run = await measure(browser, server.base, f.path, f.rows, sizes[i]!)
    report(run)
    runs.push(run)
  }
  const [a, b] = runs as [Run, Run]
  const ratio = (x: number, y: number) =>
    Number.isNaN(x) || Number.isNaN(y) || y === 0 ? 'n/a' : (x / y).toFixed(2)
  console.log(
    `\n${fmt(b.rows)} rows against ${fmt(a.rows)} (${ratio(b.fileBytes, a.fileBytes)}x the file): ` +
      `peak JS heap used ${ratio(b.peak.heapUsed, a.peak.heapUsed)}x (${mb(a.peak.heapUsed)} -> ${mb(b.peak.heapUsed)} MB), ` +
      `growth over start ${mb(a.peak.heapUsed - a.start.heapUsed)} -> ${mb(b.peak.heapUsed - b.start.heapUsed)} MB; ` +
      `peak renderer RSS ${ratio(b.peak.renderer, a.peak.renderer)}x; peak browser process RSS ${ratio(b.peak.browser, a.peak.browser)}x; ` +
      `load average now ${loadavg()[0]!.toFixed(1)}`,
  )
  return runs.every((r) => r.download !== null && r.download.lines === r.rows + 1)
}

const dir = await mkdtemp(join(tmpdir(), 'bench-ui-memory-'))
const cleanups: (() => Promise<unknown>)[] = []
let timer: NodeJS.Timeout | undefined
let code = 0
try {
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${TIMEOUT_MS / 60_000} minutes`)), TIMEOUT_MS)
  })
  const ok = await Promise.race([main(dir, (fn) => cleanups.push(fn)), timeout])
  if (!ok) {
    console.error('the download was not offered, or its line count is not rows + 1')
    code = 1
  }
} catch (err) {
  console.error(`bench:ui-memory failed: ${err instanceof Error ? err.message : String(err)}`)
  code = 1
} finally {
  clearTimeout(timer)
  for (const fn of cleanups.reverse()) await fn().catch((err) => console.error(`cleanup: ${String(err)}`))
  await rm(dir, { recursive: true, force: true })
}
process.exit(code)
