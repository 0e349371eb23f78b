"""Disk to Article: decoding, the header split, dates, the parser, the scan and the watcher."""
