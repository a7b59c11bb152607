/**
 * One error contract: every failure is `{"error": "<message>"}` with the right status, decided here.
 * Client faults (4xx) say what is wrong and where; unexpected faults are a generic 500 whose cause and
 * stack go to the log only. The 404 handler answers 405 + Allow when the path exists for other methods.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { NonFiniteInputError } from '../ml/index.js'
import { clipText, ERROR_MESSAGE_MAX } from './client-text.js'
import { markRecorded, pathOf, type RequestRecorder } from './recorder.js'

/** An error whose message is meant for the client, with its HTTP status. */
export class HttpError extends Error {
  override name = 'HttpError'
  readonly expose = true
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message)
  }
}

/** The request body or its rows break the contract (400/413/415/422). */
export class InputError extends HttpError {
  override name = 'InputError'
}

/** No model is loaded (yet): the service is up but not ready. */
export class ModelNotReadyError extends HttpError {
  override name = 'ModelNotReadyError'
  constructor() {
    super(503, 'the model is not loaded yet; retry shortly')
  }
}

export const INTERNAL_ERROR = 'Internal server error'
/** The content type of every JSON answer (replies and errors). */
export const JSON_TYPE = 'application/json; charset=utf-8'
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const

export interface ErrorReply {
  status: number
  message: string
  /** Unexpected: log the cause and stack. */
  internal: boolean
}

/** Map any thrown value to status + public message. */
export function toErrorReply(err: unknown, bodyLimit: number): ErrorReply {
  const e = err as Partial<FastifyError> & { expose?: boolean }
  const status = typeof e?.statusCode === 'number' ? e.statusCode : 500
  if (e?.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return {
      status: 413,
      message: `request body is larger than ${bodyLimit} bytes (BODY_LIMIT)`,
      internal: false,
    }
  }
  if (e?.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return { status: 415, message: 'the Content-Type header is malformed', internal: false }
  }
  // Our messages quote client text already cut short (client-text.ts); this caps any other library's.
  if (status >= 400 && status < 500)
    return { status, message: clipText(String(e.message), ERROR_MESSAGE_MAX), internal: false }
  // The model compares float32(x), as scikit-learn does: a finite double beyond float32's range is refused
  // there (found by test/reliability/fuzz.test.ts); it is the client's value, so 422 like Infinity.
  if (err instanceof NonFiniteInputError) {
    const message = `input[${err.row}][${err.column}] must be a finite number within float32 range (|x| <= 3.4028234663852886e38), got ${String(err.value)}`
    return { status: 422, message, internal: false }
  }
  if (status >= 500 && status < 600 && e?.expose === true)
    return { status, message: clipText(String(e.message), ERROR_MESSAGE_MAX), internal: false }
  return { status: 500, message: INTERNAL_ERROR, internal: true }
}

/** The one error body. */
export function errorJson(message: string): string {
  return `{"error":${JSON.stringify(message)}}`
}

/** The `error` field of the request's log line: the public message, or for an unexpected fault its cause. */
export function errorLogText(reply: ErrorReply, err: unknown): string {
  return reply.internal ? `${(err as Error)?.name ?? 'Error'}: ${(err as Error)?.message}` : reply.message
}

export function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  message: string,
): void {
  reply.code(status).header('x-request-id', request.id).type(JSON_TYPE).send(errorJson(message))
}

/** Methods (other than the request's) that have a route for this path. */
export function allowedMethods(app: FastifyInstance, url: string, except: string): string[] {
  const path = pathOf(url)
  return METHODS.filter((m) => m !== except && app.findRoute({ method: m, url: path }) !== null)
}

export function installErrorHandlers(
  app: FastifyInstance,
  recorder: RequestRecorder,
  bodyLimit: number,
): void {
  app.setErrorHandler((err, request, reply) => {
    const r = toErrorReply(err, bodyLimit)
    markRecorded(request)
    sendError(request, reply, r.status, r.message)
    recorder.done(request, r.status, errorLogText(r, err), r.internal ? err : undefined)
  })

  app.setNotFoundHandler((request, reply) => {
    markRecorded(request)
    const allow = allowedMethods(app, request.url, request.method)
    if (allow.length > 0) {
      reply.header('allow', allow.join(', '))
      const message = `method ${request.method} is not allowed on ${clipText(pathOf(request.url))}; use ${allow.join(' or ')}`
      sendError(request, reply, 405, message)
      recorder.done(request, 405, message)
      return
    }
    const message = `no route for ${request.method} ${clipText(pathOf(request.url))}`
    sendError(request, reply, 404, message)
    recorder.done(request, 404, message)
  })
}
