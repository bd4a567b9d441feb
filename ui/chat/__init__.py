"""The chat history on screen: the import window, and what the chat says in other tabs."""
