"""The ZKPoT paper's claims as experiments anyone can rerun (issue: "Does ZKPoT deliver?").

- :mod:`zkpot.experiments.privacy` — the attacks on what a system publishes: rows
  reconstructed from a dense layer's update, and membership inference by loss;
- :mod:`zkpot.experiments.robustness` — federated averaging, claim-based leaders,
  learning-based consensus, ZKPoT's winner rule and its private averaging under
  Byzantine participants;
- :mod:`zkpot.experiments.proving` — the ZKPoT systems' verdicts from real proofs,
  proven and judged by the chain's code as tasks on a Dask cluster (optional: Dask is
  the ``cluster`` extra);
- :mod:`zkpot.experiments.averaging` — the goals of private averaging, read from those
  runs: the tables and the figure of the experiments page;
- :mod:`zkpot.experiments.costs` — proving and verifying time and bytes per round,
  beside learning-based consensus and the paper's accuracy-only statement, and how
  they grow.

This package sits above :mod:`zkpot.chain`: it runs the chain and its baselines, and
attacks what they publish.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def save_figure(fig: Any, directory: str | Path, name: str) -> Path:
    """Write a matplotlib figure as ``directory/name`` (the directory made if need be) at
    the experiments' resolution, close it, and return its path."""
    import matplotlib.pyplot as plt

    path = Path(directory) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
