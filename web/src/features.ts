// The Iris measurements, in the model's feature order, with the seed's slider defaults (app.py). A model
// with exactly these features gets the seed's page; any other model's inputs come from inputs.ts.

export interface FeatureSpec {
  /** Column name in data/iris.csv and in the model's feature_names. */
  readonly column: string
  /** Accessible name and visible label. */
  readonly label: string
  /** Short lower-case name for sentences and axis titles. */
  readonly short: string
  readonly initial: number
}

export const IRIS_FEATURES: readonly FeatureSpec[] = [
  { column: 'sepal_length_cm', label: 'Sepal length (cm)', short: 'sepal length', initial: 5.1 },
  { column: 'sepal_width_cm', label: 'Sepal width (cm)', short: 'sepal width', initial: 3.5 },
  { column: 'petal_length_cm', label: 'Petal length (cm)', short: 'petal length', initial: 1.4 },
  { column: 'petal_width_cm', label: 'Petal width (cm)', short: 'petal width', initial: 0.2 },
]

export const SLIDER_MIN = 0
export const SLIDER_MAX = 10
export const SLIDER_STEP = 0.1

/** Species in the order the API's probabilities use until GET /model says otherwise (sorted, as scikit-learn). */
export const DEFAULT_CLASSES: readonly string[] = ['setosa', 'versicolor', 'virginica']
