"""Replication of generic records between desktop vaults and the 総合センター server.

The pure core (hlc, changes) is shared by both sides and knows nothing of households.
"""
