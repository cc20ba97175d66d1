"""Inputs that used to give wrong answers without a word (issue 13)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_iris, make_classification

from entree import C45Classifier, ID3Classifier


@pytest.mark.parametrize("class_weight", [{0: 1.0, 1: -0.9, 2: 1.0}, {1: np.nan}])
def test_negative_or_nan_class_weight_is_refused(class_weight):
    X, y = load_iris(return_X_y=True)
    with pytest.raises(ValueError, match=r"class_weight.*class 1.*(-0\.9|nan)"):
        C45Classifier(class_weight=class_weight).fit(X, y)


def test_zero_class_weight_is_allowed():
    X, y = load_iris(return_X_y=True)
    model = ID3Classifier(class_weight={0: 0.0}).fit(X, y)
    assert model.tree_.value[0, 0] == 0.0


@pytest.mark.parametrize("confidence", [1e-3, 1e-10, 1e-300, 5e-324])
@pytest.mark.parametrize("subtree_raising", [False, True])
def test_tiny_confidence_prunes_instead_of_failing(confidence, subtree_raising):
    X, y = make_classification(400, n_features=6, flip_y=0.2, random_state=0)
    model = C45Classifier(
        confidence=confidence, subtree_raising=subtree_raising, soft_thresholds=0.0
    ).fit(X, y)
    usual = C45Classifier(subtree_raising=subtree_raising, soft_thresholds=0.0)
    assert model.tree_.node_count <= usual.fit(X, y).tree_.node_count
    assert np.isfinite(model.predict_proba(X)).all()
