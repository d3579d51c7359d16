#pragma once
// Every string a person reads in the window goes through tr() where it is shown (style.md §13):
// tr("Play"), ImGui::Text(tr("t = %d of %d"), t, T). Sentences with placeholders, never glued
// fragments, so a translator can reorder them. Until the catalogue lands, tr() returns its argument.
inline const char* tr(const char* msgid) { return msgid; }
