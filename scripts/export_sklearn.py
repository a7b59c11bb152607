#!/usr/bin/env python3
"""Export a fitted scikit-learn tree classifier to this service's model format (docs/model-format.md).

    python3 scripts/export_sklearn.py MODEL.joblib --out DIR --name NAME [--feature-names a,b,c,d]
                                      [--reference TRAIN.csv [--target COLUMN]]

Reads a fitted RandomForestClassifier, ExtraTreesClassifier or DecisionTreeClassifier from a joblib or
pickle file and writes DIR/NAME.json (the model) and DIR/NAME_metadata.json, each atomically.

Exactness (the served predict_proba must equal scikit-learn's):
- thresholds are written as float64 with Python's repr, which round-trips exactly;
- each node's class distribution is normalised with the same numpy arithmetic scikit-learn's
  DecisionTreeClassifier.predict_proba uses (`value / value.sum(axis=1)`), which works whether
  `tree_.value` holds weighted counts (scikit-learn < 1.4) or fractions (>= 1.4).

--reference adds the training data's profile that drift detection compares live traffic with
(docs/model-format.md, "reference"): per feature the values themselves (up to 1000 rows) or 1000
quantiles (numpy's linear quantiles at (i + 0.5) / 1000), and the class priors of the label column
(--target, default: the one column that is not a feature).

Needs only scikit-learn and joblib. Unpickling runs code from the file: export only models you trust.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import numbers
import os
import pickle
import re
import sys
import tempfile
from datetime import datetime, timezone

FORMAT = "iris-forest"
FORMAT_VERSION = 2
REFERENCE_POINTS = 1000
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")


class ExportError(Exception):
    """A refusal with a message meant for the person running the export."""


def load_estimator(path: str):
    if not os.path.isfile(path):
        raise ExportError(f"{path}: no such file")
    try:
        import joblib

        return joblib.load(path)
    except Exception as joblib_error:  # joblib could not read it: try a plain pickle before giving up
        try:
            with open(path, "rb") as handle:
                return pickle.load(handle)
        except Exception:
            raise ExportError(f"{path}: not a joblib or pickle file ({joblib_error})") from None


def check_supported(estimator, path: str) -> None:
    """Refuse anything whose predict_proba we do not reproduce exactly."""
    from sklearn.base import is_regressor
    from sklearn.ensemble import ExtraTreesClassifier, RandomForestClassifier
    from sklearn.exceptions import NotFittedError
    from sklearn.tree import DecisionTreeClassifier
    from sklearn.utils.validation import check_is_fitted

    kind = type(estimator).__name__
    supported = (RandomForestClassifier, ExtraTreesClassifier, DecisionTreeClassifier)
    if type(estimator) not in supported:
        if kind == "Pipeline":
            hint = "; export its final step (the service does no preprocessing) with `pipeline[-1]`"
        elif is_regressor(estimator):
            hint = "; regressors are not served (this service predicts classes)"
        else:
            hint = ""
        names = ", ".join(cls.__name__ for cls in supported)
        raise ExportError(f"{path}: {kind} is not supported (supported: {names}){hint}")
    try:
        check_is_fitted(estimator)
    except NotFittedError:
        raise ExportError(f"{path}: the {kind} is not fitted; call fit() before saving it") from None
    if getattr(estimator, "n_outputs_", 1) != 1:
        raise ExportError(f"{path}: multi-output {kind} (n_outputs_={estimator.n_outputs_}) is not supported")


def class_names(estimator, path: str) -> list[str]:
    """classes_ as strings, in scikit-learn's order (the column order of predict_proba)."""
    names = []
    for index, value in enumerate(estimator.classes_.tolist()):
        if isinstance(value, str):
            text = value
        elif isinstance(value, numbers.Integral):  # includes bool
            text = str(value)
        elif isinstance(value, numbers.Real) and math.isfinite(value):
            text = repr(float(value))
        else:
            raise ExportError(f"{path}: class {index} ({value!r}, {type(value).__name__}) has no string form")
        if text == "":
            raise ExportError(f"{path}: class {index} is an empty string")
        names.append(text)
    if len(set(names)) != len(names):
        raise ExportError(f"{path}: classes {names} are not unique once written as strings")
    return names


def feature_names(estimator, flag: str | None, path: str) -> list[str]:
    """--feature-names wins, then feature_names_in_ (fitted on a DataFrame), else x0..x{n-1} like sklearn."""
    n_features = int(estimator.n_features_in_)
    if flag is not None:
        names = [name.strip() for name in flag.split(",")]
        if len(names) != n_features:
            raise ExportError(f"--feature-names gives {len(names)} names but the model has {n_features} features")
    elif hasattr(estimator, "feature_names_in_"):
        names = [str(name) for name in estimator.feature_names_in_.tolist()]
    else:
        names = [f"x{i}" for i in range(n_features)]
        print(f"export_sklearn: {path} has no feature names; using {names[0]}..{names[-1]}", file=sys.stderr)
    if any(name == "" for name in names):
        raise ExportError(f"feature names {names} contain an empty name")
    if len(set(names)) != len(names):
        raise ExportError(f"feature names {names} are not unique")
    return names


