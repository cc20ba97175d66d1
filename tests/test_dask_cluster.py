"""entree.dask on a real cluster: 2 worker processes, one of them killed mid-fit.

One LocalCluster for the module (starting one costs seconds); every fit is small.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

dask = pytest.importorskip("dask")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

from _dask_data import (  # noqa: E402
    FIXED,
    NODE_ARRAYS,
    _split,
    assert_same_tree,
    mixed_frame,
    numeric_frame,
)

from entree import C45Classifier  # noqa: E402
from entree.dask import DaskC45Classifier, _levelwise, _runner  # noqa: E402
from entree.dask._runner import LostDataError  # noqa: E402


@pytest.fixture(autouse=True)
def level_wise_only(monkeypatch):
    """Every node grown level-wise (the data here is small)."""
    monkeypatch.setattr(_levelwise, "LOCAL_ROWS", 0)


@pytest.fixture(scope="module")
def client():
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            silence_logs=50,  # a killed worker is expected here
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def _kill_one_worker(client, address):
    """os._exit on one worker process (its nanny starts a fresh one)."""
    try:
        client.run(os._exit, 1, workers=[address])
    except Exception:  # the worker dies before it can answer  # noqa: S110
        pass


class _KillAtLevel2(DaskC45Classifier):
    """Kills a worker once level 1 is done, i.e. as level 2 starts."""

    def _reporter(self):
        report = super()._reporter()

        def kill_then_report(figures):
            report(figures)
            if figures.get("level") == 1:
                _kill_one_worker(self.client, self.victim)
                self.killed = True

        return kill_then_report


def test_cluster_tree_equals_in_memory_and_synchronous(client):
    frame = mixed_frame(n=1500, seed=14)
    X, y, w = _split(frame, weights=True)
    reference = C45Classifier(**FIXED).fit(X, y, sample_weight=w)
    data = dd.from_pandas(frame, npartitions=5)
    Xd, yd, wd = _split(data, weights=True)
    # client=None runs on the current client
    assert isinstance(_runner.make_runner(None), _runner.DistributedRunner)
    on_cluster = DaskC45Classifier(**FIXED).fit(Xd, yd, wd)
    assert on_cluster.get_depth() >= 4
    assert_same_tree(on_cluster, reference, Xd, X)
    with dask.config.set(scheduler="synchronous"):
        assert isinstance(_runner.make_runner(None), _runner.LocalRunner)
        synchronous = DaskC45Classifier(**FIXED, client=None).fit(Xd, yd, wd)
    for name in NODE_ARRAYS:
        np.testing.assert_array_equal(
            getattr(synchronous.tree_, name), getattr(on_cluster.tree_, name)
        )


def test_one_worker_in_process_gives_the_same_tree():
    frame = numeric_frame(n=1500, seed=11)
    X, y, _ = _split(frame)
    reference = C45Classifier(**FIXED).fit(X, y)
    data = dd.from_pandas(frame, npartitions=3)
    Xd, yd, _ = _split(data)
    with (
        distributed.LocalCluster(
            n_workers=1, processes=False, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster, set_as_default=False) as one,
    ):
        fitted = DaskC45Classifier(**FIXED, client=one).fit(Xd, yd)
    assert_same_tree(fitted, reference, Xd, X)


def test_worker_killed_mid_fit_gives_the_same_tree(client):
    frame = mixed_frame(n=3000, seed=12)
    X, y, w = _split(frame, weights=True)
    reference = C45Classifier(**FIXED).fit(X, y, sample_weight=w)
    client.wait_for_workers(2, timeout=60)
    data = dd.from_pandas(frame, npartitions=4)
    Xd, yd, wd = _split(data, weights=True)
    model = _KillAtLevel2(**FIXED, client=client)
    model.victim = sorted(client.scheduler_info()["workers"])[0]
    model.fit(Xd, yd, wd)
    assert model.killed and model.get_depth() >= 3
    assert len(model.level_report_) >= 4
    assert model.victim not in client.scheduler_info()["workers"]
    assert_same_tree(model, reference, Xd, X)


def test_scattered_data_lost_with_a_worker_is_a_clear_error(client):
    client.wait_for_workers(2, timeout=60)
    frame = mixed_frame(n=2000, seed=13)
    victim = sorted(client.scheduler_info()["workers"])[0]
    pieces = [frame.iloc[i * 500 : (i + 1) * 500] for i in range(4)]
    futures = client.scatter(pieces, workers=[victim])
    data = dd.from_delayed(futures, meta=frame.iloc[:0])
    Xd, yd, wd = _split(data, weights=True)
    model = _KillAtLevel2(**FIXED, client=client)
    model.victim = victim
    with pytest.raises(LostDataError, match="created with client.scatter"):
        model.fit(Xd, yd, wd)


def test_client_without_workers(monkeypatch):
    monkeypatch.setattr(_runner, "WAIT_FOR_WORKERS", 0.5)
    frame = numeric_frame(n=100)
    Xd, yd, _ = _split(dd.from_pandas(frame, npartitions=2))
    with (
        distributed.LocalCluster(
            n_workers=0, processes=False, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster, set_as_default=False) as empty,
    ):
        with pytest.raises(ValueError, match="has no workers"):
            DaskC45Classifier(**FIXED, client=empty).fit(Xd, yd)
