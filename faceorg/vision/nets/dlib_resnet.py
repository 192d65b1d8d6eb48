"""dlib's 128-D face descriptor ResNet as a torch module, loaded from dlib's own .dat file.

The network is dlib's `anet_type` from examples/dnn_face_recognition_ex.cpp (the test
type, with `affine` where training used `bn_con`); the weight file
`dlib_face_recognition_resnet_model_v1.dat` stores that test type (its layers say
"affine_", not "bn_con2"), decoded by `faceorg.vision.nets.dlib_format`.

Structure (dlib's `layer<i>` numbers in brackets are kept in `DlibResNet.dlib_layers`):

    input_rgb_image_sized<150>: x = (pixel - mean) / 256, mean = (122.782, 117.001, 104.298)
    stem:   con<32,7,7,2,2> (no padding) -> affine -> relu -> max_pool<3,3,2,2> (no padding)
    level4: 3 x ares<32>                               35 x 35
    level3: ares_down<64>,  3 x ares<64>               17 x 17
    level2: ares_down<128>, 2 x ares<128>               8 x 8
    level1: ares_down<256>, 2 x ares<256>               4 x 4 (see below)
    level0: ares_down<256>                              2 x 2
    avg_pool_everything -> fc_no_bias<128>  (loss_metric only matters for training)

    ares<N>      = relu(x + block(x))                  block stride 1
    ares_down<N> = relu(avg_pool<2,2,2,2>(x) + block(x)) block stride 2
    block        = affine(con<N,3,3,1,1>(relu(affine(con<N,3,3,s,s>(x)))))

dlib details that differ from the usual torch ResNet and are reproduced exactly:

* con and pooling pad by `nr/2` only when the stride is 1; strided ones do not pad, and
  output sizes round down: 1 + (in + 2*pad - window) // stride.
* `add_prev` adds tensors of different shapes by treating what lies outside either as
  zero, aligned at index 0. In ares_down the skip path keeps the input's channels
  (32 into 64, 64 into 128, 128 into 256), so the extra channels come from the block
  alone; and at level1 the strided 3x3 conv turns 8x8 into 3x3 while avg_pool gives
  4x4, so the sum is 4x4 with the block only in its top-left 3x3 (level0 likewise:
  block 1x1 inside a 2x2 sum).
* each `affine` is folded into the con before it: w' = w * gamma, b' = b * gamma + beta.

The output is dlib's raw descriptor (not unit length); callers normalise if they need to.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from faceorg.vision.nets.dlib_format import (
    INPUT,
    LAYER,
    LOSS,
    SKIP,
    TAG,
    DlibFormatError,
    DlibLayer,
    DlibNode,
    read_network_file,
)

MODEL_FILENAME = "dlib_face_recognition_resnet_model_v1.dat"
MODEL_SHA256 = "55533b28a95800a551ba546ba62fe69625c7e95a7061c338adffead08719da30"
CHIP_SIZE = 150
DESCRIPTOR_DIM = 128
# input_rgb_image_sized's default means (dlib/dnn/input.h); the file stores the same.
DLIB_RGB_MEANS = (122.782, 117.001, 104.298)


def default_model_path() -> Path:
    """The .dat shipped in the face_recognition_models package (found without importing it)."""
    from faceorg.vision.weights import package_dir

    return package_dir("face_recognition_models") / "models" / MODEL_FILENAME


# --------------------------------------------------------------------------------------
# The network type, outside in, as dlib nests it. Each entry is (wrapper kind, layer
# kind or tag id, extra): levels and blocks expand exactly like the C++ templates.

Entry = tuple[str, str, tuple[int, ...]]


def _block(n: int, stride: int) -> list[Entry]:
    # BN<con<N,3,3,1,1,relu<BN<con<N,3,3,stride,stride,SUBNET>>>>>
    return [
        (LAYER, "affine", ()),
        (LAYER, "con", (n, 3, 1)),
        (LAYER, "relu", ()),
        (LAYER, "affine", ()),
        (LAYER, "con", (n, 3, stride)),
    ]


def _ares(n: int) -> list[Entry]:
    # relu<add_prev1<block<N,affine,1,tag1<SUBNET>>>>
    return [(LAYER, "relu", ()), (LAYER, "add_prev", (1,)), *_block(n, 1), (TAG, "tag", (1,))]


def _ares_down(n: int) -> list[Entry]:
    # relu<add_prev2<avg_pool<2,2,2,2,skip1<tag2<block<N,affine,2,tag1<SUBNET>>>>>>>
    return [
        (LAYER, "relu", ()),
        (LAYER, "add_prev", (2,)),
        (LAYER, "avg_pool", (2, 2)),
        (SKIP, "skip", (1,)),
        (TAG, "tag", (2,)),
        *_block(n, 2),
        (TAG, "tag", (1,)),
    ]


# (channels, number of ares, whether the level starts with an ares_down), level0 first.
LEVELS: tuple[tuple[int, int, bool], ...] = (
    (256, 0, True),  # alevel0 = ares_down<256>
    (256, 2, True),  # alevel1 = ares<256,ares<256,ares_down<256>>>
    (128, 2, True),  # alevel2
    (64, 3, True),  # alevel3
    (32, 3, False),  # alevel4 = ares<32,ares<32,ares<32>>>
)


def anet_entries() -> list[Entry]:
    """dlib's anet_type, outside in (index i is `layer<i>(net)`)."""
    entries: list[Entry] = [(LOSS, "loss_metric", ()), (LAYER, "fc", (DESCRIPTOR_DIM,)), (LAYER, "avg_pool", (0, 1))]
    for channels, repeats, down in LEVELS:
        for _ in range(repeats):
            entries += _ares(channels)
        if down:
            entries += _ares_down(channels)
    entries += [
        (LAYER, "max_pool", (3, 2)),
        (LAYER, "relu", ()),
        (LAYER, "affine", ()),
        (LAYER, "con", (32, 7, 2)),
        (INPUT, "input_rgb_image_sized", (CHIP_SIZE,)),
    ]
    return entries


