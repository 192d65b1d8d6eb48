"""What a person is told about one face, in words and percentages (never logits).

The command line prints these facts on one line, the viewer as a list; both come from here.
Expressions we cannot vouch for (not offered as filters, see core.calibration) carry a word
of doubt; the age is stated with the range that holds the true age about 80 % of the time.
An expression or age made by an imported model (SwinFace) names that model instead: our
calibration was fitted to our own models' outputs, not to its.
"""

from __future__ import annotations

from faceorg.core.calibration import ExpressionRule, load_calibration, stated_range
from faceorg.core.expression import top_expression
from faceorg.core.face import FaceRecord
from faceorg.core.model_values import model_label


def expression_fact(probabilities: dict[str, float], rule: ExpressionRule) -> str:
    """'happy (92%)' where the filter is trusted, 'perhaps sad (41%) or neutral (30%), often wrong' where not."""
    name, p = top_expression(probabilities)
    if rule.offered(name) and p >= rule.threshold(name):
        return f"{name} ({p:.0%})"
    first, second = sorted(probabilities.items(), key=lambda item: -item[1])[:2]
    return f"perhaps {first[0]} ({first[1]:.0%}) or {second[0]} ({second[1]:.0%}), often wrong"


def age_fact(age: float, spread: float | None, params: dict | None) -> str:
    """'34 (28–41)' with a calibrated range, else the model's own 'about 34 (± 6)'."""
    if params:
        low, high = stated_range(age, params)
        return f"{age:.0f} ({float(low):.0f}–{float(high):.0f})"
    return f"about {age:.0f} (± {spread or 0:.0f})"


def face_facts(face: FaceRecord, calibration: dict | None = None) -> list[tuple[str, str]]:
    """(label, value) pairs: expression, age, gender, then each attribute as yes/no."""
    calibration = load_calibration() if calibration is None else calibration
    facts: list[tuple[str, str]] = []
    if face.expression and (label := model_label(face.expression_model)):
        name, p = top_expression(face.expression)
        facts.append(("Expression", f"{name} ({p:.0%}, {label})"))  # FER's calibration says nothing of it
    elif face.expression:
        facts.append(("Expression", expression_fact(face.expression, ExpressionRule.load(calibration))))
    if face.age is not None and (label := model_label(face.age_model)):
        facts.append(("Age", f"about {face.age:.0f} ({label})"))
    elif face.age is not None:
        facts.append(("Age", age_fact(face.age, face.age_spread, calibration.get("age"))))
    if face.male is not None:
        facts.append(("Gender", f"{'male' if face.male >= 0.5 else 'female'} ({max(face.male, 1 - face.male):.0%})"))
    for name, p in sorted(face.attributes.items()):
        if name != "Male":  # the gender line says it
            facts.append((name.replace("_", " "), f"{'yes' if p >= 0.5 else 'no'} ({p:.0%})"))
    if face.pose:
        facts.append(("Head pose", pose_fact(face.pose)))
    return facts


def pose_fact(pose: dict[str, float]) -> str:
    """'yaw +12°, pitch -3°, roll +2°': yaw > 0 turned to the photo's right, pitch > 0 up, roll > 0 clockwise."""
    return f"yaw {pose['yaw']:+.0f}°, pitch {pose['pitch']:+.0f}°, roll {pose['roll']:+.0f}°"
