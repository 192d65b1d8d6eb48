"""onnxruntime sessions built one way: the thread policy's thread count, no spinning,
the CUDA provider first when the device is a GPU and onnxruntime has it."""

from __future__ import annotations

from faceorg.vision.threads import model_threads


def providers_for(device: str) -> list[str]:
    import onnxruntime as ort

    providers = ["CPUExecutionProvider"]
    if device.startswith("cuda") and "CUDAExecutionProvider" in ort.get_available_providers():
        providers.insert(0, "CUDAExecutionProvider")
    return providers


def onnx_session(model: str | bytes, device: str, threads: int | None = None):
    """A session for a model file path or its bytes.

    Idle worker threads do not spin-wait: on a busy computer spinning steals the very
    cores the other threads are waiting for.
    """
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = max(1, threads or model_threads())
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.add_session_config_entry("session.inter_op.allow_spinning", "0")
    return ort.InferenceSession(model, sess_options=options, providers=providers_for(device))
