/** Running scikit-learn for the interop tests: shared with the benchmarks, so it lives in dev/harness. */
export * from '../../dev/harness/sklearn-python.js'
