"""Activity (行为记录): events, check-ins and the 接龙 parser (issue 6).

jielong   parse a pasted WeChat 接龙 message into check-in entries (no database)
"""
