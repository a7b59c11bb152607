#!/usr/bin/env python3
"""scipy's values for our own statistics (src/ml/stats), kept as the fixture the tests read.

Usage (regenerates the committed fixture; needs python3-scipy, e.g. Debian's):
    /usr/bin/python3 scripts/stats_fixture.py > test/fixtures/scipy-stats.json

Cases: two-sample Kolmogorov-Smirnov (scipy.stats.ks_2samp, method='auto', exact and asymptotic
choices), PSI over reference decile bins (numpy quantiles, epsilon 1e-4, our documented formula),
chi-squared goodness of fit (scipy.stats.chisquare), McNemar's exact test (statsmodels'
mcnemar(exact=True) is 2 * binom.cdf(min(b, c), b + c, 0.5) capped at 1) and the Wilson 95 %
interval (scipy.stats.binomtest(k, n).proportion_ci(method='wilson')). Samples come from a seeded
numpy generator and are written out in full, so the tests need no Python.
"""
import csv
import json
import sys
from pathlib import Path

import numpy as np
import scipy
from scipy import stats

ROOT = Path(__file__).resolve().parent.parent
EPSILON = 1e-4


def iris_column(index):
    with open(ROOT / "data" / "iris.csv", newline="") as f:
        return [float(r[index]) for r in list(csv.reader(f))[1:]]


def grid(n, scale, shift):
    """n evenly spaced values, (i + 0.5) / n * scale + shift: big samples the test rebuilds bit for bit."""
    return [(i + 0.5) / n * scale + shift for i in range(n)]


def ks_case(name, a, b):
    def sample(x):
        if isinstance(x, dict):
            return x
        return [float(v) for v in x]
    a_values = grid(**a) if isinstance(a, dict) else a
    b_values = grid(**b) if isinstance(b, dict) else b
    r = stats.ks_2samp(a_values, b_values, method="auto")
    method = "exact" if max(len(a_values), len(b_values)) <= 10000 else "asymp"
    return {"name": name, "a": sample(a), "b": sample(b),
            "statistic": float(r.statistic), "p_value": float(r.pvalue), "method": method}


def psi_value(reference, live):
    ref = np.sort(np.asarray(reference, dtype=float))
    edges = np.unique(np.quantile(ref, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]))
    def shares(x):
        bins = np.searchsorted(edges, np.asarray(x, dtype=float), side="left")  # right-closed bins
        return np.bincount(bins, minlength=len(edges) + 1) / len(x)
    r, l = shares(ref), shares(live)
    r = np.where(r == 0, EPSILON, r)
    l = np.where(l == 0, EPSILON, l)
    return {"edges": [float(e) for e in edges], "psi": float(np.sum((l - r) * np.log(l / r)))}


