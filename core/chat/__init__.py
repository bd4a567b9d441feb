"""Group chat history (群聊记录导入), first layer: chat exports read into one neutral stream.

    found = open_chats(path, day=None)        # core.chat.detect: a file or a whole export folder
    for export in found.chats:                # one per chat (a folder may hold many)
        export.chat                           # format, chat id, name, is_group
        for event in export.events():         # streamed: bounded memory for any size
            ...                               # Message, Join, Removal, Rename, Recall, Pat,
                                              # RedPacketClaim, Notice — or Unreadable (line, why)
    found.skipped                             # files in the folder that are no chat export

model.py (the event shapes), detect.py (which exporter, by content), formats/ (one reader per
exporter), system.py (WeChat's system messages as events), textfile.py / csvrows.py /
jsonstream.py (refusing hostile files; streaming lines, CSV records and JSON array items).
Nothing here writes to the database: resolving people to members, activity, memberships and
referral edges is the import's job on top of this stream.
"""
