"""A reader for dlib's binary serialisation, enough to load a trained dlib DNN.

Everything here was written from dlib's own sources (dlib/serialize.h, float_details.h,
cuda/tensor.h, dnn/core.h, dnn/layers.h, dnn/input.h, dnn/loss.h); no dlib code is used.

Primitive encodings (`DlibReader`):

* integers (any width, signed or not): one control byte, then that many little-endian
  magnitude bytes. The low nibble of the control byte is the byte count (1..8; zero
  is written as ``01 00``), bit 0x80 marks a negative number (magnitude then negated).
* floats and doubles: a `float_details` pair, an int64 mantissa then an int16 exponent,
  both as integers above; the value is ``mantissa * 2**exponent`` except for the
  exponents 32000 (+inf), 32001 (-inf) and 32002 (NaN). A first byte with any of the
  bits 0x70 set marks dlib's older ASCII float format, which we do not read.
* bool: one ASCII character, ``'1'`` or ``'0'``.
* std::string: its length as an integer, then the raw bytes.
* tensor (resizable_tensor): integer version 2, four integers num_samples, k, nr, nc,
  then ``num_samples*k*nr*nc`` float32 values, little endian, row-major (n, k, r, c).
* alias_tensor (a view shape, no data): integer version 1, then the four dimensions.

Network nesting (`read_network`): a dlib network type is a chain of templates, e.g.
``loss<fc<relu<con<input>>>>``. Each wrapper serialises *its version first, then its
whole sub-network, then its own layer*, so the stream holds every wrapper's version
integer (outermost first), then the input layer, then the layers from the input
outwards. Tag and skip wrappers write nothing but their version (1), and `add_prev`
does not record which tag it adds, so the structure must come from the C++ network
type: the caller passes a *plan*, the wrapper kinds from the outside in.
"""

from __future__ import annotations

import builtins
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np


class DlibFormatError(ValueError):
    """The bytes are not what dlib would have written here."""


_FLOAT_INF, _FLOAT_NINF, _FLOAT_NAN = 32000, 32001, 32002


class DlibReader:
    """Sequential reader over the bytes of one dlib-serialised object."""

    def __init__(self, data: bytes | bytearray | memoryview) -> None:
        self.data = memoryview(data)
        self.pos = 0

    @property
    def remaining(self) -> int:
        return len(self.data) - self.pos

    def _take(self, count: int) -> memoryview:
        if count < 0 or self.pos + count > len(self.data):
            raise DlibFormatError(f"unexpected end of data at byte {self.pos} (wanted {count} more)")
        chunk = self.data[self.pos : self.pos + count]
        self.pos += count
        return chunk

    def byte(self) -> int:
        return self._take(1)[0]

    def int(self) -> int:
        """An integer of any C++ integer type (dlib's `pack_int` format)."""
        at = self.pos
        control = self.byte()
        size = control & 0x0F
        if size == 0 or size > 8 or control & 0x70:
            raise DlibFormatError(f"bad integer control byte 0x{control:02x} at byte {at}")
        value = int.from_bytes(self._take(size), "little")
        return -value if control & 0x80 else value

    def uint(self) -> builtins.int:
        """An unsigned integer; dlib never sets the sign bit for these."""
        at = self.pos
        value = self.int()
        if value < 0:
            raise DlibFormatError(f"negative value for an unsigned integer at byte {at}")
        return value

    def float(self) -> float:
        """A float or double (dlib's `float_details`: mantissa * 2**exponent)."""
        at = self.pos
        if self.remaining and self.data[self.pos] & 0x70:
            raise DlibFormatError(f"old ASCII float format at byte {at} is not supported")
        mantissa = self.int()
        exponent = self.int()
        if exponent == _FLOAT_INF:
            return float("inf")
        if exponent == _FLOAT_NINF:
            return float("-inf")
        if exponent == _FLOAT_NAN:
            return float("nan")
        if not -(1 << 15) <= exponent < (1 << 15) or not -(1 << 63) <= mantissa < (1 << 63):
            raise DlibFormatError(f"float out of range at byte {at}")
        return math.ldexp(float(mantissa), exponent)

    def bool(self) -> bool:
        at = self.pos
        char = self.byte()
        if char == ord("1"):
            return True
        if char == ord("0"):
            return False
        raise DlibFormatError(f"bad bool byte 0x{char:02x} at byte {at}")

    def string(self) -> str:
        size = self.uint()
        return bytes(self._take(size)).decode("latin-1")

    def expect_int(self, what: str, *allowed: builtins.int) -> builtins.int:
        at = self.pos
        value = self.int()
        if value not in allowed:
            raise DlibFormatError(f"{what}: version {value} at byte {at}, expected one of {allowed}")
        return value

    def tensor(self) -> np.ndarray:
        """A `resizable_tensor` as a float32 array of shape (num_samples, k, nr, nc)."""
        at = self.pos
        version = self.int()
        if version != 2:
            raise DlibFormatError(f"tensor version {version} at byte {at}, expected 2")
        shape = tuple(self.int() for _ in range(4))
        if any(d < 0 for d in shape):
            raise DlibFormatError(f"negative tensor dimension {shape} at byte {at}")
        count = int(np.prod(shape, dtype=np.int64))
        raw = self._take(4 * count)
        return np.frombuffer(raw, dtype="<f4").astype(np.float32).reshape(shape)

    def alias_tensor(self) -> tuple[builtins.int, builtins.int, builtins.int, builtins.int]:
        """An `alias_tensor`: just the shape of a view into some parameter tensor."""
        at = self.pos
        version = self.int()
        if version != 1:
            raise DlibFormatError(f"alias_tensor version {version} at byte {at}, expected 1")
        return tuple(self.int() for _ in range(4))  # type: ignore[return-value]


