#!/usr/bin/env python3
"""Calling the Iris prediction service from Python with `requests`.

    python3 clients/python/example.py [http://localhost:8000] [API key]

Predicts two flowers with POST /predict and /predict-proba, then the same through the Open Inference
Protocol (V2) that KServe, Seldon MLServer and Triton clients speak. Every error is {"error": "..."}:
raise_for_status() plus that message is all the handling a client needs. Needs `requests`
(Debian: python3-requests; elsewhere: python3 -m pip install requests).
"""
from __future__ import annotations

import sys

import requests

ROWS = [[5.1, 3.5, 1.4, 0.2], [6.2, 3.4, 5.4, 2.3]]


def call(session: requests.Session, method: str, url: str, **kwargs) -> dict:
    response = session.request(method, url, timeout=10, **kwargs)
    if not response.ok:
        # The service's one error shape: {"error": "<what is wrong and where>"}.
        raise SystemExit(f"{method} {url}: {response.status_code} {response.json().get('error')}")
    return response.json()


def main(base_url: str = "http://localhost:8000", api_key: str | None = None) -> None:
    session = requests.Session()
    if api_key:
        session.headers["X-API-Key"] = api_key  # or "Authorization: Bearer <key>"

    predicted = call(session, "POST", f"{base_url}/predict", json={"input": ROWS})
    print("prediction", ",".join(predicted["prediction"]))

    proba = call(session, "POST", f"{base_url}/predict-proba", json={"input": ROWS})
    print("probabilities", proba["probabilities"])

    # V2: the model's name from its metadata, one FP64 tensor [N, 4], the labels as the output.
    model = call(session, "GET", f"{base_url}/model")
    infer = {
        "inputs": [{"name": "input-0", "shape": [len(ROWS), 4], "datatype": "FP64",
                    "data": [x for row in ROWS for x in row]}],
        "outputs": [{"name": "predict"}, {"name": "predict_proba"}],
    }
    v2 = call(session, "POST", f"{base_url}/v2/models/{model['name']}/infer", json=infer)
    outputs = {o["name"]: o for o in v2["outputs"]}
    print("v2", ",".join(outputs["predict"]["data"]))
    print("v2 probabilities", outputs["predict_proba"]["data"])


if __name__ == "__main__":
    main(*sys.argv[1:3])
