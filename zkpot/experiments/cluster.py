"""What :mod:`zkpot.experiments.proving` needs of Dask: a local cluster, and the keys sent
to every worker once.

This is the only module of zkpot that imports ``dask.distributed`` (the ``cluster``
extra: ``pip install 'zkpot[cluster]'``); :mod:`~zkpot.experiments.proving` imports it
when a run with real proofs starts.

**Why a worker plugin.** A spec's keys go to the workers in a :class:`KeysPlugin`: the
scheduler sends it to every worker once, as the worker joins, and again to a worker that
replaces one that died. Scattered data would reach each worker too, but the scheduler's
memory manager keeps one replica of data no task is waiting for, and a worker that dies
with the last replica takes the keys with it.
"""

from __future__ import annotations

from typing import Any

from dask.distributed import Client, LocalCluster, WorkerPlugin

from zkpot.curve.parallel import default_workers
from zkpot.experiments import proving


class KeysPlugin(WorkerPlugin):
    """Hands a spec's :class:`~zkpot.experiments.proving.Shipment` to each worker
    (:func:`zkpot.experiments.proving.receive`) as it starts."""

    def __init__(self, shipment: proving.Shipment) -> None:
        self.shipment = shipment

    def setup(self, worker: Any) -> None:
        proving.receive(self.shipment)


def send_keys(client: Client, shipment: proving.Shipment) -> None:
    """Register ``shipment``'s plugin (named by its spec): every worker, present or
    future, receives the keys once."""
    name = f"zkpot-keys-{proving.spec_digest(shipment.spec)}"
    client.register_plugin(KeysPlugin(shipment), name=name)


def local_client(workers: int | None = None) -> Client:
    """A client of a ``LocalCluster`` on this machine: ``workers`` single-threaded worker
    processes (one per core by default: a proof keeps one core busy), its dashboard on a
    free port."""
    cluster = LocalCluster(n_workers=workers or default_workers(), threads_per_worker=1,
                           processes=True, dashboard_address=":0")  # fmt: skip
    return Client(cluster)


__all__ = ["KeysPlugin", "local_client", "send_keys"]
