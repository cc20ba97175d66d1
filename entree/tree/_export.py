"""Show a fitted entropy tree: indented text, Graphviz DOT, or a matplotlib figure.

All three handle multiway splits on nominal features (one branch per category) as
well as binary thresholds on numeric ones, and can annotate each test with the
entropy, information gain and gain ratio it was chosen by.
"""

from __future__ import annotations

import numpy as np
from sklearn.utils.validation import check_is_fitted

from entree.tree._inspect import (
    branch_conditions,
    class_names_of,
    feature_names_of,
    format_number,
)
from entree.tree._tree import TREE_LEAF

__all__ = ["export_graphviz", "export_text", "plot_tree"]


def _check_decimals(decimals) -> int:
    if isinstance(decimals, bool) or not isinstance(decimals, (int, np.integer)):
        raise ValueError(f"decimals must be a non-negative integer; got {decimals!r}.")
    if decimals < 0:
        raise ValueError(f"decimals must be a non-negative integer; got {decimals}.")
    return int(decimals)


def _format_weight(weight: float, decimals: int) -> str:
    """Weighted case counts: whole numbers without decimals, others rounded."""
    weight = float(weight)
    if weight == round(weight):
        return str(int(round(weight)))
    return f"{weight:.{decimals}f}"


def _split_stats(model, node: int, decimals: int, weighted=None) -> str:
    tree = model.tree_
    if weighted is None:
        weighted = tree.weighted_n_node_samples
    return (
        f"n={_format_weight(weighted[node], decimals)}, "
        f"entropy {tree.impurity[node]:.{decimals}f}, "
        f"gain {tree.gain[node]:.{decimals}f}, "
        f"split info {tree.split_info[node]:.{decimals}f}, "
        f"gain ratio {tree.gain_ratio[node]:.{decimals}f}"
    )


def _subtree_heights(tree) -> np.ndarray:
    """Depth of the subtree under each node (0 at a leaf), one level at a time."""
    height = np.zeros(tree.node_count, dtype=np.int64)
    depth = tree.depth
    parent = tree.parent
    order = np.argsort(depth, kind="stable")
    bounds = np.searchsorted(depth[order], np.arange(tree.max_depth + 2))
    for level in range(tree.max_depth, 0, -1):
        nodes = order[bounds[level] : bounds[level + 1]]
        np.maximum.at(height, parent[nodes], height[nodes] + 1)
    return height


def export_text(
    model,
    *,
    feature_names=None,
    class_names=None,
    show_gain=True,
    decimals=3,
    max_depth=None,
) -> str:
    """The tree as indented text, one line per branch and per leaf.

    Parameters
    ----------
    model : C45Classifier or ID3Classifier
        A fitted entropy tree.
    feature_names : list of str, default=None
        Names of the features; by default those seen in fit (or ``x0, x1, ...``).
    class_names : list of str, default=None
        Names of the classes, in the order of ``classes_``; by default the labels.
    show_gain : bool, default=True
        Print above the branches of every split a line with the node's weighted
        number of cases, its entropy (bits), and the information gain, split
        information and gain ratio of its test.
    decimals : int, default=3
        Digits after the point for thresholds, probabilities and bits.
    max_depth : int, default=None
        Show splits down to this depth only (0 shows the root's subtree as
        truncated); deeper subtrees are summarised as "truncated branch of depth k".

    Returns
    -------
    text : str
        Each leaf reads ``class: <label> (n=<weighted cases>, p=<probability>)``,
        the probability being the one the model predicts for that class there.

    See Also
    --------
    export_graphviz : the same tree as Graphviz DOT.
    entree.tree._inspect.split_report : the same information as a table.

    Examples
    --------
    Quinlan's play-tennis days give his tree: outlook at the root, then windy on
    rainy days and humidity on sunny ones.

    >>> from entree import C45Classifier
    >>> from entree.tree._export import export_text
    >>> from entree.datasets import load_play_tennis
    >>> X, y = load_play_tennis(return_X_y=True, as_frame=True)
    >>> model = C45Classifier().fit(X, y)
    >>> print(export_text(model))
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
    |   |   |--- class: yes (n=3, p=0.786)

    Numeric features split in two at a threshold:

    >>> from sklearn.datasets import load_iris
    >>> iris = load_iris()
    >>> model = C45Classifier(max_depth=2).fit(iris.data, iris.target)
    >>> print(export_text(model, feature_names=["sepal length", "sepal width",
    ...     "petal length", "petal width"], show_gain=False, decimals=2))
    |--- petal width <= 0.80
    |   |--- class: 0 (n=50, p=0.99)
    |--- petal width >  0.80
    |   |--- petal width <= 1.75
    |   |   |--- class: 1 (n=54, p=0.90)
    |   |--- petal width >  1.75
    |   |   |--- class: 2 (n=46, p=0.97)
    """
    check_is_fitted(model)
    decimals = _check_decimals(decimals)
    if max_depth is not None and (
        isinstance(max_depth, bool)
        or not isinstance(max_depth, (int, np.integer))
        or max_depth < 0
    ):
        raise ValueError(
            f"max_depth must be None or a non-negative integer; got {max_depth!r}."
        )
    tree = model.tree_
    names = feature_names_of(model, feature_names)
    classes = class_names_of(model, class_names)
    conditions = branch_conditions(model, decimals)
    parent = tree.parent
    weighted = tree.weighted_n_node_samples
    best_class = np.argmax(model._node_proba, axis=1)
    heights = None
    lines: list[str] = []
    stack = [(0, 0)]  # (node, depth), popped in depth-first order
    while stack:
        node, depth = stack.pop()
        if node > 0:  # the branch into the node, at the parent's indent
            condition = conditions[node]
            if condition.startswith("> "):
                condition = ">  " + condition[2:]  # align with "<= "
            name = names[tree.feature[parent[node]]]
            lines.append(f"{'|   ' * (depth - 1)}|--- {name} {condition}")
        indent = "|   " * depth
        feature = int(tree.feature[node])
        if feature == TREE_LEAF:
            best = best_class[node]
            n = _format_weight(weighted[node], decimals)
            p = format_number(model._node_proba[node, best], decimals)
            lines.append(f"{indent}|--- class: {classes[best]} (n={n}, p={p})")
            continue
        if max_depth is not None and depth >= max_depth:
            if heights is None:
                heights = _subtree_heights(tree)
            lines.append(f"{indent}|--- truncated branch of depth {heights[node]}")
            continue
        if show_gain:
            lines.append(
                f"{indent}{names[feature]}: "
                f"{_split_stats(model, node, decimals, weighted)}"
            )
        stack.extend((int(child), depth + 1) for child in tree.children_of(node)[::-1])
    return "\n".join(lines)


