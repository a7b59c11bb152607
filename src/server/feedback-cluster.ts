/**
 * Labelled feedback rows across a node:cluster: a worker sends the accepted rows' CSV lines to the primary
 * ({type: 'iris:feedback-rows'}); the primary appends them to the registry's feedback.csv (one O_APPEND write
 * each, in arrival order) and answers ({type: 'iris:feedback-kept'}) with ok or the error, so the worker's
 * POST /feedback finds out whether its rows were kept.
 */
import cluster from 'node:cluster'
import type { Logger } from 'pino'
import type { FeedbackSink } from '../api/feedback/sink.js'
import { appendFeedback } from '../model/registry/feedback-file.js'

const ROWS = 'iris:feedback-rows'
const KEPT = 'iris:feedback-kept'
const TIMEOUT_MS = 5000

interface RowsMsg {
  type: typeof ROWS
  id: number
  nameDir: string
  header: string[]
  lines: string
}
interface KeptMsg {
  type: typeof KEPT
  id: number
  error: string | null
}

const isType = <T>(msg: unknown, type: string): msg is T =>
  typeof msg === 'object' && msg !== null && (msg as { type?: unknown }).type === type

/** In the primary: appends every worker's rows, one append at a time. */
export function serveClusterFeedback(logger: Logger): void {
  let queue: Promise<void> = Promise.resolve()
  cluster.on('message', (worker, msg: unknown) => {
    if (!isType<RowsMsg>(msg, ROWS)) return
    queue = queue.then(async () => {
      let error: string | null = null
      try {
        await appendFeedback(msg.nameDir, msg.header, msg.lines)
      } catch (err) {
        error = (err as Error).message
        logger.error({ err }, 'Feedback rows could not be appended to the registry')
      }
      const reply: KeptMsg = { type: KEPT, id: msg.id, error }
      if (worker.isConnected()) worker.send(reply)
    })
  })
}

/** In a worker: the sink that asks the primary to append (no answer within 5 s is an error). */
export function workerFeedbackSink(): FeedbackSink {
  let nextId = 0
  const waiting = new Map<number, (m: KeptMsg) => void>()
  process.on('message', (msg: unknown) => {
    if (!isType<KeptMsg>(msg, KEPT)) return
    waiting.get(msg.id)?.(msg)
    waiting.delete(msg.id)
  })
  return (nameDir, header, lines) =>
    new Promise((resolve, reject) => {
      const id = ++nextId
      const timer = setTimeout(() => {
        waiting.delete(id)
        reject(new Error('the primary did not confirm the feedback rows within 5 s'))
      }, TIMEOUT_MS)
      timer.unref()
      waiting.set(id, (m) => {
        clearTimeout(timer)
        if (m.error === null) resolve()
        else reject(new Error(m.error))
      })
      const msg: RowsMsg = { type: ROWS, id, nameDir, header: [...header], lines }
      process.send?.(msg)
    })
}
