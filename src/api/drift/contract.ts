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
  bins: Type.Object(
    {
      edges: Type.Array(Type.Number(), {
        description: 'Bin edges: the reference deciles (bins are right-closed)',
      }),
      reference: Type.Array(Type.Number(), {
        description: 'Share of the reference in each bin (edges + 1 bins)',
      }),
      live: Type.Array(Type.Number(), { description: 'Share of the live window in each bin' }),
    },
    { description: 'Both distributions over the PSI bins, for drawing them overlaid' },
  ),
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
        features: {
          petal_length_cm: {
            ks_statistic: 0.41,
            p_value: 1.2e-15,
            psi: 1.9,
            drift: true,
            bins: {
              edges: [1.4, 1.5, 1.7, 3.9, 4.35, 4.6, 5.0, 5.3, 5.8],
              reference: [0.14, 0.12, 0.08, 0.07, 0.1, 0.1, 0.1, 0.11, 0.09, 0.09],
              live: [0, 0, 0.001, 0.2, 0.02, 0.12, 0.05, 0.1, 0.14, 0.36],
            },
          },
        },
        prediction: { chi2: 96.2, p_value: 1.3e-21, drift: true },
      },
    ],
  },
)
