/**
 * This service's package name and version, for the V2 server metadata (GET /v2). Bundled by
 * scripts/build-server.mjs, this module no longer sits three levels below the package root, so the build
 * injects them (esbuild `define`); under tsx and in tsc's output (src/api/v2, dist/api/v2) package.json is
 * read from there.
 */
import { createRequire } from 'node:module'

declare const __IRIS_PACKAGE__: { name: string; version: string } | undefined

export const packageInfo: { readonly name: string; readonly version: string } =
  typeof __IRIS_PACKAGE__ !== 'undefined'
    ? __IRIS_PACKAGE__
    : createRequire(import.meta.url)('../../../package.json')
