"""newsdeck: a terminal news browser for folders of news articles."""

__version__ = "0.1.0"
