"""The public Dask estimators: the in-memory presets' parameters, client, verbose."""

from __future__ import annotations

from sklearn.base import BaseEstimator, ClassifierMixin

from entree.dask._estimator import _DaskTreeMixin
from entree.tree import C45Classifier, ID3Classifier


class DaskC45Classifier(_DaskTreeMixin, ClassifierMixin, BaseEstimator):
    """C4.5 tree (see :class:`entree.C45Classifier`) fitted on dask partitions.

    The tree is grown level by level: each partition routes its rows down the
    splits chosen so far and returns class histograms of the nodes being grown,
    summed in a fixed order, and the client chooses every split with the same
    kernels and rules as the in-memory fit. Pruning and leaf probabilities run
    on the client from node counts; ``"auto"`` probability settings are chosen by
    the in-memory method on a bounded sample (the 50,000 rows with the smallest
    content hashes). Numeric columns with at most ``max_bins`` distinct values
    are split exactly, giving the in-memory fit's tree on the same rows for any
    partitioning, scheduler or number of workers; columns with more are binned
    at quantiles of the sample.

    Parameters
    ----------
    criterion, max_depth, min_samples_split, min_samples_leaf, min_gain, pruning,
    confidence, smoothing, smoothing_strength, soft_thresholds, soft_min_share,
    soft_min_change, subtree_min_change, max_bins, categorical_features,
    class_weight
        As for :class:`entree.C45Classifier` ("auto" values are chosen on the
        sample, before the tree is grown).
    subtree_raising : bool, default=False
        Must stay False: raising needs the training cases on the client.
    client : distributed.Client, default=None
        Where to run; None uses the current distributed client if there is one,
        else dask's default scheduler.
    verbose : int, default=0
        Print each pass and each level (nodes, histograms, bytes sent) to stderr.

    Attributes
    ----------
    classes_, n_classes_, n_features_in_, feature_names_in_, tree_,
    smoothing_, soft_thresholds_, smoothing_strength_, min_samples_leaf_
        As for :class:`entree.C45Classifier`.
    level_report_ : list of dict
        Per level of growth: nodes, histograms counted and subtracted, batches,
        splits, nodes finished locally, bytes sent to the workers and back to
        the client, seconds.
    pass_report_ : list of dict
        The passes over the data before growth, with the seconds since fit began.

    Examples
    --------
    >>> import dask.dataframe as dd
    >>> from sklearn.datasets import load_iris
    >>> from entree.dask import DaskC45Classifier
    >>> frame = load_iris(as_frame=True).frame
    >>> data = dd.from_pandas(frame, npartitions=3)
    >>> model = DaskC45Classifier(smoothing_strength=1.0, soft_thresholds=0.0)
    >>> model = model.fit(data.drop(columns="target"), data["target"])
    >>> model.to_local().get_n_leaves()
    7
    """

    _local_class = C45Classifier

    def __init__(
        self,
        *,
        criterion="gain_ratio",
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf="auto",
        min_gain=0.0,
        pruning=None,
        confidence=0.25,
        subtree_raising=False,
        smoothing="auto",
        smoothing_strength="auto",
        soft_thresholds="auto",
        soft_min_share=0.05,
        soft_min_change=0.05,
        subtree_min_change=0.02,
        max_bins=255,
        categorical_features=None,
        class_weight=None,
        client=None,
        verbose=0,
    ):
        self.criterion = criterion
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_gain = min_gain
        self.pruning = pruning
        self.confidence = confidence
        self.subtree_raising = subtree_raising
        self.smoothing = smoothing
        self.smoothing_strength = smoothing_strength
        self.soft_thresholds = soft_thresholds
        self.soft_min_share = soft_min_share
        self.soft_min_change = soft_min_change
        self.subtree_min_change = subtree_min_change
        self.max_bins = max_bins
        self.categorical_features = categorical_features
        self.class_weight = class_weight
        self.client = client
        self.verbose = verbose


class DaskID3Classifier(_DaskTreeMixin, ClassifierMixin, BaseEstimator):
    """ID3 tree (see :class:`entree.ID3Classifier`) fitted on dask partitions.

    :class:`DaskC45Classifier` with ID3's defaults: information gain, no pruning,
    hard thresholds. See there for ``client``, ``verbose`` and the attributes.
    """

    _local_class = ID3Classifier

    def __init__(
        self,
        *,
        criterion="gain",
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf=1,
        min_gain=0.0,
        pruning=None,
        confidence=0.25,
        subtree_raising=False,
        smoothing="m_estimate",
        smoothing_strength=2.0,
        soft_thresholds=0.0,
        soft_min_share=0.05,
        soft_min_change=0.05,
        subtree_min_change=0.02,
        max_bins=255,
        categorical_features=None,
        class_weight=None,
        client=None,
        verbose=0,
    ):
        self.criterion = criterion
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_gain = min_gain
        self.pruning = pruning
        self.confidence = confidence
        self.subtree_raising = subtree_raising
        self.smoothing = smoothing
        self.smoothing_strength = smoothing_strength
        self.soft_thresholds = soft_thresholds
        self.soft_min_share = soft_min_share
        self.soft_min_change = soft_min_change
        self.subtree_min_change = subtree_min_change
        self.max_bins = max_bins
        self.categorical_features = categorical_features
        self.class_weight = class_weight
        self.client = client
        self.verbose = verbose
