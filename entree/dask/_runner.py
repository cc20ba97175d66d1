"""Where the per-partition work runs: a distributed client, or dask's default scheduler.

The level-wise driver only ever asks for three things: run a function on every
partition (keeping the results where they are), sum per-partition arrays, and fetch
small results. With a distributed client the results stay on the workers as futures,
so a partition lost with a worker is recomputed from the task graph; without one
they are computed by dask's default scheduler and kept in this process.
"""

from __future__ import annotations

import pickle

import dask
import numpy as np

# Seconds a client without workers is given to get one before fit gives up.
WAIT_FOR_WORKERS = 10.0


class LostDataError(RuntimeError):
    """Partition data vanished with a worker and cannot be recomputed."""


def _add(a, b):
    """Sum of two per-partition results (arrays, or tuples of arrays)."""
    if isinstance(a, tuple):
        return tuple(x + y for x, y in zip(a, b))
    return a + b


def fixed_tree_sum(items, add=_add):
    """Sum in a fixed binary tree over the item index: ((0+1)+(2+3))+..."""
    items = list(items)
    if not items:
        raise ValueError("nothing to sum")
    while len(items) > 1:
        paired = [add(items[i], items[i + 1]) for i in range(0, len(items) - 1, 2)]
        if len(items) % 2:
            paired.append(items[-1])
        items = paired
    return items[0]


def current_client():
    """The distributed client dask would use now, or None.

    That is the default client unless dask's scheduler is set to something else
    (``dask.config.set(scheduler="synchronous")`` wins over a running client).
    """
    from dask.base import get_scheduler

    owner = getattr(get_scheduler(), "__self__", None)
    if owner is not None and type(owner).__name__ == "Client":
        return owner
    return None


def make_runner(client):
    """A runner on ``client``, else on the current distributed client, else local."""
    if client is None:
        client = current_client()
    if client is None:
        return LocalRunner()
    return DistributedRunner(client)


class LocalRunner:
    """Partitions computed by dask's default scheduler, results kept in this process."""

    n_workers = 1

    def compute(self, delayed_items):
        return list(dask.compute(*delayed_items)) if delayed_items else []

    def map(self, func, *columns, args=()):
        """func(*row, *args) for each row of the columns, as a dask computation."""
        tasks = [dask.delayed(func, pure=False)(*row, *args) for row in zip(*columns)]
        return self.compute(tasks)

    def sum(self, items):
        return fixed_tree_sum(items)

    def reduce(self, items, combine):
        """combine over the items in a fixed tree; the result, in this process."""
        return fixed_tree_sum(items, add=combine)

    def gather(self, items):
        return list(items)

    def submit(self, func, *args):
        """func(*args) as one task (here: run at once)."""
        return func(*args)

    def release(self, items):
        pass


class DistributedRunner:
    """Futures on a cluster; the scheduler recomputes what a lost worker held."""

    def __init__(self, client):
        self.client = client
        info = client.scheduler_info()
        self.n_workers = len(info.get("workers", {}))
        if self.n_workers == 0:
            # a client may wait for workers that are starting; give them a moment
            try:
                client.wait_for_workers(1, timeout=WAIT_FOR_WORKERS)
            except Exception as exc:  # TimeoutError in various spellings
                raise ValueError(
                    f"the dask client {client!r} has no workers; start some (or "
                    "pass client=None to use dask's default scheduler)."
                ) from exc
            self.n_workers = len(client.scheduler_info().get("workers", {}))

    def compute(self, delayed_items):
        if not delayed_items:
            return []
        return self.client.compute(list(delayed_items))

    def map(self, func, *columns, args=()):
        return [
            self.client.submit(func, *row, *args, pure=False) for row in zip(*columns)
        ]

    def sum(self, items):
        return self.reduce(items, _add)

    def reduce(self, items, combine):
        """combine over the items in a fixed tree on the workers; the result here."""
        total = fixed_tree_sum(
            items, add=lambda a, b: self.client.submit(combine, a, b, pure=False)
        )
        return self._result(total)

    def gather(self, items):
        return [self._result(item) for item in items]

    def submit(self, func, *args):
        """func(*args) as one task on a worker (a future)."""
        return self.client.submit(func, *args, pure=False)

    def release(self, items):
        for item in items:
            if hasattr(item, "release"):
                item.release()

    def _result(self, future):
        if not hasattr(future, "result"):
            return future
        try:
            return future.result()
        except Exception as exc:
            if _is_lost_data(exc):
                raise LostDataError(
                    "a partition of the training data was lost with a dask worker "
                    "and cannot be recomputed: it was created with client.scatter "
                    "(or is otherwise not in the task graph). Build X from a source "
                    "dask can recompute (dd.read_parquet, dd.from_pandas, "
                    "da.from_array), or persist it to storage first."
                ) from exc
            raise


def _is_lost_data(exc) -> bool:
    """Whether a failed future failed because scattered data is gone."""
    name = type(exc).__name__
    text = str(exc)
    return name in ("FutureCancelledError", "CancelledError") or (
        "lost" in text.lower() and "scatter" in text.lower()
    )


def nbytes(obj) -> int:
    """Bytes of an object as it would travel (numpy arrays by their buffers)."""
    if isinstance(obj, np.ndarray):
        return int(obj.nbytes)
    if isinstance(obj, (tuple, list)):
        return sum(nbytes(item) for item in obj)
    if isinstance(obj, dict):
        return sum(nbytes(item) for item in obj.values())
    return len(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))
