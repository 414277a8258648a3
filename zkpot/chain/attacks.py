"""What an outsider on the network sends a node: the attacks of :mod:`zkpot.chain.chaos`.

The threat model (``DESIGN.md``) lets an outsider connect to a node's peer port and HTTP
port and send any bytes at any rate; it must never change a node's state or disk, grow
its memory without bound, or slow consensus by more than a bounded factor. Each
function here makes one kind of hostile traffic, bounded by its arguments:

- :func:`outsider_contribution`: a contribution of the current round that no
  registered participant signed — by a key the genesis does not know, or claiming a
  registered participant's key with another key's signature — with a proof of
  :data:`~zkpot.chain.messages.MAX_PROOF_BYTES` bytes;
- :func:`next_round_contribution`: a contribution for the round after the node's,
  as large as a frame may be (a node keeps such messages for when that round opens);
- :func:`junk`: a frame of a known type whose body is nonsense, distinct each time;
- :func:`sync`: ``{"type": "sync", "body": {"height": h}}``, which asks for final blocks;
- :class:`Connection`: a TCP connection to a peer port that sends frames;
  :func:`half_frame` and :func:`garbage` open connections that send a length header and
  part of a body, or random bytes, and then hold the connection open;
- :func:`http_get`: one GET, with its status (or ``None``: no answer) and its time.

Nothing here needs a secret of the chain: the attacker's keys are its own.
"""

from __future__ import annotations

import random
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Sequence

from zkpot.chain.encoding import MAX_MESSAGE_BYTES
from zkpot.chain.messages import MAX_PROOF_BYTES, SIGNATURE_BYTES, Contribution
from zkpot.chain.network import FRAME_HEADER, frame
from zkpot.chain.node import envelope
from zkpot.curve import bls, bls12_381, bn254
from zkpot.hash.keccak import keccak256

FIELDS = ("global_model", "data_commitment", "model_commitment")


def outsider_key(seed: int, i: int) -> int:
    """The attacker's i-th BLS secret key (not a member's: the domain differs)."""
    digest = keccak256(f"zkpot chaos outsider {seed} {i}".encode())
    return 1 + int.from_bytes(digest, "big") % (bls12_381.R - 1)


def _contribution(round: int, participant: bytes, proof: bytes, rng: random.Random,
                  signer: int | None) -> Contribution:  # fmt: skip
    """A contribution with random field values, signed by ``signer`` (random bytes if
    ``None``: a node keeps a next round's message before it checks a signature)."""
    values = {name: rng.randrange(bn254.Fr.MODULUS) for name in FIELDS}
    unsigned = Contribution(round, participant, accuracy=0, proof=proof, **values)
    if signer is None:
        signature = rng.randbytes(SIGNATURE_BYTES)
    else:
        signature = bls.sign(signer, unsigned.signing_bytes())
    return Contribution(round, participant, accuracy=0, proof=proof, signature=signature,
                        **values)  # fmt: skip


def outsider_contribution(round: int, registered: Sequence[bytes], k: int, seed: int,
                          rng: random.Random) -> Contribution:  # fmt: skip
    """The attacker's k-th contribution of ``round``: signed by its own key, which is
    either its participant key (even k: a key the genesis does not register) or claims a
    registered participant's (odd k: a signature that does not verify)."""
    signer = outsider_key(seed, k % 8)
    participant = bls.secret_to_public(signer) if k % 2 == 0 else registered[k % len(registered)]
    return _contribution(round, participant, rng.randbytes(MAX_PROOF_BYTES), rng, signer)


def next_round_contribution(round: int, seed: int, rng: random.Random) -> Contribution:
    """A contribution for round ``round`` (the node's next), its proof as long as a frame
    allows: about :data:`~zkpot.chain.encoding.MAX_MESSAGE_BYTES` on the wire."""
    proof = rng.randbytes((MAX_MESSAGE_BYTES - 2048) // 2)  # hex doubles it
    return _contribution(round, bls.secret_to_public(outsider_key(seed, 0)), proof, rng, None)


def junk(rng: random.Random, size: int) -> bytes:
    """A frame of a known type (``vote``) whose body is not a vote: ``size`` bytes or so,
    distinct each time."""
    return envelope("vote", {"junk": rng.randbytes(size // 2).hex()})


def sync(height: int = 1) -> bytes:
    """A request for the final blocks from ``height`` on."""
    return envelope("sync", {"height": height})


class Connection:
    """A connection to a node's peer port that sends frames, dialling again when the node
    closes it (at most ``redials`` times). ``sent`` counts the frames written, ``failed``
    those that could not be (the node closed the connection or stopped reading for
    ``timeout`` seconds)."""

    def __init__(self, address: tuple[str, int], timeout: float = 5.0, redials: int = 20) -> None:
        self.address, self.timeout, self.redials = address, timeout, redials
        self.sock: socket.socket | None = None
        self.sent = self.failed = self.dials = 0

    def send(self, message: bytes) -> bool:
        """Write one frame; whether it was written."""
        try:
            if self.sock is None:
                if self.dials > self.redials:
                    self.failed += 1
                    return False
                self.dials += 1
                self.sock = socket.create_connection(self.address, timeout=self.timeout)
            self.sock.sendall(frame(message))
        except OSError:
            self.close()
            self.failed += 1
            return False
        self.sent += 1
        return True

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


def half_frame(address: tuple[str, int], body: int, timeout: float = 5.0) -> socket.socket:
    """A connection that sends a frame's header announcing the largest message and then
    only ``body`` bytes of it, and holds on (the caller closes the socket)."""
    sock = socket.create_connection(address, timeout=timeout)
    sock.sendall(MAX_MESSAGE_BYTES.to_bytes(FRAME_HEADER, "big") + b"{" * body)
    return sock


def garbage(address: tuple[str, int], size: int, rng: random.Random,
            timeout: float = 5.0) -> socket.socket:  # fmt: skip
    """A connection that sends ``size`` random bytes and holds on."""
    sock = socket.create_connection(address, timeout=timeout)
    sock.sendall(rng.randbytes(size))
    return sock


def http_get(url: str, timeout: float) -> tuple[int | None, float]:
    """GET ``url``: (the HTTP status, or ``None`` if no answer came; seconds taken)."""
    start = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # a node on loopback
            response.read()
            status: int | None = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except (urllib.error.URLError, OSError, ValueError):
        status = None
    return status, time.monotonic() - start


__all__ = ["Connection", "garbage", "half_frame", "http_get", "junk", "next_round_contribution",
           "outsider_contribution", "outsider_key", "sync"]  # fmt: skip
