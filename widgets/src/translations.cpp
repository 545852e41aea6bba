#include "promdir/translations.h"

#include <QCoreApplication>
#include <QDir>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

namespace promdir {

namespace {
const QString kPrefix = QStringLiteral(":/i18n/");
}

QStringList availableTranslations()
{
    QStringList out;
    const QStringList files = QDir(kPrefix).entryList({QStringLiteral("promdir_*.qm")}, QDir::Files, QDir::Name);
    for (const QString &f : files)
        out << f.mid(8).chopped(3); // promdir_<lang>.qm
    return out;
}

bool installTranslations(const QString &language)
{
    const QLocale locale = language.isEmpty() ? QLocale::system() : QLocale(language);
    if (!language.isEmpty())
        QLocale::setDefault(locale);
    auto *app = QCoreApplication::instance();
    auto *own = new QTranslator(app);
    bool ok = own->load(locale, QStringLiteral("promdir"), QStringLiteral("_"), kPrefix);
    // No translation for this language: English, for its plural forms.
    if (ok || own->load(QStringLiteral("promdir_en"), kPrefix))
        QCoreApplication::installTranslator(own);
    else
        delete own;
    // Qt's own strings (standard buttons, file dialogs), when installed.
    auto *qt = new QTranslator(app);
    if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qt);
    else
        delete qt;
    const QString lang = locale.name().section(QLatin1Char('_'), 0, 0);
    return ok || lang == QLatin1String("en") || lang == QLatin1String("C");
}

} // namespace promdir
