"""裂变活动: fission campaigns.

Pure figures over plain inputs (no database; the SQL side feeds them):
inputs    the referral edges and per-member facts a campaign's figures are computed from
waves     seeds, waves, the one inviter each invitee counts under, cycles
figures   K overall and per wave, 裂变率, 分享率, amplification, cycle time, retention, cost, ROI
people    top connectors and the leaderboard
funnel    reached → joined → activated → retained → referred → revenue
forecast  joins per day, group caps, new groups, prize and budget burn

Pure decisions over plain facts (the database side feeds them and applies the results):
settings     each type's own settings, checked, to and from the campaigns table's JSON
facts        what decisions read besides the edges: people, helps, teams, draws, swaps, reviews
eligibility  the switches (new only, leave window, first referrer, caps, activation, delay);
             the book that keeps stock and budget from being exceeded
signals      fraud signals with reason codes
review       moderation modes, approve / reject / blacklist, overdue
decisions    a reward decision (its key is the ledger's dedupe key) and the reason codes
rewards/     each type's reward logic: `rewards.decide(settings, facts)`
records   a campaign's record and its status (草稿 → 进行中 ⇄ 暂停 → 已结束 → 已复盘)
"""
