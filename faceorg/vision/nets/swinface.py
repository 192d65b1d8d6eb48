"""SwinFace (Qian et al. 2023): one Swin-T face network with 42 heads for recognition, age, expression
and the 40 CelebA attributes, in the layout of its official checkpoint.

The backbone is timm's Swin Transformer (patch 2, window 7, embed 96, depths 2-2-6-2) on a
112 x 112 face. SwinFace reads it at four points: the outputs of the first three stages
(after their patch merging, pooled to 7 x 7) and the last stage, 192 + 384 + 768 + 768 =
2112 channels ("all" features). The feature attention module (FAM) has 11 branches, each a
split 3x3 convolution back to 512 channels, a CBAM channel gate, ReLU, global max pooling
and batch norm; the task-specific subnets (TSS) are 11 two-layer MLPs; the output module
(OM) is 42 linear heads over the 11 groups. Written from the paper and the public
repository's layout; the official checkpoint stores the backbone in Microsoft's Swin
naming, which `backbone_from_official` maps onto timm's.
"""

from __future__ import annotations

import re
from typing import Any, cast

import torch
import torch.nn.functional as F
from torch import nn

INPUT_SIZE = 112
SPLIT_IN = (192, 384, 768, 768)
SPLIT_OUT = (47, 93, 186, 186)
FEATURE_DIM = 512
GROUPS: tuple[tuple[tuple[str, int], ...], ...] = (
    (("Gender", 2),),
    (("Age", 1), ("Young", 2)),
    (("Expression", 7), ("Smiling", 2)),
    (("Attractive", 2), ("Blurry", 2), ("Chubby", 2), ("Heavy_Makeup", 2), ("Oval_Face", 2), ("Pale_Skin", 2)),
    (
        ("Bald", 2),
        ("Bangs", 2),
        ("Black_Hair", 2),
        ("Blond_Hair", 2),
        ("Brown_Hair", 2),
        ("Gray_Hair", 2),
        ("Receding_Hairline", 2),
        ("Straight_Hair", 2),
        ("Wavy_Hair", 2),
        ("Wearing_Hat", 2),
    ),
    (("Arched_Eyebrows", 2), ("Bags_Under_Eyes", 2), ("Bushy_Eyebrows", 2), ("Eyeglasses", 2), ("Narrow_Eyes", 2)),
    (("Big_Nose", 2), ("Pointy_Nose", 2)),
    (("High_Cheekbones", 2), ("Rosy_Cheeks", 2), ("Wearing_Earrings", 2), ("Sideburns", 2)),
    (
        ("5_o_Clock_Shadow", 2),
        ("Big_Lips", 2),
        ("Mouth_Slightly_Open", 2),
        ("Mustache", 2),
        ("Wearing_Lipstick", 2),
        ("No_Beard", 2),
    ),
    (("Double_Chin", 2), ("Goatee", 2)),
    (("Wearing_Necklace", 2), ("Wearing_Necktie", 2)),
)
"""SwinFace's heads in checkpoint order: (name, outputs) per group; one FAM/TSS branch per group."""
HEADS: tuple[tuple[int, str, int], ...] = tuple((g, name, n) for g, group in enumerate(GROUPS) for name, n in group)
EXPRESSIONS = ("surprise", "fear", "disgust", "happy", "sad", "angry", "neutral")
"""SwinFace's expression logits in order (RAF-DB: Surprise, Fear, Disgust, Happy, Sad, Anger, Neutral)."""


def backbone() -> nn.Module:
    import timm

    return timm.create_model(
        "swin_tiny_patch4_window7_224",
        pretrained=False,
        img_size=INPUT_SIZE,
        patch_size=2,
        window_size=7,
        num_classes=0,
        drop_path_rate=0.0,
    )


