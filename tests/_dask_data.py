"""Data and checks shared by the entree.dask tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

from entree.tree._tree import NODE_ARRAYS  # every Tree array, derived ones too

# fixed probability settings: "auto" is tested on its own below
FIXED = dict(smoothing_strength=1.0, soft_thresholds=0.0)


def assert_same_tree(fitted, reference, X_dask, X_memory):
    """Same node arrays (to rounding of fractional weights) and predict_proba."""
    for name in NODE_ARRAYS:
        got, want = getattr(fitted.tree_, name), getattr(reference.tree_, name)
        assert got.shape == want.shape, name
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-9, err_msg=name)
    proba = fitted.predict_proba(X_dask)
    if hasattr(proba, "compute"):
        proba = proba.compute()
    np.testing.assert_allclose(
        proba, reference.predict_proba(X_memory), rtol=0, atol=1e-9
    )


def numeric_frame(n=2000, seed=0):
    """Numeric columns with few distinct values: exact bins."""
    rng = np.random.default_rng(seed)
    X = np.round(rng.normal(size=(n, 5)), 1)
    y = (X[:, 0] + X[:, 1] * X[:, 2] + rng.normal(scale=0.5, size=n) > 0).astype(int)
    y += (X[:, 3] > 1).astype(int)
    frame = pd.DataFrame(X, columns=[f"f{j}" for j in range(5)])
    frame["y"] = y
    return frame


def mixed_frame(n=3000, seed=1):
    """Numeric with NaN, category, object with None, bool columns; 3 classes."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "a": np.round(rng.normal(size=n), 1),
            "b": rng.integers(0, 30, n).astype(float),
            "c": pd.Categorical(rng.choice(["x", "y", "z", "w"], n)),
            "d": rng.choice(["p", "q", "r"], n).astype(object),
            "e": rng.random(n) < 0.5,
        }
    )
    frame.loc[rng.random(n) < 0.1, "a"] = np.nan
    frame.loc[rng.random(n) < 0.1, "b"] = np.nan
    frame.loc[rng.random(n) < 0.05, "d"] = None
    noise = rng.random(n) < 0.2
    y = ((frame["a"].fillna(0) > 0) ^ (frame["c"] == "x") ^ noise).astype(int)
    frame["y"] = y + (frame["d"] == "p").astype(int)
    frame["w"] = rng.integers(1, 4, n).astype(float)
    return frame


def _split(data, weights=False):
    X = data.drop(columns=[c for c in ("y", "w") if c in data.columns])
    return X, data["y"], (data["w"] if weights else None)
