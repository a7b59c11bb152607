/**
 * Fastify's validatorCompiler for routes whose bodies a hand-written parser checks (/predict, /explain:
 * ../input.ts; V2 infer: ../v2/request.ts): the schema documents the body, the parser decides, with exact
 * status codes and positions. The property tests (../input.test.ts, ./contracts.test.ts) hold each parser
 * to its schema.
 */
export const noSchemaValidation = () => () => true
