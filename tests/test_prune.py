"""Error-based pruning with subtree raising (entree.tree._prune)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_breast_cancer, make_classification

import entree.tree._classes as classes_module
from entree import C45Classifier, ID3Classifier
from entree._persistence import from_dict, load_model, save_model, to_dict
from entree.tree._binning import fit_bins
from entree.tree._prune import (
    added_errors,
    compact_order,
    confidence_z,
    prune_error_based,
)
from entree.tree._raising import prune_with_raising, raising_cuts

CF = 0.25
Z = confidence_z(CF)
# soft thresholds and the smoothing strength fixed: fit grows (and prunes) one tree
# one tree, no internal CV: C4.5's pruned tree at fixed probabilities
ONE_TREE = dict(
    pruning="error_based",
    min_samples_leaf=2,
    soft_thresholds=0.0,
    smoothing="m_estimate",
    smoothing_strength=1.0,
)


def estimate(n, e):
    """C4.5's estimated errors of a leaf with n cases and e errors."""
    return e + added_errors(n, e, CF, Z)


# -- a hand-built tree -------------------------------------------------------------
def hand_tree(missing_b_row=False, gap=False):
    """Root splits A; its large branch (A=0) splits B, its small one (A=1) is a leaf.

    B decides the class everywhere, so C4.5 should raise the B test to the root.
    Both features are numeric with two bins (code 2 = missing). With
    ``missing_b_row`` one more A=1 row of class 0 has B missing. With ``gap`` B has
    four bins: the A=0 rows hold codes 0 and 3 (so the B test was grown between
    them) and the A=1 rows codes 1 and 2, which the threshold (route_cut = 1)
    sends left and right.
    """
    b_low, b_high = (1, 2) if gap else (0, 1)
    rows = [(0, 0, 0)] * 6 + [(0, 3 if gap else 1, 1)] * 6
    rows += [(1, b_low, 0)] * 2 + [(1, b_high, 1)] * 2
    if missing_b_row:
        rows.append((1, 4 if gap else 2, 0))
    codes = np.array([r[:2] for r in rows], dtype=np.uint16)
    y = np.array([r[2] for r in rows], dtype=np.intp)
    n_small = 5 if missing_b_row else 4
    total = 12 + n_small
    arrays = dict(
        feature=np.array([0, 1, -2, -2, -2]),
        route_cut=np.array([0, 1 if gap else 0, -1, -1, -1]),
        cut_lo=np.array([0, 0, -1, -1, -1]),
        cut_hi=np.array([1, 3 if gap else 1, -1, -1, -1]),
        first_child=np.array([1, 3, -1, -1, -1]),
        n_children=np.array([2, 2, 0, 0, 0]),
        branch_code=np.full(5, -1),
        branch_weight=np.array([1.0, 12 / total, n_small / total, 0.5, 0.5]),
        value=np.array(
            [[total - 8, 8], [6, 6], [n_small - 2, 2], [6, 0], [0, 6]], dtype=float
        ),
        n_rows=np.array([total, 12, n_small, 6, 6]),
        gain=np.array([0.1, 1.0, 0.0, 0.0, 0.0]),
        split_info=np.array([0.8, 1.0, 0.0, 0.0, 0.0]),
    )
    return codes, y, arrays


def run_raising(codes, y, arrays, weights=None, n_bins=(2, 2)):
    if weights is None:
        weights = np.ones(codes.shape[0])
    out = prune_with_raising(
        codes,
        y,
        weights,
        np.array(n_bins),
        np.zeros(2, dtype=bool),
        arrays["feature"],
        arrays["route_cut"],
        arrays["cut_lo"],
        arrays["cut_hi"],
        arrays["first_child"],
        arrays["n_children"],
        arrays["branch_code"],
        arrays["branch_weight"],
        arrays["value"],
        arrays["n_rows"],
        arrays["gain"],
        arrays["split_info"],
        CF,
        Z,
        True,
    )
    names = (
        "feature cut_lo cut_hi first_child n_children branch_weight value n_rows "
        "gain split_info is_leaf"
    ).split()
    return dict(zip(names, out))


