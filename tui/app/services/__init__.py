"""Thread work behind the screens; results come back as messages (see tui.app.messages)."""
