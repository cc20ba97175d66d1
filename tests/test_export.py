"""Tests for entree.tree._export: export_text, export_graphviz, plot_tree."""

from __future__ import annotations

import re
import sys

import numpy as np
import pandas as pd
import pytest
from _bench import benchdata  # noqa: E402
from sklearn.datasets import load_iris
from sklearn.exceptions import NotFittedError

from entree import C45Classifier
from entree.tree._export import export_graphviz, export_text, plot_tree

PLAY_TENNIS = """\
outlook: n=14, entropy 0.940, gain 0.247, split info 1.577, gain ratio 0.156
|--- outlook = sunny
|   humidity: n=5, entropy 0.971, gain 0.971, split info 0.971, gain ratio 1.000
|   |--- humidity = high
|   |   |--- class: no (n=3, p=0.643)
|   |--- humidity = normal
|   |   |--- class: yes (n=2, p=0.750)
|--- outlook = overcast
|   |--- class: yes (n=4, p=0.812)
|--- outlook = rainy
|   windy: n=5, entropy 0.971, gain 0.971, split info 0.971, gain ratio 1.000
|   |--- windy = TRUE
|   |   |--- class: no (n=2, p=0.583)
|   |--- windy = FALSE
|   |   |--- class: yes (n=3, p=0.786)"""


@pytest.fixture(scope="module")
def weather_model():
    X, y, _ = benchdata.load("weather_nominal")
    return C45Classifier(pruning="error_based", smoothing="m_estimate").fit(X, y)


@pytest.fixture(scope="module")
def iris_model():
    X, y = load_iris(return_X_y=True)
    return C45Classifier(pruning="error_based", smoothing="m_estimate").fit(X, y)


# -- export_text --------------------------------------------------------------------
def test_export_text_play_tennis_is_quinlans_tree(weather_model):
    assert export_text(weather_model) == PLAY_TENNIS


def test_export_text_without_gain_and_with_names(weather_model):
    text = export_text(
        weather_model,
        show_gain=False,
        feature_names=["Outlook", "Temp", "Humidity", "Windy"],
        class_names=["stay in", "play"],
        decimals=1,
    )
    lines = text.splitlines()
    assert lines[0] == "|--- Outlook = sunny"
    assert lines[2] == "|   |   |--- class: stay in (n=3, p=0.6)"
    assert not any("gain" in line for line in lines)
    assert len(lines) == 12  # 7 branches + 5 leaves


def test_export_text_numeric_thresholds_align(iris_model):
    lines = export_text(iris_model, show_gain=False, decimals=2).splitlines()
    threshold = iris_model.tree_.threshold[0]
    assert lines[0] == f"|--- x3 <= {threshold:.2f}"
    right = [line for line in lines if line.startswith("|--- x3 >  ")]
    assert right == [f"|--- x3 >  {threshold:.2f}"]


def test_export_text_max_depth_truncates(iris_model):
    text = export_text(iris_model, max_depth=1, show_gain=False)
    depth = iris_model.get_depth()
    assert f"|   |--- truncated branch of depth {depth - 1}" in text.splitlines()
    assert export_text(iris_model, max_depth=0) == (
        f"|--- truncated branch of depth {depth}"
    )


def test_export_text_leaf_only_tree():
    model = C45Classifier().fit([[0.0], [0.0], [1.0], [1.0]], [0, 1, 0, 1])
    assert model.tree_.node_count == 1
    assert export_text(model) == "|--- class: 0 (n=4, p=0.500)"


