"""HTML bodies to what a reader sees: Markdown for the reading pane, plain text for search."""
