"""The desktop face: PySide6 widgets and item models. The only package that imports Qt."""
