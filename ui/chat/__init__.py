"""The chat history on screen: the import window (choose an export, preview, answer, import) and
what the chat says in other tabs (heat map, best times, first and last message)."""
