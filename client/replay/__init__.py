"""The replay viewer: a Textual screen over `server.replay.Replay` (see app.py and screen.py)."""
