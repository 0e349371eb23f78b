"""Panes of the main screen: each draws data it is given and reports by message."""
