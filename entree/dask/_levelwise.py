"""Grow the tree level by level over binned partitions, on the client.

Each level: every partition routes its instance list by the previous level's splits
and counts the instances of each new node; the client then asks, in batches whose
histograms stay under a byte budget, for the fixed-point histograms of the nodes it
must count, summed in a fixed tree over the partition index. The heaviest child of
a split is its parent's histogram minus its siblings' (exact in fixed point). Every
node's split is then chosen by the same compiled kernels, with the same inputs and
the same stopping rule as the local depth-first driver (``_kernels/_grow.pyx``), and
laid out in the same way: since every decision is local to its node, both orders
grow one tree. Only the node numbering differs (breadth-first here), and pruning
and compaction renumber either the same way.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from entree.dask import _partition
from entree.dask._runner import nbytes
from entree.tree._builder import XLOGX_TABLE_SIZE, _layout
from entree.tree._kernels._levelwise import as_float_histogram, lay_out_branches
from entree.tree._kernels._split import py_choose_split, py_whole_count_tables

# Bytes of the per-partition histograms of one batch of nodes (and of the parents'
# histograms kept for subtraction).
HIST_BUDGET = 64 << 20
# Nodes of at most this many instances are gathered to one task and grown there by
# the local depth-first driver (one level-wise round per level costs more than
# moving their rows), unless max_depth leaves them at most 2 more levels (measured
# at 10M rows, depth 10: moving the rows then costs more than the rounds); one task
# takes nodes of at most LOCAL_TASK_ROWS instances in total.
LOCAL_ROWS = 50_000
LOCAL_TASK_ROWS = 200_000
WEIGHT_EPS = 1e-9


@dataclass
class GrowOptions:
    n_classes: int
    criterion: int
    min_cases: float
    min_samples_split: float
    max_depth: int  # -1: no limit
    min_gain: float
    mdl: bool


@dataclass
class RoutePlan:
    """The splits of one level, as route_instances reads them (sent to partitions)."""

    node_base: int
    feature: np.ndarray
    lo: np.ndarray  # numeric splits: last bin of the left branch; nominal: -1
    n_bins: np.ndarray
    first_child: np.ndarray
    n_branch: np.ndarray
    bin_start: np.ndarray
    branch_of_bin: np.ndarray
    frac_start: np.ndarray
    frac: np.ndarray


def fixed_point_scale(n_rows: int, w_max: float) -> float:
    """2**s with (total weight) * 2**s < 2**62: fixed-point sums cannot overflow."""
    bound = max(float(n_rows) * float(w_max), 1.0)
    exponent = 61 - math.frexp(bound)[1]
    return math.ldexp(1.0, min(exponent, 1000))


class _Nodes:
    """The builder's node arrays (see grow_tree), grown as lists."""

    def __init__(self, n_classes):
        self.n_classes = n_classes
        self.feature, self.cut_lo, self.cut_hi = [], [], []
        self.first_child, self.n_children = [], []
        self.branch_code, self.branch_weight = [], []
        self.value, self.n_rows, self.depth = [], [], []
        self.gain, self.split_info, self.parent = [], [], []

    def add(self, value, depth, branch_code, branch_weight, parent):
        self.feature.append(-2)
        self.cut_lo.append(-1)
        self.cut_hi.append(-1)
        self.first_child.append(-1)
        self.n_children.append(0)
        self.branch_code.append(branch_code)
        self.branch_weight.append(branch_weight)
        self.value.append(np.asarray(value, dtype=np.float64))
        self.n_rows.append(0)
        self.depth.append(depth)
        self.gain.append(0.0)
        self.split_info.append(0.0)
        self.parent.append(parent)
        return len(self.feature) - 1

    def arrays(self):
        i64 = lambda a: np.asarray(a, dtype=np.int64)  # noqa: E731
        f64 = lambda a: np.asarray(a, dtype=np.float64)  # noqa: E731
        value = np.vstack(self.value) if self.value else np.zeros((0, self.n_classes))
        return (
            i64(self.feature),
            i64(self.cut_lo),
            i64(self.cut_hi),
            i64(self.first_child),
            i64(self.n_children),
            i64(self.branch_code),
            f64(self.branch_weight),
            np.ascontiguousarray(value),
            i64(self.n_rows),
            i64(self.depth),
            f64(self.gain),
            f64(self.split_info),
        )


