/**
 * The HTTP side of a streamed prediction (predict-stream.ts): a content-type parser that hands the raw body
 * stream to the route (registered in the predict routes' scope only, so no other route sees a stream), and
 * `answerStream`, which sends the answer as a Node stream (Fastify pipes it with back-pressure, onSend hooks
 * and headers as for any reply), logs one line per stream when the response closes (rows answered, the
 * fault or the client's disconnect) and counts rows.
 */
import { Readable } from 'node:stream'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { RowStreamError } from '../../data/row-stream.js'
import type { ApiContext } from '../context.js'
import { InputError, ModelNotReadyError } from '../errors.js'
import type { PredictEndpoint } from '../predict-endpoint.js'
import { STREAM_TYPES, type StreamKind } from './format.js'
import { streamCounters } from './metrics.js'
import { predictStream } from './predict-stream.js'

/** After the time limit, a client that does not read the error record loses its connection this much later. */
export const STREAM_GRACE_MS = 5000

export const STREAM_MEDIA_TYPES = ['text/csv', 'application/x-ndjson', 'application/ndjson']

export function addStreamParsers(app: FastifyInstance): void {
  app.addContentTypeParser(STREAM_MEDIA_TYPES, (_request, payload, done) => done(null, payload))
}

export async function answerStream(
  ctx: ApiContext,
  endpoint: PredictEndpoint,
  request: FastifyRequest,
  reply: FastifyReply,
  kind: StreamKind,
): Promise<FastifyReply> {
  const model = ctx.models.current
  if (model === null) throw new ModelNotReadyError()
  const counters = streamCounters(ctx.metrics, endpoint.url, kind)
  const timeoutMs = ctx.config.STREAM_TIMEOUT_S * 1000
  const { pieces, outcome } = predictStream({
    kind,
    model,
    withProba: endpoint.withProba,
    input: request.body as Readable,
    maxRows: ctx.config.MAX_STREAM_ROWS,
    timeoutMs,
    metrics: ctx.metrics,
    counters,
  })
  let first: IteratorResult<string>
  try {
    first = await pieces.next()
  } catch (e) {
    if (!(e instanceof RowStreamError)) throw e
    counters.fault('bad-input')
    throw new InputError(400, e.message)
  }
  const res = reply.raw
  const hardStop = setTimeout(() => res.destroy(), timeoutMs + STREAM_GRACE_MS)
  res.once('close', () => {
    clearTimeout(hardStop)
    const disconnected = !res.writableFinished
    let error: string | null = null
    if (outcome.fault !== null) {
      const { line, column, message } = outcome.fault
      error = `stream stopped after ${outcome.rows} rows: ${line === null ? '' : `line ${line}${column === null ? '' : `, column ${column}`}: `}${message}`
      counters.fault(message.includes('STREAM_TIMEOUT_S') ? 'timeout' : 'bad-input')
    }
    if (disconnected) {
      error = `client closed the connection after ${outcome.rows} rows; stream stopped, input discarded`
      counters.fault('disconnect')
    }
    ctx.metrics.rows.child(endpoint.url).observe(outcome.rows)
    endpoint.recorder.done(request, 200, error, undefined, model.version)
  })
  const body = Readable.from(prepend(first, pieces), { objectMode: false })
  return reply
    .header('x-request-id', request.id)
    .header('x-model-version', model.version)
    .type(STREAM_TYPES[kind])
    .send(body)
}

async function* prepend(first: IteratorResult<string>, rest: AsyncGenerator<string>): AsyncGenerator<string> {
  if (!first.done && first.value !== '') yield first.value
  yield* rest
}
