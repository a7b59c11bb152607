import { metadataFor, smallIrisModel } from '../../dev/harness/small-model.js'
import { type SavedModel, saveModel } from '../../src/model/artifact.js'

// The small Iris forests live with the dev harness (scripts use them too); tests keep importing them here.
export { metadataFor, smallIrisModel, tempDir } from '../../dev/harness/small-model.js'

export async function savedSmallModel(dir: string, name = 'm'): Promise<SavedModel & { X: number[][] }> {
  const { description, X } = await smallIrisModel()
  return { ...(await saveModel(dir, name, description, metadataFor(description))), X }
}
