"""The compiled engine grows the trees the numba engine grew, on real data.

``data/engine_reference.npz`` holds every tree's arrays and predict_proba recorded with
the numba engine (before the Cython port) by ``benchmarks/engine_snapshot.py``, for the
smaller corpus datasets: all rows, and the held-out fold 0 for the default model. Any
change to a kernel that moves one of them fails here. Structure is compared exactly,
numbers to 1e-9. (The full comparison, with the large datasets and synthetic sets, is
``python benchmarks/engine_snapshot.py compare FILE``.)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from _bench import benchdata  # skips this module without the corpus

from entree import C45Classifier, ID3Classifier
from entree.tree._tree import NODE_ARRAYS

REFERENCE = np.load(Path(__file__).parent / "data" / "engine_reference.npz")
INTEGER_ARRAYS = ("feature", "children_ptr", "children", "branch_category")
FLOAT_ARRAYS = tuple(name for name in NODE_ARRAYS if name not in INTEGER_ARRAYS)
# the settings engine_snapshot.py records ("c45" was C45Classifier's default then:
# pruned, m-estimate, soft bands followed to any share)
RECORDED_DEFAULT = dict(
    pruning="error_based",
    smoothing="m_estimate",
    soft_min_share=0.0,
    soft_min_change=0.0,
    min_samples_leaf=2,
)
MODELS = {
    "c45": lambda: C45Classifier(**RECORDED_DEFAULT),
    "id3": lambda: ID3Classifier(),
    "c45_raising": lambda: C45Classifier(**RECORDED_DEFAULT, subtree_raising=True),
    "c45_hard_laplace": lambda: C45Classifier(
        **{**RECORDED_DEFAULT, "soft_thresholds": 0.0, "smoothing": "laplace"}
    ),
    "c45_bins16_depth6": lambda: C45Classifier(
        **RECORDED_DEFAULT, max_bins=16, max_depth=6
    ),
}
DATASETS = sorted({key.split("/")[0] for key in REFERENCE.files})


def _check(key, model, proba):
    tree = model.tree_
    for name in INTEGER_ARRAYS:
        np.testing.assert_array_equal(
            getattr(tree, name), REFERENCE[f"{key}:{name}"], err_msg=f"{key} {name}"
        )
    for name in FLOAT_ARRAYS:
        np.testing.assert_allclose(
            np.asarray(getattr(tree, name), dtype=np.float64),
            REFERENCE[f"{key}:{name}"],
            rtol=1e-9,
            atol=1e-9,
            err_msg=f"{key} {name}",
        )
    np.testing.assert_allclose(
        proba, REFERENCE[f"{key}:proba"], rtol=1e-9, atol=1e-9, err_msg=key
    )


@pytest.mark.parametrize("dataset", DATASETS)
def test_trees_and_probabilities_match_the_recorded_engine(dataset):
    X, y, _ = benchdata.load(dataset)
    for model_name, make in MODELS.items():
        model = make().fit(X, y)
        _check(f"{dataset}/all/{model_name}", model, model.predict_proba(X))
    train = benchdata.folds(dataset) != 0
    model = C45Classifier(**RECORDED_DEFAULT).fit(X[train], y[train])
    _check(f"{dataset}/fold0/c45", model, model.predict_proba(X[~train]))
