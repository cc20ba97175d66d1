"""Tests for entree.entropy: oracles, identities, hand-checked numbers, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose
from scipy import special, stats
from sklearn.metrics import mutual_info_score

from entree.entropy import (
    binary_cross_entropy,
    conditional_entropy,
    contingency_table,
    cross_entropy,
    entropy,
    feature_gain_ratio,
    feature_information_gain,
    gain_ratio,
    information_gain,
    joint_entropy,
    kl_divergence,
    mutual_information,
    split_information,
)

RTOL = 1e-12
BASES = [2, math.e]
PROPERTY_SETTINGS = settings(max_examples=60, deadline=None)

# Play tennis (Quinlan 1986): 9 yes, 5 no; outlook rows sunny, overcast, rain.
PLAY_ROOT = [9, 5]
OUTLOOK = [[2, 3], [4, 0], [3, 2]]
OUTLOOK_COLUMN = ["sunny"] * 5 + ["overcast"] * 4 + ["rain"] * 5
PLAY_COLUMN = ["no", "no", "no", "yes", "yes"] + ["yes"] * 4 + ["yes"] * 3 + ["no"] * 2


# --------------------------------------------------------------------------------------
# strategies
# --------------------------------------------------------------------------------------


def distributions(min_size=1, max_size=8, positive=False):
    """Non-negative float vectors with a positive sum (probabilities or counts)."""
    low = 1e-3 if positive else 0.0
    elements = st.floats(low, 100.0, allow_nan=False, allow_subnormal=False)
    return arrays(
        np.float64, st.integers(min_size, max_size), elements=elements
    ).filter(lambda a: a.sum() > 0)


def distribution_pairs(positive_q=False):
    """Two distributions of the same length."""

    @st.composite
    def pairs(draw):
        size = draw(st.integers(1, 8))
        p = draw(distributions(size, size))
        q = draw(distributions(size, size, positive=positive_q))
        return p, q

    return pairs()


def count_tables(max_rows=5, max_columns=5):
    """Integer contingency tables with a positive total."""
    shapes = st.tuples(st.integers(1, max_rows), st.integers(1, max_columns))
    return arrays(np.int64, shapes, elements=st.integers(0, 20)).filter(
        lambda a: a.sum() > 0
    )


# --------------------------------------------------------------------------------------
# oracles
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("base", BASES)
def test_entropy_matches_scipy_on_random_counts_and_probabilities(base):
    rng = np.random.default_rng(0)
    for size in [1, 2, 3, 10, 100]:
        counts = rng.integers(0, 50, size=size).astype(float)
        counts[0] += 1
        proba = rng.dirichlet(np.ones(size))
        for p in (counts, proba):
            assert_allclose(
                entropy(p, base=base), stats.entropy(p, base=base), rtol=RTOL
            )


@pytest.mark.parametrize("base", BASES)
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_entropy_matches_scipy_along_an_axis(base, axis):
    rng = np.random.default_rng(1)
    p = rng.random((4, 6))
    assert_allclose(
        entropy(p, base=base, axis=axis),
        stats.entropy(p, base=base, axis=axis),
        rtol=RTOL,
    )


def test_entropy_on_a_3d_array_returns_an_array_without_the_axis():
    p = np.random.default_rng(2).random((2, 3, 4))
    H = entropy(p, axis=1)
    assert H.shape == (2, 4)
    assert_allclose(H, stats.entropy(p, base=2, axis=1), rtol=RTOL)


@pytest.mark.parametrize("base", BASES)
def test_kl_divergence_matches_summed_rel_entr(base):
    rng = np.random.default_rng(3)
    p = rng.dirichlet(np.ones(7), size=20)
    q = rng.dirichlet(np.ones(7), size=20)
    expected = special.rel_entr(p, q).sum(axis=-1) / np.log(base)
    assert_allclose(kl_divergence(p, q, base=base), expected, rtol=RTOL)
    assert_allclose(
        kl_divergence(p, q, base=base),
        stats.entropy(p, q, base=base, axis=-1),
        rtol=RTOL,
    )


@pytest.mark.parametrize("base", BASES)
def test_kl_divergence_normalises_counts_like_scipy(base):
    p, q = [1, 2, 3, 0], [4, 1, 1, 2]
    assert_allclose(
        kl_divergence(p, q, base=base), stats.entropy(p, q, base=base), rtol=RTOL
    )


@pytest.mark.parametrize("base", BASES)
def test_cross_entropy_matches_scipy_entropy_plus_relative_entropy(base):
    rng = np.random.default_rng(4)
    p = rng.dirichlet(np.ones(5), size=10)
    q = rng.dirichlet(np.ones(5), size=10)
    expected = stats.entropy(p, base=base, axis=1) + stats.entropy(
        p, q, base=base, axis=1
    )
    assert_allclose(cross_entropy(p, q, base=base), expected, rtol=RTOL)


@pytest.mark.parametrize("base", BASES)
def test_mutual_information_matches_sklearn_on_tables(base):
    rng = np.random.default_rng(5)
    for shape in [(2, 2), (3, 4), (6, 2), (1, 3)]:
        table = rng.integers(0, 30, size=shape)
        table[0, 0] += 1
        expected_nats = mutual_info_score(None, None, contingency=table)
        assert_allclose(
            mutual_information(table, base=base),
            expected_nats / np.log(base),
            rtol=RTOL,
            atol=1e-14,
        )


@pytest.mark.parametrize("base", BASES)
def test_mutual_information_matches_sklearn_on_label_arrays(base):
    rng = np.random.default_rng(6)
    x = rng.choice(["a", "b", "c", "d"], size=200)
    y = rng.integers(0, 3, size=200)
    y[x == "a"] = 0  # some dependence
    expected_nats = mutual_info_score(x, y)
    assert_allclose(
        mutual_information(x, y, base=base), expected_nats / np.log(base), rtol=RTOL
    )


def test_mutual_information_with_integer_weights_equals_repeated_samples():
    rng = np.random.default_rng(7)
    x = rng.integers(0, 4, size=50)
    y = rng.integers(0, 3, size=50)
    weights = rng.integers(0, 4, size=50)
    repeated = mutual_information(np.repeat(x, weights), np.repeat(y, weights))
    assert_allclose(
        mutual_information(x, y, sample_weight=weights), repeated, rtol=RTOL
    )


@pytest.mark.parametrize("base", BASES)
def test_conditional_and_joint_entropy_match_scipy_chain_rule(base):
    table = np.random.default_rng(8).integers(0, 20, size=(4, 3)).astype(float)
    H_xy = stats.entropy(table.ravel(), base=base)
    H_x = stats.entropy(table.sum(axis=1), base=base)
    assert_allclose(joint_entropy(table, base=base), H_xy, rtol=RTOL)
    assert_allclose(conditional_entropy(table, base=base), H_xy - H_x, rtol=1e-10)


def test_conditional_entropy_of_stacked_tables_matches_one_by_one():
    tables = np.random.default_rng(9).integers(1, 20, size=(5, 3, 4))
    expected = [conditional_entropy(t) for t in tables]
    assert_allclose(conditional_entropy(tables), expected, rtol=RTOL)


def test_joint_entropy_of_an_nd_table():
    table = np.random.default_rng(10).random((2, 3, 4))
    assert_allclose(
        joint_entropy(table), stats.entropy(table.ravel(), base=2), rtol=RTOL
    )


# --------------------------------------------------------------------------------------
# hypothesis properties
# --------------------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(distributions())
def test_entropy_lies_between_zero_and_log_k(p):
    H = entropy(p)
    assert 0.0 <= H <= np.log2(p.size) + 1e-12


@PROPERTY_SETTINGS
@given(distribution_pairs())
def test_gibbs_inequality(pair):
    p, q = pair
    D = kl_divergence(p, q)
    assert D >= 0.0
    assert kl_divergence(p, p) == 0.0
    if np.max(np.abs(p / p.sum() - q / q.sum())) > 1e-3:
        assert D > 0.0


@PROPERTY_SETTINGS
@given(distribution_pairs(positive_q=True))
def test_cross_entropy_is_entropy_plus_divergence(pair):
    p, q = pair
    assert_allclose(
        cross_entropy(p, q), entropy(p) + kl_divergence(p, q), rtol=1e-10, atol=1e-12
    )


@PROPERTY_SETTINGS
@given(distribution_pairs())
def test_cross_entropy_is_infinite_exactly_when_q_misses_support_of_p(pair):
    p, q = pair
    misses = np.any((p > 0) & (q == 0))
    assert np.isinf(cross_entropy(p, q)) == misses
    assert np.isinf(kl_divergence(p, q)) == misses


@PROPERTY_SETTINGS
@given(count_tables())
def test_mutual_information_identities(table):
    I_xy = mutual_information(table)
    I_yx = mutual_information(table.T)
    H_y = entropy(table.sum(axis=0))
    assert I_xy >= 0.0
    assert_allclose(I_xy, I_yx, rtol=1e-10, atol=1e-12)
    assert_allclose(I_xy, H_y - conditional_entropy(table), rtol=1e-10, atol=1e-12)


@PROPERTY_SETTINGS
@given(
    st.integers(1, 20).flatmap(
        lambda n: st.tuples(
            arrays(np.float64, n, elements=st.floats(0, 1)),
            arrays(np.float64, n, elements=st.floats(0, 1)),
        )
    )
)
def test_binary_cross_entropy_equals_two_class_cross_entropy(pair):
    y, p = pair
    expected = np.mean(
        [cross_entropy([1 - yi, yi], [1 - pi, pi]) for yi, pi in zip(y, p)]
    )
    result = binary_cross_entropy(y, p)
    if np.isinf(expected):
        assert result == np.inf
    else:
        assert_allclose(result, expected, rtol=1e-10, atol=1e-12)


@PROPERTY_SETTINGS
@given(
    st.tuples(st.integers(1, 6), st.integers(1, 4), st.integers(1, 4)).flatmap(
        lambda shape: arrays(np.int64, shape, elements=st.integers(0, 15))
    ),
    st.booleans(),
)
def test_vectorised_information_gain_equals_a_loop(children, with_missing):
    n_classes = children.shape[-1]
    # All candidates split one node: pad the last branch so the totals agree.
    totals = children.sum(axis=1)
    target = totals.max(axis=0) + 1
    children = children.copy()
    children[:, -1, :] += target - totals
    missing = np.arange(n_classes) if with_missing else None
    parent = target + (missing if with_missing else 0)
    vectorised = information_gain(parent, children, missing_counts=missing)
    looped = [information_gain(parent, c, missing_counts=missing) for c in children]
    assert vectorised.shape == (children.shape[0],)
    assert_allclose(vectorised, looped, rtol=1e-12, atol=1e-15)
    ratios = gain_ratio(parent, children, missing_counts=missing)
    assert_allclose(
        ratios, [gain_ratio(parent, c, missing_counts=missing) for c in children]
    )


@PROPERTY_SETTINGS
@given(count_tables())
def test_information_gain_without_missing_is_mutual_information(table):
    gain = information_gain(table.sum(axis=0), table)
    assert_allclose(gain, mutual_information(table), rtol=1e-10, atol=1e-12)


# --------------------------------------------------------------------------------------
# hand-checked numbers
# --------------------------------------------------------------------------------------


def test_fair_coin_is_one_bit_and_ln2_nats():
    assert entropy([0.5, 0.5]) == 1.0
    assert_allclose(entropy([1, 1], base=math.e), math.log(2), rtol=RTOL)


def test_entropy_of_a_certain_outcome_is_zero_and_returns_float():
    H = entropy([0, 1, 0])
    assert H == 0.0 and isinstance(H, float)
    assert math.copysign(1, H) == 1.0


def test_cross_entropy_of_one_hot_truth_is_minus_log_predicted_probability():
    assert cross_entropy([0, 1, 0], [0.4, 0.5, 0.1]) == 1.0
    assert cross_entropy([0, 1, 0], [0.4, 0.5, 0.1], base=math.e) == pytest.approx(
        math.log(2)
    )


def test_kl_divergence_is_cross_entropy_minus_entropy():
    p, q = [0.5, 0.5], [0.9, 0.1]
    assert kl_divergence(p, q) == pytest.approx(
        cross_entropy(p, q) - entropy(p), rel=1e-12
    )


def test_binary_cross_entropy_with_weights_and_zero_weight_infinite_term():
    assert binary_cross_entropy([0, 1], [0.5, 0.5]) == 1.0
    # The second sample would be infinite, but its weight is 0.
    assert binary_cross_entropy([0, 1], [0.5, 0.0], sample_weight=[1, 0]) == 1.0
    assert binary_cross_entropy([1], [0.0]) == np.inf
    assert binary_cross_entropy([0.25], [0.25], base=math.e) == pytest.approx(
        entropy([0.75, 0.25], base=math.e)
    )


def test_play_tennis_numbers():
    assert round(entropy(PLAY_ROOT), 3) == 0.940
    assert round(information_gain(PLAY_ROOT, OUTLOOK), 3) == 0.247
    assert round(split_information([5, 4, 5]), 3) == 1.577
    assert round(gain_ratio(PLAY_ROOT, OUTLOOK), 3) == 0.156
    assert round(mutual_information(OUTLOOK), 3) == 0.247
    assert round(feature_information_gain(OUTLOOK_COLUMN, PLAY_COLUMN), 3) == 0.247
    assert round(feature_gain_ratio(OUTLOOK_COLUMN, PLAY_COLUMN), 3) == 0.156


def test_c45_unknown_fraction_on_quinlans_example():
    # One overcast "yes" has an unknown outlook: 13 known rows, u = 1/14.
    known = np.array([[2, 3], [3, 0], [3, 2]])
    H_known = entropy([8, 5])
    H_branches = 5 / 13 * entropy([2, 3]) + 3 / 13 * 0 + 5 / 13 * entropy([3, 2])
    expected = 13 / 14 * (H_known - H_branches)
    gain = information_gain(PLAY_ROOT, known, missing_counts=[1, 0])
    assert gain == pytest.approx(expected, rel=1e-12)
    assert round(gain, 3) == 0.199
    assert round(split_information([5, 3, 5], missing_weight=1), 3) == 1.809
    assert gain_ratio(PLAY_ROOT, known, missing_counts=[1, 0]) == pytest.approx(
        expected / entropy([5, 3, 5, 1]), rel=1e-12
    )


@pytest.mark.parametrize("missing", [None, np.nan, float("nan")])
def test_feature_information_gain_handles_missing_values_the_c45_way(missing):
    outlook = list(OUTLOOK_COLUMN)
    outlook[5] = missing  # an overcast "yes"
    gain = feature_information_gain(outlook, PLAY_COLUMN)
    assert gain == pytest.approx(
        information_gain(PLAY_ROOT, [[2, 3], [3, 0], [3, 2]], missing_counts=[1, 0])
    )
    assert feature_gain_ratio(outlook, PLAY_COLUMN) == pytest.approx(
        gain / entropy([5, 3, 5, 1])
    )


def test_feature_information_gain_with_pandas_missing_markers():
    pd = pytest.importorskip("pandas")
    outlook = pd.Series(OUTLOOK_COLUMN, dtype="category")
    outlook[5] = np.nan
    expected = information_gain(
        PLAY_ROOT, [[2, 3], [3, 0], [3, 2]], missing_counts=[1, 0]
    )
    assert feature_information_gain(outlook, pd.Series(PLAY_COLUMN)) == pytest.approx(
        expected
    )
    strings = pd.Series(OUTLOOK_COLUMN, dtype="string")
    strings[5] = pd.NA
    assert feature_information_gain(strings, PLAY_COLUMN) == pytest.approx(expected)


def test_feature_information_gain_numeric_thresholds_and_weights():
    x, y = [1.0, 2.0, 3.0, 4.0], [0, 0, 1, 1]
    assert feature_information_gain(x, y, threshold=2.5) == 1.0
    gains = feature_information_gain(x, y, threshold=[0.0, 1.5, 2.5, 10.0])
    assert_allclose(gains, [0.0, 1 - 0.75 * entropy([1, 2]), 1.0, 0.0], atol=1e-15)
    # Weight 2 on a sample equals repeating it.
    weighted = feature_information_gain(x, y, threshold=1.5, sample_weight=[2, 1, 1, 1])
    repeated = feature_information_gain(
        [1.0, 1.0, 2.0, 3.0, 4.0], [0, 0, 0, 1, 1], threshold=1.5
    )
    assert weighted == pytest.approx(repeated, rel=1e-12)


def test_feature_information_gain_numeric_with_nan_is_scaled_by_known_fraction():
    x = [1.0, 2.0, np.nan, 3.0, 4.0]
    y = [0, 0, 1, 1, 1]
    # Known rows: a perfect split of [2, 2] -> 1 bit, times 4/5 known.
    assert feature_information_gain(x, y, threshold=2.5) == pytest.approx(0.8)
    assert feature_gain_ratio(x, y, threshold=2.5) == pytest.approx(
        0.8 / entropy([2, 2, 1])
    )


def test_feature_functions_accept_unsortable_mixed_labels():
    x = ["a", 1, "a", 1]
    y = [0, 1, 0, 1]
    assert feature_information_gain(x, y) == 1.0
    assert mutual_information(x, y) == 1.0


def test_all_missing_feature_gains_nothing():
    x = [None, None, None]
    assert feature_information_gain(x, [0, 1, 1]) == 0.0
    assert feature_gain_ratio(x, [0, 1, 1]) == 0.0


def test_gain_ratio_is_zero_when_split_information_is_zero():
    assert gain_ratio([3, 1], [[3, 1]]) == 0.0
    assert gain_ratio([3, 1], [[3, 1], [0, 0]]) == 0.0


def test_split_information_axis_and_broadcast_missing_weight():
    weights = np.array([[5, 4, 5], [7, 7, 0]])
    assert_allclose(split_information(weights), [entropy([5, 4, 5]), 1.0], rtol=RTOL)
    assert_allclose(split_information(weights.T, axis=0), split_information(weights))
    assert_allclose(
        split_information(weights, missing_weight=[0, 14]),
        [entropy([5, 4, 5]), 1.5],
        rtol=RTOL,
    )
    assert split_information([1, 1], base=4) == 0.5


def test_contingency_table_with_weights_and_labels():
    table, x_labels, y_labels = contingency_table(
        ["b", "a", "b"], ["y", "n", "n"], sample_weight=[0.5, 1, 2]
    )
    assert x_labels.tolist() == ["a", "b"]
    assert y_labels.tolist() == ["n", "y"]
    assert_allclose(table, [[1, 0], [2, 0.5]])


def test_information_gain_in_nats_and_with_a_stacked_parent():
    children = np.array([[[2, 3], [4, 0], [3, 2]], [[6, 2], [3, 3], [0, 0]]])
    parents = children.sum(axis=1)
    bits = information_gain(parents, children)
    assert_allclose(
        information_gain(parents, children, base=math.e), bits * math.log(2)
    )


# --------------------------------------------------------------------------------------
# errors
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "p, message",
    [
        ([0.5, -0.5], "p must be non-negative"),
        ([0.5, np.nan], "p must be finite"),
        ([0.5, np.inf], "p must be finite"),
        ([0, 0], "p sums to zero"),
        ([[1, 0], [0, 0]], "p sums to zero along axis 1"),
        (0.5, "p must have at least one dimension"),
        ([], "p is empty"),
        (["a", "b"], "p must be an array of numbers"),
    ],
)
def test_entropy_rejects_bad_p(p, message):
    with pytest.raises(ValueError, match=message):
        entropy(p)


@pytest.mark.parametrize("base", [1, 0, -2, np.inf, np.nan, "2", True, None])
def test_bad_base_is_rejected_everywhere(base):
    message = "base must be a finite positive number other than 1"
    calls = [
        lambda: entropy([1, 1], base=base),
        lambda: cross_entropy([1, 1], [1, 1], base=base),
        lambda: kl_divergence([1, 1], [1, 1], base=base),
        lambda: binary_cross_entropy([1], [0.5], base=base),
        lambda: joint_entropy([[1, 1]], base=base),
        lambda: conditional_entropy([[1, 1]], base=base),
        lambda: mutual_information([[1, 1]], base=base),
        lambda: information_gain([1, 1], [[1, 1]], base=base),
        lambda: split_information([1, 1], base=base),
        lambda: feature_information_gain([0, 1], [0, 1], base=base),
    ]
    for call in calls:
        with pytest.raises(ValueError, match=message):
            call()


@pytest.mark.parametrize("axis", [2, -3, 1.0, True])
def test_entropy_rejects_bad_axis(axis):
    with pytest.raises(ValueError, match="axis"):
        entropy([[1, 1]], axis=axis)


def test_cross_entropy_and_kl_reject_mismatched_shapes():
    message = r"q has shape \(3,\) but p has shape \(2,\)"
    with pytest.raises(ValueError, match=message):
        cross_entropy([1, 1], [1, 1, 1])
    with pytest.raises(ValueError, match=message):
        kl_divergence([1, 1], [1, 1, 1])


@pytest.mark.parametrize(
    "q, message",
    [
        ([1, -1], "q must be non-negative"),
        ([0, 0], "q sums to zero"),
        ([1, np.nan], "q must be finite"),
    ],
)
def test_cross_entropy_and_kl_reject_bad_q(q, message):
    with pytest.raises(ValueError, match=message):
        cross_entropy([1, 1], q)
    with pytest.raises(ValueError, match=message):
        kl_divergence([1, 1], q)


@pytest.mark.parametrize(
    "y_true, p, kwargs, message",
    [
        ([0, 2], [0.5, 0.5], {}, r"y_true must lie in \[0, 1\]"),
        ([0, 1], [0.5, 1.5], {}, r"p must lie in \[0, 1\]"),
        ([0, 1], [0.5, -0.5], {}, "p must be non-negative"),
        ([0, 1], [0.5], {}, r"p has shape \(1,\) but y_true has shape \(2,\)"),
        ([[0, 1]], [[0.5, 0.5]], {}, "y_true must be 1-D"),
        ([], [], {}, "y_true is empty"),
        ([0, 1], [0.5, 0.5], {"sample_weight": [1]}, "sample_weight has shape"),
        (
            [0, 1],
            [0.5, 0.5],
            {"sample_weight": [1, -1]},
            "sample_weight must be non-negative",
        ),
        ([0, 1], [0.5, 0.5], {"sample_weight": [0, 0]}, "sample_weight sums to zero"),
    ],
)
def test_binary_cross_entropy_errors(y_true, p, kwargs, message):
    with pytest.raises(ValueError, match=message):
        binary_cross_entropy(y_true, p, **kwargs)


@pytest.mark.parametrize(
    "counts, message",
    [(3.0, "counts must have at least one dimension"), ([[0, 0]], "p sums to zero")],
)
def test_joint_entropy_errors(counts, message):
    with pytest.raises(ValueError, match=message):
        joint_entropy(counts)


@pytest.mark.parametrize(
    "counts, message",
    [
        ([1, 2], r"counts must be a contingency table of shape \(\.\.\., n_x, n_y\)"),
        (np.zeros((2, 0)), "counts is empty"),
        ([[0, 0], [0, 0]], "counts sums to zero"),
        ([[1, -1]], "counts must be non-negative"),
    ],
)
def test_conditional_entropy_errors(counts, message):
    with pytest.raises(ValueError, match=message):
        conditional_entropy(counts)


@pytest.mark.parametrize(
    "args, kwargs, message",
    [
        (([1, 2, 3],), {}, "x_or_table must be a 2-D contingency table when y is None"),
        (
            ([[1, 2]],),
            {"sample_weight": [1]},
            "sample_weight is only used with label arrays",
        ),
        (([[0, 0]],), {}, "x_or_table sums to zero"),
        (([0, None], [0, 1]), {}, "x contains missing values"),
        (([0, 1], [0, np.nan]), {}, "y contains missing values"),
        (([0, 1, 1], [0, 1]), {}, r"x has shape \(3,\) but y has shape \(2,\)"),
        (([[0, 1]], [0]), {}, r"x has shape \(1, 2\)"),
        (([], []), {}, "y is empty"),
    ],
)
def test_mutual_information_errors(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        mutual_information(*args, **kwargs)


def test_contingency_table_rejects_missing_x():
    with pytest.raises(ValueError, match="x contains missing values"):
        contingency_table(["a", None], [0, 1])


def test_contingency_table_rejects_a_2d_y():
    with pytest.raises(ValueError, match="y must be 1-D"):
        contingency_table([0, 1], [[0, 1], [1, 0]])


@pytest.mark.parametrize(
    "parent, children, kwargs, message",
    [
        (
            [1, 1],
            [1, 1],
            {},
            r"child_counts must have shape \(\.\.\., n_branches, n_classes\)",
        ),
        ([1, 1], np.zeros((0, 2)), {}, "child_counts is empty"),
        ([1, 1, 0], [[1, 1]], {}, "parent_counts has shape"),
        ([1, 1], [[1, 1]], {"missing_counts": [0, 0, 0]}, "missing_counts has shape"),
        (
            [2, 1],
            [[1, 1]],
            {},
            "parent_counts must equal child_counts summed over branches",
        ),
        ([2, 1], [[1, 1]], {"missing_counts": [0, 1]}, "parent_counts must equal"),
        ([0, 0], [[0, 0]], {}, "parent_counts sums to zero"),
        ([[1, 1], [1, 1], [1, 1]], [[[1, 1]], [[1, 1]]], {}, "do not broadcast"),
        ([1, -1], [[1, -1]], {}, "parent_counts must be non-negative"),
        ([1, 1], [[1, np.nan]], {}, "child_counts must be finite"),
        (
            [1, 1],
            [[1, 1]],
            {"missing_counts": [-1, 0]},
            "missing_counts must be non-negative",
        ),
    ],
)
def test_information_gain_and_gain_ratio_errors(parent, children, kwargs, message):
    with pytest.raises(ValueError, match=message):
        information_gain(parent, children, **kwargs)
    with pytest.raises(ValueError, match=message):
        gain_ratio(parent, children, **kwargs)


@pytest.mark.parametrize(
    "weights, kwargs, message",
    [
        (2.0, {}, "branch_weights must have at least one dimension"),
        ([0, 0], {}, "branch_weights and missing_weight sum to zero"),
        ([1, 1], {"missing_weight": -1}, "missing_weight must be non-negative"),
        ([[1, 1], [1, 1]], {"missing_weight": [1, 2, 3]}, "missing_weight has shape"),
        ([1, 1], {"axis": 1}, "axis 1 is out of bounds for branch_weights"),
        ([1, -1], {}, "branch_weights must be non-negative"),
    ],
)
def test_split_information_errors(weights, kwargs, message):
    with pytest.raises(ValueError, match=message):
        split_information(weights, **kwargs)


@pytest.mark.parametrize(
    "x, y, kwargs, message",
    [
        (
            ["a", "b"],
            [0, 1],
            {"threshold": 0.5},
            "x must be numeric when a threshold is given",
        ),
        ([1, 2], [0, 1], {"threshold": np.nan}, "threshold must be finite"),
        ([1, 2], [0, 1], {"threshold": [[1.0]]}, "threshold must be a number or 1-D"),
        ([1, 2], [0, None], {}, "y contains missing values"),
        ([[1, 2]], [0, 1], {}, "x has shape"),
        ([1, 2], [0, 1], {"sample_weight": [1, 2, 3]}, "sample_weight has shape"),
    ],
)
def test_feature_functions_errors(x, y, kwargs, message):
    with pytest.raises(ValueError, match=message):
        feature_information_gain(x, y, **kwargs)
    with pytest.raises(ValueError, match=message):
        feature_gain_ratio(x, y, **kwargs)


def test_no_runtime_warnings_on_edge_cases():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cross_entropy([1, 0], [0, 1]) == np.inf
        assert kl_divergence([1, 0], [0, 1]) == np.inf
        assert binary_cross_entropy([1, 0], [0, 1]) == np.inf
        assert information_gain([0, 3], [[0, 0], [0, 0]], missing_counts=[0, 3]) == 0.0
        assert conditional_entropy([[0, 0], [1, 1]]) == 1.0
