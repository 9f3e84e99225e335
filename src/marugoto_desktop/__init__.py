"""marugoto-desktop: offline-first case records for Takamatsu City's まるごと福祉相談員."""

__version__ = "0.1.0"
