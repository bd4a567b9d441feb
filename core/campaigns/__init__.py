"""裂变活动: fission campaigns.

Pure figures over plain inputs (no database; the SQL side feeds them):
inputs    the referral edges and per-member facts a campaign's figures are computed from
waves     seeds, waves, the one inviter each invitee counts under, cycles
figures   K overall and per wave, 裂变率, 分享率, amplification, cycle time, retention, cost, ROI
people    top connectors and the leaderboard
funnel    reached → joined → activated → retained → referred → revenue
forecast  joins per day, group caps, new groups, prize and budget burn
"""
