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
import { clientKeyOf } from './rollout/client-key.js'
import { type Access, PREDICTION_ACCESS } from './security/scopes.js'

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
  /**
   * The security hooks' checks for the lane's routes (security/lane-checks.ts), when any apply: the same
   * Gate (API keys, bearer tokens, scopes) and the same rate limiter as the Fastify hooks.
   */
  checks?: LaneChecks
}

/**
 * What the Fastify hooks would decide for one prediction request, before its body is read. `declines`: the
 * request is left to Fastify (e.g. a CORS request), asked before anything is stamped on it. `admit`: the
 * extra headers of the answer (rate-limit fields), or a promise of them (a token to verify, a remote
 * counter); a refusal throws (or rejects with) an error carrying its status, message and
 * `responseHeaders` (WWW-Authenticate, Retry-After...). It runs after genReqId, as Fastify's hooks do, so
 * every request gets its stamps (arrival, then client) in the same order: one object shape in V8.
 */
export interface LaneChecks {
  /** Headers on every answer of the lane while these checks apply (name, value, ...). */
  headers?: readonly string[]
  declines(req: IncomingMessage): boolean
  admit(req: IncomingMessage, access: Access): readonly string[] | Promise<readonly string[]>
}

/** An error that adds headers to its answer (name, value, ...). */
export interface WithResponseHeaders {
  responseHeaders?: readonly string[]
}

const NO_HEADERS: readonly string[] = []

/** A body as read: its chunks (one, or several), their length, whether it matched Content-Length. */
interface ReadBody {
  complete: boolean
  first: Buffer | undefined
  more: Buffer[] | undefined
  received: number
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
    this.fixedHeaders = [...Object.entries(options.headers).flat(), ...(options.checks?.headers ?? [])]
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
    const checks = this.options.checks
    if (checks?.declines(req) === true) return false
    const id = this.options.genReqId(req)
    let admitted: readonly string[] | Promise<readonly string[]> = NO_HEADERS
    if (checks !== undefined) {
      try {
        admitted = checks.admit(req, PREDICTION_ACCESS)
      } catch (err) {
        // Refused before the body: answered now (Node discards the unread body, as for Fastify's hooks).
        this.fail(req, res, endpoint, id, err, false)
        return true
      }
    }
    this.readBody(req, res, endpoint, id, declared, admitted)
    return true
  }

  /** Fastify's rawBody, for one JSON body: Buffers decoded once, the same limit and length checks. */
  private readBody(
    req: IncomingMessage,
    res: ServerResponse,
    endpoint: PredictEndpoint,
    id: string,
    declared: number,
    admitted: readonly string[] | Promise<readonly string[]>,
  ): void {
    const limit = this.options.bodyLimit
    let first: Buffer | undefined
    let more: Buffer[] | undefined
    let received = 0
    // The checks' verdict comes first, as Fastify's onRequest hooks run before its body parser: a refusal
    // wins over a body fault; an admission's headers go on every answer.
    // Handled here at once, so a refusal that comes before the body's end is not an unhandled rejection.
    if (admitted instanceof Promise) admitted.catch(() => {})
    const settle = (answer: (extra: readonly string[]) => void) => {
      if (!(admitted instanceof Promise)) answer(admitted)
      else admitted.then(answer, (err: unknown) => this.fail(req, res, endpoint, id, err, false))
    }
    const stop = () => {
      req.removeListener('data', onData)
      req.removeListener('end', onEnd)
      req.removeListener('error', onError)
    }
    const onData = (chunk: Buffer) => {
      received += chunk.length
      if (received > limit) {
        stop()
        settle((extra) =>
          this.fail(req, res, endpoint, id, new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE(), true, extra),
        )
        return
      }
      if (first === undefined) first = chunk
      else (more ??= [first]).push(chunk)
    }
    const onEnd = () => {
      stop()
      const body: ReadBody = { complete: received === declared, first, more, received }
      settle((extra) => this.answer(req, res, endpoint, id, body, extra))
    }
    const onError = (err: Error & { statusCode?: number }) => {
      stop()
      // As Fastify: a broken request stream (client gone) is the client's fault.
      if (!(typeof err.statusCode === 'number' && err.statusCode >= 400)) err.statusCode = 400
      settle((extra) => this.fail(req, res, endpoint, id, err, true, extra))
    }
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', onError)
  }

  /** The whole body was read: check its length, parse, predict, answer. */
  private answer(
    req: IncomingMessage,
    res: ServerResponse,
    endpoint: PredictEndpoint,
    id: string,
    { complete, first, more, received }: ReadBody,
    extra: readonly string[],
  ): void {
    if (!complete) {
      this.fail(req, res, endpoint, id, new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH(), true, extra)
      return
    }
    const text =
      more !== undefined ? Buffer.concat(more, received).toString('utf8') : (first?.toString('utf8') ?? '')
    let parsed: unknown
    try {
      parsed = parseJsonText(text)
    } catch (err) {
      this.fail(req, res, endpoint, id, err, true, extra)
      return
    }
    let body: string
    try {
      body = endpoint.answer(parsed, clientKeyOf(req))
    } catch (err) {
      this.fail(req, res, endpoint, id, err, false, extra)
      return
    }
    const version = endpoint.servedVersion
    this.send(res, 200, id, body, false, version, extra)
    endpoint.recorder.record(req, id, 200, null, undefined, version)
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
    extra: readonly string[] = NO_HEADERS,
  ): void {
    const reply = toErrorReply(err, this.options.bodyLimit)
    const own = (err as WithResponseHeaders | undefined)?.responseHeaders
    const headers = own === undefined ? extra : [...extra, ...own]
    this.send(res, reply.status, id, errorJson(reply.message), bodyFault, undefined, headers)
    endpoint.recorder.record(
      req,
      id,
      reply.status,
      errorLogText(reply, err),
      reply.internal ? err : undefined,
    )
  }

  private send(
    res: ServerResponse,
    status: number,
    id: string,
    body: string,
    close = false,
    modelVersion?: string,
    extra: readonly string[] = NO_HEADERS,
  ): void {
    const headers = this.fixedHeaders.slice()
    headers.push(
      'x-request-id',
      id,
      'content-type',
      JSON_TYPE,
      'content-length',
      String(Buffer.byteLength(body)),
    )
    if (modelVersion !== undefined) headers.push('x-model-version', modelVersion)
    for (let i = 0; i < extra.length; i++) headers.push(extra[i]!)
    if (close || this.closing) headers.push('connection', 'close')
    res.writeHead(status, headers)
    res.end(body)
  }
}