def test_export_text_fractional_weights_show_decimals():
    X, y, _ = benchdata.load("vote")
    model = C45Classifier().fit(X, y)
    text = export_text(model, decimals=2)
    assert re.search(r"n=\d+\.\d\d,", text)  # a node reached by spread rows


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"feature_names": ["a"]}, "feature_names has 1 entries but the model has 4"),
        ({"class_names": ["a"]}, "class_names has 1 entries but the model has 3"),
        ({"decimals": -1}, "decimals must be a non-negative integer; got -1"),
        ({"decimals": 1.5}, "decimals must be a non-negative integer; got 1.5"),
        ({"max_depth": -1}, "max_depth must be None or a non-negative integer"),
    ],
)
def test_export_text_bad_arguments(iris_model, kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        export_text(iris_model, **kwargs)


def test_exports_need_a_fitted_model():
    for function in (export_text, export_graphviz):
        with pytest.raises(NotFittedError):
            function(C45Classifier())


# -- export_graphviz ----------------------------------------------------------------
_NODE_LINE = re.compile(
    r'^(\d+) \[label="((?:[^"\\]|\\.)*)"(, fillcolor="gray92")?\] ;$'
)
_EDGE_LINE = re.compile(r'^(\d+) -> (\d+) \[label="((?:[^"\\]|\\.)*)"\] ;$')


def _parse_dot(dot: str):
    lines = dot.splitlines()
    assert lines[0] == "digraph Tree {"
    assert lines[-1] == "}"
    assert dot.count("{") == dot.count("}")
    nodes, edges = {}, []
    for line in lines[3:-1]:
        node = _NODE_LINE.match(line)
        edge = _EDGE_LINE.match(line)
        assert node or edge, line
        if node:
            nodes[int(node.group(1))] = (node.group(2), bool(node.group(3)))
        else:
            parent, child = int(edge.group(1)), int(edge.group(2))
            assert parent in nodes and child in nodes  # declared before use
            edges.append((parent, child, edge.group(3)))
    return nodes, edges


@pytest.mark.parametrize("name", ["weather_nominal", "iris", "vote", "soybean"])
def test_export_graphviz_one_statement_per_node_and_branch(name):
    X, y, _ = benchdata.load(name)
    model = C45Classifier().fit(X, y)
    tree = model.tree_
    nodes, edges = _parse_dot(export_graphviz(model))
    assert sorted(nodes) == list(range(tree.node_count))
    assert len(edges) == tree.node_count - 1
    assert sorted((p, c) for p, c, _ in edges) == sorted(
        (int(tree.parent[c]), c) for c in range(1, tree.node_count)
    )
    for node, (label, is_leaf_style) in nodes.items():
        assert is_leaf_style == bool(tree.is_leaf[node])
        if not tree.is_leaf[node]:
            assert f"gain = {tree.gain[node]:.3f}" in label


def test_export_graphviz_escapes_quotes_and_backslashes():
    X = pd.DataFrame({'size "cm"\\raw': [1.0, 2.0, 3.0, 4.0]})
    y = ['say "hi"', 'say "hi"', "back\\slash", "back\\slash"]
    model = C45Classifier().fit(X, y)
    dot = export_graphviz(model)
    nodes, edges = _parse_dot(dot)
    assert nodes[0][0].startswith('size \\"cm\\"\\\\raw\\n')
    assert 'class = say \\"hi\\"' in dot
    assert "class = back\\\\slash" in dot
    assert [label for _, _, label in edges] == ["<= 2.500", "> 2.500"]


def test_export_graphviz_without_gain(weather_model):
    dot = export_graphviz(weather_model, show_gain=False)
    assert "gain" not in dot
    assert '0 -> 1 [label="= sunny"] ;' in dot


# -- plot_tree ----------------------------------------------------------------------
def test_plot_tree_draws_a_box_per_node_and_a_label_per_edge(weather_model):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    try:
        returned = plot_tree(weather_model, ax=ax)
        assert returned is ax
        n = weather_model.tree_.node_count
        assert len(ax.texts) == 2 * n - 1
        (edges,) = ax.collections
        assert len(edges.get_segments()) == n - 1
        texts = [t.get_text() for t in ax.texts]
        assert texts[0].startswith("outlook\nentropy = 0.940 bits\ngain = 0.247")
        assert "= overcast" in texts
    finally:
        plt.close(fig)


def _text_boxes(fig, ax):
    """Window extents of every text's box (its bbox patch), after a draw."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    return [t.get_bbox_patch().get_window_extent(renderer) for t in ax.texts]


def _overlapping_pairs(boxes):
    pairs = []
    for i, a in enumerate(boxes):
        for j in range(i + 1, len(boxes)):
            b = boxes[j]
            if (
                a.x0 < b.x1 - 0.5
                and b.x0 < a.x1 - 0.5
                and a.y0 < b.y1 - 0.5
                and b.y0 < a.y1 - 0.5
            ):
                pairs.append((i, j))
    return pairs


@pytest.fixture(scope="module")
def readable_trees():
    from entree.datasets import load_penguins, load_vote

    X, y = load_penguins(return_X_y=True, as_frame=True)
    penguins = C45Classifier(
        pruning="error_based", smoothing="m_estimate", min_samples_leaf=2
    ).fit(X, y)
    X, y = load_vote(return_X_y=True, as_frame=True)
    vote = C45Classifier(pruning=None, subtree_min_change=0.0, min_samples_leaf=2).fit(
        X, y
    )
    assert penguins.get_n_leaves() == 9
    assert 30 <= vote.get_n_leaves() <= 40
    return {"penguins": penguins, "vote": vote}


@pytest.mark.parametrize("name", ["penguins", "vote"])
def test_plot_tree_default_size_is_readable(readable_trees, name):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    model = readable_trees[name]
    ax = plot_tree(model)
    fig = ax.figure
    try:
        boxes = _text_boxes(fig, ax)
        assert _overlapping_pairs(boxes) == []
        canvas = fig.bbox
        for box, text in zip(boxes, ax.texts):  # nothing cut at the edges
            assert canvas.x0 <= box.x0 and box.x1 <= canvas.x1, text.get_text()
            assert canvas.y0 <= box.y0 and box.y1 <= canvas.y1, text.get_text()
        assert min(t.get_fontsize() for t in ax.texts) >= 8
        # the figure grows with the tree
        width, height = fig.get_size_inches()
        assert width >= 1.0 * model.get_n_leaves()
        assert height >= 1.0 * (model.get_depth() + 1)
    finally:
        plt.close(fig)


@pytest.mark.parametrize("name", ["penguins", "vote"])
def test_plot_tree_fits_the_axes_it_is_given(readable_trees, name):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # room for about 2-point text
    fig, ax = plt.subplots(figsize=(6.4, 4.8) if name == "penguins" else (20, 8))
    try:
        plot_tree(readable_trees[name], ax=ax)
        boxes = _text_boxes(fig, ax)
        assert _overlapping_pairs(boxes) == []
        area = ax.get_window_extent()
        for box in boxes:
            assert area.x0 - 1 <= box.x0 and box.x1 <= area.x1 + 1
            assert area.y0 - 1 <= box.y0 and box.y1 <= area.y1 + 1
        # an explicit size is kept, with a warning when the boxes cannot fit
        with pytest.warns(UserWarning, match="boxes will overlap"):
            plot_tree(readable_trees[name], ax=ax, fontsize=5)
        assert {t.get_fontsize() for t in ax.texts[len(boxes) :]} == {5}
    finally:
        plt.close(fig)


def test_plot_tree_warns_when_the_axes_are_too_small(readable_trees):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(2, 1.5))
    try:
        with pytest.warns(UserWarning, match="boxes will overlap"):
            plot_tree(readable_trees["vote"], ax=ax)
        assert {t.get_fontsize() for t in ax.texts} == {1.0}
    finally:
        plt.close(fig)


def test_plot_tree_bad_fontsize(weather_model):
    pytest.importorskip("matplotlib")
    for bad in (0, -1.0, "big", True):
        with pytest.raises(ValueError, match="fontsize must be None or a positive"):
            plot_tree(weather_model, fontsize=bad)


def test_plot_tree_without_matplotlib_says_how_to_install(weather_model, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=re.escape("pip install entree[plot]")):
        plot_tree(weather_model)


def test_layout_parents_centred_over_children(iris_model):
    from entree.tree._export import _layout

    tree = iris_model.tree_
    x, y = _layout(tree)
    leaves = np.flatnonzero(tree.is_leaf)
    assert sorted(x[leaves]) == list(range(len(leaves)))
    for node in np.flatnonzero(~tree.is_leaf):
        children = tree.children_of(node)
        assert x[children[0]] <= x[node] <= x[children[-1]]
        assert (y[children] == y[node] - 1).all()