def test_hand_built_tree_raises_the_largest_branch():
    codes, y, arrays = hand_tree()
    # by hand: the subtree estimates 2 * E(6, 0) + E(4, 2) = 5.55 errors, the B test
    # holding all 16 cases 2 * E(8, 0) = 2.55, a leaf E(16, 8) = 9.81
    tree_errors = 2 * estimate(6, 0) + estimate(4, 2)
    assert tree_errors == pytest.approx(5.545, abs=1e-3)
    assert 2 * estimate(8, 0) == pytest.approx(2.546, abs=1e-3)
    assert estimate(16, 8) == pytest.approx(9.814, abs=1e-3)

    out = run_raising(codes, y, arrays)
    # the root took node 1's test on B and its children 3 and 4
    assert out["feature"][0] == 1
    assert out["first_child"][0] == 3 and out["n_children"][0] == 2
    assert not out["is_leaf"][0]
    order, ptr = compact_order(out["first_child"], out["n_children"], out["is_leaf"])
    assert order.tolist() == [0, 3, 4]
    assert ptr.tolist() == [0, 2, 2, 2]
    # the raised test holds the root's cases: [8, 8], all of them below it
    assert out["value"][0].tolist() == [8.0, 8.0]
    assert out["value"][3].tolist() == [8.0, 0.0]
    assert out["value"][4].tolist() == [0.0, 8.0]
    assert out["n_rows"][[0, 3, 4]].tolist() == [16, 8, 8]
    assert out["branch_weight"][[3, 4]].tolist() == [0.5, 0.5]
    # gain and split info recomputed for the root's new test: B is a perfect split
    assert out["gain"][0] == pytest.approx(1.0)
    assert out["split_info"][0] == pytest.approx(1.0)
    # the inputs are left alone
    assert arrays["feature"][0] == 0 and arrays["value"][3].tolist() == [6.0, 0.0]


def test_cases_in_a_gap_between_bins_follow_the_threshold():
    codes, y, arrays = hand_tree(gap=True)
    out = run_raising(codes, y, arrays, n_bins=(2, 4))
    assert out["first_child"][0] == 3
    # code 1 (class 0) goes left with code 0, code 2 (class 1) right with code 3
    assert out["value"][3].tolist() == [8.0, 0.0]
    assert out["value"][4].tolist() == [0.0, 8.0]
    assert out["cut_lo"][0] == 0 and out["cut_hi"][0] == 3


def test_raising_cuts_put_the_gap_on_the_threshold_side():
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    codes, bins = fit_bins(X, np.array([False]), [None], 255)
    assert codes[:, 0].tolist() == [0, 1, 2, 3]
    feature = np.array([0, 0, -2, -2])
    # grown between bins 0 and 3 (threshold 1.5) and between 0 and 2 (threshold 1)
    cut_lo = np.array([0, 0, -1, -1])
    cut_hi = np.array([3, 2, -1, -1])
    route_cut = raising_cuts(bins, feature, cut_lo, cut_hi, np.array([False]))
    np.testing.assert_array_equal(
        bins.thresholds(feature[:2], cut_lo[:2], cut_hi[:2]), [1.5, 1.0]
    )
    assert route_cut.tolist() == [1, 1, -1, -1]


def test_hand_built_tree_without_raising_keeps_the_split():
    codes, y, arrays = hand_tree()
    is_leaf = prune_error_based(
        arrays["first_child"], arrays["n_children"], arrays["value"], CF, Z, True
    )
    assert is_leaf.tolist() == [False, False, True, True, True]


def test_missing_value_is_sent_down_every_raised_branch_by_its_fraction():
    codes, y, arrays = hand_tree(missing_b_row=True)
    out = run_raising(codes, y, arrays)
    assert out["feature"][0] == 1 and out["first_child"][0] == 3
    # known cases 8 / 8 at the new root test: the B-missing row goes half each way
    assert out["branch_weight"][[3, 4]].tolist() == [0.5, 0.5]
    assert out["value"][3].tolist() == [8.5, 0.0]
    assert out["value"][4].tolist() == [0.5, 8.0]
    assert out["value"][0].tolist() == [9.0, 8.0]
    assert out["n_rows"][[0, 3, 4]].tolist() == [17, 9, 9]
    # gain on the known 16 cases (1 bit) times the known fraction; split info with
    # the unknown bucket
    assert out["gain"][0] == pytest.approx(16 / 17)
    split = -2 * (8 / 17) * np.log2(8 / 17) - (1 / 17) * np.log2(1 / 17)
    assert out["split_info"][0] == pytest.approx(split)


