"""The 裂变树 page in a plain tab: the seeds first, a node's invitees read only when it
opens, the search by pinyin opening the path down to a participant and saying who brought them
and whom they brought, and the cascade picture saved as PNG."""

from __future__ import annotations

from PIL import Image
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QTreeView,
)

from core.members.editing import refresh_search_keys
from db.models import Member
from tests.core.campaigns import tree15_db
from tests.ui.campaigns.page_host import host
from ui.campaigns.tree_page import MEMBER, TreePage


def _campaign(database) -> int:
    with database.session(write=True) as session:
        campaign = tree15_db.load(session)
        for member, name in ((15, "张小凡"), (12, "李雷")):
            row = session.get(Member, member)
            row.nickname = name
            refresh_search_keys(session, row)
    return campaign


def _imported(database) -> int:
    """A campaign known only from LinkWeChat's 群裂变明细: two rows, one matched to a member."""
    from db.referral_models import Campaign, CampaignToolTotal

    with database.session(write=True) as session:
        member = Member(nickname="小王")
        campaign = Campaign(name="导入的群裂变")
        session.add_all([member, campaign])
        session.flush()
        for name, matched, state, count in (("小王-2栋", member.id, "done", 5),
                                            ("陌生人", None, "not_done", 2)):  # fmt: skip
            row = CampaignToolTotal(campaign_id=campaign.id, source="linkwechat_group", name=name,
                                    community_name="烘焙1群", staff="李四", state=state,
                                    new_customers=count)  # fmt: skip
            row.member_id = matched
            session.add(row)
        campaign_id = campaign.id
    return campaign_id


def _children(item) -> list:
    return [item.child(row, 0).data(MEMBER) for row in range(item.rowCount())]


def test_the_tree_opens_level_by_level(app, qtbot, sqlite_database):
    campaign = _campaign(sqlite_database)
    tab = host(qtbot, sqlite_database, TreePage)
    page = tab.page
    page.show_campaign(campaign)
    qtbot.waitUntil(lambda: not tab.busy() and page.model.rowCount() == 3, timeout=60_000)
    model = page.model
    one = model.item(0, 0)
    assert [model.item(r, 0).data(MEMBER) for r in range(3)] == [1, 2, 3]
    assert [model.item(0, c).text() for c in range(2, 6)] == ["0（种子）", "3", "3", "10"]
    assert _children(one) == [None]  # a placeholder: nothing read below a closed node
    assert not model.item(2, 0).hasChildren()  # 3 brought nobody: no arrow
    tree = page.findChild(QTreeView, "campaign_tree_view")
    tree.expand(one.index())
    qtbot.waitUntil(lambda: _children(one) == [4, 5, 6], timeout=60_000)
    four = one.child(0, 0)
    assert [one.child(0, c).text() for c in range(2, 6)] == ["1", "2", "2", "5"]
    assert _children(four) == [None]  # the next level still unread


def test_search_opens_the_path_and_tells_who_brought_whom(app, qtbot, sqlite_database):
    campaign = _campaign(sqlite_database)
    tab = host(qtbot, sqlite_database, TreePage)
    page = tab.page
    page.show_campaign(campaign)
    qtbot.waitUntil(lambda: not tab.busy() and page.model.rowCount() == 3, timeout=60_000)
    page.findChild(QLineEdit, "campaign_tree_search").setText("lil")  # 李雷 by initials
    path = page.findChild(QLabel, "campaign_tree_path")
    brought = page.findChild(QLabel, "campaign_tree_brought")
    qtbot.waitUntil(lambda: path.text() == "m1 → m4 → m8 → 李雷", timeout=60_000)
    qtbot.waitUntil(lambda: brought.text() == "1 人：张小凡", timeout=60_000)
    current = page.findChild(QTreeView, "campaign_tree_view").currentIndex()
    assert current.data(MEMBER) == 12
    page.findChild(QLineEdit, "campaign_tree_search").setText("没有这个人")
    matches = page.matches
    qtbot.waitUntil(lambda: matches.count() == 1 and "没有找到" in matches.item(0).text(),
                    timeout=60_000)  # fmt: skip


def test_the_cascade_picture_is_shown_and_saved(app, qtbot, sqlite_database, tmp_path,
                                                monkeypatch):  # fmt: skip
    campaign = _campaign(sqlite_database)
    tab = host(qtbot, sqlite_database, TreePage)
    page = tab.page
    page.show_campaign(campaign)
    page.findChild(QTabWidget, "campaign_tree_views").setCurrentIndex(1)
    picture = page.findChild(QLabel, "campaign_cascade_picture")
    qtbot.waitUntil(lambda: not picture.full.isNull(), timeout=60_000)
    target = tmp_path / "cascade"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    page.findChild(QPushButton, "campaign_cascade_save").click()
    saved = Image.open(tmp_path / "cascade.png")
    assert saved.size == (picture.full.width(), picture.full.height())
    assert picture.pixmap().width() <= picture.width()  # scaled into the page, no side scroll
    assert saved.size[0] == 1200


def test_a_campaign_of_imported_totals_shows_them_and_says_why_there_is_no_tree(
    app, qtbot, sqlite_database
):
    """LinkWeChat's 群裂变明细 gives each participant's count, not who invited whom: the page
    says so (and which figures it cannot give) and shows the totals, not 还没有参与者."""
    campaign_id = _imported(sqlite_database)
    tab = host(qtbot, sqlite_database, TreePage)
    page = tab.page
    page.show_campaign(campaign_id)
    totals = page.findChild(QTableView, "campaign_tree_totals_table")
    qtbot.waitUntil(lambda: not tab.busy() and totals.model().rowCount() == 2, timeout=60_000)
    assert page.switch.currentWidget() is page.totals_view and totals.isVisible()
    notice = page.findChild(QLabel, "campaign_tree_totals_notice").text()
    assert "没有谁邀请了谁" in notice and "第几波" in notice
    summary = page.findChild(QLabel, "campaign_tree_totals_summary").text()
    assert "2 位参与者共带来 7 位新客" in summary and "认出成员 1 位" in summary
    model = totals.model()
    assert [model.index(0, c).data() for c in range(6)] == [
        "小王-2栋", "小王", "烘焙1群", "李四", "已完成", "5"
    ]  # fmt: skip
    assert model.index(1, 1).data() == "未认出"
    views = page.findChild(QTabWidget, "campaign_tree_views")
    views.setCurrentIndex(1)  # the cascade picture: the same reason, no empty drawing
    picture = page.findChild(QLabel, "campaign_cascade_picture")
    assert "没有谁邀请了谁" in picture.text()
    assert not page.findChild(QPushButton, "campaign_cascade_save").isEnabled()


def test_the_participants_page_of_imported_totals_points_to_them(app, qtbot, sqlite_database):
    """The 参与者 page has no members to list for such a campaign: it says where the 2
    participants of the export are, and why there is no more, not just 0 人."""
    from ui.campaigns.participants_page import ParticipantsPage

    campaign_id = _imported(sqlite_database)
    tab = host(qtbot, sqlite_database, ParticipantsPage)
    tab.page.show_campaign(campaign_id)
    notice = tab.page.findChild(QLabel, "campaign_participants_imported")
    qtbot.waitUntil(lambda: not tab.busy() and notice.isVisible(), timeout=60_000)
    assert "2 位参与者来自导入的明细" in notice.text() and "没有谁邀请了谁" in notice.text()
