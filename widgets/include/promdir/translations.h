#pragma once
// Loads promdir's translations (compiled into Promdir::Widgets from
// translations/promdir_<lang>.ts) and Qt's own for the standard dialogs.

#include <QString>

namespace promdir {

// `language`: "de", "de_DE", ...; empty: the system locale. Installs the
// translators on the application; true when promdir's own was found
// ("en" and the source language need none and return true).
bool installTranslations(const QString &language = {});

// The languages promdir ships, e.g. {"de"}.
QStringList availableTranslations();

} // namespace promdir