# --------------------------------------------------------------------------------------
# The torch module.


def dlib_add(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """dlib's add_prev: a + b where anything outside the smaller tensor counts as zero."""
    if a.shape == b.shape:
        return a + b
    c, h, w = (max(a.shape[i], b.shape[i]) for i in (1, 2, 3))

    def grow(t: torch.Tensor) -> torch.Tensor:
        if t.shape[1:] == (c, h, w):
            return t
        return F.pad(t, (0, w - t.shape[3], 0, h - t.shape[2], 0, c - t.shape[1]))

    return grow(a) + grow(b)


class DlibResBlock(nn.Module):
    """ares / ares_down: relu(skip(x) + affine(con(relu(affine(con(x)))))) with affines folded."""

    def __init__(self, in_channels: int, channels: int, stride: int) -> None:
        super().__init__()
        self.stride = stride
        self.conv1 = nn.Conv2d(in_channels, channels, 3, stride, padding=1 if stride == 1 else 0)
        self.conv2 = nn.Conv2d(channels, channels, 3, 1, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.conv2(F.relu(self.conv1(x)))
        skip = F.avg_pool2d(x, 2, 2) if self.stride != 1 else x
        return F.relu(dlib_add(skip, y))


class DlibResNet(nn.Module):
    """dlib_face_recognition_resnet_model_v1 in torch; input N x 3 x 150 x 150, normalised."""

    rgb_means: torch.Tensor  # a buffer, registered in __init__
    metric: dict[str, Any]  # loss_metric's fields, set by load_dlib_resnet

    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Conv2d(3, 32, 7, 2, padding=0)
        blocks: list[DlibResBlock] = []
        in_channels = 32
        for channels, repeats, down in reversed(LEVELS):  # from the input: level4 first
            if down:
                blocks.append(DlibResBlock(in_channels, channels, 2))
            blocks.extend(DlibResBlock(channels, channels, 1) for _ in range(repeats))
            in_channels = channels
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(in_channels, DESCRIPTOR_DIM, bias=False)
        self.register_buffer("rgb_means", torch.tensor(DLIB_RGB_MEANS, dtype=torch.float32), persistent=False)
        # torch parameter prefix -> the dlib layer<i> indices it came from (con, affine).
        self.dlib_layers: dict[str, tuple[int, ...]] = {}

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.max_pool2d(F.relu(self.stem(x)), 3, 2)
        x = self.blocks(x)
        x = x.mean(dim=(2, 3))  # avg_pool_everything
        return self.fc(x)

    def normalize(self, chips: torch.Tensor) -> torch.Tensor:
        """uint8 N x 3 x 150 x 150 RGB (on any device) -> the network's float input.

        The result has the model's device, dtype and memory format (channels_last when
        the model was converted with `.to(memory_format=torch.channels_last)`).
        """
        x = chips.to(self.rgb_means.device, torch.float32)
        x = ((x - self.rgb_means.view(1, 3, 1, 1)) / 256.0).to(self.fc.weight.dtype)
        channels_last = self.stem.weight.is_contiguous(memory_format=torch.channels_last)
        return x.contiguous(memory_format=torch.channels_last if channels_last else torch.contiguous_format)

    @torch.inference_mode()
    def embed(self, chips: Sequence[np.ndarray], batch_size: int = 32) -> np.ndarray:
        """Raw float32 descriptors (N x 128) of 150 x 150 RGB uint8 chips, in batches."""
        out = np.zeros((len(chips), DESCRIPTOR_DIM), dtype=np.float32)
        for start in range(0, len(chips), batch_size):
            batch = torch.from_numpy(_stack_chips(chips[start : start + batch_size])).to(self.fc.weight.device)
            x = self.normalize(batch.permute(0, 3, 1, 2))
            out[start : start + len(batch)] = self(x).float().cpu().numpy()
        return out


def _stack_chips(chips: Iterable[np.ndarray]) -> np.ndarray:
    arrays = [np.asarray(c) for c in chips]
    for a in arrays:
        if a.shape != (CHIP_SIZE, CHIP_SIZE, 3) or a.dtype != np.uint8:
            raise ValueError(f"a chip must be {CHIP_SIZE}x{CHIP_SIZE}x3 uint8 RGB, got {a.shape} {a.dtype}")
    return np.stack(arrays)


def chips_to_tensor(
    chips: Sequence[np.ndarray],
    means: Sequence[float] = DLIB_RGB_MEANS,
    memory_format: torch.memory_format = torch.channels_last,
) -> torch.Tensor:
    """dlib's input_rgb_image_sized<150>: float32 N x 3 x 150 x 150, (pixel - mean) / 256.

    `chips` are 150 x 150 x 3 uint8 RGB arrays as `dlib.get_face_chip` returns them;
    channel 0 is red. The tensor is laid out channels_last by default (it is the chips'
    own HWC order, and the fast one for the default model); the values do not depend on it.
    """
    x = torch.from_numpy(_stack_chips(chips)).permute(0, 3, 1, 2).to(torch.float32)
    m = torch.tensor(means, dtype=torch.float32).view(1, 3, 1, 1)
    return ((x - m) / 256.0).contiguous(memory_format=memory_format)


# --------------------------------------------------------------------------------------
# Loading.


def _expect(layer: DlibLayer | None, kind: str, index: int) -> DlibLayer:
    if layer is None or layer.kind != kind:
        found = None if layer is None else layer.version
        raise DlibFormatError(f"layer<{index}>: expected {kind}, found {found}")
    return layer


def _conv_affine(con: DlibLayer, affine: DlibLayer, expect: tuple[int, int, int]) -> tuple[torch.Tensor, torch.Tensor]:
    """A con's filters and bias with the following affine folded in."""
    num_filters, size, stride = expect
    n, k, nr, nc = con["filters"]
    if (con["num_filters"], con["nr"], con["nc"], con["stride_y"], con["stride_x"]) != (
        num_filters,
        size,
        size,
        stride,
        stride,
    ):
        raise DlibFormatError(
            f"con {con['num_filters']} x {nr} x {nc} stride {con['stride_y']} is not (filters, size, stride) {expect}"
        )
    pad = size // 2 if stride == 1 else 0
    if (con["padding_y"], con["padding_x"]) != (pad, pad) or con["use_relu"]:
        raise DlibFormatError("unexpected con padding or fused relu")
    params = con["params"].reshape(-1)
    weight = params[: n * k * nr * nc].reshape(n, k, nr, nc)
    bias = params[n * k * nr * nc : n * k * nr * nc + n] if con["use_bias"] else np.zeros(n, np.float32)
    if params.size != weight.size + (n if con["use_bias"] else 0):
        raise DlibFormatError("con parameter count does not match its filters")
    if affine["mode"] != 0 or affine["disabled"]:
        raise DlibFormatError("expected an enabled CONV_MODE affine after each con")
    g = affine["params"].reshape(-1)
    if g.size != 2 * n or affine["gamma"][1] != n:
        raise DlibFormatError("affine size does not match the con before it")
    gamma, beta = g[:n].astype(np.float64), g[n:].astype(np.float64)
    w = weight.astype(np.float64) * gamma[:, None, None, None]
    b = bias.astype(np.float64) * gamma + beta
    return torch.from_numpy(w.astype(np.float32)), torch.from_numpy(b.astype(np.float32))


def build_from_nodes(nodes: list[DlibNode]) -> DlibResNet:
    """Fill a `DlibResNet` from the decoded nodes of anet_type (see `anet_entries`)."""
    entries = anet_entries()
    if len(nodes) != len(entries):
        raise DlibFormatError("node count does not match anet_type")
    for i, ((kind, layer_kind, _), node) in enumerate(zip(entries, nodes)):
        if node.kind != kind or (node.layer is not None and node.layer.kind != layer_kind):
            raise DlibFormatError(
                f"layer<{i}>: expected {kind} {layer_kind}, found {node.kind} {node.layer and node.layer.version}"
            )

    model = DlibResNet()
    inp = _expect(nodes[-1].layer, "input_rgb_image_sized", len(nodes) - 1)
    if (inp["nr"], inp["nc"]) != (CHIP_SIZE, CHIP_SIZE):
        raise DlibFormatError("the input layer is not 150 x 150")
    model.rgb_means.copy_(torch.tensor([inp["avg_red"], inp["avg_green"], inp["avg_blue"]], dtype=torch.float32))

    # Walk from the input outwards, consuming the entries in the order the module runs.
    i = len(nodes) - 2
    con, aff = _expect(nodes[i].layer, "con", i), _expect(nodes[i - 1].layer, "affine", i - 1)
    w, b = _conv_affine(con, aff, (32, 7, 2))
    model.stem.weight.data.copy_(w)
    cast(torch.Tensor, model.stem.bias).data.copy_(b)
    model.dlib_layers["stem"] = (i, i - 1)
    pool = _expect(nodes[i - 3].layer, "max_pool", i - 3)
    if (pool["nr"], pool["nc"], pool["stride_y"], pool["stride_x"], pool["padding_y"], pool["padding_x"]) != (
        3,
        3,
        2,
        2,
        0,
        0,
    ):
        raise DlibFormatError("unexpected max_pool")
    i -= 4  # con, affine, relu, max_pool

    for index, block in enumerate(model.blocks):
        assert isinstance(block, DlibResBlock)
        n = block.conv1.out_channels
        i -= 1  # tag1
        c1, a1 = _expect(nodes[i].layer, "con", i), _expect(nodes[i - 1].layer, "affine", i - 1)
        c2, a2 = _expect(nodes[i - 3].layer, "con", i - 3), _expect(nodes[i - 4].layer, "affine", i - 4)
        for conv, (c, a, stride, at) in ((block.conv1, (c1, a1, block.stride, i)), (block.conv2, (c2, a2, 1, i - 3))):
            w, b = _conv_affine(c, a, (n, 3, stride))
            conv.weight.data.copy_(w)
            cast(torch.Tensor, conv.bias).data.copy_(b)
            model.dlib_layers[f"blocks.{index}.conv{1 if conv is block.conv1 else 2}"] = (at, at - 1)
        i -= 5
        if block.stride != 1:
            i -= 2  # tag2, skip1
            pool = _expect(nodes[i].layer, "avg_pool", i)
            if (pool["nr"], pool["nc"], pool["stride_y"], pool["stride_x"], pool["padding_y"], pool["padding_x"]) != (
                2,
                2,
                2,
                2,
                0,
                0,
            ):
                raise DlibFormatError("unexpected avg_pool on a skip path")
            i -= 1
        _expect(nodes[i].layer, "add_prev", i)
        _expect(nodes[i - 1].layer, "relu", i - 1)
        i -= 2

    pool = _expect(nodes[i].layer, "avg_pool", i)
    if (pool["nr"], pool["nc"], pool["stride_y"], pool["stride_x"]) != (0, 0, 1, 1):
        raise DlibFormatError("expected avg_pool_everything")
    fc = _expect(nodes[i - 1].layer, "fc", i - 1)
    if fc["bias_mode"] != 1 or fc["num_outputs"] != DESCRIPTOR_DIM or fc["num_inputs"] != model.fc.in_features:
        raise DlibFormatError("expected fc_no_bias<128> over 256 inputs")
    # dlib's fc computes output = input (N x inputs) * W (inputs x outputs).
    weights = (
        fc["params"].reshape(-1)[: fc["num_inputs"] * fc["num_outputs"]].reshape(fc["num_inputs"], fc["num_outputs"])
    )
    model.fc.weight.data.copy_(torch.from_numpy(np.ascontiguousarray(weights.T)))
    model.dlib_layers["fc"] = (i - 1,)
    if i - 1 != 1:
        raise DlibFormatError("layer walk did not end at layer<1>")
    return model


def load_dlib_resnet(path: str | Path | None = None, *, verify: bool = False, channels_last: bool = True) -> DlibResNet:
    """Parse dlib's .dat (default: face_recognition_models' copy) into an eval-mode CPU module.

    `channels_last` stores the conv weights NHWC, which oneDNN runs roughly 10-30 %
    faster on CPU than NCHW (bench/embed_speed.py); `embed` and `normalize` follow the
    model's format, and plain NCHW input still works (torch converts it).
    """
    path = Path(path) if path is not None else default_model_path()
    if verify:
        from faceorg.vision.weights import sha256_of

        if sha256_of(path) != MODEL_SHA256:
            raise DlibFormatError(f"{path} is not dlib_face_recognition_resnet_model_v1 (sha256 mismatch)")
    plan = [kind for kind, _, _ in anet_entries()]
    nodes = read_network_file(path.read_bytes(), plan)
    model = build_from_nodes(nodes)
    model.metric = _expect(nodes[0].layer, "loss_metric", 0).fields  # margin, dist_thresh (training)
    model = model.eval().requires_grad_(False)
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
    return model


@dataclass(frozen=True)
class DescriptorStats:
    """How far one set of descriptors is from a reference set (for tests and benches)."""

    max_cosine_distance: float
    max_relative_l2: float


def compare_descriptors(ours: np.ndarray, reference: np.ndarray) -> DescriptorStats:
    ours = np.asarray(ours, np.float64)
    reference = np.asarray(reference, np.float64)
    cos = (ours * reference).sum(1) / (np.linalg.norm(ours, axis=1) * np.linalg.norm(reference, axis=1))
    rel = np.linalg.norm(ours - reference, axis=1) / np.linalg.norm(reference, axis=1)
    return DescriptorStats(float((1.0 - cos).max()), float(rel.max()))
