"""合并重复成员: who is probably the same person, merging two members into one, and undo.

Suggestions come in two kinds. *Certain* pairs share a strong id (unionid, wxid, WeCom
external id, 微信号, phone) yet are still two members, e.g. one was added by hand. *Similar*
pairs have names that look or sound alike (nickname, remark or a group nickname) AND share a
community or an inviter. A pair is never suggested when a strong id differs (both present and
different), when the user said "不是同一人", or when one is a team member and the other is not.
A team member's group nicknames are no evidence at all (staff take the shop's name as their
group nickname), and two group nicknames alike while the nicknames differ score GROUP_ONLY_SCORE.

Candidates are blocked, never compared all against all: within each community and within each
inviter's invitees, names are grouped by keys (the name tidied, its pinyin, the name with one
character left out), and only names sharing a key are scored. A block costs linear time in its
size: the 100000-member demo (300 groups) takes about 2.5 s, most of it reading the rows.

A merge hands every row of the merged member to the kept one and records in
`MemberMerge.moved` exactly what it did, so `undo_merge` can put every row back.

One module per job: `names` (how alike two names are), `suggestions` (who is probably one
person), `sides` (the dialog's view of a pair), `records` (what a merge records), `merge`,
`undo`, `history`.
"""
