"""`parley web`: the real Textual client, console and replay viewer, served to browsers.

`server.WebServer` (an aiohttp app built on textual-serve) starts one Textual process per
browser tab (`entry.py` is what it runs); `session.PrivateSession` gives each its own private
home directory, removed when the tab closes, so nothing one student's process saves can be
read by another's.
"""