class ChannelGate(nn.Module):
    """CBAM's channel attention: a shared MLP over the average- and max-pooled channels."""

    def __init__(self, channels: int, reduction: int = 16):
        super().__init__()
        self.mlp = nn.Sequential(
            nn.Flatten(),
            nn.Linear(channels, channels // reduction),
            nn.ReLU(),
            nn.Linear(channels // reduction, channels),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        weight = self.mlp(x.mean((2, 3), keepdim=True)) + self.mlp(x.amax((2, 3), keepdim=True))
        return x * torch.sigmoid(weight)[:, :, None, None]


class SplitConv(nn.Module):
    def __init__(self):
        super().__init__()
        self.convs = nn.ModuleList(nn.Conv2d(i, o, 3, 1, 1, bias=False) for i, o in zip(SPLIT_IN, SPLIT_OUT))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([conv(part) for conv, part in zip(self.convs, x.split(SPLIT_IN, dim=1))], dim=1)


class AttentionBranch(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = SplitConv()
        self.channel_attention = ChannelGate(FEATURE_DIM)
        self.norm = nn.BatchNorm1d(FEATURE_DIM, eps=2e-5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.relu(self.channel_attention(self.conv(x)))
        return self.norm(x.amax((2, 3)))


class FeatureAttention(nn.Module):
    def __init__(self):
        super().__init__()
        self.nets = nn.ModuleList(AttentionBranch() for _ in GROUPS)


class TaskSubnet(nn.Module):
    def __init__(self):
        super().__init__()
        self.feature = nn.Sequential(
            nn.Linear(FEATURE_DIM, FEATURE_DIM),
            nn.ReLU(),
            nn.Dropout(0.5),
            nn.Linear(FEATURE_DIM, FEATURE_DIM),
            nn.ReLU(),
            nn.Dropout(0.5),
        )


class TaskSubnets(nn.Module):
    def __init__(self):
        super().__init__()
        self.nets = nn.ModuleList(TaskSubnet() for _ in GROUPS)


class OutputHeads(nn.Module):
    def __init__(self):
        super().__init__()
        self.output_fcs = nn.ModuleList(nn.Linear(FEATURE_DIM, n) for _, _, n in HEADS)


class Embedding(nn.Module):
    """The identity head on the pooled last stage (its keys are `feature.*` in the backbone dict)."""

    def __init__(self, dim: int = 768):
        super().__init__()
        self.feature = nn.Sequential(
            nn.Linear(dim, dim, bias=False),
            nn.BatchNorm1d(dim, eps=2e-5),
            nn.Linear(dim, FEATURE_DIM, bias=False),
            nn.BatchNorm1d(FEATURE_DIM, eps=2e-5),
        )


class SwinFace(nn.Module):
    """(B, 3, 112, 112) RGB in [-1, 1] -> {head name: logits (B, n)} plus "Embedding" (B, 512)."""

    def __init__(self):
        super().__init__()
        self.backbone = backbone()
        self.embedding = Embedding()
        self.fam = FeatureAttention()
        self.tss = TaskSubnets()
        self.om = OutputHeads()

    def features(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The 2112-channel 7 x 7 map the FAM reads, and the pooled, normalised last stage."""
        net: Any = self.backbone  # a timm SwinTransformer
        x = net.patch_embed(x)  # B, 56, 56, 96 (NHWC)
        taps = []
        for i, stage in enumerate(net.layers):
            x = stage.downsample(x)
            if i > 0:
                taps.append(x)  # Microsoft's layout: the output of stage i-1, merged
            x = stage.blocks(x)
        taps.append(x)
        maps = [t.permute(0, 3, 1, 2) for t in taps]
        side = maps[-1].shape[-1]
        maps = [F.avg_pool2d(m, m.shape[-1] // side) if m.shape[-1] != side else m for m in maps]
        pooled = net.norm(x).mean((1, 2))
        return torch.cat(maps, dim=1), pooled

    def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        features, pooled = self.features(x)
        out = {"Embedding": self.embedding.feature(pooled)}
        branch = [cast(TaskSubnet, tss).feature(fam(features)) for fam, tss in zip(self.fam.nets, self.tss.nets)]
        for (group, name, _), head in zip(HEADS, self.om.output_fcs):
            out[name] = head(branch[group])
        return out


def backbone_from_official(state: dict[str, torch.Tensor]) -> tuple[dict, dict]:
    """The official backbone dict (Microsoft Swin naming) -> (timm backbone dict, embedding dict).

    Patch merging moves from the end of stage i to the start of stage i + 1; the buffers
    timm rebuilds itself (relative_position_index, attn_mask) and the unused
    classification head are dropped.
    """
    timm_state, embedding = {}, {}
    for key, value in state.items():
        if key.startswith("feature."):
            embedding[key] = value
        elif key.startswith("head.") or key.endswith(("relative_position_index", "attn_mask")):
            continue
        elif match := re.match(r"layers\.(\d+)\.downsample\.(.*)", key):
            timm_state[f"layers.{int(match.group(1)) + 1}.downsample.{match.group(2)}"] = value
        else:
            timm_state[key] = value
    return timm_state, embedding


def official_backbone_shapes() -> dict[str, tuple[int, ...]]:
    """Every tensor of the official backbone dict with its shape (made from our module, in their naming)."""
    model = SwinFace()
    shapes: dict[str, tuple[int, ...]] = {}
    for key, value in model.backbone.state_dict().items():
        if key.endswith(("relative_position_index", "attn_mask")):
            continue
        if match := re.match(r"layers\.(\d+)\.downsample\.(.*)", key):
            key = f"layers.{int(match.group(1)) - 1}.downsample.{match.group(2)}"
        shapes[key] = tuple(value.shape)
    window = 7 * 7
    for stage, (depth, side) in enumerate(zip((2, 2, 6, 2), (56, 28, 14, 7))):
        for block in range(depth):
            shapes[f"layers.{stage}.blocks.{block}.attn.relative_position_index"] = (window, window)
            if block % 2 and side > 7:
                shapes[f"layers.{stage}.blocks.{block}.attn_mask"] = ((side // 7) ** 2, window, window)
    shapes["head.weight"], shapes["head.bias"] = (FEATURE_DIM, 768), (FEATURE_DIM,)
    shapes.update({k: tuple(v.shape) for k, v in model.embedding.state_dict().items()})
    return shapes
