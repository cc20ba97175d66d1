"""Show a fitted entropy tree: indented text, Graphviz DOT, or a matplotlib figure.

All three handle multiway splits on nominal features (one branch per category) as
well as binary thresholds on numeric ones, and can annotate each test with the
entropy, information gain and gain ratio it was chosen by.
"""

from __future__ import annotations

import warnings

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


def _weight_texts(weights: np.ndarray, decimals: int) -> list:
    """:func:`_format_weight` of every entry (nested lists for a matrix)."""
    weights = np.asarray(weights, dtype=np.float64)
    whole = weights == np.round(weights)
    texts = np.empty(weights.shape, dtype=object)
    texts[whole] = [str(int(w)) for w in weights[whole].tolist()]
    texts[~whole] = [f"{w:.{decimals}f}" for w in weights[~whole].tolist()]
    return texts.tolist()


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
    rainy days and humidity on sunny ones. (With 14 days, the leaves' probabilities
    lean on the root's 9 yes to 5 no: see ``smoothing`` in C45Classifier.)

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
    |   |   |--- class: no (n=3, p=0.506)
    |   |--- humidity = normal
    |   |   |--- class: yes (n=2, p=0.634)
    |--- outlook = overcast
    |   |--- class: yes (n=4, p=0.746)
    |--- outlook = rainy
    |   windy: n=5, entropy 0.971, gain 0.971, split info 0.971, gain ratio 1.000
    |   |--- windy = TRUE
    |   |   |--- class: yes (n=2, p=0.547)
    |   |--- windy = FALSE
    |   |   |--- class: yes (n=3, p=0.678)

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
    weighted = _weight_texts(tree.weighted_n_node_samples, decimals)
    value = _weight_texts(tree.value, decimals)
    impurity, gain = tree.impurity.tolist(), tree.gain.tolist()
    gain_ratio = tree.gain_ratio.tolist()
    boxes = []
    for node, feature in enumerate(tree.feature.tolist()):
        counts = ", ".join(value[node])
        n = weighted[node]
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


# plot_tree's geometry, in units of the font size (matplotlib's convention for pads)
_BOX_PAD = 0.4  # text to box edge
_LABEL_PAD = 0.15  # the edge labels' white background
_GAP = 1.0  # blank space between neighbouring boxes, across and down
_LABEL_GAP = 0.3  # between an edge label and the box below it
_MARGIN = 0.5  # around the drawing
DEFAULT_FONTSIZE = 9.0
MAX_FONTSIZE = 12.0
MIN_FONTSIZE = 1.0  # FreeType's smallest size: matplotlib raises smaller ones to it
#: Largest figure plot_tree makes on its own (inches); bigger trees get smaller text.
MAX_FIGURE_SIZE = (60.0, 40.0)


def _text_sizes(fig, texts, fontsize, pad) -> tuple[np.ndarray, np.ndarray]:
    """Width and height in inches of each text in a box padded by ``pad`` font sizes.

    Measured with the figure's renderer, once per distinct text, on one probe.
    """
    probe = fig.text(0.0, 0.0, "", fontsize=fontsize)
    sizes: dict[str, tuple[float, float]] = {}
    try:
        for text in texts:
            if text not in sizes:
                probe.set_text(text)
                extent = probe.get_window_extent()
                sizes[text] = (extent.width / fig.dpi, extent.height / fig.dpi)
    finally:
        probe.remove()
    border = 2.0 * pad * fontsize / 72.0
    width = np.array([sizes[t][0] + border for t in texts])
    height = np.array([sizes[t][1] + border for t in texts])
    return width, height


def _gaps(fontsize: float, dpi: float) -> tuple[float, float]:
    """Space between boxes and above a box's edge label, in inches.

    In font sizes, but never under a few pixels: tiny text is snapped to pixels.
    """
    point = fontsize / 72.0
    return max(_GAP * point, 3.0 / dpi), max(_LABEL_GAP * point, 2.0 / dpi)


def _plot_geometry(tree, x, box_w, box_h, label_w, label_h, gap, label_gap):
    """Node positions in inches (box tops) at the measured size, and the extent.

    Neighbours on a level are spaced by the widest box or edge label either one
    has; each level hangs below the tallest box of the level above, leaving room
    for the edge labels, which sit on top of their child's box.
    """
    level = tree.depth
    column = np.maximum(box_w, label_w) + gap
    unit = float(column.max())  # inches per leaf slot
    order = np.lexsort((x, level))
    same_level = level[order][1:] == level[order][:-1]
    if same_level.any():
        left, right = order[:-1][same_level], order[1:][same_level]
        needed = (column[left] + column[right]) / 2.0 / (x[right] - x[left])
        unit = float(needed.max())
    n_levels = int(level.max()) + 1
    tallest_box = np.zeros(n_levels)
    np.maximum.at(tallest_box, level, box_h)
    tallest_label = np.zeros(n_levels)
    np.maximum.at(tallest_label, level, label_h)
    drop = tallest_box[:-1] + gap + tallest_label[1:] + label_gap
    level_top = -np.concatenate([[0.0], np.cumsum(drop)])
    X = x * unit
    Y = level_top[level]
    extent = (
        float((X - column / 2.0).min()),
        float((X + column / 2.0).max()),
        float((Y - box_h).min()),
        float((Y + np.where(level > 0, label_h + label_gap, 0.0)).max()),
    )
    return X, Y, extent


def plot_tree(
    model,
    *,
    ax=None,
    feature_names=None,
    class_names=None,
    show_gain=True,
    decimals=3,
    fontsize=None,
):
    """Draw the tree with matplotlib: a box per node, a labelled edge per branch.

    Leaves are evenly spaced in depth-first order and every parent is centred over
    its children (a tidy layout); each branch's condition sits on top of the box
    it leads to. Without ``ax``, a new figure is sized to the tree so that the text
    is readable at ``fontsize`` (about 1.5 to 2 inches per leaf and 1.3 per level,
    at most :data:`MAX_FIGURE_SIZE`); with ``ax``, the text is sized so that the
    tree fills the axes without two boxes overlapping (a UserWarning says when
    even 1-point text cannot fit).

    Parameters
    ----------
    model : C45Classifier or ID3Classifier
        A fitted entropy tree.
    ax : matplotlib Axes, default=None
        Where to draw; by default a new figure sized for the tree.
    feature_names : list of str, default=None
        Names of the features; by default those seen in fit.
    class_names : list of str, default=None
        Names of the classes, in the order of ``classes_``.
    show_gain : bool, default=True
        Put the entropy, gain and gain ratio in the box of every split.
    decimals : int, default=3
        Digits after the point.
    fontsize : float, default=None
        Size of the text in points. By default 9 points in a new figure (smaller
        only when the tree would need a figure larger than
        :data:`MAX_FIGURE_SIZE`), and in a given ``ax`` the largest size up to 12
        points at which the boxes fit. A given size is used as is.

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
    >>> ax.figure.savefig("tree.png")  # doctest: +SKIP
    """
    try:
        import matplotlib.pyplot as plt
        from matplotlib.collections import LineCollection
    except ImportError as exc:
        raise ImportError(
            "plot_tree needs matplotlib; install it with: pip install entree[plot]"
        ) from exc
    check_is_fitted(model)
    decimals = _check_decimals(decimals)
    if fontsize is not None and (
        isinstance(fontsize, bool)
        or not isinstance(fontsize, (int, float, np.integer, np.floating))
        or not fontsize > 0
    ):
        raise ValueError(
            f"fontsize must be None or a positive number; got {fontsize!r}."
        )
    tree = model.tree_
    names = feature_names_of(model, feature_names)
    classes = class_names_of(model, class_names)
    boxes = [
        "\n".join(lines)
        for lines in _node_lines(model, names, classes, show_gain, decimals)
    ]
    conditions = branch_conditions(model, decimals)
    x, _ = _layout(tree)
    if ax is None:
        fig = plt.figure()
        ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
        new_figure = True
    else:
        fig = ax.figure
        new_figure = False

    # Measure the texts, lay the tree out, and search the font size at which the
    # tree fills the axes. Text extents do not scale exactly with the size
    # (hinting, pixel snapping, FreeType's 1-point floor), so the search keeps
    # the largest size whose measured layout fits, and that layout is drawn.
    def lay_out(size, scaled_from=None):
        if scaled_from is None:
            box_w, box_h = _text_sizes(fig, boxes, size, _BOX_PAD)
            label_w, label_h = _text_sizes(fig, conditions, size, _LABEL_PAD)
            label_w[0] = label_h[0] = 0.0  # the root has no edge label
            sizes = (box_w, box_h, label_w, label_h)
        else:  # the texts of a measured layout, scaled to this size
            sizes = tuple(a * (size / scaled_from[0]) for a in scaled_from[1])
        gap, label_gap = _gaps(size, fig.dpi)
        X, Y, (left, right, bottom, top) = _plot_geometry(
            tree, x, *sizes, gap, label_gap
        )
        margin = _MARGIN * size / 72.0
        extent = (left - margin, right + margin, bottom - margin, top + margin)
        return size, sizes, X, Y, label_gap, extent

    def fit_of(layout):
        extent = layout[5]
        return min(axes_w / (extent[1] - extent[0]), axes_h / (extent[3] - extent[2]))

    size = DEFAULT_FONTSIZE if fontsize is None else float(fontsize)
    largest = DEFAULT_FONTSIZE if new_figure else MAX_FONTSIZE
    layout = lay_out(size)
    if new_figure:
        extent = layout[5]
        fig.set_size_inches(
            float(np.clip(extent[1] - extent[0], 2.0, MAX_FIGURE_SIZE[0])),
            float(np.clip(extent[3] - extent[2], 1.5, MAX_FIGURE_SIZE[1])),
        )
    fig_w, fig_h = fig.get_size_inches()
    position = ax.get_position()
    axes_w, axes_h = position.width * fig_w, position.height * fig_h
    if fontsize is None:
        fits, fails = None, None  # largest layout that fits, smallest size that fails
        for _ in range(8):
            fit = fit_of(layout)
            if fit >= 1.0:
                fits = layout if fits is None or layout[0] > fits[0] else fits
                if fit < 1.05 or size >= largest:
                    break
                candidate = min(size * fit, largest)
            else:
                fails = size if fails is None else min(fails, size)
                candidate = size * fit * 0.98
            if fits is not None and fails is not None:
                if fails / fits[0] < 1.03:
                    break
                if not fits[0] < candidate < fails:
                    candidate = (fits[0] + fails) / 2.0
            if candidate < MIN_FONTSIZE:
                # text never shrinks faster than its size: 1 point cannot fit either
                layout = lay_out(MIN_FONTSIZE, scaled_from=layout)
                break
            size = candidate
            layout = lay_out(size)
        if fits is not None and fit_of(layout) < 1.0:
            layout = fits
    size, (box_w, box_h, label_w, label_h), X, Y, label_gap, extent = layout
    left, right, bottom, top = extent
    width, height = right - left, top - bottom
    if new_figure and size < DEFAULT_FONTSIZE:  # smaller text: trim the figure
        fig.set_size_inches(
            float(np.clip(width, 2.0, MAX_FIGURE_SIZE[0])),
            float(np.clip(height, 1.5, MAX_FIGURE_SIZE[1])),
        )
        axes_w, axes_h = fig.get_size_inches()
    if width > axes_w * 1.001 or height > axes_h * 1.001:
        warnings.warn(
            f"plot_tree: the tree needs {width:.1f} x {height:.1f} inches with "
            f"{size:g}-point text, more than the axes' {axes_w:.1f} x {axes_h:.1f}; "
            "boxes will overlap. Draw it without ax= (a figure sized for the "
            "tree), in larger axes, or with a smaller fontsize.",
            stacklevel=2,
        )

    # data units are inches of the axes, so the boxes measured in inches fit
    point = size / 72.0
    box_pad, label_pad = _BOX_PAD * point, _LABEL_PAD * point
    label_bottom = Y + label_gap
    box_style = dict(boxstyle=f"round,pad={_BOX_PAD}", edgecolor="black")
    label_style = dict(boxstyle=f"square,pad={_LABEL_PAD}", facecolor="white", lw=0)
    parent = tree.parent
    is_leaf = tree.is_leaf
    for node in range(tree.node_count):
        if node > 0:
            ax.text(
                X[node],
                label_bottom[node] + label_pad,
                conditions[node],
                ha="center",
                va="bottom",
                fontsize=size,
                bbox=label_style,
                zorder=2,
            )
        ax.text(
            X[node],
            Y[node] - box_pad,
            boxes[node],
            ha="center",
            va="top",
            fontsize=size,
            bbox=dict(box_style, facecolor="0.92" if is_leaf[node] else "white"),
            zorder=3,
        )
    child = np.arange(1, tree.node_count)
    above = parent[child]
    segments = np.stack(
        [
            np.column_stack([X[above], Y[above] - box_h[above]]),
            np.column_stack([X[child], label_bottom[child] + label_h[child]]),
        ],
        axis=1,
    )
    ax.add_collection(LineCollection(segments, colors="0.4", linewidths=0.8, zorder=1))
    centre_x = (left + right) / 2.0
    centre_y = (bottom + top) / 2.0
    span_x = max(axes_w, width)
    span_y = max(axes_h, height)
    ax.set_xlim(centre_x - span_x / 2.0, centre_x + span_x / 2.0)
    ax.set_ylim(centre_y - span_y / 2.0, centre_y + span_y / 2.0)
    ax.set_axis_off()
    return ax
