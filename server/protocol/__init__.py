"""The wire protocol shared by the server, the Textual client and network bots."""
