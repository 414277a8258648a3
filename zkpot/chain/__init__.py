"""A minimal blockchain whose consensus is ZKPoT (to come).

This package will hold blocks, transactions, signatures, nodes, the ZKPoT
consensus rule (the best proven training contribution proposes the block),
storage and a network simulation.
"""
