"""What a person can do, as plain functions over vault, reports and sync.

The command line (cli.py) and the desktop UI (ui/) both call only these.
"""
