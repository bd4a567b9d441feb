"""内容日历: content items, approval, SOP recurrence and relative SOPs, today's due list, and
the marketing nodes (holidays, solar terms, lunar and shop festivals).

The calendar plans and reminds; the operator sends by hand (WeChat forbids auto-publishing).
"""