def _node_lines(model, names, classes, show_gain, decimals) -> list[list[str]]:
    """The lines of text in every node's box, in node order (one pass)."""
    tree = model.tree_
    proba = np.asarray(model._node_proba)
    best_class = np.argmax(proba, axis=1).tolist()
    best_proba = proba[np.arange(tree.node_count), best_class].tolist()
    weighted = tree.weighted_n_node_samples.tolist()
    value = tree.value.tolist()
    impurity, gain = tree.impurity.tolist(), tree.gain.tolist()
    gain_ratio = tree.gain_ratio.tolist()
    boxes = []
    for node, feature in enumerate(tree.feature.tolist()):
        counts = ", ".join(_format_weight(v, decimals) for v in value[node])
        n = _format_weight(weighted[node], decimals)
        if feature == TREE_LEAF:
            best = best_class[node]
            boxes.append(
                [
                    f"class = {classes[best]}",
                    f"p = {format_number(best_proba[node], decimals)}",
                    f"n = {n}",
                    f"counts = [{counts}]",
                ]
            )
            continue
        lines = [names[feature]]
        if show_gain:
            lines += [
                f"entropy = {impurity[node]:.{decimals}f} bits",
                f"gain = {gain[node]:.{decimals}f}",
                f"gain ratio = {gain_ratio[node]:.{decimals}f}",
            ]
        lines += [f"n = {n}", f"counts = [{counts}]"]
        boxes.append(lines)
    return boxes