class _SplitChooser:
    """py_choose_split with the buffers and tables of the local driver."""

    def __init__(self, n_bins, is_nominal, options: GrowOptions, n_samples, whole):
        self.n_bins = np.ascontiguousarray(n_bins, dtype=np.int64)
        self.is_nominal = np.ascontiguousarray(is_nominal, dtype=np.uint8)
        self.options = options
        self.bin_offset, self.word_offset, self.hist_size = _layout(
            self.n_bins, options.n_classes
        )
        self.n_bins_total = int(self.bin_offset[-1])
        n_features = self.n_bins.shape[0]
        # the local driver's table: c log2 c for whole c below min(n + 2, 4096)
        n_table = min(n_samples + 2, XLOGX_TABLE_SIZE)
        self.table = np.zeros(n_table)
        whole_c = np.arange(2, n_table, dtype=np.float64)
        self.table[2:] = whole_c * np.log2(whole_c)
        self.whole_data = whole
        K = options.n_classes
        self.pair = np.empty(n_table + K)
        self.pair_offset = np.empty(K, dtype=np.int64)
        self.total_pair = np.empty(n_table)
        self.bits = np.zeros(int(self.word_offset[-1]), dtype=np.uint64)
        self.bin_class = np.zeros(self.n_bins_total, dtype=np.int32)
        self.work = [np.empty(n_features) for _ in range(3)] + [
            np.empty(n_features, dtype=np.int64) for _ in range(2)
        ]

    def expandable(self, value, depth) -> bool:
        """The local driver's stopping rule (_is_expandable)."""
        o = self.options
        total = 0.0
        n_nonzero = 0
        for v in value:  # summed in class order, as there
            total += float(v)
            n_nonzero += v > WEIGHT_EPS
        return (
            n_nonzero > 1
            and total >= o.min_samples_split - 1e-12
            and total >= 2.0 * o.min_cases - 1e-12
            and (o.max_depth < 0 or depth < o.max_depth)
        )

    def choose(self, hist, value):
        o = self.options
        total = 0.0
        for v in value:
            total += float(v)
        whole = self.whole_data and py_whole_count_tables(
            value, total, self.table, self.pair, self.pair_offset, self.total_pair
        )
        return py_choose_split(
            hist,
            self.bin_offset,
            self.word_offset,
            self.n_bins,
            self.is_nominal,
            o.n_classes,
            value,
            total,
            o.criterion,
            o.min_cases,
            o.mdl,
            o.min_gain,
            self.table,
            bool(whole),
            self.pair,
            self.pair_offset,
            self.total_pair,
            self.bits,
            False,
            self.bin_class,
            *self.work,
        )


