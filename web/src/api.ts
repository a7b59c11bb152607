// The only module that talks HTTP. Every failure becomes an ApiError whose message a person can act on:
// unreachable server, time-out, or the API's own {"error": "..."} text with its status code (a 401 or 403
// says a key is needed or lacks the scope: credentials.ts). Every request carries the page's API key, if set.
// Reply types come from the server's schemas (type-only imports: nothing of the server is bundled).

import type { Static } from 'typebox'
import type { ExplainResponse } from '../../src/api/contracts/explain.js'
import type { PredictProbaResponse, PredictResponse } from '../../src/api/contracts/predict.js'
import { apiKey, keyHeaders, keyProblem } from './credentials.js'

/** POST /predict's reply. */
export type PredictReply = Static<typeof PredictResponse>
/** POST /predict-proba's reply. */
export type ProbaReply = Static<typeof PredictProbaResponse>
/** POST /explain's reply. */
export type ExplainReply = Static<typeof ExplainResponse>

export type ApiFailure = 'unreachable' | 'timeout' | 'http' | 'bad-reply'

export class ApiError extends Error {
  constructor(
    message: string,
    readonly kind: ApiFailure,
    readonly status: number | null = null,
    /** The API's own `error` text, verbatim, when it sent one. */
    readonly apiMessage: string | null = null,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

export function isAbort(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError'
}

export interface ApiClientOptions {
  baseUrl?: string
  timeoutMs?: number
  fetch?: typeof fetch
}

function describeHttp(route: string, status: number, apiMessage: string | null, keySent: boolean): string {
  const refused = keyProblem(status, apiMessage, route, keySent)
  if (refused !== null) return refused
  const said = apiMessage ?? 'no error message'
  if (status >= 500) {
    return `The API failed on ${route} (HTTP ${status}): ${said}. Try again; if it keeps failing, check the server log.`
  }
  return `The API refused ${route} (HTTP ${status}): ${said}`
}

/** The API's own `error` text from an answer's body, or null (not JSON, e.g. a proxy's error page). */
export function apiErrorOf(text: string): string | null {
  try {
    const body = JSON.parse(text) as unknown
    if (body && typeof body === 'object' && typeof (body as { error?: unknown }).error === 'string') {
      return (body as { error: string }).error
    }
  } catch {
    // Not JSON: the status code is all there is to report.
  }
  return null
}

/** The same, read from a Response (an unreadable body counts as none). */
export async function readError(response: Response): Promise<string | null> {
  try {
    return apiErrorOf(await response.text())
  } catch {
    return null
  }
}

export function createApiClient(options: ApiClientOptions = {}) {
  const baseUrl = options.baseUrl ?? ''
  const timeoutMs = options.timeoutMs ?? 10_000
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init))

  async function request<T>(method: 'GET' | 'POST', path: string, body: string | null, signal?: AbortSignal) {
    const route = `${method} ${path}`
    const timeout = AbortSignal.timeout(timeoutMs)
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout
    const key = apiKey()
    let response: Response
    try {
      response = await doFetch(`${baseUrl}${path}`, {
        method,
        headers: {
          ...(body === null ? { accept: 'application/json' } : { 'content-type': 'application/json' }),
          ...keyHeaders(key),
        },
        body,
        signal: combined,
      })
    } catch (err) {
      if (signal?.aborted) throw signal.reason ?? err
      if (timeout.aborted) {
        throw new ApiError(`The API did not answer ${route} within ${timeoutMs / 1000} s.`, 'timeout')
      }
      throw new ApiError(
        `Cannot reach the prediction API (${route}). Check that the server is running, then try again.`,
        'unreachable',
      )
    }
    if (!response.ok) {
      const apiMessage = await readError(response)
      throw new ApiError(
        describeHttp(route, response.status, apiMessage, key !== ''),
        'http',
        response.status,
        apiMessage,
      )
    }
    try {
      return (await response.json()) as T
    } catch {
      throw new ApiError(
        `The API answered ${route} with something that is not JSON.`,
        'bad-reply',
        response.status,
      )
    }
  }

  function checkProba(reply: ProbaReply, rows: number, route: string): ProbaReply {
    const ok =
      Array.isArray(reply?.prediction) &&
      Array.isArray(reply?.probabilities) &&
      reply.prediction.length === rows &&
      reply.probabilities.length === rows
    if (!ok) throw new ApiError(`The API answered ${route} without ${rows} prediction(s).`, 'bad-reply')
    return reply
  }

  return {
    async predict(rows: readonly (readonly number[])[], signal?: AbortSignal): Promise<string[]> {
      const reply = await request<PredictReply>('POST', '/predict', JSON.stringify({ input: rows }), signal)
      if (!Array.isArray(reply?.prediction) || reply.prediction.length !== rows.length) {
        throw new ApiError(
          `The API answered POST /predict without ${rows.length} prediction(s).`,
          'bad-reply',
        )
      }
      return reply.prediction
    },
    async predictProba(rows: readonly (readonly number[])[], signal?: AbortSignal): Promise<ProbaReply> {
      const reply = await request<ProbaReply>(
        'POST',
        '/predict-proba',
        JSON.stringify({ input: rows }),
        signal,
      )
      return checkProba(reply, rows.length, 'POST /predict-proba')
    },
    /** Sends rows already written as JSON (used to let the API judge rows the page could not read as numbers). */
    async predictProbaJson(rowsJson: readonly string[], signal?: AbortSignal): Promise<ProbaReply> {
      const body = `{"input":[${rowsJson.join(',')}]}`
      const reply = await request<ProbaReply>('POST', '/predict-proba', body, signal)
      return checkProba(reply, rowsJson.length, 'POST /predict-proba')
    },
    model(signal?: AbortSignal): Promise<unknown> {
      return request<unknown>('GET', '/model', null, signal)
    },
    /** Generic JSON POST for panels added later (e.g. POST /explain for the "Why?" panel). */
    postJson<T>(path: string, payload: unknown, signal?: AbortSignal): Promise<T> {
      return request<T>('POST', path, JSON.stringify(payload), signal)
    },
  }
}

export type ApiClient = ReturnType<typeof createApiClient>
