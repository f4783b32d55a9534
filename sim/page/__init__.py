"""The interactive Mesa (Solara) page and the server that runs it offline."""
