"""分群: RFM segments and behavioural ones (slipping away, new and active, most engaged).

Each segment is a saved filter of the members tab and an export with a suggested action per
row. Everything is computed in SQL from the activity table; team and merged members are left
out, as they are from every statistic.
"""
