"""What newsdeck keeps on disk: the index, reading state, the config file."""
