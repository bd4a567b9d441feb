"""The 活动 tab: fission campaigns (裂变活动), their record, progress, review, tree and forecast."""