# --------------------------------------------------------------------------------------
# Layer details ("the layer" inside each add_layer), keyed by the version string dlib
# writes first. Every reader returns the fields dlib stores, under dlib's names.


@dataclass
class DlibLayer:
    """One decoded layer: its version string (which names its type) and its fields."""

    version: str
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        """The layer type without its format version: "con", "affine", "relu", ..."""
        for prefix in _KINDS:
            if self.version.startswith(prefix):
                return _KINDS[prefix]
        return self.version

    def __getitem__(self, name: str) -> Any:
        return self.fields[name]


_KINDS = {
    "input_rgb_image_sized": "input_rgb_image_sized",
    "input_rgb_image": "input_rgb_image",
    "loss_metric_": "loss_metric",
    "con_": "con",
    "fc_": "fc",
    "bn_con": "bn_con",
    "bn_fc": "bn_fc",
    "affine_": "affine",
    "relu_": "relu",
    "max_pool_": "max_pool",
    "avg_pool_": "avg_pool",
    "add_prev_": "add_prev",
}


def _input_rgb_image_sized(r: DlibReader, version: str) -> dict[str, Any]:
    return {"avg_red": r.float(), "avg_green": r.float(), "avg_blue": r.float(), "nr": r.uint(), "nc": r.uint()}


def _input_rgb_image(r: DlibReader, version: str) -> dict[str, Any]:
    return {"avg_red": r.float(), "avg_green": r.float(), "avg_blue": r.float()}


def _loss_metric(r: DlibReader, version: str) -> dict[str, Any]:
    if version == "loss_metric_":  # the first version had these two hard coded
        return {"margin": 0.1, "dist_thresh": 0.75}
    return {"margin": r.float(), "dist_thresh": r.float()}


