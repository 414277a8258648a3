"""The ZKPoT chain: a blockchain for federated learning whose consensus is proof of training.

Built so far, bottom up:

- :mod:`zkpot.chain.encoding` — canonical JSON, one encoding and one hash per object;
- :mod:`zkpot.chain.genesis` — the task, the test set, the first model, the ceremony's
  digest, the validators and the registered participants;
- :mod:`zkpot.chain.messages` — signed contributions, reveals, blocks, votes and
  finality certificates;
- :mod:`zkpot.chain.participant` — train, prove, sign; reveal when leading;
- :mod:`zkpot.chain.rules` — when a contribution is valid (with the reason when not), the
  leader rule, when a block is valid;
- :mod:`zkpot.chain.store` — each node's chain in SQLite.

To come: the consensus protocol's node, the simulator and the network.
"""