def export_tree(tree, n_classes: int, where: str) -> dict:
    """One fitted tree_ as our flat arrays, values normalised exactly as predict_proba does."""
    import numpy as np

    raw = np.ascontiguousarray(tree.value[:, 0, :n_classes], dtype=np.float64)
    leaves = tree.children_left == -1
    if not np.all(np.isfinite(raw)) or np.any(raw[leaves] < 0):
        raise ExportError(f"{where}: leaf class weights are negative or not finite (negative sample weights?)")
    # The same statement sequence as DecisionTreeClassifier.predict_proba, so the same float64 results.
    normalizer = raw.sum(axis=1)[:, np.newaxis]
    if np.any(normalizer[leaves] == 0.0):
        raise ExportError(f"{where}: a leaf has zero total weight, so it has no class distribution")
    normalizer[normalizer == 0.0] = 1.0
    value = raw / normalizer
    return {
        "node_count": int(tree.node_count),
        "children_left": tree.children_left.tolist(),
        "children_right": tree.children_right.tolist(),
        "feature": tree.feature.tolist(),
        "threshold": tree.threshold.tolist(),
        "value": value.reshape(-1).tolist(),
        "n_node_samples": tree.n_node_samples.tolist(),
        "weighted_n_node_samples": tree.weighted_n_node_samples.tolist(),
    }


def json_safe(value):
    """Hyperparameters as plain JSON: non-finite numbers and objects become strings, keys strings."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value) if math.isfinite(value) else str(value)
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(item) for item in value]
    return repr(value)


def read_reference(path: str, features: list[str], classes: list[str], target: str | None) -> dict:
    """The "reference" object from a labelled CSV: columns by name, every value a finite number."""
    import csv

    import numpy as np

    try:
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
    except OSError as error:
        raise ExportError(f"--reference {path}: cannot read ({error.strerror})") from None
    if len(rows) < 2:
        raise ExportError(f"--reference {path}: needs a header line and at least one row")
    header = [name.strip() for name in rows[0]]
    missing = [name for name in features if name not in header]
    if missing:
        raise ExportError(f"--reference {path}: no column for the features {missing} (header: {header})")
    if target is None:
        others = [name for name in header if name not in features]
        if len(others) != 1:
            raise ExportError(f"--reference {path}: columns {others} are not features; say which is the label with --target")
        target = others[0]
    if target not in header:
        raise ExportError(f"--reference {path}: no label column {target!r} (header: {header})")
    columns = [header.index(name) for name in features]
    label_column = header.index(target)
    values = [[] for _ in features]
    counts = {name: 0 for name in classes}
    for line, row in enumerate(rows[1:], start=2):
        if not row or all(cell.strip() == "" for cell in row):
            continue
        if len(row) != len(header):
            raise ExportError(f"--reference {path}, line {line}: {len(row)} fields, expected {len(header)}")
        label = row[label_column].strip()
        if label not in counts:
            raise ExportError(f"--reference {path}, line {line}: label {label[:100]!r} is not one of the model's classes {classes}")
        counts[label] += 1
        for f, column in enumerate(columns):
            try:
                value = float(row[column])
            except ValueError:
                value = math.nan
            if not math.isfinite(value):
                raise ExportError(f"--reference {path}, line {line}, column {header[column]!r}: {row[column][:100]!r} is not a finite number")
            values[f].append(value)
    n = sum(counts.values())
    if n == 0:
        raise ExportError(f"--reference {path}: no data rows")
    kind = "values" if n <= REFERENCE_POINTS else "quantiles"
    levels = [(i + 0.5) / REFERENCE_POINTS for i in range(REFERENCE_POINTS)]
    profile = {}
    for name, column in zip(features, values):
        ordered = np.sort(np.asarray(column, dtype=np.float64))
        points = ordered if kind == "values" else np.quantile(ordered, levels)
        profile[name] = [float(v) for v in points]
    return {"rows": n, "kind": kind, "class_priors": {name: counts[name] / n for name in classes},
            "features": profile}


def build_model(estimator, features: list[str], classes: list[str], source: str, reference: dict | None = None) -> dict:
    trees = getattr(estimator, "estimators_", [estimator])
    extra = {} if reference is None else {"reference": reference}
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "model_type": type(estimator).__name__,
        "source": source,
        "feature_names": features,
        "classes": classes,
        "n_features": len(features),
        "n_classes": len(classes),
        "hyperparameters": json_safe(estimator.get_params(deep=False)),
        **extra,
        "trees": [export_tree(tree.tree_, len(classes), f"tree {i}") for i, tree in enumerate(trees)],
    }


def train_samples(estimator) -> int | None:
    """Known only when the root saw every (non-zero-weight) training row: no bootstrap."""
    if getattr(estimator, "bootstrap", False):
        return None
    first = getattr(estimator, "estimators_", [estimator])[0]
    return int(first.tree_.n_node_samples[0])


def build_metadata(estimator, model: dict, model_bytes: bytes) -> dict:
    params = model["hyperparameters"]
    seed = params.get("random_state")
    importances = estimator.feature_importances_.tolist()
    return {
        "model_type": model["model_type"],
        "n_estimators": len(model["trees"]),
        "feature_names": model["feature_names"],
        "target_names": model["classes"],
        "metrics": None,  # the export has no held-out data; evaluate in Python before exporting
        "feature_importance": dict(zip(model["feature_names"], importances)),
        "train_samples": train_samples(estimator),
        "test_samples": None,
        "hyperparameters": params,
        "seed": seed if isinstance(seed, int) else None,
        "cv_accuracy": None,
        "data_sha256": None,
        "created_at": datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "format_version": FORMAT_VERSION,
        "model_version": hashlib.sha256(model_bytes).hexdigest()[:12],
        "source": model["source"],
    }


def write_atomically(path: str, data: bytes) -> None:
    """Temp file in the same directory, fsync, rename: readers see the old file or the new one."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, temp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=directory)
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(temp, 0o666 & ~umask)  # mkstemp makes 0600; give the file the usual permissions
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


