"""The thread policy: one number sets torch's and every onnxruntime session's intra-op threads."""

from __future__ import annotations

import torch

from faceorg.vision.onnx_session import onnx_session
from faceorg.vision.retinaface import RETINAFACE_SPEC, read_weights
from faceorg.vision.threads import apply_thread_policy
from faceorg.vision.weights import locate


def test_torch_and_onnxruntime_follow_the_configured_thread_count():
    before = torch.get_num_threads()
    model = read_weights(locate(RETINAFACE_SPEC))
    try:
        for threads in (1, 2):
            assert apply_thread_policy(threads) == threads
            assert torch.get_num_threads() == threads
            options = onnx_session(model, "cpu").get_session_options()
            assert options.intra_op_num_threads == threads
            assert options.inter_op_num_threads == 1
    finally:
        torch.set_num_threads(before)