def test_weights_count_as_repetitions_in_the_hand_built_tree():
    codes, y, arrays = hand_tree()
    # rows 0 and 6 stand for three copies each: drop the other two of each
    keep = np.array([i not in (1, 2, 7, 8) for i in range(codes.shape[0])])
    weights = np.where(np.isin(np.arange(codes.shape[0]), [0, 6]), 3.0, 1.0)[keep]
    out = run_raising(codes[keep], y[keep], arrays, weights=weights)
    repeated = run_raising(codes, y, arrays)
    for name in ("feature", "first_child", "n_children", "is_leaf"):
        np.testing.assert_array_equal(out[name], repeated[name])
    np.testing.assert_allclose(out["value"], repeated["value"])
    assert out["value"][3].tolist() == [8.0, 0.0]


def test_one_and_two_byte_codes_prune_alike():
    # fit_bins stores codes in one byte when every column has few enough bins
    codes, y, arrays = hand_tree(missing_b_row=True)
    wide = run_raising(codes.astype(np.uint16), y, arrays)
    narrow = run_raising(codes.astype(np.uint8), y, arrays)
    assert wide["feature"][0] == 1  # raised
    for name, array in wide.items():
        np.testing.assert_array_equal(narrow[name], array)


def test_plain_pruning_reads_node_counts_only():
    # no training case is needed: the driver may prune from summed counts alone
    _, _, arrays = hand_tree()
    is_leaf = prune_error_based(
        arrays["first_child"].tolist(),
        arrays["n_children"].tolist(),
        arrays["value"].tolist(),
        CF,
        Z,
        True,
    )
    assert is_leaf.dtype == np.bool_
    assert is_leaf.tolist() == [False, False, True, True, True]
    order, ptr = compact_order(arrays["first_child"], arrays["n_children"], is_leaf)
    assert order.tolist() == [0, 1, 2, 3, 4]
    assert ptr.tolist() == [0, 2, 4, 4, 4, 4]


# -- a reference implementation: J48's prune, one node at a time, in Python --------
class ReferencePruner:
    """C45PruneableClassifierTree.prune (with entree's collapse test), on arrays.

    Straightforward and slow: the estimate for the largest branch sends all of the
    node's cases down it, by the branch fractions the subtree has at that moment.
    """

    def __init__(self, codes, y, weights, n_bins, is_nominal, arrays, raising):
        self.codes, self.y, self.weights = codes, y, weights
        self.n_bins, self.is_nominal = n_bins, is_nominal
        self.a = {k: np.array(v, copy=True) for k, v in arrays.items()}
        self.a["is_leaf"] = self.a["n_children"] == 0
        self.raising = raising
        n_nodes = self.a["feature"].shape[0]
        self.estimated = np.zeros(n_nodes)
        self.training = np.zeros(n_nodes)

    def counts(self, rows, w):
        return np.bincount(self.y[rows], weights=w, minlength=self.a["value"].shape[1])

    def leaf(self, counts):
        total, errors = counts.sum(), counts.sum() - counts.max()
        return errors + added_errors(total, errors, CF, Z), errors

    def branch(self, node, code):
        a = self.a
        f = a["feature"][node]
        first, n = a["first_child"][node], a["n_children"][node]
        if code == self.n_bins[f]:
            return -1
        if not self.is_nominal[f]:
            return 0 if code <= a["route_cut"][node] else 1
        hits = np.flatnonzero(a["branch_code"][first : first + n] == code)
        return int(hits[0]) if hits.size else -1

    def split(self, node, rows, w, recompute):
        a = self.a
        f = a["feature"][node]
        first, n = a["first_child"][node], a["n_children"][node]
        b = np.array([self.branch(node, c) for c in self.codes[rows, f]], dtype=int)
        known = b >= 0
        if recompute:
            per = np.array([w[known & (b == j)].sum() for j in range(n)])
            if per.sum() > 1e-9:
                a["branch_weight"][first : first + n] = per / per.sum()
            class_counts = [self.counts(rows[b == j], w[b == j]) for j in range(n)]
            a["gain"][node], a["split_info"][node] = split_statistics(
                class_counts, w[~known].sum()
            )
        parts = []
        for j in range(n):
            frac = a["branch_weight"][first + j]
            mine = b == j
            parts.append(
                (
                    np.concatenate([rows[mine], rows[~known]]),
                    np.concatenate([w[mine], w[~known] * frac]),
                )
            )
        return parts

    def estimate_branch(self, node, rows, w):
        if self.a["is_leaf"][node]:
            return self.leaf(self.counts(rows, w))[0]
        first = self.a["first_child"][node]
        return sum(
            self.estimate_branch(first + j, r, ww)
            for j, (r, ww) in enumerate(self.split(node, rows, w, False))
        )

    def prune(self, node, rows, w, changed):
        a = self.a
        if changed:
            a["value"][node] = self.counts(rows, w)
            a["n_rows"][node] = rows.shape[0]
        leaf_estimate, leaf_errors = self.leaf(a["value"][node])
        if a["is_leaf"][node]:
            self.estimated[node], self.training[node] = leaf_estimate, leaf_errors
            return
        first, n = a["first_child"][node], a["n_children"][node]
        for j, (r, ww) in enumerate(self.split(node, rows, w, changed)):
            self.prune(first + j, r, ww, changed)
        children = np.arange(first, first + n)
        sub_estimate = self.estimated[children].sum()
        sub_training = self.training[children].sum()
        largest = first + int(np.argmax(a["branch_weight"][children]))
        if sub_training >= leaf_errors - 1e-3:
            largest_estimate, make_leaf = np.inf, True
        else:
            largest_estimate = (
                self.estimate_branch(largest, rows, w) if self.raising else np.inf
            )
            make_leaf = (
                leaf_estimate <= sub_estimate + 0.1
                and leaf_estimate <= largest_estimate + 0.1
            )
        if make_leaf:
            a["is_leaf"][node] = True
            self.estimated[node], self.training[node] = leaf_estimate, leaf_errors
        elif largest_estimate <= sub_estimate + 0.1:
            for name in ("feature", "route_cut", "cut_lo", "cut_hi"):
                a[name][node] = a[name][largest]
            a["first_child"][node] = a["first_child"][largest]
            a["n_children"][node] = a["n_children"][largest]
            self.prune(node, rows, w, True)
        else:
            self.estimated[node], self.training[node] = sub_estimate, sub_training

    def run(self):
        rows = np.arange(self.codes.shape[0])
        self.prune(0, rows, self.weights.astype(float), False)
        return self.a


