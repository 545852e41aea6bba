// The German translation is complete and loads; English plural forms too.
// The core's problems: said from their codes, the inspector's words are the
// core's own without a translation and German with one.
#include "promdir/problemtext.h"
#include "promdir/translations.h"

#include <QCoreApplication>
#include <QFile>
#include <QTranslator>
#include <QtTest>

#include <set>
#include <vector>

namespace {

// %1..%9 in a sentence.
std::set<QChar> placeholders(const QString &sentence)
{
    std::set<QChar> out;
    for (qsizetype i = 0; i + 1 < sentence.size(); ++i)
        if (sentence.at(i) == QLatin1Char('%') && sentence.at(i + 1).isDigit())
            out.insert(sentence.at(i + 1));
    return out;
}

void removeTranslators()
{
    for (QTranslator *t : QCoreApplication::instance()->findChildren<QTranslator *>()) {
        QCoreApplication::removeTranslator(t);
        delete t;
    }
}

} // namespace

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
    // Without a translation the inspector says a problem in the core's
    // very words, for every code.
    void problemsInTheCoresWords()
    {
        removeTranslators();
        const std::vector<promdir::Phrase> args = {"A", "B", "C", "D", "E"};
        for (promdir::ProblemCode code : promdir::allProblemCodes()) {
            const QString core = QString::fromStdString(promdir::problemText(code, args));
            QCOMPARE(promdir::ProblemText::of(code, args), core);
        }
        const promdir::Problem p = promdir::makeProblem(
            "d/counter_1.db", 40, promdir::ProblemKind::BadKeyShape, promdir::ProblemCode::BadKeyInEntry,
            {promdir::Phrase(promdir::ProblemCode::KeyNotJson, {promdir::ProblemCode::JsonBadEscape}), 36});
        QCOMPARE(promdir::ProblemText::of(p), QString::fromStdString(p.message));
        QCOMPARE(promdir::ProblemText::describe(p), QString::fromStdString(p.describe()));
        // One made by hand is its message.
        const promdir::Problem byHand{"x.db", 0, promdir::ProblemKind::Empty, "as it was"};
        QCOMPARE(promdir::ProblemText::of(byHand), QStringLiteral("as it was"));
    }

    // In German every code has its own sentence, with the same arguments.
    void problemsInGerman()
    {
        QVERIFY(promdir::installTranslations(QStringLiteral("de")));
        for (promdir::ProblemCode code : promdir::allProblemCodes()) {
            const QString english = QString::fromUtf8(promdir::englishTemplate(code));
            const QString german = promdir::ProblemText::sentence(code);
            const QByteArray name = QByteArray::fromStdString(std::string(promdir::nameOf(code)));
            QVERIFY2(!german.isEmpty(), name.constData());
            QVERIFY2(placeholders(german) == placeholders(english), name.constData());
            if (english != QLatin1String("used (%1)")) // the header field's name is the same in German
                QVERIFY2(german != english, name.constData());
        }
        const promdir::Problem p = promdir::makeProblem(
            "d/counter_1.db", 0, promdir::ProblemKind::ForeignFile, promdir::ProblemCode::BadFileName,
            {promdir::Phrase(promdir::ProblemCode::NameUnknownGaugeMode, {"median"})});
        QCOMPARE(promdir::ProblemText::of(p),
                 QStringLiteral("kein Metrikdateiname (unbekannter Gauge-Modus „median“); nicht zusammengeführt"));
        QCOMPARE(promdir::ProblemText::describe(p),
                 QStringLiteral("d/counter_1.db: Offset 0: kein Metrikdateiname (unbekannter Gauge-Modus „median“); "
                                "nicht zusammengeführt"));
        removeTranslators();
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
