"""The documents people print (DESIGN §6): built with reportlab, in memory, as PDF bytes."""
