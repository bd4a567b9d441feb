"""chat messages: whether the time of day is real, whether a quote answers a question

`chat_messages.time_known` (default true) is false for text copied from the Windows client,
which carries only the day the owner gave (stored at midnight): hour-based figures (the
heat map, best send times) leave such messages out. `chat_messages.quotes_question` is true
when the message quotes a question, false when it quotes something else, and NULL when the
format does not keep the quoted text: evidence of answer-givers (贡献者). Existing rows keep
true / NULL (the chat import landed the same day: no Windows-copied history is known).

Numbered 0014 beside other branches' migrations; the merge re-chains it.

Create Date: 2026-12-06 09:45:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"


def upgrade() -> None:
    with op.batch_alter_table("chat_messages", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("time_known", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(sa.Column("quotes_question", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("chat_messages", schema=None) as batch_op:
        batch_op.drop_column("quotes_question")
        batch_op.drop_column("time_known")
