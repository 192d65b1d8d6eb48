"""The desktop app (PySide6): a thin layer of models, views and one worker thread over the engine."""
