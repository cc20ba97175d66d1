"""Entropy decision trees: estimators, the flat Tree, and its building blocks."""

from entree.tree._classes import C45Classifier, ID3Classifier
from entree.tree._tree import Tree

__all__ = ["C45Classifier", "ID3Classifier", "Tree"]
