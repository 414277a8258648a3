"""zkpot: Zero-Knowledge Proof of Training consensus, from the finite field up.

The layers, each a subpackage, import only from the layers below them:

``field`` → ``curve`` → ``hash`` → ``poly`` → ``plonk`` → ``ml`` → ``chain``.
"""

from zkpot.errors import (
    FieldMismatchError,
    InvalidInput,
    NonCanonicalError,
    NotASquareError,
    NotInvertibleError,
    RootOfUnityError,
    ZkpotError,
)

__version__ = "0.1.0"

__all__ = [
    "FieldMismatchError",
    "InvalidInput",
    "NonCanonicalError",
    "NotASquareError",
    "NotInvertibleError",
    "RootOfUnityError",
    "ZkpotError",
    "__version__",
]
