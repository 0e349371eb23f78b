"""Screens: the main screen that routes messages between panes, and the modal ones."""
