"""The seal on what privacy publishes: a sealed value is made inside geoapp.privacy only, and never copied.

A sealed type checks, as it is made, that the code making it belongs to geoapp.privacy, so numbers
cannot be dressed up as published elsewhere: not by constructing one, not by `dataclasses.replace`
(which constructs one in the dataclasses module), and `copy`, `deepcopy` and `pickle` are refused.
The drawing processes receive published numbers through `ship` and `receive`, which pickle them
inside this module only.
"""

from __future__ import annotations

import contextvars
import pickle
import sys
from dataclasses import fields

_PACKAGE = __name__.rpartition(".")[0]  # geoapp.privacy
_MAKERS = ("__init__", "__post_init__")
# True while this module pickles or unpickles a shipment, in this context only.
_shipping = contextvars.ContextVar("shipping", default=False)


class SealError(TypeError):
    """A published value made, copied or pickled outside geoapp.privacy."""


def _made_inside_privacy() -> bool:
    """Return whether the code constructing the value being made belongs to geoapp.privacy."""
    frame = sys._getframe(2)  # past _made_inside_privacy and Sealed.__post_init__
    while frame is not None and frame.f_code.co_name in _MAKERS:
        frame = frame.f_back  # the dataclass's own __init__ and __post_init__ frames
    module = frame.f_globals.get("__name__", "") if frame is not None else ""
    return module == _PACKAGE or module.startswith(_PACKAGE + ".")


class Sealed:
    """Base of the frozen dataclasses privacy publishes."""

    def __post_init__(self) -> None:
        if not _made_inside_privacy():
            raise SealError(f"{type(self).__name__} is made by geoapp.privacy only")

    def __copy__(self):
        raise SealError(f"{type(self).__name__} cannot be copied")

    def __deepcopy__(self, memo):
        raise SealError(f"{type(self).__name__} cannot be copied")

    def __reduce_ex__(self, protocol):
        if not _shipping.get():
            raise SealError(f"{type(self).__name__} cannot be pickled; geoapp.privacy.seal.ship sends it")
        return _rebuild, (type(self), tuple(getattr(self, f.name) for f in fields(self)))


def _rebuild(cls, values):
    return cls(*values)


class Shipment:
    """Published values pickled for another process of this server, opened there with `receive`."""

    def __init__(self, data: bytes):
        self.data = data


def ship(value) -> Shipment:
    """Return `value` (which may hold sealed values) packed for a drawing process."""
    token = _shipping.set(True)
    try:
        return Shipment(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    finally:
        _shipping.reset(token)


def receive(shipment: Shipment):
    """Return the value packed by `ship`, its sealed values made again by this module."""
    token = _shipping.set(True)
    try:
        return pickle.loads(shipment.data)
    finally:
        _shipping.reset(token)
