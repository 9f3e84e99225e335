"""The 総合センター sync server (DESIGN §5)."""
