"""Settings: the library's folders, the device the models run on, the theme.

The theme applies at once; the device is written to the settings file and takes effect at
the next launch (the models are loaded once). Folders are added and removed through the
library, as from the File menu.
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from faceorg.ui.app_style import THEMES

DEVICES = {"auto": "Automatic (GPU when there is one)", "cpu": "CPU", "cuda": "GPU (CUDA)"}


def read_settings_file(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except (OSError, ValueError):
        return {}


class SettingsDialog(QDialog):
    def __init__(self, window, settings_file: Path):
        super().__init__(window)
        self.setWindowTitle("Settings")
        self.window_ = window
        self.settings_file = settings_file
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.theme = QComboBox(objectName="themeChoice")  # type: ignore[call-arg]
        for theme in THEMES:
            self.theme.addItem({"system": "Follow the system", "light": "Light", "dark": "Dark"}[theme], theme)
        self.theme.setCurrentIndex(max(0, self.theme.findData(window.theme)))
        self.theme.currentIndexChanged.connect(lambda _i: window.set_theme(self.theme.currentData()))
        form.addRow("Theme", self.theme)
        self.device = QComboBox(objectName="deviceChoice")  # type: ignore[call-arg]
        for key, label in DEVICES.items():
            self.device.addItem(label, key)
        chosen = read_settings_file(settings_file).get("device", "auto")
        self.device.setCurrentIndex(max(0, self.device.findData(chosen)))
        form.addRow("Run the models on", self.device)
        form.addRow("", QLabel("A new device takes effect the next time faceorg starts.", objectName="pageHint"))  # type: ignore[call-overload]
        layout.addLayout(form)
        layout.addWidget(QLabel("Folders in this library"))
        self.folders = QListWidget(objectName="folderList")  # type: ignore[call-arg]
        layout.addWidget(self.folders)
        row = QHBoxLayout()
        add = QPushButton("Add Folder…")
        add.clicked.connect(window.add_folder_dialog)
        remove = QPushButton("Remove from Library…")
        remove.clicked.connect(self._remove)
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        holder = QWidget()
        holder.setLayout(row)
        layout.addWidget(holder)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.accept)
        layout.addWidget(buttons)
        self.accepted.connect(self._save_device)
        self.fill_folders()

    def fill_folders(self) -> None:
        self.folders.clear()
        for folder_id, path in sorted(self.window_.folder_paths.items(), key=lambda kv: kv[1]):
            item = QListWidgetItem(path)
            item.setData(256, folder_id)
            self.folders.addItem(item)

    def _remove(self) -> None:
        item = self.folders.currentItem()
        if item is not None:
            self.window_.remove_folder(int(item.data(256)))

    def _save_device(self) -> None:
        values = read_settings_file(self.settings_file)
        device = self.device.currentData()
        if values.get("device", "auto") != device:
            values["device"] = device
            self.settings_file.parent.mkdir(parents=True, exist_ok=True)
            self.settings_file.write_text(json.dumps(values, indent=2), encoding="utf-8")
