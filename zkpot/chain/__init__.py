"""The ZKPoT chain: a blockchain for federated learning whose consensus is proof of training.

Built so far, bottom up:

- :mod:`zkpot.chain.encoding` — canonical JSON, one encoding and one hash per object;
- :mod:`zkpot.chain.genesis` — the task, the test set, the first model, the ceremony's
  digest, the validators and the registered participants;
- :mod:`zkpot.chain.messages` — signed contributions, reveals, blocks, votes and
  finality certificates.

To come: the consensus rules, storage, nodes, the simulator and the network.
"""
