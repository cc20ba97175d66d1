"""entree: decision trees grown from information theory.

C4.5 and ID3 classifiers with scikit-learn's interface, a numba engine, smoothed leaf
probabilities judged by log-loss, and every split's information gain open to inspection.
"""

from __future__ import annotations

__version__ = "0.1.0"

from entree import entropy, metrics
from entree.tree import C45Classifier, ID3Classifier

__all__ = [
    "C45Classifier",
    "ID3Classifier",
    "__version__",
    "entropy",
    "metrics",
]
