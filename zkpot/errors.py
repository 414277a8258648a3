"""The exception hierarchy of zkpot.

Every error zkpot raises on purpose derives from :class:`ZkpotError`. Where the
cause is a bad value supplied by the caller, the exception also derives from
the matching built-in (``ValueError``, ``ZeroDivisionError``, ``TypeError``), so
code that already catches those keeps working.
"""

from __future__ import annotations


class ZkpotError(Exception):
    """Root of every exception zkpot raises deliberately."""


class FieldMismatchError(ZkpotError, TypeError):
    """Two elements of different fields were combined, e.g. ``Fr(1) + Fq(1)``."""


class NotInvertibleError(ZkpotError, ZeroDivisionError):
    """Zero (or a list containing zero) was inverted or divided by."""


class NotASquareError(ZkpotError, ValueError):
    """A square root was asked of an element that is not a square."""


class NonCanonicalError(ZkpotError, ValueError):
    """A byte encoding was malformed: wrong length, or a value not below the modulus."""


class RootOfUnityError(ZkpotError, ValueError):
    """A root of unity of an order the field does not have was requested."""


class InvalidInput(ZkpotError, ValueError):
    """Bytes or coordinates that do not describe a valid point: wrong length, a
    non-canonical coordinate, a point off the curve or outside the prime-order group."""


class ArgumentTypeError(ZkpotError, TypeError):
    """An argument of the wrong kind: a verification key where a proving key belongs, a
    string where a number belongs, ``None`` for an SRS."""


class ArgumentError(ZkpotError, ValueError):
    """An argument of the right kind with an unusable value: lists of different lengths,
    an empty list where one element at least is needed, the wrong number of public inputs."""


class TrustedSetupError(ZkpotError, ValueError):
    """A structured reference string that cannot serve: τ ≡ 0 (every power the point at
    infinity), no powers at all, or a trusted-setup file that is not one."""


class BlsError(ZkpotError, ValueError):
    """A BLS signature operation refused its input: a secret key that is not an int in
    1 … r − 1, a message that is not bytes, an empty list of signatures to aggregate or one
    that does not decode. (Verifiers never raise for a bad key or signature: they return False.)"""