def _con(r: DlibReader, version: str) -> dict[str, Any]:
    f: dict[str, Any] = {
        "params": r.tensor(),
        "num_filters": r.int(),
        "nr": r.int(),
        "nc": r.int(),
        "stride_y": r.int(),
        "stride_x": r.int(),
        "padding_y": r.int(),
        "padding_x": r.int(),
        "filters": r.alias_tensor(),
        "biases": r.alias_tensor(),
        "learning_rate_multiplier": r.float(),
        "weight_decay_multiplier": r.float(),
        "bias_learning_rate_multiplier": r.float(),
        "bias_weight_decay_multiplier": r.float(),
    }
    f["use_bias"] = r.bool() if version in ("con_5", "con_6") else True
    f["use_relu"] = r.bool() if version == "con_6" else False
    return f


def _fc(r: DlibReader, version: str) -> dict[str, Any]:
    f: dict[str, Any] = {
        "num_outputs": r.uint(),
        "num_inputs": r.uint(),
        "params": r.tensor(),
        "weights": r.alias_tensor(),
        "biases": r.alias_tensor(),
        "bias_mode": r.int(),  # 0 FC_HAS_BIAS, 1 FC_NO_BIAS
        "learning_rate_multiplier": r.float(),
        "weight_decay_multiplier": r.float(),
        "bias_learning_rate_multiplier": r.float(),
        "bias_weight_decay_multiplier": r.float(),
    }
    f["use_bias"] = r.bool() if version == "fc_3" else True
    return f


def _bn(r: DlibReader, version: str) -> dict[str, Any]:
    return {
        "params": r.tensor(),
        "gamma": r.alias_tensor(),
        "beta": r.alias_tensor(),
        "means": r.tensor(),
        "invstds": r.tensor(),
        "running_means": r.tensor(),
        "running_variances": r.tensor(),
        "num_updates": r.uint(),
        "running_stats_window_size": r.uint(),
        "learning_rate_multiplier": r.float(),
        "weight_decay_multiplier": r.float(),
        "bias_learning_rate_multiplier": r.float(),
        "bias_weight_decay_multiplier": r.float(),
        "eps": r.float(),
    }


def _affine(r: DlibReader, version: str) -> dict[str, Any]:
    f: dict[str, Any] = {"params": r.tensor(), "gamma": r.alias_tensor(), "beta": r.alias_tensor(), "mode": r.int()}
    f["disabled"] = r.bool() if version == "affine_2" else False
    return f


def _relu(r: DlibReader, version: str) -> dict[str, Any]:
    return {"disabled": r.bool() if version == "relu_2" else False}


def _pool(r: DlibReader, version: str) -> dict[str, Any]:
    return {
        "nr": r.int(),
        "nc": r.int(),
        "stride_y": r.int(),
        "stride_x": r.int(),
        "padding_y": r.int(),
        "padding_x": r.int(),
    }


def _nothing(r: DlibReader, version: str) -> dict[str, Any]:
    return {}


LAYER_READERS: dict[str, Callable[[DlibReader, str], dict[str, Any]]] = {
    "input_rgb_image_sized": _input_rgb_image_sized,
    "input_rgb_image": _input_rgb_image,
    "loss_metric_": _loss_metric,
    "loss_metric_2": _loss_metric,
    "con_4": _con,
    "con_5": _con,
    "con_6": _con,
    "fc_2": _fc,
    "fc_3": _fc,
    "bn_con2": _bn,
    "bn_fc2": _bn,
    "affine_": _affine,
    "affine_2": _affine,
    "relu_": _relu,
    "relu_2": _relu,
    "max_pool_2": _pool,
    "avg_pool_2": _pool,
    "add_prev_": _nothing,
}


def read_layer(r: DlibReader) -> DlibLayer:
    """One layer's details: its version string, then the fields that version holds."""
    at = r.pos
    version = r.string()
    reader = LAYER_READERS.get(version)
    if reader is None:
        raise DlibFormatError(f"unsupported dlib layer {version!r} at byte {at}")
    return DlibLayer(version, reader(r, version))


# --------------------------------------------------------------------------------------
# The nesting of a whole network.

LOSS, LAYER, TAG, SKIP, INPUT = "loss", "layer", "tag", "skip", "input"


