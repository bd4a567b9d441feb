"""群聊记录导入: the window over core/chat (choose an export, preview, answer, import)."""
