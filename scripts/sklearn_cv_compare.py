#!/usr/bin/env python3
"""scikit-learn's accuracy on the very same folds as our engine, side by side.

Usage (regenerates the committed fixture; needs python3-sklearn, e.g. Debian's):
    npx tsx bench/model.ts --folds-json | python3 scripts/sklearn_cv_compare.py > test/fixtures/sklearn-cv.json

Reads our fold indices and accuracies (JSON on stdin), fits
RandomForestClassifier(n_estimators=100, random_state=42) on each training part of
data/iris.csv, prints a table on stderr and the fixture JSON on stdout.
"""
import csv
import json
import statistics
import sys
from pathlib import Path

import sklearn
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score

ROOT = Path(__file__).resolve().parent.parent


def load_iris_csv():
    with open(ROOT / "data" / "iris.csv", newline="") as f:
        rows = list(csv.reader(f))[1:]
    return [[float(v) for v in r[:4]] for r in rows], [r[4] for r in rows]


def sklearn_score(X, y, train, test):
    clf = RandomForestClassifier(n_estimators=100, random_state=42, n_jobs=1)
    clf.fit([X[i] for i in train], [y[i] for i in train])
    return accuracy_score([y[i] for i in test], clf.predict([X[i] for i in test]))


def main():
    ours = json.load(sys.stdin)
    X, y = load_iris_csv()
    hold = ours["holdout"]
    folds = ours["cv"]
    sk_hold = sklearn_score(X, y, hold["train"], hold["test"])
    sk_folds = [sklearn_score(X, y, f["train"], f["test"]) for f in folds]
    our_folds = [f["ours"] for f in folds]

    def summary(values):
        return {"mean": statistics.fmean(values), "std": statistics.pstdev(values), "folds": values}

    out = {
        "sklearn_version": sklearn.__version__,
        "data": "data/iris.csv",
        "holdout": {"test_size": 0.2, "seed": 42, "train": hold["train"], "test": hold["test"],
                    "ours": hold["ours"], "sklearn": sk_hold},
        "cv": {"k": 5, "shuffle": True, "seed": 0,
               "folds": [{"train": f["train"], "test": f["test"]} for f in folds],
               "ours": summary(our_folds), "sklearn": summary(sk_folds)},
    }
    print(f"scikit-learn {sklearn.__version__} vs ours on the same folds", file=sys.stderr)
    print(f"hold-out (0.2, seed 42): ours {hold['ours']:.3f}  sklearn {sk_hold:.3f}", file=sys.stderr)
    for i, (a, b) in enumerate(zip(our_folds, sk_folds)):
        print(f"fold {i}: ours {a:.3f}  sklearn {b:.3f}", file=sys.stderr)
    print(f"CV mean: ours {out['cv']['ours']['mean']:.3f} ± {out['cv']['ours']['std']:.3f}  "
          f"sklearn {out['cv']['sklearn']['mean']:.3f} ± {out['cv']['sklearn']['std']:.3f}", file=sys.stderr)
    json.dump(out, sys.stdout, separators=(",", ": "))
    print()


if __name__ == "__main__":
    main()
