"""Fit one C4.5 / ID3 tree on a dask DataFrame or Array larger than one machine.

``DaskC45Classifier`` and ``DaskID3Classifier`` take the parameters of their
in-memory twins plus ``client`` and ``verbose``. The tree is grown level by level
over the partitions on the engine's compiled kernels and is the tree the in-memory
fit grows on the same rows whenever every numeric column has at most ``max_bins``
distinct values. Needs the ``dask`` extra: ``pip install "entree[dask]"``.
"""

from __future__ import annotations

from entree.dask._classes import DaskC45Classifier, DaskID3Classifier

__all__ = ["DaskC45Classifier", "DaskID3Classifier"]
