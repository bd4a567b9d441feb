"""The built-in templates' layer names in English: in the layer list, the property panel and
the undo history; the template keeps its Chinese names unless the operator renames a layer;
the sample-data choice shows whole."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit, QListWidget

from tests.ui.posters.conftest import layer_index, select


def layer_texts(designer) -> list[str]:
    layers = designer.findChild(QListWidget, "posterLayers")
    return [layers.item(row).text() for row in range(layers.count())]


def test_layer_names_are_english_and_stay_chinese_in_the_template(english, designer):
    texts = layer_texts(designer)
    assert "Text · Footer" in texts and "QR code · Invite QR code" in texts
    assert "Text · Perk 2" in texts  # a numbered one
    assert not any("\u4e00" <= ch <= "\u9fff" for text in texts for ch in text), texts

    index = select(designer, "页脚")
    name = designer.findChild(QLineEdit, "posterLayerName")
    assert name.text() == "Footer"
    steps = designer.undo_stack.count()
    name.editingFinished.emit()  # left as it was: nothing to change
    assert designer.undo_stack.count() == steps
    assert designer.template.layers[index].name == "页脚"

    name.setText("Small print")
    name.editingFinished.emit()
    assert designer.template.layers[index].name == "Small print"
    assert designer.undo_stack.undoText() == "Edit “Footer”"  # the undo history in English


def test_the_chinese_interface_keeps_the_chinese_layer_names(designer):
    assert "文字 · 页脚" in layer_texts(designer)
    select(designer, "页脚")
    assert designer.findChild(QLineEdit, "posterLayerName").text() == "页脚"
    assert layer_index(designer, "页脚") >= 0


def test_the_sample_data_choice_shows_whole(english, designer):
    preview = designer.findChild(QComboBox, "posterPreview")
    sample = preview.itemText(0)
    assert sample == "Sample data (小麦穗)"
    shown = preview.style().subControlRect(
        preview.style().ComplexControl.CC_ComboBox,
        _option(preview),
        preview.style().SubControl.SC_ComboBoxEditField,
        preview,
    )
    assert shown.width() >= preview.fontMetrics().horizontalAdvance(sample)


def _option(combo):
    from PySide6.QtWidgets import QStyleOptionComboBox

    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    return option
