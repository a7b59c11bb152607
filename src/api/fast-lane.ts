/**
 * The fast lane: POST /predict and POST /predict-proba answered straight from node:http, in front of
 * Fastify's router (decision 016). Fastify's per-request machinery (Request/Reply objects, routing, hook
 * runners, content-type parser, reply pipeline) cost more CPU than the prediction itself; these two routes
 * carry nearly all the traffic. Everything else about the answer is shared with the Fastify routes: the
 * request id and arrival stamp (genReqId), the JSON parse and input contract, PredictEndpoint.answer(),
 * the error mapping (toErrorReply), the security headers and the request recorder (log line + histogram).
 *
 * The lane takes only requests it answers exactly as Fastify would, decided from the request line and
 * headers before the body is read: POST to exactly one of the two paths, a Content-Length within
 * BODY_LIMIT, no Transfer-Encoding, and a plain JSON Content-Type. Anything else (413 by Content-Length,
 * odd media types, query strings, other methods) goes to Fastify, which has the answer. It is switched off
 * when a security hook must see prediction requests (API keys, rate limits, CORS) or by HTTP_FAST_LANE=false.
 * test/api/predict.test.ts runs the whole contract through both; test/api/fast-lane.test.ts compares them
 * answer by answer.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { errorCodes } from 'fastify'
import { errorJson, errorLogText, JSON_TYPE, toErrorReply } from './errors.js'
import type { FixedHeaders } from './fixed-headers.js'
import { parseJsonText } from './input.js'
import type { PredictEndpoint, PredictUrl } from './predict-endpoint.js'

/** Content types the lane takes; every other one (parameters, odd spacing, malformed) is Fastify's call. */
const PLAIN_JSON = new Set([
  'application/json',
  'application/json; charset=utf-8',
  'application/json;charset=utf-8',
  'application/json; charset=UTF-8',
  'application/json;charset=UTF-8',
])

export interface FastLaneOptions {
  endpoints: Readonly<Record<PredictUrl, PredictEndpoint>>
  /** The app's genReqId: the client's sane X-Request-ID or a new one; stamps arrival, counts in flight. */
  genReqId: (req: IncomingMessage) => string
  /** The API's security headers (the same set the Fastify routes send). */
  headers: FixedHeaders
  bodyLimit: number
}

export class FastLane {
  /** Set when the app starts closing: answers then carry `Connection: close`, as Fastify's do. */
  closing = false
  private readonly predict: PredictEndpoint
  private readonly proba: PredictEndpoint
  /** The security headers as [name, value, name, value, ...], the cheapest form writeHead takes. */
  private readonly fixedHeaders: readonly string[]

  constructor(private readonly options: FastLaneOptions) {
    this.predict = options.endpoints['/predict']
    this.proba = options.endpoints['/predict-proba']
    this.fixedHeaders = Object.entries(options.headers).flat()
  }

  /** Answer the request if it is the lane's (returns true), else leave it untouched for Fastify. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'POST') return false
    const url = req.url
    const endpoint = url === '/predict' ? this.predict : url === '/predict-proba' ? this.proba : undefined
    if (endpoint === undefined) return false
    const headers = req.headers
    const declared = Number(headers['content-length']) // NaN when absent
    if (
      !(declared <= this.options.bodyLimit) ||
      headers['transfer-encoding'] !== undefined ||
      !PLAIN_JSON.has(headers['content-type'] ?? '')
    ) {
      return false
    }
    this.readBody(req, res, endpoint, this.options.genReqId(req), declared)
    return true
  }

  /** Fastify's rawBody, for one JSON body: Buffers decoded once, the same limit and length checks. */
  private readBody(
    req: IncomingMessage,
    res: ServerResponse,
    endpoint: PredictEndpoint,
    id: string,
    declared: number,
  ): void {
    const limit = this.options.bodyLimit
    let first: Buffer | undefined
    let more: Buffer[] | undefined
    let received = 0
    const stop = () => {
      req.removeListener('data', onData)
      req.removeListener('end', onEnd)
      req.removeListener('error', onError)
    }
    const onData = (chunk: Buffer) => {
      received += chunk.length
      if (received > limit) {
        stop()
        this.fail(req, res, endpoint, id, new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE())
        return
      }
      if (first === undefined) first = chunk
      else (more ??= [first]).push(chunk)
    }
    const onEnd = () => {
      stop()
      if (received !== declared) {
        this.fail(req, res, endpoint, id, new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH())
        return
      }
      const text =
        more !== undefined ? Buffer.concat(more, received).toString('utf8') : (first?.toString('utf8') ?? '')
      let parsed: unknown
      try {
        parsed = parseJsonText(text)
      } catch (err) {
        this.fail(req, res, endpoint, id, err)
        return
      }
      let body: string
      try {
        body = endpoint.answer(parsed)
      } catch (err) {
        this.fail(req, res, endpoint, id, err, false)
        return
      }
      this.send(res, 200, id, body)
      endpoint.recorder.record(req, id, 200)
    }
    const onError = (err: Error & { statusCode?: number }) => {
      stop()
      // As Fastify: a broken request stream (client gone) is the client's fault.
      if (!(typeof err.statusCode === 'number' && err.statusCode >= 400)) err.statusCode = 400
      this.fail(req, res, endpoint, id, err)
    }
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', onError)
  }

  /**
   * The error handler's answer (errors.ts): same status, body and log line. A body that could not be read
   * or parsed also closes the connection, as Fastify's body parser does (the client may still be sending).
   */
  private fail(
    req: IncomingMessage,
    res: ServerResponse,
    endpoint: PredictEndpoint,
    id: string,
    err: unknown,
    bodyFault = true,
  ): void {
    const reply = toErrorReply(err, this.options.bodyLimit)
    this.send(res, reply.status, id, errorJson(reply.message), bodyFault)
    endpoint.recorder.record(
      req,
      id,
      reply.status,
      errorLogText(reply, err),
      reply.internal ? err : undefined,
    )
  }

  private send(res: ServerResponse, status: number, id: string, body: string, close = false): void {
    const headers = this.fixedHeaders.slice()
    headers.push(
      'x-request-id',
      id,
      'content-type',
      JSON_TYPE,
      'content-length',
      String(Buffer.byteLength(body)),
    )
    if (close || this.closing) headers.push('connection', 'close')
    res.writeHead(status, headers)
    res.end(body)
  }
}
