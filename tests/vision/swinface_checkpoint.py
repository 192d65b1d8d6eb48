"""Makes a randomly initialised checkpoint in the official SwinFace layout (no download), for the tests.

The layout is written out here from SwinFace's public code (Microsoft's Swin naming for the
backbone: patch merging at the end of stages 0-2, attention buffers stored; FAM with split
convolutions and CBAM channel gates; TSS MLPs; 42 output heads), independently of our module.
`heads` sets chosen output biases so a test can see which logits land where.
"""

from __future__ import annotations

from pathlib import Path

import torch

HEAD_SIZES = [2, 1, 2, 7, 2] + [2] * 37  # gender, age, young, expression, smiling, then 37 two-way heads
HEAD_ORDER = [
    "Gender",
    "Age",
    "Young",
    "Expression",
    "Smiling",
    "Attractive",
    "Blurry",
    "Chubby",
    "Heavy_Makeup",
    "Oval_Face",
    "Pale_Skin",
    "Bald",
    "Bangs",
    "Black_Hair",
    "Blond_Hair",
    "Brown_Hair",
    "Gray_Hair",
    "Receding_Hairline",
    "Straight_Hair",
    "Wavy_Hair",
    "Wearing_Hat",
    "Arched_Eyebrows",
    "Bags_Under_Eyes",
    "Bushy_Eyebrows",
    "Eyeglasses",
    "Narrow_Eyes",
    "Big_Nose",
    "Pointy_Nose",
    "High_Cheekbones",
    "Rosy_Cheeks",
    "Wearing_Earrings",
    "Sideburns",
    "5_o_Clock_Shadow",
    "Big_Lips",
    "Mouth_Slightly_Open",
    "Mustache",
    "Wearing_Lipstick",
    "No_Beard",
    "Double_Chin",
    "Goatee",
    "Wearing_Necklace",
    "Wearing_Necktie",
]


def _backbone(g: torch.Generator) -> dict[str, torch.Tensor]:
    r = lambda *shape: torch.randn(*shape, generator=g) * 0.02  # noqa: E731
    sd = {
        "patch_embed.proj.weight": r(96, 3, 2, 2),
        "patch_embed.proj.bias": r(96),
        "patch_embed.norm.weight": torch.ones(96),
        "patch_embed.norm.bias": torch.zeros(96),
    }
    dims, depths, heads, sides = (96, 192, 384, 768), (2, 2, 6, 2), (3, 6, 12, 24), (56, 28, 14, 7)
    for i, (dim, depth, head, side) in enumerate(zip(dims, depths, heads, sides)):
        for j in range(depth):
            p = f"layers.{i}.blocks.{j}."
            sd.update(
                {
                    p + "norm1.weight": torch.ones(dim),
                    p + "norm1.bias": torch.zeros(dim),
                    p + "attn.relative_position_bias_table": r(169, head),
                    p + "attn.relative_position_index": torch.randint(0, 169, (49, 49), generator=g),
                    p + "attn.qkv.weight": r(3 * dim, dim),
                    p + "attn.qkv.bias": r(3 * dim),
                    p + "attn.proj.weight": r(dim, dim),
                    p + "attn.proj.bias": r(dim),
                    p + "norm2.weight": torch.ones(dim),
                    p + "norm2.bias": torch.zeros(dim),
                    p + "mlp.fc1.weight": r(4 * dim, dim),
                    p + "mlp.fc1.bias": r(4 * dim),
                    p + "mlp.fc2.weight": r(dim, 4 * dim),
                    p + "mlp.fc2.bias": r(dim),
                }
            )
            if j % 2 and side > 7:
                sd[p + "attn_mask"] = torch.zeros((side // 7) ** 2, 49, 49)
        if i < 3:
            sd.update(
                {
                    f"layers.{i}.downsample.reduction.weight": r(2 * dim, 4 * dim),
                    f"layers.{i}.downsample.norm.weight": torch.ones(4 * dim),
                    f"layers.{i}.downsample.norm.bias": torch.zeros(4 * dim),
                }
            )
    sd.update(
        {
            "norm.weight": torch.ones(768),
            "norm.bias": torch.zeros(768),
            "head.weight": r(512, 768),
            "head.bias": r(512),
            "feature.0.weight": r(768, 768),
            "feature.2.weight": r(512, 768),
        }
    )
    for k, n in (("feature.1", 768), ("feature.3", 512)):
        sd.update(
            {
                f"{k}.weight": torch.ones(n),
                f"{k}.bias": torch.zeros(n),
                f"{k}.running_mean": torch.zeros(n),
                f"{k}.running_var": torch.ones(n),
                f"{k}.num_batches_tracked": torch.tensor(0),
            }
        )
    return sd


def _fam(g: torch.Generator) -> dict[str, torch.Tensor]:
    sd = {}
    for b in range(11):
        p = f"nets.{b}."
        for c, (cin, cout) in enumerate(zip((192, 384, 768, 768), (47, 93, 186, 186))):
            sd[p + f"conv.convs.{c}.weight"] = torch.randn(cout, cin, 3, 3, generator=g) * 0.01
        sd.update(
            {
                p + "channel_attention.mlp.1.weight": torch.randn(32, 512, generator=g) * 0.02,
                p + "channel_attention.mlp.1.bias": torch.zeros(32),
                p + "channel_attention.mlp.3.weight": torch.randn(512, 32, generator=g) * 0.02,
                p + "channel_attention.mlp.3.bias": torch.zeros(512),
                p + "norm.weight": torch.ones(512),
                p + "norm.bias": torch.zeros(512),
                p + "norm.running_mean": torch.zeros(512),
                p + "norm.running_var": torch.ones(512),
                p + "norm.num_batches_tracked": torch.tensor(0),
            }
        )
    return sd


def make(path: Path, heads: dict[str, list[float]] | None = None, seed: int = 0) -> Path:
    """Write the checkpoint; every output head has zero weights and zero bias unless `heads` sets its bias."""
    g = torch.Generator().manual_seed(seed)
    tss = {}
    for b in range(11):
        for layer in (0, 3):
            tss[f"nets.{b}.feature.{layer}.weight"] = torch.randn(512, 512, generator=g) * 0.02
            tss[f"nets.{b}.feature.{layer}.bias"] = torch.zeros(512)
    om = {}
    for k, (name, size) in enumerate(zip(HEAD_ORDER, HEAD_SIZES)):
        om[f"output_fcs.{k}.weight"] = torch.zeros(size, 512)
        om[f"output_fcs.{k}.bias"] = torch.tensor((heads or {}).get(name, [0.0] * size), dtype=torch.float32)
    torch.save(
        {"state_dict_backbone": _backbone(g), "state_dict_fam": _fam(g), "state_dict_tss": tss, "state_dict_om": om},
        path,
    )
    return path
