"""MediaPipe's face mesh network (468 3D landmarks from a 192x192 face crop), in torch.

The layout of `face_landmark.tflite` (mediapipe 0.10.21, Apache-2.0): a 3x3 stride-2
convolution, then residual blocks of a 3x3 depthwise and a 1x1 convolution whose shortcut
is a 2x2 max-pool (and zero channels) where the block halves the size, each followed by a
PReLU; at 6x6 the trunk splits into the landmark head (1404 = 468 x (x, y, z) in input
pixels) and the face-presence head (one logit). TensorFlow's "SAME" padding puts the extra
pixel of a stride-2 convolution on the right and bottom, so it is padded by hand here.
Written from the graph the converter reads (`tools/convert_face_mesh.py`), which maps
every tflite tensor onto this module and checks its outputs against the tflite runtime.
Input: RGB scaled to [0, 1] (mediapipe's face_landmark graph: ImageToTensorCalculator
with output_tensor_float_range 0..1).
"""

from __future__ import annotations

from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

INPUT_SIZE = 192
LANDMARKS = 468


def _same_pad(x: torch.Tensor, stride: int) -> torch.Tensor:
    """TensorFlow SAME padding for a 3x3 kernel: (1, 1) at stride 1, (0, 1) at stride 2 on even sizes."""
    return F.pad(x, (1, 1, 1, 1)) if stride == 1 else F.pad(x, (0, 1, 0, 1))


class Block(nn.Module):
    """PReLU(x' + pw(dw(x))), x' = x, or max-pooled x with zero channels appended when the block shrinks."""

    def __init__(self, cin: int, cout: int, stride: int = 1):
        super().__init__()
        self.stride, self.extra = stride, cout - cin
        self.dw = nn.Conv2d(cin, cin, 3, stride, 0, groups=cin)
        self.pw = nn.Conv2d(cin, cout, 1)
        self.act = nn.PReLU(cout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.pw(self.dw(_same_pad(x, self.stride)))
        if self.stride == 2:
            x = F.max_pool2d(x, 2)
        if self.extra:
            x = F.pad(x, (0, 0, 0, 0, 0, self.extra))
        return self.act(x + y)


class Head(nn.Module):
    """A shrinking block (and more blocks), 1x1 to 32 channels, one block, a 3x3 valid convolution to `out`."""

    def __init__(self, blocks: int, out: int):
        super().__init__()
        self.blocks = nn.Sequential(Block(128, 128, 2), *[Block(128, 128) for _ in range(blocks - 1)])
        self.squeeze = nn.Conv2d(128, 32, 1)
        self.squeeze_act = nn.PReLU(32)
        self.last_block = Block(32, 32)
        self.out = nn.Conv2d(32, out, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.last_block(self.squeeze_act(self.squeeze(self.blocks(x))))
        return self.out(x).flatten(1)


TRUNK: tuple[tuple[int, int, int], ...] = (
    *((16, 16, 1), (16, 16, 1), (16, 32, 2), (32, 32, 1), (32, 32, 1), (32, 64, 2), (64, 64, 1), (64, 64, 1)),
    *((64, 128, 2), (128, 128, 1), (128, 128, 1), (128, 128, 2), (128, 128, 1), (128, 128, 1)),
)
"""(in, out, stride) of the 14 trunk blocks: 96 px after the stem, halved to 48, 24, 12 and 6."""


class FaceMesh(nn.Module):
    """(B, 3, 192, 192) RGB in [0, 1] -> ((B, 468, 3) landmarks in input pixels, (B,) face-presence logit)."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 16, 3, 2, 0)
        self.stem_act = nn.PReLU(16)
        self.trunk = nn.Sequential(*[Block(*spec) for spec in TRUNK])
        self.landmarks = Head(3, 3 * LANDMARKS)
        self.presence = Head(1, 1)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        x = self.trunk(self.stem_act(self.stem(_same_pad(x, 2))))
        return self.landmarks(x).view(-1, LANDMARKS, 3), self.presence(x)[:, 0]


def load_face_mesh(path: Path, device: str = "cpu") -> FaceMesh:
    """Our module with the converted weights (float16 on disk, as in the tflite file), in float32, eval mode."""
    from safetensors.torch import load_file

    model = FaceMesh()
    model.load_state_dict({k: v.float() for k, v in load_file(str(path)).items()}, strict=True)
    return model.eval().to(device)
