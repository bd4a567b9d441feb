"""Units after a number, agreeing with it in English ("1 day", "2 days"): Qt's plural
forms (`tr("%n 天", "", n)`), in one place for every screen."""

from __future__ import annotations

from PySide6.QtCore import QObject


class Units(QObject):
    # lupdate sees plurals only in tr() calls, so these are methods of a QObject.
    def days(self, n: int) -> str:
        return self.tr("%n 天", "", n)

    def days_left(self, n: int) -> str:
        return self.tr("剩 %n 天", "", n)

    def points(self, n: int) -> str:
        return self.tr("%n 分", "", n)

    def points_per_yuan(self, n: int) -> str:
        return self.tr("%n 分/元", "", n)

    def times(self, n: int) -> str:
        return self.tr("%n 次", "", n)

    def members(self, n: int) -> str:
        return self.tr("%n 人", "", n)


units = Units()
