"""积分台账: the append-only points ledger, earn rules, catalogue and redemption, liability.

No front door: import a name from the module that does its job, as every other feature does.

entries     writing the journal: awards, FEFO spending, reversals, clawbacks, expiry
awards      points earned by activity through the earn rules (`award_for_activities`)
event_order the records those rules look at, in (time, id) order, a bounded chunk at a time
rules       versioned earn rules
balances    balances, statements, the journal, `qualifying_points_since` for level criteria
catalogue   积分商城: rewards, redemption and its fulfilment
liability   figures for the boss; export: the ledger to Excel
picker      the member picker with each member's spendable points
merges      merging members and their entries; references, reasons: entries in words
limits      the bounds of the window's number boxes
cli         `main.py ledger …`
"""
