"""The compiled engine: Cython kernels shared by every driver.

Binning, histograms over an instance list, split choice from one node's histogram,
routing, error-based pruning and subtree raising, and traversal. They hold no Python
objects in their loops and release the GIL; the drivers (the local depth-first fit in
``entree.tree._builder``, the level-wise Dask fit) call them.
"""
