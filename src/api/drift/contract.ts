/** GET /drift: the live window of a served model version against its training reference. */
import { Type } from 'typebox'

const FeatureDrift = Type.Object({
  ks_statistic: Type.Number({
    description: 'Largest gap between the reference and live CDFs (two-sample K-S)',
  }),
  p_value: Type.Number({
    description: 'Two-sample K-S p-value (exact as scipy ks_2samp for windows up to 10,000 rows)',
  }),
  psi: Type.Number({
    description: 'Population stability index over the reference deciles (0.1 moderate, 0.25 major)',
  }),
  drift: Type.Boolean({ description: 'p_value below 0.05 / number of features (Bonferroni)' }),
})

export const DriftResponse = Type.Object(
  {
    model_version: Type.String(),
    status: Type.Union([Type.Literal('ok'), Type.Literal('collecting'), Type.Literal('no_reference')], {
      description:
        'ok: judged; collecting: fewer than DRIFT_MIN_ROWS rows; no_reference: the model has no profile',
    }),
    message: Type.String({ description: 'The verdict in words' }),
    window_rows: Type.Integer({
      description: 'Rows in the live window (the last DRIFT_WINDOW_ROWS, all workers)',
    }),
    reference_rows: Type.Union([Type.Integer(), Type.Null()], {
      description: 'Training rows the reference profiles',
    }),
    dataset_drift: Type.Boolean(),
    rule: Type.String({ description: 'How dataset_drift is decided' }),
    features: Type.Record(Type.String(), FeatureDrift),
    prediction: Type.Union([
      Type.Object({
        chi2: Type.Number({
          description: 'Chi-squared statistic of the predicted class mix against the training priors',
        }),
        p_value: Type.Number(),
        drift: Type.Boolean({ description: 'p_value below 0.05' }),
      }),
      Type.Null(),
    ]),
  },
  {
    examples: [
      {
        model_version: 'be5f571c01e6',
        status: 'ok',
        message: 'drift: petal_length_cm no longer look like the training data (K-S p < 0.0125)',
        window_rows: 500,
        reference_rows: 120,
        dataset_drift: true,
        rule: 'Bonferroni-corrected K-S: the dataset drifts when any feature has K-S p < 0.05 / number of features',
        features: { petal_length_cm: { ks_statistic: 0.41, p_value: 1.2e-15, psi: 1.9, drift: true } },
        prediction: { chi2: 96.2, p_value: 1.3e-21, drift: true },
      },
    ],
  },
)
