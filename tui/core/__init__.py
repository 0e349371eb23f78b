"""Parsing, conversion, scanning and matching: everything that knows nothing of Textual."""
