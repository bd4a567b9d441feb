"""The 分群 (segments) screens: the members tab's segment filter and its export."""
