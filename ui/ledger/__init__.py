"""积分 tab: statements, journal, rules, catalogue, fulfilment, liability."""
