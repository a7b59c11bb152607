/** What the V2 route files share: the OpenAPI tag and the common error responses. */
import { ErrorResponse } from '../../contracts/error.js'

export const tags = ['open-inference-protocol']
export const notFound = { 404: { ...ErrorResponse, description: 'No such model or version' } }
export const notReady = { 503: { ...ErrorResponse, description: 'No model loaded yet' } }
