"""Statistics, documents (PDF) and exports (CSV, JSON Lines) made from the vault's records."""
