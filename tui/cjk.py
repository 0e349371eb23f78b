"""Which characters belong to scripts written without spaces between words (CJK, kana, hangul).

One table for every layer: the index's bigrams, the fuzzy filter's word boundaries
and the HTML whitespace rules all ask the same question.
"""

from __future__ import annotations

#: A regex character-class body (no brackets) of CJK ideographs, kana and hangul.
CJK_CLASS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003ffff"