def split_statistics(class_counts, unknown):
    """Gain (known fraction times information gain) and split info, in bits."""

    def weighted_entropy(c):
        c = c[c > 1e-9]
        return c.sum() * np.log2(c.sum()) - (c * np.log2(c)).sum() if c.size else 0.0

    sizes = np.array([c.sum() for c in class_counts])
    known = sizes.sum()
    total = known + unknown
    if known <= 1e-9:
        return 0.0, 0.0
    info = sum(weighted_entropy(c) for c in class_counts)
    gain = known / total * max(weighted_entropy(np.sum(class_counts, axis=0)) - info, 0)
    parts = np.append(sizes, unknown) / total
    parts = parts[parts * total > 1e-9]
    return gain / known, float(-(parts * np.log2(parts)).sum())


@pytest.fixture
def capture(monkeypatch):
    """Record the arguments and results of every prune_with_raising call in fit."""
    calls = []

    def recording(*args):
        out = prune_with_raising(*args)
        calls.append((args, out))
        return out

    monkeypatch.setattr(classes_module, "prune_with_raising", recording)
    return calls


def mixed_data(n=600, seed=0, missing=0.1):
    """Numeric and nominal columns, a noisy target, some values missing."""
    rng = np.random.default_rng(seed)
    X, y = make_classification(
        n, 6, n_informative=4, n_classes=3, flip_y=0.15, random_state=seed
    )
    frame = pd.DataFrame(X[:, :4], columns=list("abcd"))
    frame["e"] = pd.Categorical(np.digitize(X[:, 4], [-1, 0, 1]).astype(str))
    frame["f"] = pd.Categorical(np.digitize(X[:, 5], [-0.5, 0.5]).astype(str))
    for column in frame.columns:
        frame.loc[rng.random(n) < missing, column] = np.nan
    return frame, y


def reachable(out):
    order, ptr = compact_order(out[3], out[4], out[10])
    return order, ptr


def n_raised(args, out):
    """Reachable internal nodes whose children are not the ones they were grown with."""
    order, _ = reachable(out)
    internal = order[~out[10][order]]
    return int((out[3][internal] != args[9][internal]).sum())


ARRAY_NAMES = (
    "feature route_cut cut_lo cut_hi first_child n_children branch_code "
    "branch_weight value n_rows gain split_info"
).split()