def to_json_bytes(document: dict) -> bytes:
    # allow_nan=False: a NaN or Infinity would be invalid JSON; float repr round-trips float64 exactly.
    return (json.dumps(document, allow_nan=False, separators=(",", ":")) + "\n").encode("utf-8")


def export(model_path: str, out_dir: str, name: str, flag_features: str | None,
           reference_csv: str | None = None, target: str | None = None) -> tuple[str, str]:
    import sklearn

    if not NAME_PATTERN.match(name):
        raise ExportError(f"--name {name!r}: use letters, digits, '_', '.', '-' (starting with a letter or digit)")
    estimator = load_estimator(model_path)
    check_supported(estimator, model_path)
    features = feature_names(estimator, flag_features, model_path)
    classes = class_names(estimator, model_path)
    reference = None if reference_csv is None else read_reference(reference_csv, features, classes, target)
    model = build_model(estimator, features, classes, f"scikit-learn {sklearn.__version__}", reference)
    model_bytes = to_json_bytes(model)
    metadata = build_metadata(estimator, model, model_bytes)
    os.makedirs(out_dir, exist_ok=True)
    model_file = os.path.join(out_dir, f"{name}.json")
    metadata_file = os.path.join(out_dir, f"{name}_metadata.json")
    write_atomically(model_file, model_bytes)
    write_atomically(metadata_file, to_json_bytes(metadata))
    return model_file, metadata_file


def missing_dependencies() -> list[str]:
    """The Python packages this export needs that this interpreter cannot import."""
    missing = []
    for module, package in (("sklearn", "scikit-learn"), ("joblib", "joblib"), ("numpy", "numpy")):
        try:
            __import__(module)
        except ImportError:
            missing.append(package)
    return missing


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Export a fitted scikit-learn tree classifier to iris-forest JSON.")
    parser.add_argument("model", help="fitted estimator saved with joblib.dump or pickle.dump")
    parser.add_argument("--out", required=True, help="directory for NAME.json and NAME_metadata.json")
    parser.add_argument("--name", required=True, help="model name, e.g. iris_model (the served model's name)")
    parser.add_argument("--feature-names", help="comma-separated names; default feature_names_in_ or x0..xN-1")
    parser.add_argument("--reference", help="the training data as CSV (header line): adds the drift reference profile")
    parser.add_argument("--target", help="with --reference: the label column (default: the one non-feature column)")
    args = parser.parse_args(argv)
    if args.target is not None and args.reference is None:
        parser.error("--target needs --reference")
    missing = missing_dependencies()
    if missing:
        print(
            f"export_sklearn: {sys.executable} cannot import {', '.join(missing)}, which the export needs. Install "
            "them: on Debian or Ubuntu `sudo apt-get install python3-sklearn` (brings joblib and numpy); elsewhere "
            "`python3 -m pip install scikit-learn joblib`.",
            file=sys.stderr,
        )
        return 2
    try:
        model_file, metadata_file = export(args.model, args.out, args.name, args.feature_names,
                                           args.reference, args.target)
    except ExportError as error:
        print(f"export_sklearn: {error}", file=sys.stderr)
        return 2
    print(f"export_sklearn: wrote {model_file} and {metadata_file}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
