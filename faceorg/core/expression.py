"""The seven expression classes, in the order the FER2013 models emit them."""

EXPRESSIONS: tuple[str, ...] = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")


def top_expression(probabilities: dict[str, float]) -> tuple[str, float]:
    """The most likely expression and its probability."""
    name = max(probabilities, key=probabilities.__getitem__)
    return name, probabilities[name]