@pytest.mark.parametrize("missing", [0.0, 0.1])
@pytest.mark.parametrize("seed", [1, 3, 4])
def test_matches_the_reference_pruner(capture, seed, missing):
    X, y = mixed_data(n=1000, seed=seed, missing=missing)
    C45Classifier(subtree_raising=True, **ONE_TREE).fit(X, y)
    ((args, out),) = capture
    arrays = dict(zip(ARRAY_NAMES, args[5:17]))
    reference = ReferencePruner(
        args[0], args[1], args[2], args[3], args[4], arrays, raising=True
    ).run()
    order, ptr = reachable(out)
    ref_order, ref_ptr = compact_order(
        reference["first_child"], reference["n_children"], reference["is_leaf"]
    )
    np.testing.assert_array_equal(order, ref_order)
    np.testing.assert_array_equal(ptr, ref_ptr)
    internal = order[~out[10][order]]
    np.testing.assert_array_equal(out[0][internal], reference["feature"][internal])
    np.testing.assert_array_equal(out[1][internal], reference["cut_lo"][internal])
    np.testing.assert_allclose(out[6][order], reference["value"][order], atol=1e-9)
    np.testing.assert_array_equal(out[7][order], reference["n_rows"][order])
    np.testing.assert_allclose(
        out[5][order], reference["branch_weight"][order], atol=1e-12
    )
    np.testing.assert_allclose(out[8][internal], reference["gain"][internal], atol=1e-9)
    np.testing.assert_allclose(
        out[9][internal], reference["split_info"][internal], atol=1e-9
    )


def test_the_reference_comparison_covers_raises(capture):
    raised = 0
    for seed in (1, 3, 4):
        for missing in (0.0, 0.1):
            X, y = mixed_data(n=1000, seed=seed, missing=missing)
            C45Classifier(subtree_raising=True, **ONE_TREE).fit(X, y)
            raised += n_raised(*capture[-1])
    assert raised >= 5


def test_reference_without_raising_is_subtree_replacement(capture):
    X, y = mixed_data(seed=3)
    C45Classifier(subtree_raising=True, **ONE_TREE).fit(X, y)
    ((args, _),) = capture
    arrays = dict(zip(ARRAY_NAMES, args[5:17]))
    reference = ReferencePruner(*args[:5], arrays, raising=False).run()
    is_leaf = prune_error_based(
        arrays["first_child"], arrays["n_children"], arrays["value"], CF, Z, True
    )
    np.testing.assert_array_equal(reference["is_leaf"], is_leaf)


# -- through the estimator ---------------------------------------------------------
def check_counts_add_up(model, total_weight):
    """Every internal node's counts are the sum of its children's."""
    tree = model.tree_
    for node in np.flatnonzero(~tree.is_leaf):
        children = tree.children_of(node)
        np.testing.assert_allclose(
            tree.value[children].sum(axis=0), tree.value[node], rtol=1e-9, atol=1e-9
        )
        np.testing.assert_allclose(tree.branch_weight[children].sum(), 1.0)
    np.testing.assert_allclose(tree.value[tree.is_leaf].sum(), total_weight)
    np.testing.assert_allclose(tree.value[0].sum(), total_weight)


@pytest.mark.parametrize("missing", [0.0, 0.1])
def test_raised_tree_counts_sum_to_the_root(capture, missing):
    X, y = mixed_data(n=2000, seed=4, missing=missing)
    weights = np.random.default_rng(0).uniform(0.5, 2.0, size=len(y))
    raised = C45Classifier(subtree_raising=True, **ONE_TREE).fit(
        X, y, sample_weight=weights
    )
    assert n_raised(*capture[0])  # raising did something
    # weights are relative: real-valued ones are rescaled to one case per row
    check_counts_add_up(raised, len(y))


def test_sample_weights_count_as_repetitions(capture):
    # one bin per distinct value: repeating rows cannot move quantile bins
    X, y = mixed_data(n=800, seed=5)
    X[list("abcd")] = X[list("abcd")].round(1)
    counts = np.random.default_rng(1).integers(1, 4, size=len(y))
    weighted = C45Classifier(subtree_raising=True, **ONE_TREE).fit(
        X, y, sample_weight=counts
    )
    repeated = C45Classifier(subtree_raising=True, **ONE_TREE).fit(
        X.loc[X.index.repeat(counts)], np.repeat(y, counts)
    )
    a, b = weighted.tree_, repeated.tree_
    np.testing.assert_array_equal(a.feature, b.feature)
    np.testing.assert_array_equal(a.children_ptr, b.children_ptr)
    np.testing.assert_array_equal(a.branch_category, b.branch_category)
    np.testing.assert_allclose(a.threshold, b.threshold)
    np.testing.assert_allclose(a.value, b.value, atol=1e-9)
    np.testing.assert_allclose(a.gain, b.gain, atol=1e-9)
    assert n_raised(*capture[0])
    unweighted = C45Classifier(subtree_raising=True, **ONE_TREE).fit(X, y)
    assert unweighted.tree_.node_count != a.node_count or not np.allclose(
        unweighted.tree_.value, a.value
    )