def main():
    rng = np.random.default_rng(20261130)
    petal = iris_column(2)
    ks = [
        ks_case("identical samples", [1.0, 2.0, 3.0], [1.0, 2.0, 3.0]),
        ks_case("tiny disjoint", [1.0, 2.0], [3.0, 4.0, 5.0]),
        ks_case("single values", [0.0], [1.0]),
        ks_case("ties across samples", [1, 1, 2, 2, 2, 3, 3], [1, 2, 2, 3, 3, 3, 3, 4]),
        ks_case("equal sizes n=50", rng.normal(0, 1, 50), rng.normal(0.3, 1, 50)),
        ks_case("equal sizes shifted", rng.normal(0, 1, 40), rng.normal(2, 1, 40)),
        ks_case("iris petal length, 120 vs 500 resampled", petal[:120], rng.choice(petal, 500)),
        ks_case("iris petal length vs +1 cm", petal[:120], np.asarray(rng.choice(petal, 500)) + 1.0),
        ks_case("one 1e30 in the live sample", petal[:120], list(rng.choice(petal, 499)) + [1e30]),
        ks_case("all 1e30", petal[:120], [1e30] * 50),
        ks_case("negative and -1e30", [-1e30, -5.0, 0.0, 5.0], [-3.0, -2.0, 7.0, 8.0, 9.0]),
        ks_case("120 vs 1000 normal", rng.normal(0, 1, 120), rng.normal(0, 1, 1000)),
        ks_case("coprime sizes 97 vs 89", rng.normal(0, 1, 97), rng.normal(0.5, 1, 89)),
        # big samples as grids {n, scale, shift} (the test rebuilds them) to keep the fixture small
        ks_case("exact at the limit 10000 vs 300", dict(n=10000, scale=1.0, shift=0.0), dict(n=300, scale=1.0, shift=0.03)),
        ks_case("asymptotic 12000 vs 500", dict(n=12000, scale=1.0, shift=0.0), dict(n=500, scale=1.0, shift=0.02)),
        ks_case("asymptotic 12000 vs 500 shifted", dict(n=12000, scale=1.0, shift=0.0), dict(n=500, scale=1.0, shift=0.2)),
        ks_case("asymptotic 12000 vs 500 tiny gap", dict(n=12000, scale=1.0, shift=0.0), dict(n=500, scale=1.0, shift=0.004)),
        ks_case("asymptotic 11000 vs 60", dict(n=11000, scale=1.0, shift=0.0), dict(n=60, scale=0.9, shift=0.05)),
        ks_case("asymptotic 11000 vs 130 close", dict(n=11000, scale=1.0, shift=0.0), dict(n=130, scale=1.0, shift=0.01)),
        ks_case("asymptotic 11000 vs 130 apart", dict(n=11000, scale=1.0, shift=0.0), dict(n=130, scale=1.0, shift=0.12)),
        ks_case("asymptotic 20000 vs 20000", dict(n=20000, scale=1.0, shift=0.0), dict(n=20000, scale=1.0, shift=0.005)),
        ks_case("asymptotic 200000 vs 150000", dict(n=200000, scale=1.0, shift=0.0), dict(n=150000, scale=1.0, shift=0.001)),
        ks_case("asymptotic 10001 vs 2 far", dict(n=10001, scale=1.0, shift=0.0), [50.0, 60.0]),
        ks_case("asymptotic 10001 vs 10 slightly off", dict(n=10001, scale=1.0, shift=0.0), dict(n=10, scale=1.0, shift=0.3)),
    ]
    psi_cases = []
    for name, ref, live in [
        ("same sample", petal[:120], petal[:120]),
        ("resampled", petal[:120], rng.choice(petal, 500)),
        ("+1 cm", petal[:120], np.asarray(rng.choice(petal, 500)) + 1.0),
        ("one species only (empty bins)", petal[:120], petal[:50]),
        ("1e30 values", petal[:120], [1e30] * 10 + list(petal[:40])),
        ("heavy ties in the reference", [1.0] * 60 + [2.0] * 30 + [3.0] * 30, [1.0, 2.0, 2.0, 3.0, 4.0]),
        ("constant reference", [5.0] * 20, [4.0, 5.0, 6.0]),
        ("normal shift 0.5", rng.normal(0, 1, 1000), rng.normal(0.5, 1, 500)),
    ]:
        psi_cases.append({"name": name, "reference": [float(v) for v in ref],
                          "live": [float(v) for v in live], **psi_value(ref, live)})
    chi = []
    for name, obs, props in [
        ("matching priors", [40, 40, 40], [1 / 3, 1 / 3, 1 / 3]),
        ("iris priors, uneven mix", [170, 160, 170], [0.3333333333333333, 0.3333333333333333, 0.3333333333333333]),
        ("one species only", [500, 0, 0], [1 / 3, 1 / 3, 1 / 3]),
        ("unequal priors", [12, 30, 58], [0.2, 0.3, 0.5]),
        ("two classes", [7, 3], [0.5, 0.5]),
        ("large counts far off", [100000, 50000, 1], [0.4, 0.4, 0.2]),
        ("tiny", [1, 0], [0.5, 0.5]),
    ]:
        total = sum(obs)
        exp = [p / sum(props) * total for p in props]
        r = stats.chisquare(obs, exp)
        chi.append({"name": name, "observed": obs, "proportions": props,
                    "statistic": float(r.statistic), "p_value": float(r.pvalue)})
    mcnemar = []
    for b, c in [(0, 0), (1, 0), (0, 5), (3, 3), (10, 2), (2, 10), (25, 10), (100, 70), (400, 330), (1, 1000)]:
        p = min(1.0, 2 * float(stats.binom.cdf(min(b, c), b + c, 0.5))) if b + c > 0 else 1.0
        mcnemar.append({"b": b, "c": c, "p_value": p})
    wilson = []
    for k, n in [(0, 1), (1, 1), (0, 10), (10, 10), (5, 10), (28, 30), (95, 100), (1, 1000), (9990, 10000)]:
        ci = stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
        wilson.append({"successes": k, "trials": n, "low": float(ci.low), "high": float(ci.high)})
    kstwo = []
    for n in [1, 2, 5, 30, 100, 140, 141, 476, 1000, 20000, 150000]:
        for x in [0.001, 0.004, 0.01, 0.02, 0.05, 0.08, 0.1, 0.15, 0.2, 0.3, 0.45, 0.5, 0.7, 0.95]:
            kstwo.append({"n": n, "x": x, "sf": float(stats.kstwo.sf(x, n))})
    json.dump({"scipy_version": scipy.__version__, "numpy_version": np.__version__, "psi_epsilon": EPSILON,
               "ks_2samp": ks, "psi": psi_cases, "chisquare": chi, "mcnemar_exact": mcnemar,
               "wilson": wilson, "kstwo_sf": kstwo}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