def grow_levelwise(
    runner,
    binned,
    n_bins,
    is_nominal,
    options: GrowOptions,
    *,
    root_value,
    n_samples: int,
    whole_data: bool,
    scale: float,
    hist_budget: int = HIST_BUDGET,
    local_rows: int = LOCAL_ROWS,
    report=None,
):
    """Grow the tree over the binned partitions; the node arrays of ``grow_tree``.

    ``report(dict)`` is called after each level with its figures.
    """
    K = options.n_classes
    chooser = _SplitChooser(n_bins, is_nominal, options, n_samples, whole_data)
    unit = 1.0 / scale
    width = chooser.n_bins_total * K
    hist_bytes = width * 8
    nodes = _Nodes(K)
    nodes.add(root_value, 0, -1, 1.0, -1)
    nodes.n_rows[0] = n_samples
    instances = runner.map(_partition.root_instances, binned)
    level = [0]
    kept = {}  # parent -> its fixed-point histogram, for its heaviest child
    heaviest = {}  # parent -> its heaviest child
    depth = 0
    while level:
        started = time.perf_counter()
        base = level[0]
        to_workers = 0
        from_workers = 0
        expandable = [
            v for v in level if chooser.expandable(nodes.value[v], nodes.depth[v])
        ]
        small = [
            v
            for v in expandable
            if nodes.n_rows[v] <= local_rows
            and (options.max_depth < 0 or options.max_depth - nodes.depth[v] > 2)
        ]
        finishing = set(small)
        expandable = [v for v in expandable if v not in finishing]
        subtrees, moved = _grow_small_nodes(
            runner,
            binned,
            instances,
            base,
            len(level),
            small,
            nodes,
            chooser,
            whole_data,
        )
        to_workers += moved[0]
        from_workers += moved[1]
        # which nodes to count: an expandable heaviest child comes from its parent
        derived = {}
        direct = set()
        for v in expandable:
            p = nodes.parent[v]
            if p in kept and heaviest.get(p) == v:
                first = nodes.first_child[p]
                siblings = [
                    c for c in range(first, first + nodes.n_children[p]) if c != v
                ]
                derived[v] = (p, siblings)
                direct.update(siblings)
            else:
                direct.add(v)
        direct = sorted(direct)
        fixed = {}
        per_batch = max(1, hist_budget // max(hist_bytes, 1))
        n_batches = 0
        for start in range(0, len(direct), per_batch):
            n_batches += 1
            batch = direct[start : start + per_batch]
            slot_of_node = np.full(len(level), -1, dtype=np.int64)
            slot_of_node[np.asarray(batch) - base] = np.arange(len(batch))
            args = (
                base,
                slot_of_node,
                len(batch),
                chooser.bin_offset,
                K,
                scale,
            )
            parts = runner.map(_partition.histograms, binned, instances, args=args)
            summed = runner.sum(parts)
            runner.release(parts)
            to_workers += nbytes(slot_of_node) * len(binned)
            from_workers += summed.nbytes
            for slot, v in enumerate(batch):
                fixed[v] = summed[slot]
        for v, (p, siblings) in derived.items():
            remainder = kept[p].copy()
            for s in siblings:
                remainder -= fixed[s]
            fixed[v] = remainder
        kept = {}
        heaviest = {}
        plan_nodes = []
        children = []
        kept_bytes = 0
        for v in expandable:
            value = nodes.value[v]
            hist = as_float_histogram(fixed[v], chooser.n_bins_total, K, unit)
            feature, gain, split_info, lo, hi = chooser.choose(hist, value)
            if feature < 0:
                continue
            branch_of_bin, child_bin, child_value, frac = lay_out_branches(
                hist,
                chooser.n_bins_total,
                K,
                int(chooser.bin_offset[feature]),
                int(chooser.n_bins[feature]),
                bool(chooser.is_nominal[feature]),
                int(lo),
            )
            first = len(nodes.feature)
            nodes.feature[v] = int(feature)
            nodes.cut_lo[v] = int(lo)
            nodes.cut_hi[v] = int(hi)
            nodes.gain[v] = float(gain)
            nodes.split_info[v] = float(split_info)
            nodes.first_child[v] = first
            nodes.n_children[v] = len(frac)
            for c in range(len(frac)):
                child = nodes.add(
                    child_value[c],
                    nodes.depth[v] + 1,
                    int(child_bin[c]),
                    float(frac[c]),
                    v,
                )
                children.append(child)
            nominal = bool(chooser.is_nominal[feature])
            plan_nodes.append(
                (v, feature, -1 if nominal else int(lo), first, branch_of_bin, frac)
            )
            if kept_bytes + hist_bytes <= hist_budget:
                kept[v] = fixed[v]
                kept_bytes += hist_bytes
        del fixed
        for v, grown in zip(small, subtrees):
            _splice(nodes, v, grown)
        n_splits = len(plan_nodes)
        if children:
            plan = _route_plan(base, len(level), plan_nodes, chooser.n_bins)
            routed = runner.map(_partition.route, binned, instances, args=(plan,))
            runner.release(instances)
            instances = routed
            to_workers += nbytes(plan) * len(binned)
            child_base = children[0]
            counts = runner.sum(
                runner.map(
                    _partition.node_counts, instances, args=(child_base, len(children))
                )
            )
            from_workers += counts.nbytes
            for i, child in enumerate(children):
                nodes.n_rows[child] = int(counts[i])
            for v, _, _, first, _, frac in plan_nodes:
                # the local driver's "largest": most instances, the first on ties
                largest = 0
                for c in range(1, len(frac)):
                    if (
                        counts[first - child_base + c]
                        > counts[first - child_base + largest]
                    ):
                        largest = c
                heaviest[v] = first + largest
        if report is not None:
            report(
                {
                    "level": depth,
                    "nodes": len(level),
                    "expandable": len(expandable),
                    "histograms": len(direct),
                    "subtracted": len(derived),
                    "batches": n_batches,
                    "splits": n_splits,
                    "finished_locally": len(small),
                    "bytes_to_workers": int(to_workers),
                    "bytes_from_workers": int(from_workers),
                    "seconds": time.perf_counter() - started,
                }
            )
        level = children
        depth += 1
    runner.release(instances)
    return nodes.arrays()


def _grow_small_nodes(
    runner, binned, instances, base, n_level, small, nodes, chooser, whole_data
):
    """The subtrees of the small nodes, grown by the local driver in a few tasks.

    Returns (grown arrays per node, (bytes sent, bytes received)).
    """
    if not small:
        return [], (0, 0)
    options = chooser.options
    groups, group, group_rows = [], [], 0
    for v in small:
        if group and group_rows + nodes.n_rows[v] > LOCAL_TASK_ROWS:
            groups.append(group)
            group, group_rows = [], 0
        group.append(v)
        group_rows += nodes.n_rows[v]
    groups.append(group)
    tasks = []
    sent = 0
    for group in groups:  # every group's task is submitted before any is awaited
        slot_of_node = np.full(n_level, -1, dtype=np.int64)
        slot_of_node[np.asarray(group) - base] = np.arange(len(group))
        max_depths = [
            -1 if options.max_depth < 0 else options.max_depth - nodes.depth[v]
            for v in group
        ]
        pieces = runner.map(
            _partition.gather_instances, binned, instances, args=(base, slot_of_node)
        )
        tasks.append(
            runner.submit(
                _partition.grow_subtrees,
                len(group),
                chooser.n_bins,
                chooser.is_nominal,
                options,
                max_depths,
                whole_data,
                *pieces,
            )
        )
        sent += nbytes(slot_of_node) * len(binned)
    subtrees = []
    for grown in runner.gather(tasks):
        subtrees.extend(grown)
    runner.release(tasks)
    received = sum(nbytes(g) for g in subtrees)
    return subtrees, (sent, received)


def _splice(nodes: _Nodes, v: int, grown) -> None:
    """Put a subtree grown by the local driver (root = its node 0) under node v.

    Its nodes 1.. are appended in their order (children stay consecutive and after
    their parent); node v keeps its own counts and takes the root's split.
    """
    (
        feature,
        cut_lo,
        cut_hi,
        first_child,
        n_children,
        branch_code,
        branch_weight,
        value,
        n_rows,
        depth,
        gain,
        split_info,
    ) = grown
    offset = len(nodes.feature) - 1  # local node l >= 1 becomes offset + l
    nodes.feature[v] = int(feature[0])
    nodes.cut_lo[v] = int(cut_lo[0])
    nodes.cut_hi[v] = int(cut_hi[0])
    nodes.n_children[v] = int(n_children[0])
    nodes.first_child[v] = offset + int(first_child[0]) if n_children[0] else -1
    nodes.gain[v] = float(gain[0])
    nodes.split_info[v] = float(split_info[0])
    for l in range(1, len(feature)):
        child = nodes.add(
            value[l],
            nodes.depth[v] + int(depth[l]),
            int(branch_code[l]),
            float(branch_weight[l]),
            -1,
        )
        nodes.feature[child] = int(feature[l])
        nodes.cut_lo[child] = int(cut_lo[l])
        nodes.cut_hi[child] = int(cut_hi[l])
        nodes.n_children[child] = int(n_children[l])
        nodes.first_child[child] = offset + int(first_child[l]) if n_children[l] else -1
        nodes.gain[child] = float(gain[l])
        nodes.split_info[child] = float(split_info[l])
        nodes.n_rows[child] = int(n_rows[l])


def _route_plan(node_base, n_level, plan_nodes, n_bins) -> RoutePlan:
    """The level's splits in flat arrays; a numeric split is sent as its cut only."""
    feature = np.full(n_level, -1, dtype=np.int64)
    lo = np.full(n_level, -1, dtype=np.int64)
    first_child = np.zeros(n_level, dtype=np.int64)
    n_branch = np.zeros(n_level, dtype=np.int64)
    bin_start = np.zeros(n_level, dtype=np.int64)
    frac_start = np.zeros(n_level, dtype=np.int64)
    bins, fracs = [], []
    at_bin = at_frac = 0
    for v, f, cut, first, branch_of_bin, frac in plan_nodes:
        i = v - node_base
        feature[i] = f
        lo[i] = cut
        first_child[i] = first
        n_branch[i] = len(frac)
        bin_start[i] = at_bin
        frac_start[i] = at_frac
        if cut < 0:  # nominal: which branch each category takes
            bins.append(branch_of_bin)
            at_bin += len(branch_of_bin)
        fracs.append(frac)
        at_frac += len(frac)
    return RoutePlan(
        node_base=node_base,
        feature=feature,
        lo=lo,
        n_bins=np.asarray(n_bins, dtype=np.int64),
        first_child=first_child,
        n_branch=n_branch,
        bin_start=bin_start,
        branch_of_bin=np.concatenate(bins) if bins else np.zeros(0, np.int64),
        frac_start=frac_start,
        frac=np.concatenate(fracs) if fracs else np.zeros(0),
    )
