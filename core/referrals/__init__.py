"""Invite codes and referral edges (邀请码与邀请关系).

- invite_codes: the alphabet, the keyed permutation, a member's standing code (derived from the
  member id, or the 邀请码 custom field) and the invite link a QR code carries.
- codes: campaign codes (short, with a check character), normalising what people type.
- issuing: every code handed out is stored (table invite_codes) and found by value.
- resolving: a typed code → its member, or a refusal that says "did you mean …".
- edges: who brought whom (table referral_edges), from which sources, and its status; a
  member's single inviter (members.inviter_id) is derived from them.
"""
