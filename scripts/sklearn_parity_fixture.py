#!/usr/bin/env python3
"""Train scikit-learn forests and write what the parity test and bench/sklearn.ts compare against.

    python3 scripts/sklearn_parity_fixture.py --out DIR [--random-rows 100000] [--only NAME,...] [--time NAME]

For each model NAME it writes, into DIR:
  NAME.joblib        the fitted estimator (input of scripts/export_sklearn.py)
  NAME.rows.f64      the rows, float64 little-endian, row-major (n_rows * n_features)
  NAME.proba.f64     scikit-learn's predict_proba on those rows (n_rows * n_classes)
  NAME.labels.i32    scikit-learn's predict as an index into classes_, int32 little-endian
and manifest.json describing every model (row counts, classes, feature importances, export flags).

Rows: uniform random rows spanning 25% beyond the training range on each side, every training row, and
rows on split thresholds: a training row that reaches the split node, with the split feature set to the
float64 threshold, its float32 rounding, the float32 neighbours of that, and the float64 neighbours of
the threshold. scikit-learn casts inputs to float32 before `x <= threshold`, so these rows decide exactness.

--time NAME also measures NAME's predict_proba (1 row, and all random rows; wall and CPU time) and writes
timing.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time

import joblib
import numpy as np
import sklearn
from sklearn.datasets import make_classification
from sklearn.ensemble import ExtraTreesClassifier, RandomForestClassifier
from sklearn.tree import DecisionTreeClassifier

IRIS_CSV = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "iris.csv")
MAX_THRESHOLD_NODES = 3000  # split nodes probed per model (x6 rows each); bounds file size and runtime


def load_iris_csv():
    with open(IRIS_CSV, newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = [row for row in reader if row]
    X = np.array([[float(v) for v in row[:-1]] for row in rows], dtype=np.float64)
    y = np.array([row[-1] for row in rows])
    return X, y, header[:-1]


def load_synthetic():
    """More features and classes than Iris; 9 classes also exercises numpy's unrolled (pairwise) sums.
    Labels are integers whose string order differs from their numeric order (classes_ order must hold)."""
    X, y = make_classification(
        n_samples=900, n_features=12, n_informative=7, n_redundant=2, n_classes=9,
        n_clusters_per_class=1, class_sep=1.5, random_state=11,
    )
    labels = np.array([3, 7, 10, 20, 100, 5, 42, 64, 9])
    return X, labels[y], None


def model_specs():
    """(name, dataset, estimator, pass feature names by flag?)"""
    return [
        ("iris_rf", "iris", RandomForestClassifier(n_estimators=100, random_state=42), True),
        ("iris_rf_nobootstrap_depth4_allfeatures", "iris",
         RandomForestClassifier(n_estimators=40, max_features=None, max_depth=4, bootstrap=False, random_state=1),
         True),
        ("iris_rf_weighted", "iris",
         RandomForestClassifier(n_estimators=60, max_features=2, min_samples_leaf=3, max_samples=0.8,
                                class_weight="balanced_subsample", random_state=2), True),
        ("iris_extratrees", "iris", ExtraTreesClassifier(n_estimators=50, random_state=3), True),
        ("iris_decisiontree", "iris", DecisionTreeClassifier(random_state=0), True),
        ("synthetic_rf", "synthetic",
         RandomForestClassifier(n_estimators=50, max_features=0.4, random_state=4), False),
        ("synthetic_extratrees", "synthetic",
         ExtraTreesClassifier(n_estimators=30, bootstrap=True, max_depth=10, max_features="log2", random_state=5),
         False),
        ("synthetic_decisiontree", "synthetic",
         DecisionTreeClassifier(max_depth=12, min_samples_leaf=2, criterion="entropy", random_state=6), False),
    ]


def random_rows(X, count, rng):
    low, high = X.min(axis=0), X.max(axis=0)
    span = high - low
    return rng.uniform(low - 0.25 * span, high + 0.25 * span, size=(count, X.shape[1]))


def threshold_rows(estimator, X, rng):
    """Rows that reach a split node with the split feature on, or one float32/float64 step off, the threshold."""
    trees = getattr(estimator, "estimators_", [estimator])
    X32 = X.astype(np.float32)
    rows = []
    probes = [(t, n) for t, tree in enumerate(trees) for n in np.flatnonzero(tree.tree_.children_left != -1)]
    if len(probes) > MAX_THRESHOLD_NODES:
        probes = [probes[i] for i in rng.choice(len(probes), MAX_THRESHOLD_NODES, replace=False)]
    reach_by_tree = {}
    for t, node in probes:
        if t not in reach_by_tree:
            reach_by_tree[t] = trees[t].tree_.decision_path(X32).tocsc()
        reach = reach_by_tree[t]
        reaching = reach.indices[reach.indptr[node]:reach.indptr[node + 1]]
        base = X[rng.choice(reaching)] if len(reaching) else X[rng.integers(len(X))]
        feature = trees[t].tree_.feature[node]
        threshold = trees[t].tree_.threshold[node]
        t32 = np.float32(threshold)
        for x in (threshold, float(t32), float(np.nextafter(t32, np.float32(np.inf))),
                  float(np.nextafter(t32, np.float32(-np.inf))),
                  np.nextafter(threshold, np.inf), np.nextafter(threshold, -np.inf)):
            row = base.copy()
            row[feature] = x
            rows.append(row)
    return np.array(rows, dtype=np.float64).reshape(-1, X.shape[1])


def write_le(path, array, dtype):
    np.ascontiguousarray(array, dtype=dtype).tofile(path)


def time_predict_proba(estimator, rows, out_dir):
    """Wall (median) and CPU (mean) time of predict_proba: one row (many repeats) and the batch (a few).
    CPU time (process_time) stays meaningful on a busy machine, where wall time includes waiting."""
    def times_ms(fn, repeats):
        """(median wall time, mean CPU time) of fn; CPU summed over all runs, like bench/sklearn.ts."""
        wall = []
        start_cpu = time.process_time()
        for _ in range(repeats):
            start = time.perf_counter()
            fn()
            wall.append((time.perf_counter() - start) * 1000)
        return float(np.median(wall)), (time.process_time() - start_cpu) * 1000 / repeats

    one = rows[:1]
    estimator.predict_proba(one)  # warm-up (imports, thread pool)
    one_wall, one_cpu = times_ms(lambda: estimator.predict_proba(one), 50)
    batch_wall, batch_cpu = times_ms(lambda: estimator.predict_proba(rows), 5)
    timing = {
        "sklearn_version": sklearn.__version__,
        "one_row_ms": one_wall,
        "one_row_cpu_ms": one_cpu,
        "batch_rows": int(len(rows)),
        "batch_ms": batch_wall,
        "batch_cpu_ms": batch_cpu,
    }
    with open(os.path.join(out_dir, "timing.json"), "w") as handle:
        json.dump(timing, handle, indent=2)
    return timing


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--random-rows", type=int, default=100_000)
    parser.add_argument("--only", help="comma-separated model names (default: all)")
    parser.add_argument("--time", help="model name whose predict_proba to time on its random rows")
    parser.add_argument("--seed", type=int, default=20240314)
    args = parser.parse_args(argv)

    os.makedirs(args.out, exist_ok=True)
    datasets = {"iris": load_iris_csv(), "synthetic": load_synthetic()}
    wanted = set(args.only.split(",")) if args.only else None
    manifest = {"sklearn_version": sklearn.__version__, "numpy_version": np.__version__, "models": []}
    for name, dataset, estimator, names_by_flag in model_specs():
        if wanted is not None and name not in wanted:
            continue
        rng = np.random.default_rng(args.seed)
        X, y, feature_names = datasets[dataset]
        estimator.fit(X, y)
        parts = {
            "random": random_rows(X, args.random_rows, rng),
            "training": X,
            "threshold": threshold_rows(estimator, X, rng),
        }
        rows = np.concatenate(list(parts.values()))
        proba = estimator.predict_proba(rows)
        labels = np.searchsorted(estimator.classes_, estimator.predict(rows))
        joblib.dump(estimator, os.path.join(args.out, f"{name}.joblib"))
        write_le(os.path.join(args.out, f"{name}.rows.f64"), rows, "<f8")
        write_le(os.path.join(args.out, f"{name}.proba.f64"), proba, "<f8")
        write_le(os.path.join(args.out, f"{name}.labels.i32"), labels, "<i4")
        manifest["models"].append({
            "name": name,
            "model_type": type(estimator).__name__,
            "dataset": dataset,
            "n_features": int(X.shape[1]),
            "n_classes": int(len(estimator.classes_)),
            "classes": [str(c) for c in estimator.classes_.tolist()],
            "n_estimators": len(getattr(estimator, "estimators_", [estimator])),
            "n_rows": int(len(rows)),
            "row_counts": {part: int(len(r)) for part, r in parts.items()},
            "feature_names_flag": ",".join(feature_names) if names_by_flag else None,
            "feature_importances": estimator.feature_importances_.tolist(),
        })
        if args.time == name:
            manifest["timing"] = time_predict_proba(estimator, parts["random"], args.out)
    with open(os.path.join(args.out, "manifest.json"), "w") as handle:
        json.dump(manifest, handle, indent=2)
    print(f"sklearn_parity_fixture: {len(manifest['models'])} models in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
