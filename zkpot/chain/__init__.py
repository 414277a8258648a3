"""The ZKPoT chain: a blockchain for federated learning whose consensus is proof of training.

Bottom up:

- :mod:`zkpot.chain.encoding` — canonical JSON, one encoding and one hash per object;
- :mod:`zkpot.chain.genesis` — the task, the test set, the first model, the ceremony's
  digest, the validators and the registered participants;
- :mod:`zkpot.chain.messages` — signed contributions, reveals, blocks, votes and
  finality certificates;
- :mod:`zkpot.chain.participant` — train, prove, sign; reveal when leading;
- :mod:`zkpot.chain.rules` — when a contribution is valid (with the reason when not), the
  leader rule, when a block is valid;
- :mod:`zkpot.chain.consensus` — Tendermint's agreement on one block per height;
- :mod:`zkpot.chain.store` — each node's chain in SQLite;
- :mod:`zkpot.chain.node` — a node's round, message by message, without I/O;
- :mod:`zkpot.chain.byzantine` — the cheating nodes the rules must catch;
- :mod:`zkpot.chain.simulator` — many nodes on a simulated network, from a seed;
- :mod:`zkpot.chain.federation` — a federation from a seed, proved in parallel, reported;
- :mod:`zkpot.chain.network` and :mod:`zkpot.chain.devnet` — nodes over TCP with an
  HTTP API, and N of them on localhost.
"""
