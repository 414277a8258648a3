"""A Fiat–Shamir transcript: absorb what the prover sends, squeeze the verifier's challenges.

Both sides feed the same labelled messages in the same order, so they derive the
same challenges; a prover cannot choose its messages after seeing a challenge,
because the challenge is a hash of them. This one hashes with SHA-256 and is
what zkpot's own protocols (batched KZG, the ceremony) use; the PLONK layer has
its own Keccak transcript, byte-compatible with snarkjs.

>>> t = Transcript(b"example", modulus=101)
>>> t.append(b"commitment", b"\\x01\\x02")
>>> 0 <= t.challenge(b"gamma") < 101
True
"""

from __future__ import annotations

import hashlib


class Transcript:
    """A SHA-256 sponge with domain separation; challenges are ints modulo ``modulus``.

    Every message is absorbed as len(label) ‖ label ‖ len(data) ‖ data, so no two
    different sequences of messages absorb the same bytes.
    """

    def __init__(self, protocol: bytes, modulus: int) -> None:
        self.modulus = modulus
        self._state = hashlib.sha256(b"zkpot transcript v1")
        self.append(b"protocol", protocol)

    def append(self, label: bytes, data: bytes) -> None:
        """Absorb one labelled message."""
        for part in (label, data):
            self._state.update(len(part).to_bytes(8, "big") + bytes(part))

    def append_int(self, label: bytes, value: int) -> None:
        """Absorb a field element (its canonical 32 or 48-byte big-endian encoding)."""
        self.append(
            label, (value % self.modulus).to_bytes((self.modulus.bit_length() + 7) // 8, "big")
        )

    def challenge(self, label: bytes) -> int:
        """A challenge in [0, modulus): 512 hashed bits reduced (negligible bias), then absorbed."""
        self.append(b"challenge", label)
        seed = self._state.digest()
        wide = hashlib.sha256(seed + b"\x00").digest() + hashlib.sha256(seed + b"\x01").digest()
        value = int.from_bytes(wide, "big") % self.modulus
        self.append_int(b"challenge value", value)
        return value
