"""社群: the community registry, the group QR tracker, the 需要处理 list and per-group summaries.

registry   create/edit/archive, delete-or-trash, restore, owner and admins
qr         decode an attached QR image (zxing-cpp), days left
attention  the warnings of the 需要处理 list (QR expiry, scan-in and member caps)
summary    members now, joins/leaves, active share, role mix, growth series
limits     WeChat/WeCom limits read from the settings table
cli        `main.py communities list` and `main.py qr status`
"""
