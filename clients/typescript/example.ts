/**
 * The typed client in use: `npx tsx clients/typescript/example.ts [http://localhost:8000] [API key]`.
 * Prints the species of two flowers, their probabilities, and the same through the V2 protocol.
 */
import { irisClient } from './client.js'

const [baseUrl = 'http://localhost:8000', apiKey] = process.argv.slice(2)
const client = irisClient(baseUrl, apiKey === undefined ? {} : { apiKey })
const rows = [
  [5.1, 3.5, 1.4, 0.2],
  [6.2, 3.4, 5.4, 2.3],
]

const predicted = await client.POST('/predict', { body: { input: rows } })
if (predicted.error) throw new Error(`/predict: ${predicted.error.error}`)
console.log('prediction', predicted.data.prediction.join(','))

const proba = await client.POST('/predict-proba', { body: { input: rows } })
if (proba.error) throw new Error(`/predict-proba: ${proba.error.error}`)
console.log('probabilities', JSON.stringify(proba.data.probabilities))

const model = await client.GET('/model')
if (model.error) throw new Error(`/model: ${model.error.error}`)
const v2 = await client.POST('/v2/models/{model_name}/infer', {
  params: { path: { model_name: model.data.name } },
  body: {
    inputs: [{ name: 'input-0', shape: [rows.length, 4], datatype: 'FP64', data: rows.flat() }],
    outputs: [{ name: 'predict' }],
  },
})
if (v2.error) throw new Error(`/v2 infer: ${v2.error.error}`)
console.log('v2', v2.data.outputs[0]?.data.join(','))
