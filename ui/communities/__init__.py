"""The 社群 tab: community list, detail with figures and growth chart, QR panel, dialogs."""
