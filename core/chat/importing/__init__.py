"""Group chat history, second layer: a chat export turned into members, activity, memberships,
the group's name history and referral edges.

    plan = plan_chat_import(session, path, community=…, day=…, answers=…, keep_text=…)
    plan.chats            # one per chat: its community, senders resolved, counts, questions
    apply_chat_import(session, plan, progress=…, cancelled=…)   # core.chat.importing.apply

The plan reads the export once (streamed) and keeps only what it needs to ask and to show;
applying it reads the export again and writes in the caller's transaction. What follows in
other features (earn rules, levels) is core/workflows/chat_import.py's.
"""
