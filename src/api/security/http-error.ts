/**
 * A client error raised from a security hook. It carries `statusCode` (and `expose`) so that the app's
 * single error handler answers `{"error": message}` with that status and logs the request once.
 */
export class ClientHttpError extends Error {
  override name = 'ClientHttpError'
  readonly expose = true
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message)
  }
}

/** The URL path without its query string. */
export function pathOf(url: string): string {
  const q = url.indexOf('?')
  return q < 0 ? url : url.slice(0, q)
}
