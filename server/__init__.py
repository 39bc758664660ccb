"""Parley's server, in layers from the inside out; each imports only the layers inside it.

    server/scenario/   1. scenario model: pydantic models of a scenario file, its checks
    server/engine/     2. game engine: pure and synchronous, state + command -> events
    server/protocol/   3. wire protocol: pydantic models of every message (client and server)
    server/store/      4. the event log in SQLite; its format versions and upcasters (upcast.py)
    server/runtime/    4. rooms, seats, tokens, timers, who sees what, bots' seats
    server/net/        5. the websockets server (an adapter over the runtime)

Beside the layers, never importing the runtime or the network:

    server/bots/       strategies and the bot seat (in process, or over the wire)
    server/analysis/   outcome spaces, scenario checks, debriefs, class reports
    server/replay/     recorded games: cursor, transcript, exports

And on top of everything, the one wiring place:

    server/cli/        `parley`: every subcommand; the only code importing both server and client

The client (`client/`) imports `server.protocol`, and for the replay viewer `server.replay`,
nothing else of the server. The import contracts in pyproject.toml (import-linter, run by the
test suite) hold all of this; DESIGN.md explains why.
"""