def _dot_quote(text: str) -> str:
    """A DOT double-quoted string; newlines become DOT's centred line breaks."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("\r", "").replace("\n", "\\n")
    return f'"{escaped}"'


def export_graphviz(
    model,
    *,
    feature_names=None,
    class_names=None,
    show_gain=True,
    decimals=3,
) -> str:
    """The tree in Graphviz's DOT language, as text (Graphviz is not needed).

    Parameters
    ----------
    model : C45Classifier or ID3Classifier
        A fitted entropy tree.
    feature_names : list of str, default=None
        Names of the features; by default those seen in fit.
    class_names : list of str, default=None
        Names of the classes, in the order of ``classes_``.
    show_gain : bool, default=True
        Put the entropy, gain and gain ratio in the box of every split.
    decimals : int, default=3
        Digits after the point.

    Returns
    -------
    dot : str
        A ``digraph`` with one node statement per tree node (named by its id) and
        one edge per branch, labelled with the branch's condition. Render it with
        ``dot -Tpng tree.dot -o tree.png`` or any DOT viewer.

    Examples
    --------
    >>> from entree import C45Classifier
    >>> from entree.tree._export import export_graphviz
    >>> X, y = [[1.0], [2.0], [3.0], [4.0]], ["low", "low", "high", "high"]
    >>> model = C45Classifier().fit(X, y)
    >>> print(export_graphviz(model, feature_names=["size"], show_gain=False))
    digraph Tree {
    node [shape=box, style="rounded, filled", fillcolor="white", fontname="helvetica"] ;
    edge [fontname="helvetica"] ;
    0 [label="size\\nn = 4\\ncounts = [2, 2]"] ;
    1 [label="class = low\\np = 0.900\\nn = 2\\ncounts = [0, 2]", fillcolor="gray92"] ;
    0 -> 1 [label="<= 2.500"] ;
    2 [label="class = high\\np = 0.900\\nn = 2\\ncounts = [2, 0]", fillcolor="gray92"] ;
    0 -> 2 [label="> 2.500"] ;
    }
    """
    check_is_fitted(model)
    decimals = _check_decimals(decimals)
    tree = model.tree_
    names = feature_names_of(model, feature_names)
    classes = class_names_of(model, class_names)
    out = [
        "digraph Tree {",
        'node [shape=box, style="rounded, filled", fillcolor="white", '
        'fontname="helvetica"] ;',
        'edge [fontname="helvetica"] ;',
    ]
    conditions = branch_conditions(model, decimals)
    parent_of = tree.parent.tolist()
    boxes = _node_lines(model, names, classes, show_gain, decimals)
    is_leaf = tree.is_leaf.tolist()
    # parents precede children, so every edge follows both of its nodes
    for node in range(tree.node_count):
        label = _dot_quote("\n".join(boxes[node]))
        fill = ', fillcolor="gray92"' if is_leaf[node] else ""
        out.append(f"{node} [label={label}{fill}] ;")
        parent = parent_of[node]
        if parent >= 0:
            out.append(f"{parent} -> {node} [label={_dot_quote(conditions[node])}] ;")
    out.append("}")
    return "\n".join(out)


def _layout(tree) -> tuple[np.ndarray, np.ndarray]:
    """x, y of every node: leaves one unit apart, parents centred over children."""
    x = np.zeros(tree.node_count)
    next_leaf = 0.0
    # children have larger ids than parents, so a reverse sweep sees children first;
    # leaf order must follow the depth-first order, found with an explicit stack
    order = []
    stack = [0]
    while stack:
        node = stack.pop()
        order.append(node)
        stack.extend(int(c) for c in reversed(tree.children_of(node)))
    for node in order:
        if tree.feature[node] == TREE_LEAF:
            x[node] = next_leaf
            next_leaf += 1.0
    for node in range(tree.node_count - 1, -1, -1):
        children = tree.children_of(node)
        if children.shape[0]:
            x[node] = (x[children[0]] + x[children[-1]]) / 2.0
    return x, -tree.depth.astype(float)


def plot_tree(
    model,
    *,
    ax=None,
    feature_names=None,
    class_names=None,
    show_gain=True,
    decimals=3,
    fontsize=8,
):
    """Draw the tree with matplotlib: a box per node, a labelled edge per branch.

    Parameters
    ----------
    model : C45Classifier or ID3Classifier
        A fitted entropy tree.
    ax : matplotlib Axes, default=None
        Where to draw; by default the current axes.
    feature_names : list of str, default=None
        Names of the features; by default those seen in fit.
    class_names : list of str, default=None
        Names of the classes, in the order of ``classes_``.
    show_gain : bool, default=True
        Put the entropy, gain and gain ratio in the box of every split.
    decimals : int, default=3
        Digits after the point.
    fontsize : float, default=8
        Size of the text in the boxes and on the edges.

    Returns
    -------
    ax : matplotlib Axes
        The axes drawn on.

    Raises
    ------
    ImportError
        If matplotlib is not installed (``pip install entree[plot]``).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_iris
    >>> from entree import C45Classifier
    >>> from entree.tree._export import plot_tree
    >>> iris = load_iris()
    >>> model = C45Classifier(max_depth=2).fit(iris.data, iris.target)
    >>> ax = plot_tree(model)
    >>> len(ax.texts)  # 5 boxes and 4 edge labels
    9
    """
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            "plot_tree needs matplotlib; install it with: pip install entree[plot]"
        ) from exc
    check_is_fitted(model)
    decimals = _check_decimals(decimals)
    tree = model.tree_
    names = feature_names_of(model, feature_names)
    classes = class_names_of(model, class_names)
    if ax is None:
        ax = plt.gca()
    x, y = _layout(tree)
    box_split = dict(boxstyle="round,pad=0.4", facecolor="white", edgecolor="black")
    box_leaf = dict(boxstyle="round,pad=0.4", facecolor="0.92", edgecolor="black")
    conditions = branch_conditions(model, decimals)
    boxes = _node_lines(model, names, classes, show_gain, decimals)
    parent_of = tree.parent
    for node in range(tree.node_count):
        parent = int(parent_of[node])
        if parent >= 0:
            ax.plot(
                [x[parent], x[node]],
                [y[parent], y[node]],
                color="0.4",
                lw=0.8,
                zorder=1,
            )
            ax.text(
                (x[parent] + x[node]) / 2.0,
                (y[parent] + y[node]) / 2.0,
                conditions[node],
                ha="center",
                va="center",
                fontsize=fontsize,
                bbox=dict(boxstyle="square,pad=0.1", facecolor="white", lw=0),
                zorder=2,
            )
        leaf = tree.feature[node] == TREE_LEAF
        ax.text(
            x[node],
            y[node],
            "\n".join(boxes[node]),
            ha="center",
            va="center",
            fontsize=fontsize,
            bbox=box_leaf if leaf else box_split,
            zorder=3,
        )
    ax.set_xlim(x.min() - 0.6, x.max() + 0.6)
    ax.set_ylim(y.min() - 0.5, 0.5)
    ax.set_axis_off()
    return ax
