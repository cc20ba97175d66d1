"""entree: decision trees grown from information theory.

C4.5 and ID3 classifiers with scikit-learn's interface, a compiled engine, smoothed leaf
probabilities judged by log-loss, and every split's information gain open to inspection.

The public names are imported on first use (PEP 562), so ``import entree`` and the
``entree`` command's ``--help`` do not load numpy, pandas or scikit-learn.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"

# public name -> module that defines it
_LAZY_NAMES = {
    "C45Classifier": "entree.tree",
    "ID3Classifier": "entree.tree",
    "ModelFileError": "entree._persistence",
    "load_model": "entree._persistence",
    "save_model": "entree._persistence",
    "export_graphviz": "entree.tree._export",
    "export_text": "entree.tree._export",
    "plot_tree": "entree.tree._export",
    "explain": "entree.tree._inspect",
    "rank_splits": "entree.tree._inspect",
    "split_report": "entree.tree._inspect",
}
_LAZY_SUBMODULES = ("datasets", "entropy", "metrics", "tree")

if TYPE_CHECKING:  # for type checkers and IDEs: the names as eager imports
    from entree import datasets as datasets
    from entree import entropy, metrics
    from entree import tree as tree
    from entree._persistence import ModelFileError, load_model, save_model
    from entree.tree import C45Classifier, ID3Classifier
    from entree.tree._export import export_graphviz, export_text, plot_tree
    from entree.tree._inspect import explain, rank_splits, split_report

__all__ = [
    "C45Classifier",
    "ID3Classifier",
    "ModelFileError",
    "explain",
    "export_graphviz",
    "export_text",
    "load_model",
    "plot_tree",
    "rank_splits",
    "save_model",
    "split_report",
    "__version__",
    "entropy",
    "metrics",
]


def __getattr__(name: str):
    if name in _LAZY_NAMES:
        value = getattr(importlib.import_module(_LAZY_NAMES[name]), name)
    elif name in _LAZY_SUBMODULES:
        value = importlib.import_module(f"{__name__}.{name}")
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY_NAMES) | set(_LAZY_SUBMODULES))
