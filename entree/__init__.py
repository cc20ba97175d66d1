"""entree: decision trees grown from information theory.

C4.5 and ID3 classifiers with scikit-learn's interface, a compiled engine, smoothed leaf
probabilities judged by log-loss, and every split's information gain open to inspection.
"""

from __future__ import annotations

__version__ = "0.1.0"

from entree import entropy, metrics
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
