"""What PyInstaller freezes: the launcher (window, commands or --self-test)."""

import sys

from marugoto_desktop.launcher import main

if __name__ == "__main__":
    sys.exit(main())
