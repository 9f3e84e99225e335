# Replaces PyInstaller's own hook for this module: the same collection, less the Qt plugins and
# translations the app does not use (bundle_rules.py says which and why). Filtering here, not
# after Analysis, keeps out the system libraries those plugins would have pulled in too.
from bundle_rules import keep_qt_file
from PyInstaller.utils.hooks.qt import add_qt6_dependencies

hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
binaries = [(src, dest) for src, dest in binaries if keep_qt_file(dest, src)]
datas = [(src, dest) for src, dest in datas if keep_qt_file(dest, src)]
