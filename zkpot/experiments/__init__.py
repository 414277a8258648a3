"""The ZKPoT paper's claims as experiments anyone can rerun (issue: "Does ZKPoT deliver?").

- :mod:`zkpot.experiments.privacy` — the attacks on what a system publishes: rows
  reconstructed from a dense layer's update, and membership inference by loss;
- :mod:`zkpot.experiments.robustness` — federated averaging, claim-based leaders,
  learning-based consensus, ZKPoT's winner rule and its private averaging under
  Byzantine participants;
- :mod:`zkpot.experiments.averaging` — the goals of private averaging, read from those
  runs: the tables and the figure of the experiments page;
- :mod:`zkpot.experiments.costs` — proving and verifying time and bytes per round,
  beside learning-based consensus and the paper's accuracy-only statement, and how
  they grow.

This package sits above :mod:`zkpot.chain`: it runs the chain and its baselines, and
attacks what they publish.
"""
