"""Layer 5 (server side): the websockets adapter. `ParleyServer` is in server.py."""