@dataclass
class DlibNode:
    """One wrapper of the network: `layer<i>(net)` in dlib's numbering is `nodes[i]`.

    `kind` is one of "loss", "layer", "tag", "skip", "input"; `layer` holds the decoded
    details for loss, layer and input nodes (None for tags and skips).
    """

    kind: str
    version: int | None
    layer: DlibLayer | None = None


def _read_layer_state(r: DlibReader, version: int) -> None:
    """The training state an add_layer writes after its layer (read and dropped)."""
    r.bool()  # this_layer_setup_called
    r.bool()  # gradient_input_is_stale
    r.bool()  # get_output_and_gradient_input_disabled
    r.tensor()  # x_grad
    r.tensor()  # cached_output
    if version >= 2:
        r.tensor()  # params_grad


def _read_input_layer_state(r: DlibReader, version: int) -> None:
    """The same for the add_layer sitting right on the input layer (its own format)."""
    r.bool()  # this_layer_setup_called
    r.bool()  # gradient_input_is_stale
    r.bool()  # get_output_and_gradient_input_disabled
    r.tensor()  # x_grad
    r.tensor()  # cached_output
    r.tensor()  # grad_final
    if version >= 3:
        r.uint()  # _sample_expansion_factor


def read_network(r: DlibReader, plan: Sequence[str]) -> list[DlibNode]:
    """Decode a serialised dlib network whose wrapper kinds, outside in, are `plan`.

    `plan` starts with "loss" (an add_loss_layer) or not, ends with "input", and has
    "layer" (add_layer), "tag" (add_tag_layer) or "skip" (add_skip_layer) between.
    Returns one `DlibNode` per plan entry, in the same (dlib `layer<i>`) order.
    """
    plan = list(plan)
    if not plan or plan[-1] != INPUT or INPUT in plan[:-1] or LOSS in plan[1:]:
        raise ValueError("a plan is [loss,] then layer/tag/skip entries, then input")
    nodes: list[DlibNode] = []
    if plan[0] == LOSS:
        version = r.expect_int("add_loss_layer", 1)
        nodes.append(DlibNode(LOSS, version, read_layer(r)))
    wrappers = plan[len(nodes) : -1]
    if not wrappers or wrappers[-1] not in (LAYER, TAG):
        raise ValueError("the entry just outside the input must be a layer or a tag")

    # Every wrapper's version, outermost first (each writes it before its sub-network).
    for depth, kind in enumerate(wrappers):
        on_input = depth == len(wrappers) - 1
        if kind == LAYER:
            version = r.expect_int("add_layer", *((2, 3) if on_input else (1, 2)))
        elif kind == TAG:
            version = r.expect_int("add_tag_layer", *((1, 2) if on_input else (1,)))
        else:
            version = r.expect_int("add_skip_layer", 1)
        nodes.append(DlibNode(kind, version))

    input_node = DlibNode(INPUT, None, read_layer(r))

    # Then the layers themselves, from the input outwards.
    for index in range(len(nodes) - 1, len(nodes) - len(wrappers) - 1, -1):
        node = nodes[index]
        on_input = index == len(nodes) - 1
        if node.kind == LAYER:
            node.layer = read_layer(r)
            (_read_input_layer_state if on_input else _read_layer_state)(r, node.version or 0)
        elif node.kind == TAG and on_input:
            r.tensor()  # cached_output
            r.tensor()  # grad_final
            r.bool()  # gradient_input_is_stale
            if (node.version or 0) >= 2:
                r.uint()  # _sample_expansion_factor
    nodes.append(input_node)
    return nodes


def read_network_file(data: bytes, plan: Sequence[str], *, allow_trailing: bool = False) -> list[DlibNode]:
    """`read_network` over a whole file's bytes, checking that nothing is left over."""
    r = DlibReader(data)
    nodes = read_network(r, plan)
    if r.remaining and not allow_trailing:
        raise DlibFormatError(f"{r.remaining} bytes left after the network; the plan does not match the file")
    return nodes