def test_raising_is_deterministic():
    X, y = mixed_data(n=1500, seed=6)
    first = C45Classifier(pruning="error_based", subtree_raising=True).fit(X, y)
    second = C45Classifier(pruning="error_based", subtree_raising=True).fit(X, y)
    for name in ("feature", "threshold", "children_ptr", "value", "gain"):
        np.testing.assert_array_equal(
            getattr(first.tree_, name), getattr(second.tree_, name)
        )
    np.testing.assert_array_equal(first.predict_proba(X), second.predict_proba(X))


def test_raising_off_is_the_replacement_tree(monkeypatch):
    X, y = load_breast_cancer(return_X_y=True)
    default = C45Classifier(pruning="error_based").fit(X, y)

    def forbidden(*args):
        raise AssertionError("subtree raising ran with subtree_raising=False")

    monkeypatch.setattr(classes_module, "prune_with_raising", forbidden)
    off = C45Classifier(pruning="error_based", subtree_raising=False).fit(X, y)
    for name in ("feature", "threshold", "children_ptr", "value", "n_node_samples"):
        np.testing.assert_array_equal(
            getattr(default.tree_, name), getattr(off.tree_, name)
        )
    # and no effect without pruning
    unpruned = ID3Classifier(subtree_raising=True).fit(X, y)
    np.testing.assert_array_equal(
        unpruned.tree_.value, ID3Classifier().fit(X, y).tree_.value
    )


def test_without_a_raise_the_trees_are_identical(capture):
    # clean numeric data: nothing is raised, so the result must be bit for bit
    # the replacement-only tree
    X, y = load_breast_cancer(return_X_y=True)
    raised = C45Classifier(subtree_raising=True, **ONE_TREE).fit(X, y)
    plain = C45Classifier(subtree_raising=False, **ONE_TREE).fit(X, y)
    ((args, out),) = capture
    assert n_raised(args, out) == 0  # the premise: no node is raised on this data
    for name in ("feature", "threshold", "children_ptr", "value", "gain"):
        np.testing.assert_array_equal(
            getattr(raised.tree_, name), getattr(plain.tree_, name)
        )


def test_predict_agrees_with_training_counts_after_raising(capture):
    # numeric columns with few distinct values (one bin per value), hard thresholds,
    # no missing values: each training row reaches one leaf, and the leaves' counts
    # are exactly the rows predict sends there, also below a raised test whose
    # threshold lies in a gap between bins that were empty where it was grown
    X, y = mixed_data(n=2000, seed=7, missing=0.0)
    X = X[list("abcd")].round(1)
    model = C45Classifier(subtree_raising=True, **ONE_TREE).fit(X, y)
    leaf = model.apply(X)
    counts = np.zeros_like(model.tree_.value)
    np.add.at(counts, (leaf, y), 1.0)
    np.testing.assert_array_equal(
        counts, model.tree_.value * model.tree_.is_leaf[:, None]
    )
    assert n_raised(*capture[0])  # something was raised


def test_model_files_keep_the_setting(tmp_path):
    X, y = mixed_data(n=1000, seed=1)
    model = C45Classifier(subtree_raising=True, **ONE_TREE).fit(X, y)
    path = tmp_path / "raised.json"
    save_model(model, path)
    loaded = load_model(path)
    assert loaded.subtree_raising is True
    assert loaded.get_params() == model.get_params()
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    # a file written before the parameter existed loads with the default
    document = to_dict(model)
    del document["params"]["subtree_raising"]
    assert from_dict(document).subtree_raising is False


def test_subtree_raising_must_be_a_bool():
    X, y = mixed_data(n=100, seed=1)
    with pytest.raises(ValueError, match="'subtree_raising' parameter"):
        C45Classifier(subtree_raising="yes").fit(X, y)
