/**
 * Answers that Fastify or Node's HTTP parser would otherwise write in their own shape, without our security
 * headers, request id or log line: a malformed URL (`GET /%zz`, FST_ERR_BAD_URL), a path segment longer
 * than the router takes (414, FST_ERR_MAX_PARAM_LENGTH), and requests Node refuses before there is a
 * request at all (headers too large: 431, a request timeout: 408, an unparsable request: 400). Each gets
 * the one error shape {"error": "..."}, the API header set, an X-Request-ID and a request log line; client
 * text quoted in them is cut short (client-text.ts).
 */
import { randomUUID } from 'node:crypto'
import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { quoteString } from './client-text.js'
import { errorJson, INTERNAL_ERROR, sendError } from './errors.js'
import type { FixedHeaders } from './fixed-headers.js'
import { type Logger, logRequest } from './logging.js'
import { markRecorded, pathOf, type RequestRecorder, UNMATCHED } from './recorder.js'

export interface FrameworkErrorDeps {
  recorder: RequestRecorder
  logger: Logger
  /** The API header set every JSON answer carries. */
  headers: FixedHeaders
}

/** Fastify's `frameworkErrors` option: router faults answered and recorded like any other error. */
export function frameworkErrorHandler(deps: FrameworkErrorDeps) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    const { recorder, headers } = deps
    const path = quoteString(pathOf(request.raw.url ?? ''))
    let status: number
    let message: string
    if (error.code === 'FST_ERR_BAD_URL') {
      status = 400
      message = `the URL path ${path} is not valid: each % must be followed by two hex digits`
    } else if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
      status = 414
      message = `a segment of the URL path ${path} is too long for any route (at most 100 characters)`
    } else {
      status = 500
      message = INTERNAL_ERROR
    }
    reply.headers(headers)
    markRecorded(request)
    sendError(request, reply, status, message)
    recorder.done(request, status, message, status === 500 ? error : undefined)
  }
}

const CLIENT_ERRORS: Record<string, { status: number; message: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    message: 'the request was not received in time (HEADERS_TIMEOUT_S / REQUEST_TIMEOUT_S)',
  },
  HPE_HEADER_OVERFLOW: {
    status: 431,
    message: 'the request line and headers are larger than the server accepts (16 KiB)',
  },
}

/**
 * Fastify's `clientErrorHandler`: Node's HTTP parser refused the bytes, so there is no request to route.
 * The answer is written on the socket by hand (as Fastify's own handler does), and the connection closed.
 */
export function clientErrorHandler(deps: FrameworkErrorDeps) {
  return (err: NodeJS.ErrnoException, socket: Socket): void => {
    if (err.code === 'ECONNRESET' || socket.destroyed) return
    const { logger, headers } = deps
    const known = CLIENT_ERRORS[err.code ?? '']
    const status = known?.status ?? 400
    const message = known?.message ?? 'the request is not valid HTTP/1.1'
    const id = randomUUID()
    if (socket.writable) {
      const body = errorJson(message)
      let head = `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n`
      for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`
      head += `x-request-id: ${id}\r\ncontent-type: application/json; charset=utf-8\r\n`
      head += `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n`
      socket.end(head + body)
    } else {
      socket.destroy()
    }
    logRequest(logger, {
      endpoint: UNMATCHED,
      method: '',
      status_code: status,
      latency_ms: 0,
      request_id: id,
      error: message,
    })
  }
}
