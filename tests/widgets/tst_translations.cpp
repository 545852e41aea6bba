// The German translation is complete and loads; English plural forms too.
#include "promdir/translations.h"

#include <QCoreApplication>
#include <QFile>
#include <QtTest>

class TestTranslations : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void shipped()
    {
        const QStringList langs = promdir::availableTranslations();
        QVERIFY2(langs.contains(QStringLiteral("de")), qPrintable(langs.join(QLatin1Char(','))));
        QVERIFY(langs.contains(QStringLiteral("en")));
    }
    void germanIsComplete()
    {
        QFile ts(QStringLiteral(PROMDIR_SOURCE_DIR "/translations/promdir_de.ts"));
        QVERIFY(ts.open(QIODevice::ReadOnly));
        const QByteArray text = ts.readAll();
        QVERIFY(text.contains("<message"));
        QCOMPARE(text.count("type=\"unfinished\""), 0);
        QCOMPARE(text.count("type=\"vanished\""), 0);
    }
    void germanLoads()
    {
        QVERIFY(promdir::installTranslations(QStringLiteral("de")));
        QCOMPARE(QCoreApplication::translate("promdir::MainWindow", "No directory open"),
                 QStringLiteral("Kein Verzeichnis geöffnet"));
        QCOMPARE(QCoreApplication::translate("promdir::MainWindow", "%n file(s)", nullptr, 3),
                 QStringLiteral("3 Dateien"));
        QCOMPARE(QCoreApplication::translate("promdir::MainWindow", "%n file(s)", nullptr, 1),
                 QStringLiteral("1 Datei"));
        QCOMPARE(QCoreApplication::translate("promdir::ProcessModel", "dead"), QStringLiteral("tot"));
    }
};

QTEST_GUILESS_MAIN(TestTranslations)
#include "tst_translations.moc"
